// F1: the JSONL line written as text (src/core/training_line.hpp).
#include "core/training_line.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "core/training_export.hpp"

using namespace hitlai::training;

namespace {
// escape_json_string's output (quoted).
std::string quoted(std::string_view s) {
  std::string out(json_escape_bound(s.size()), '\0');
  out.resize(static_cast<std::size_t>(escape_json_string(s, out.data()) - out.data()));
  return out;
}
// The line as training_jsonl writes it: the fixed parts around the escaped contents.
std::string line(std::string_view user, std::string_view assistant) {
  const std::string u = quoted(user), a = quoted(assistant);
  return std::string(line_prefix()) + u.substr(1, u.size() - 2) + std::string(line_middle()) +
         a.substr(1, a.size() - 2) + std::string(line_suffix());
}
std::string esc(std::string_view s) {
  std::string out(json_escape_bound(s.size()), '\0');
  out.resize(static_cast<std::size_t>(json_escape(s, out.data()) - out.data()));
  return out;
}
// The line as jsonb's output prints it, from json_escape: the reference.
std::string reference(std::string_view user, std::string_view assistant) {
  return "{\"messages\": [{\"role\": \"system\", \"content\": " + esc(kSystemPrompt) +
         "}, {\"role\": \"user\", \"content\": " + esc(user) +
         "}, {\"role\": \"assistant\", \"content\": " + esc(assistant) + "}]}";
}
}  // namespace

TEST(TrainingLine, ExactBytesOfJsonbOutput) {  // F1
  EXPECT_EQ(line("{\"a\":1}", "[]"),
            std::string("{\"messages\": [{\"role\": \"system\", \"content\": \"") +
                std::string(kSystemPrompt) +
                "\"}, {\"role\": \"user\", \"content\": \"{\\\"a\\\":1}\"}, "
                "{\"role\": \"assistant\", \"content\": \"[]\"}]}");
}

TEST(TrainingLine, EmptyContents) {  // F1
  EXPECT_EQ(line("", ""), reference("", ""));
}

TEST(TrainingLine, EveryByteEscapedAsJsonbOutputDoes) {  // F1
  for (int c = 0; c < 256; ++c) {
    const std::string s(1, static_cast<char>(c));
    EXPECT_EQ(line(s, "x" + s + "y"), reference(s, "x" + s + "y")) << "byte " << c;
  }
  // The doubly escaped backslash and quote of a JSON string inside a JSON string.
  EXPECT_NE(line("{\"k\":\"a\\\\b\"}", "").find("\\\"a\\\\\\\\b\\\""), std::string::npos);
}

TEST(TrainingLine, RandomContentsMatchTheReference) {  // F1
  std::mt19937 rng(16);
  const char pool[] = "ab\"\\\n\r\t\b\f\x01\x1f {}:,\xc3\xa9\xe2\x9c\x93";
  for (int i = 0; i < 2000; ++i) {
    std::string u, a;
    for (int k = rng() % 300; k > 0; --k) u += pool[rng() % (sizeof pool - 1)];
    for (int k = rng() % 300; k > 0; --k) a += static_cast<char>(rng() % 256);
    ASSERT_EQ(line(u, a), reference(u, a)) << i;
  }
}

TEST(TrainingLine, WorstCaseContents) {  // F1
  const std::string worst(1000, '\x01');  // \u0001: six bytes each
  EXPECT_EQ(line(worst, worst), reference(worst, worst));
}

TEST(TrainingLine, EscapeJsonStringIsJsonEscape) {  // F1
  std::mt19937 rng(61);
  for (int i = 0; i < 3000; ++i) {
    std::string s;
    for (int k = rng() % 200; k > 0; --k) s += static_cast<char>(i < 256 ? i : rng() % 256);
    std::string got(json_escape_bound(s.size()), '\0');
    got.resize(static_cast<std::size_t>(escape_json_string(s, got.data()) - got.data()));
    ASSERT_EQ(got, esc(s)) << i;
  }
}

namespace {
std::string twice(std::string_view s) {
  std::string out(escape_twice_bound(s.size()), '\0');
  out.resize(static_cast<std::size_t>(escape_twice(s, out.data()) - out.data()));
  return out;
}
}  // namespace

TEST(TrainingLine, EscapeTwiceIsEscapingTwice) {  // F1
  for (int c = 0; c < 256; ++c) {
    const std::string s = "ab" + std::string(1, static_cast<char>(c)) + "cdefghijklmnop";
    ASSERT_EQ("\"\\\"" + twice(s) + "\\\"\"", esc(esc(s))) << "byte " << c;
  }
  std::mt19937 rng(77);
  for (int i = 0; i < 3000; ++i) {
    std::string s;
    for (int k = rng() % 200; k > 0; --k) s += static_cast<char>(rng() % 256);
    ASSERT_EQ("\"\\\"" + twice(s) + "\\\"\"", esc(esc(s))) << i;
  }
  const std::string worst(100, '\x01');  // \\u0001: seven bytes each
  EXPECT_EQ(twice(worst).size(), escape_twice_bound(worst.size()));
}

// The word-at-a-time copy: a byte that needs escaping at every position of long plain
// runs (each of the 8 lanes of a word, and across word boundaries), and plain bytes at
// the edges of each class (0x1f/0x20, 0x21/0x22/0x23, 0x5b/0x5c/0x5d, 0x7f, 0x80, 0xff).
TEST(TrainingLine, EveryPositionOfLongRuns) {  // F1
  const unsigned char edges[] = {0x00, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x5b, 0x5c, 0x5d, 0x7f, 0x80, 0xff};
  for (unsigned char e : edges)
    for (std::size_t len : {7u, 8u, 9u, 15u, 16u, 17u, 40u})
      for (std::size_t pos = 0; pos < len; ++pos) {
        std::string s(len, 'q');
        s[pos] = static_cast<char>(e);
        std::string got(json_escape_bound(s.size()), '\0');
        got.resize(static_cast<std::size_t>(escape_json_string(s, got.data()) - got.data()));
        ASSERT_EQ(got, esc(s)) << int(e) << " at " << pos << " of " << len;
        ASSERT_EQ("\"\\\"" + twice(s) + "\\\"\"", esc(esc(s))) << int(e) << " at " << pos;
      }
}
