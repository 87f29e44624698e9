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

// json_escape's output, faster: runs of bytes that need no escape are copied at once.
struct EscapeTable {
  bool plain[256];
  constexpr EscapeTable() : plain() {
    for (int c = 0; c < 256; ++c) plain[c] = c >= 0x20 && c != '"' && c != '\\';
  }
};
constexpr EscapeTable kEscape;

char* escape(std::string_view s, char* out) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  *out++ = '"';
  while (p < end) {
    const auto* run = p;
    while (p < end && kEscape.plain[*p]) ++p;
    std::memcpy(out, run, static_cast<std::size_t>(p - run));
    out += p - run;
    if (p == end) break;
    // One byte that needs escaping: as json_escape writes it (without its quotes).
    char tmp[8];
    char* e = json_escape(std::string_view(reinterpret_cast<const char*>(p), 1), tmp);
    std::memcpy(out, tmp + 1, static_cast<std::size_t>(e - tmp - 2));
    out += e - tmp - 2;
    ++p;
  }
  *out++ = '"';
  return out;
}

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
  out = escape(user, out);
  out = put(out, kAssistantHead);
  out = escape(assistant, out);
  return put(out, kTail);
}

}  // namespace hitlai::training
