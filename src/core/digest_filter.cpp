#include "core/digest_filter.hpp"

#include <cstring>

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

// Four lanes of h = (h ^ w) * odd, h ^= h >> 29 over 32-byte steps, then the tail word
// by word into lane 0; lanes and length folded together.
std::uint64_t absorb4(std::uint64_t seed, const unsigned char* p, std::size_t n) noexcept {
  constexpr std::uint64_t kMul = 0x9e3779b97f4a7c15ULL;
  std::uint64_t h[4] = {seed, seed ^ 0x243f6a8885a308d3ULL, seed ^ 0x13198a2e03707344ULL,
                        seed ^ 0xa4093822299f31d0ULL};
  std::size_t i = 0;
  for (; i + 32 <= n; i += 32)
    for (int l = 0; l < 4; ++l) {
      std::uint64_t w;
      std::memcpy(&w, p + i + 8 * l, 8);
      h[l] = (h[l] ^ w) * kMul;
      h[l] ^= h[l] >> 29;
    }
  for (; i < n; i += 8) {
    std::uint64_t w = 0;
    std::memcpy(&w, p + i, n - i < 8 ? n - i : 8);
    h[0] = (h[0] ^ w) * kMul;
    h[0] ^= h[0] >> 29;
  }
  return mix(h[0] ^ mix(h[1] ^ mix(h[2] ^ mix(h[3] ^ n))));
}

}  // namespace

std::uint64_t filter_key(const unsigned char* a, std::size_t na, const unsigned char* b,
                         std::size_t nb) noexcept {
  return absorb4(absorb4(0x6a09e667f3bcc908ULL, a, na), b, nb);
}

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
