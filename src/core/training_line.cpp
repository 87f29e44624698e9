#include "core/training_line.hpp"

#include <cstring>
#include <string>

#include "core/training_export.hpp"

namespace hitlai::training {
namespace {

constexpr std::string_view kUserHead = "}, {\"role\": \"user\", \"content\": ";
constexpr std::string_view kAssistantHead = "}, {\"role\": \"assistant\", \"content\": ";
constexpr std::string_view kTail = "}]}";

// Everything before the user's content: the opening and the whole system message, its
// prompt escaped once (the prompt is a constant).
const std::string& head() {
  static const std::string h = [] {
    std::string s = "{\"messages\": [{\"role\": \"system\", \"content\": ";
    std::string esc(json_escape_bound(kSystemPrompt.size()), '\0');
    esc.resize(static_cast<std::size_t>(json_escape(kSystemPrompt, esc.data()) - esc.data()));
    return s + esc;
  }();
  return h;
}

// Bytes a JSON string holds as they are.
struct EscapeTable {
  bool plain[256];
  constexpr EscapeTable() : plain() {
    for (int c = 0; c < 256; ++c) plain[c] = c >= 0x20 && c != '"' && c != '\\';
  }
};
constexpr EscapeTable kEscape;

}  // namespace

char* escape_json_string(std::string_view s, char* out) noexcept {
  static const char hex[] = "0123456789abcdef";
  *out++ = '"';
  for (unsigned char c : s) {
    if (kEscape.plain[c]) {
      *out++ = static_cast<char>(c);
      continue;
    }
    *out++ = '\\';
    switch (c) {
      case '"': *out++ = '"'; break;
      case '\\': *out++ = '\\'; break;
      case '\b': *out++ = 'b'; break;
      case '\f': *out++ = 'f'; break;
      case '\n': *out++ = 'n'; break;
      case '\r': *out++ = 'r'; break;
      case '\t': *out++ = 't'; break;
      default:
        *out++ = 'u'; *out++ = '0'; *out++ = '0';
        *out++ = hex[c >> 4]; *out++ = hex[c & 15];
    }
  }
  *out++ = '"';
  return out;
}

namespace {

char* put(char* out, std::string_view s) noexcept {
  std::memcpy(out, s.data(), s.size());
  return out + s.size();
}

}  // namespace

std::size_t line_bound(std::size_t user_len, std::size_t assistant_len) noexcept {
  return head().size() + kUserHead.size() + json_escape_bound(user_len) +
         kAssistantHead.size() + json_escape_bound(assistant_len) + kTail.size();
}

char* write_line(std::string_view user, std::string_view assistant, char* out) noexcept {
  out = put(out, head());
  out = put(out, kUserHead);
  out = escape_json_string(user, out);
  out = put(out, kAssistantHead);
  out = escape_json_string(assistant, out);
  return put(out, kTail);
}

}  // namespace hitlai::training
