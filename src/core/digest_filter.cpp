#include "core/digest_filter.hpp"

namespace hitlai::training {
namespace {

constexpr std::size_t kBlockWords = 8;  // 512 bits

std::uint64_t mix(std::uint64_t x) noexcept {  // the splitmix64 finalizer
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

std::size_t DigestFilter::words_for(std::int64_t expected, std::size_t max_bytes) noexcept {
  const std::size_t max_blocks = max_bytes / (kBlockWords * 8);
  // 16 bits a key: one block for every 32 keys.
  const std::uint64_t want = expected > 32 ? static_cast<std::uint64_t>(expected) / 32 + 1 : 1;
  std::size_t blocks = 1;
  while (blocks < want && blocks * 2 <= max_blocks) blocks *= 2;
  return blocks * kBlockWords;
}

DigestFilter::DigestFilter(std::uint64_t* words, std::size_t n_words) noexcept
    : words_(words), block_mask_(n_words / kBlockWords - 1) {}

bool DigestFilter::test_and_add(std::uint64_t key) noexcept {
  const std::uint64_t h = mix(key);
  // The block from the key's low bits, each word's bit from six bits of h.
  std::uint64_t* block = words_ + (key & block_mask_) * kBlockWords;
  bool present = true;
  for (std::size_t i = 0; i < kBlockWords; ++i) {
    const std::uint64_t bit = std::uint64_t{1} << ((h >> (6 * i)) & 63);
    present &= (block[i] & bit) != 0;
    block[i] |= bit;
  }
  return present;
}

}  // namespace hitlai::training
