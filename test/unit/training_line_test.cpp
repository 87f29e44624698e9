// F1: the JSONL line written as text (src/core/training_line.hpp).
#include "core/training_line.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "core/training_export.hpp"

using namespace hitlai::training;

namespace {
std::string line(std::string_view user, std::string_view assistant) {
  std::string out(line_bound(user.size(), assistant.size()), '\0');
  char* end = write_line(user, assistant, out.data());
  EXPECT_LE(static_cast<std::size_t>(end - out.data()), out.size());
  out.resize(static_cast<std::size_t>(end - out.data()));
  return out;
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

TEST(TrainingLine, BoundHoldsForTheWorstCase) {  // F1
  const std::string worst(1000, '\x01');  // \u0001: six bytes each
  EXPECT_EQ(line(worst, worst), reference(worst, worst));
  EXPECT_GE(line_bound(worst.size(), worst.size()), reference(worst, worst).size());
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
