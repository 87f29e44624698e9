// F1 duplicates: a Bloom filter of 64-bit document keys (filter_key below; pure C++),
// split into blocks of 512 bits (one cache line): a key sets one bit in each of the
// block's eight words, so a test costs one cache line, not one per hash function. The
// key is already a well-mixed hash: its low bits choose the block, one more mix of it
// the eight bits.
//
// The caller owns the memory (words_for(...) 64-bit words, zeroed, 64-byte aligned for
// speed but not for correctness), so the backend can put it in a memory context.
// No false negatives. Sized at about 16 bits a key: a false positive for about one new
// key in 1,200 (85 in 100,000 after a million keys, unit-tested), each costing one exact
// probe, while a million keys take 2 MB and mostly stay in the CPU's caches.
#pragma once

#include <cstddef>
#include <cstdint>

namespace hitlai::training {

// The filter's key for a row: a 64-bit hash of both documents' stored bytes (length
// separated), computed in four independent lanes so that the CPU overlaps them: about
// four times the speed of doc_digest, which is one serial chain and must stay as it is
// (it is an index key). Equal documents give equal keys; this key never leaves the
// backend, so it may change between builds.
std::uint64_t filter_key(const unsigned char* a, std::size_t na, const unsigned char* b,
                         std::size_t nb) noexcept;

class DigestFilter {
 public:
  // Words for `expected` keys at 16 bits a key or more, a power-of-two number of blocks, at
  // least one block and at most max_bytes (rounded down to a power of two of blocks).
  static std::size_t words_for(std::int64_t expected, std::size_t max_bytes) noexcept;

  // Over `words` zeroed words (a count words_for returned).
  DigestFilter(std::uint64_t* words, std::size_t n_words) noexcept;

  // Adds the key; returns whether it may have been added before (false: certainly not).
  bool test_and_add(std::uint64_t key) noexcept;

 private:
  std::uint64_t* words_;
  std::uint64_t block_mask_;
};

}  // namespace hitlai::training
