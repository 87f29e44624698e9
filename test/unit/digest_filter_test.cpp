// F1 duplicates: the blocked Bloom filter of document digests (src/core/digest_filter.hpp).
#include "core/digest_filter.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>


using hitlai::training::DigestFilter;

TEST(DigestFilter, Sizing) {  // F1: memory bounded by work_mem
  EXPECT_EQ(DigestFilter::words_for(0, 1 << 20), 8u);           // one block
  EXPECT_EQ(DigestFilter::words_for(1000, 1 << 20), 32u * 8);    // 32 blocks wanted
  EXPECT_EQ(DigestFilter::words_for(1000000, 4 << 20), 32768u * 8);  // 16 bits a key: 2 MB
  EXPECT_EQ(DigestFilter::words_for(100000000, 4 << 20), 65536u * 8);  // capped at 4 MB
  EXPECT_EQ(DigestFilter::words_for(100000000, 100), 8u);          // never below one block
  for (std::int64_t n : {1, 17, 999, 123456})
    for (std::size_t cap : {64u, 4096u, 65536u, 1u << 22}) {
      const std::size_t w = DigestFilter::words_for(n, cap);
      EXPECT_EQ(w % 8, 0u);
      EXPECT_EQ((w / 8) & (w / 8 - 1), 0u) << "power of two blocks";
      EXPECT_TRUE(w * 8 <= cap || w == 8) << n << " " << cap;
    }
}

TEST(DigestFilter, NoFalseNegativesFewFalsePositives) {  // F1
  const std::int64_t n = 200000;
  std::vector<std::uint64_t> words(DigestFilter::words_for(n, 1 << 22), 0);
  DigestFilter f(words.data(), words.size());
  std::mt19937_64 rng(2026);
  std::vector<std::uint64_t> keys(n);
  for (auto& k : keys) k = rng();
  int first_seen_twice = 0;
  for (auto k : keys) first_seen_twice += f.test_and_add(k);
  EXPECT_LT(first_seen_twice, 20) << "false positives while adding " << n << " distinct keys";
  for (auto k : keys) ASSERT_TRUE(f.test_and_add(k)) << "a key added is always found";
  int fp = 0;  // each new key is added too: 10,000 more keep the filter near 32 bits a key
  for (int i = 0; i < 10000; ++i) fp += f.test_and_add(rng()) ? 1 : 0;
  EXPECT_LT(fp, 10) << "false positives among 10,000 new keys";
}

TEST(DigestFilter, ASmallFilterStillNeverForgets) {  // F1: work_mem far below the rows
  std::vector<std::uint64_t> words(DigestFilter::words_for(1000000, 64 * 1024), 0);
  DigestFilter f(words.data(), words.size());
  std::mt19937_64 rng(7);
  std::vector<std::uint64_t> keys(100000);
  for (auto& k : keys) {
    k = rng();
    f.test_and_add(k);
  }
  for (auto k : keys) ASSERT_TRUE(f.test_and_add(k));
}

TEST(DigestFilter, FalsePositivesAtTheDefaultSize) {  // F1: a million rows, work_mem 4 MB
  std::vector<std::uint64_t> words(DigestFilter::words_for(1000000, 4 << 20), 0);
  DigestFilter f(words.data(), words.size());
  std::mt19937_64 rng(16);
  for (int i = 0; i < 1000000; ++i) f.test_and_add(rng());
  int fp = 0;
  for (int i = 0; i < 100000; ++i) fp += f.test_and_add(rng()) ? 1 : 0;
  RecordProperty("false_positives_per_100000", fp);
  EXPECT_LT(fp, 150) << fp << " false positives among 100,000 new keys after a million";
}

TEST(DigestFilter, FilterKeyTellsDocumentsApart) {  // F1: equal documents, equal keys
  using hitlai::training::filter_key;
  auto key = [](const std::string& a, const std::string& b) {
    return filter_key(reinterpret_cast<const unsigned char*>(a.data()), a.size(),
                      reinterpret_cast<const unsigned char*>(b.data()), b.size());
  };
  std::mt19937_64 rng(5);
  std::vector<std::uint64_t> seen;
  for (std::size_t len : {0u, 1u, 7u, 8u, 9u, 31u, 32u, 33u, 64u, 100u, 1000u}) {
    std::string a(len, '\0'), b(len / 2, '\0');
    for (auto& c : a) c = static_cast<char>(rng());
    for (auto& c : b) c = static_cast<char>(rng());
    EXPECT_EQ(key(a, b), key(std::string(a), std::string(b))) << "equal documents, equal keys";
    seen.push_back(key(a, b));
    // Any one byte changed, in either document and in any lane or the tail, changes it.
    for (std::size_t i = 0; i < a.size(); ++i) {
      std::string c = a;
      c[i] = static_cast<char>(c[i] ^ 1);
      ASSERT_NE(key(c, b), key(a, b)) << len << " byte " << i;
    }
    for (std::size_t i = 0; i < b.size(); ++i) {
      std::string c = b;
      c[i] = static_cast<char>(c[i] ^ 0x80);
      ASSERT_NE(key(a, c), key(a, b)) << len << " second document byte " << i;
    }
  }
  // Where one document ends and the other begins counts, and so do trailing zero bytes.
  EXPECT_NE(key("ab", "c"), key("a", "bc"));
  EXPECT_NE(key(std::string("a"), std::string("")), key(std::string("a\0", 2), std::string("")));
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(std::unique(seen.begin(), seen.end()), seen.end());
}
