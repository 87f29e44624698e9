#include "core/training_line.hpp"

#include <cstdint>
#include <cstring>
#include <string>

#include "core/training_export.hpp"

namespace hitlai::training {
namespace {

constexpr std::string_view kUserHead = "}, {\"role\": \"user\", \"content\": ";
constexpr std::string_view kAssistantHead = "}, {\"role\": \"assistant\", \"content\": ";

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

// Whether any of the 8 bytes of w needs escaping: below 0x20, '"' or '\\' (exact: the
// borrow of the subtraction only reaches a byte above one that is itself below 0x20).
inline bool word_needs_escape(std::uint64_t w) noexcept {
  constexpr std::uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
  const std::uint64_t q = w ^ (kOnes * '"'), b = w ^ (kOnes * '\\');
  const std::uint64_t below = (w - kOnes * 0x20) & ~w;
  const std::uint64_t quote = (q - kOnes) & ~q;
  const std::uint64_t bslash = (b - kOnes) & ~b;
  return ((below | quote | bslash) & kHigh) != 0;
}

// Copies the leading run of bytes that need no escaping, 8 at a time; returns how many.
inline std::size_t plain_run(const char* p, std::size_t n, char* out) noexcept {
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t w;
    std::memcpy(&w, p + i, 8);
    if (word_needs_escape(w)) break;
    std::memcpy(out + i, &w, 8);
  }
  return i;
}

// The escaped bytes of s (no quotes), once or twice: a byte that needs escaping is
// written as its escape once (\" \\ \n … \u00XX) and, escaped again, with that escape's
// backslash doubled and its quote or backslash escaped (\\\" \\\\ \\n … \\u00XX).
// Runs of bytes that need nothing are copied 8 at a time.
template <bool kTwice>
char* escape_contents(std::string_view s, char* out) noexcept {
  static const char hex[] = "0123456789abcdef";
  const char* p = s.data();
  std::size_t n = s.size();
  while (n > 0) {
    const std::size_t k = plain_run(p, n, out);
    p += k, out += k, n -= k;
    // At most 8 bytes one at a time, then try whole words again.
    for (std::size_t j = n < 8 ? n : 8; j > 0; --j, --n) {
      const unsigned char c = static_cast<unsigned char>(*p++);
      if (kEscape.plain[c]) {
        *out++ = static_cast<char>(c);
        continue;
      }
      *out++ = '\\';
      if (kTwice) *out++ = '\\';
      switch (c) {
        case '"':
        case '\\':
          if (kTwice) *out++ = '\\';
          *out++ = static_cast<char>(c);
          break;
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
  }
  return out;
}

}  // namespace

char* escape_json_string(std::string_view s, char* out) noexcept {
  *out++ = '"';
  out = escape_contents<false>(s, out);
  *out++ = '"';
  return out;
}

char* escape_twice(std::string_view s, char* out) noexcept { return escape_contents<true>(s, out); }

std::string_view line_prefix() noexcept {
  static const std::string p = head() + std::string(kUserHead) + "\"";
  return p;
}

std::string_view line_middle() noexcept {
  static const std::string m = "\"" + std::string(kAssistantHead) + "\"";
  return m;
}

std::string_view line_suffix() noexcept { return "\"}]}"; }

}  // namespace hitlai::training
