// F1/F2: split hash, argument checks, JSON escaping of the export lines.
#include "core/training_export.hpp"

#include <gtest/gtest.h>

#include <array>
#include <random>
#include <string>

#include "core/error.hpp"

using namespace hitlai::training;

namespace {
std::array<unsigned char, 16> uuid_bytes(const char* hex32) {
  std::array<unsigned char, 16> b{};
  for (int i = 0; i < 16; ++i) b[i] = static_cast<unsigned char>(std::stoi(std::string(hex32 + 2 * i, 2), nullptr, 16));
  return b;
}
std::string esc(std::string_view s) {
  std::string out(json_escape_bound(s.size()), '\0');
  char* end = json_escape(s, out.data());
  out.resize(end - out.data());
  return out;
}
std::string sqlstate_and_message(void (*f)()) {
  try {
    f();
  } catch (const hitlai::Error& e) {
    return e.sqlstate_text() + " " + e.message();
  }
  return "";
}
}  // namespace

// Reference values computed independently (Python, the same FNV-1a 64 + splitmix64
// finalizer): they pin the split for every machine and every future build.
TEST(TrainingExport, StableHashKnownValues) {  // F1
  EXPECT_EQ(stable_hash(nullptr, 0), 0xf52a15e9a9b5e89bULL);
  auto z = uuid_bytes("00000000000000000000000000000000");
  EXPECT_EQ(stable_hash(z.data(), 16), 0x68752350ae1d483fULL);
  EXPECT_EQ(split_bucket(z.data()), 59);
  auto d1 = uuid_bytes("000000000000000000000000000000d1");
  EXPECT_EQ(stable_hash(d1.data(), 16), 0xd042a761e06d1cabULL);
  EXPECT_EQ(split_bucket(d1.data()), 35);
  auto u = uuid_bytes("123e4567e89b12d3a456426614174000");
  EXPECT_EQ(stable_hash(u.data(), 16), 0x40b1b038949956a4ULL);
  EXPECT_EQ(split_bucket(u.data()), 24);
  auto f = uuid_bytes("ffffffffffffffffffffffffffffffff");
  EXPECT_EQ(split_bucket(f.data()), 37);
}

TEST(TrainingExport, SplitThresholds) {  // F1
  auto u = uuid_bytes("123e4567e89b12d3a456426614174000");  // bucket 24
  EXPECT_EQ(split_of(u.data(), 0), Split::kTrain);
  EXPECT_EQ(split_of(u.data(), 24), Split::kTrain);
  EXPECT_EQ(split_of(u.data(), 25), Split::kValidation);
  EXPECT_EQ(split_of(u.data(), 50), Split::kValidation);
  EXPECT_EQ(split_name(Split::kTrain), "train");
  EXPECT_EQ(split_name(Split::kValidation), "validation");
}

TEST(TrainingExport, SplitShareIsAboutThePercent) {  // F1: "about validation_percent %"
  std::mt19937_64 rng(42);
  for (int pct : {0, 1, 10, 25, 50}) {
    int n = 200000, v = 0;
    for (int i = 0; i < n; ++i) {
      std::array<unsigned char, 16> b;
      for (auto& c : b) c = static_cast<unsigned char>(rng());
      v += split_of(b.data(), pct) == Split::kValidation;
    }
    EXPECT_NEAR(100.0 * v / n, pct, 0.3) << pct;
  }
}

TEST(TrainingExport, Arguments) {  // F1: 22023 naming the argument
  EXPECT_FALSE(parse_split_filter(std::nullopt));
  EXPECT_EQ(parse_split_filter(std::string_view("train")), Split::kTrain);
  EXPECT_EQ(parse_split_filter(std::string_view("validation")), Split::kValidation);
  EXPECT_EQ(sqlstate_and_message([] { parse_split_filter(std::string_view("test")); }),
            "22023 invalid value for argument \"split\": \"test\"");
  EXPECT_EQ(sqlstate_and_message([] { parse_split_filter(std::string_view("Train")); }).substr(0, 5), "22023");
  EXPECT_EQ(check_validation_percent(0), 0);
  EXPECT_EQ(check_validation_percent(50), 50);
  EXPECT_EQ(sqlstate_and_message([] { check_validation_percent(51); }),
            "22023 argument \"validation_percent\" must be between 0 and 50, got 51");
  EXPECT_EQ(sqlstate_and_message([] { check_validation_percent(-1); }).substr(0, 5), "22023");
  EXPECT_EQ(sqlstate_and_message([] { check_validation_percent(std::nullopt); }),
            "22023 argument \"validation_percent\" must be between 0 and 50, got NULL");
}

TEST(TrainingExport, JsonEscape) {  // F1: content strings
  EXPECT_EQ(esc(""), "\"\"");
  EXPECT_EQ(esc("plain"), "\"plain\"");
  EXPECT_EQ(esc("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(esc("l1\nl2\r\t\b\f"), "\"l1\\nl2\\r\\t\\b\\f\"");
  EXPECT_EQ(esc(std::string_view("\x01\x1f", 2)), "\"\\u0001\\u001f\"");
  EXPECT_EQ(esc(std::string_view("nul\0x", 5)), "\"nul\\u0000x\"");
  EXPECT_EQ(esc("h\xc3\xa9llo \xe2\x9c\x93"), "\"h\xc3\xa9llo \xe2\x9c\x93\"");  // UTF-8 as is
  EXPECT_EQ(esc("/<>\x7f"), "\"/<>\x7f\"");
  std::string worst(100, '\x01');
  EXPECT_LE(esc(worst).size(), json_escape_bound(worst.size()));
}

TEST(TrainingExport, SystemPromptIsPlainText) {  // F1: a documented constant
  EXPECT_GT(kSystemPrompt.size(), 50u);
  EXPECT_EQ(esc(kSystemPrompt), "\"" + std::string(kSystemPrompt) + "\"");  // nothing to escape
  EXPECT_EQ(kMinJobExamples, 10);
}

namespace {
std::uint64_t dd(std::string_view a, std::string_view b) {
  return doc_digest(reinterpret_cast<const unsigned char*>(a.data()), a.size(),
                    reinterpret_cast<const unsigned char*>(b.data()), b.size());
}
}  // namespace

// Reference values computed independently (Python): the digest is the key of an index,
// so it must never change between builds.
TEST(TrainingExport, DocDigestKnownValues) {  // F1
  EXPECT_EQ(dd("", ""), 0x54288f5a3ecab678ULL);
  EXPECT_EQ(dd("abc", ""), 0x92b3f78e4e9a70eaULL);
  EXPECT_EQ(dd("", "abc"), 0x4b4e5f0463dedf0fULL);  // the boundary between documents counts
  EXPECT_EQ(dd("0123456789", "hello world!"), 0xe1fc775976c52b09ULL);
  EXPECT_EQ(dd(std::string(8, '\x01'), std::string(16, '\x02')), 0xa792929a20e74425ULL);
  EXPECT_NE(dd("ab", "c"), dd("a", "bc"));
  EXPECT_EQ(dd("same", "docs"), dd("same", "docs"));
}
