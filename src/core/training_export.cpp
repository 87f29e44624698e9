#include "core/training_export.hpp"

#include <string>

#include "core/error.hpp"

namespace hitlai::training {

std::string_view split_name(Split s) { return s == Split::kTrain ? "train" : "validation"; }

std::optional<Split> parse_split_filter(std::optional<std::string_view> split) {
  if (!split) return std::nullopt;
  if (*split == "train") return Split::kTrain;
  if (*split == "validation") return Split::kValidation;
  throw Error(sqlstate::kInvalidParameter,
              "invalid value for argument \"split\": \"" + std::string(*split) + "\"",
              "split must be NULL (every row), 'train' or 'validation'.");
}

int check_validation_percent(std::optional<std::int64_t> percent) {
  // NULL is tested on its own, before the value is read: an empty optional's value is
  // uninitialized, and a fused test of both (which the optimizer may emit for a || b)
  // makes valgrind report a jump on uninitialized memory.
  if (!percent.has_value())
    throw Error(sqlstate::kInvalidParameter,
                "argument \"validation_percent\" must be between 0 and 50, got NULL");
  const std::int64_t p = percent.value_or(0);
  if (p < 0 || p > 50)
    throw Error(sqlstate::kInvalidParameter,
                "argument \"validation_percent\" must be between 0 and 50, got " + std::to_string(p));
  return static_cast<int>(p);
}

namespace {
// splitmix64 finalizer: spreads a hash's weak low bits over the whole word.
std::uint64_t finalize(std::uint64_t h) {
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  h ^= h >> 31;
  return h;
}
}  // namespace

std::uint64_t stable_hash(const unsigned char* bytes, std::size_t n) {
  std::uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a 64 offset basis
  for (std::size_t i = 0; i < n; ++i) {
    h ^= bytes[i];
    h *= 0x100000001b3ULL;  // FNV-1a 64 prime
  }
  return finalize(h);
}

namespace {
inline std::uint64_t absorb_word(std::uint64_t h, std::uint64_t w) {
  h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
  return h ^ (h >> 29);
}
std::uint64_t absorb(std::uint64_t h, const unsigned char* p, std::size_t n) {
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t w = 0;
    for (int k = 0; k < 8; ++k) w |= static_cast<std::uint64_t>(p[i + k]) << (8 * k);
    h = absorb_word(h, w);
  }
  if (i < n) {
    std::uint64_t w = 0;
    for (int k = 0; i + k < n; ++k) w |= static_cast<std::uint64_t>(p[i + k]) << (8 * k);
    h = absorb_word(h, w);
  }
  return absorb_word(h, static_cast<std::uint64_t>(n));
}
}  // namespace

std::uint64_t doc_digest(const unsigned char* a, std::size_t na, const unsigned char* b,
                         std::size_t nb) {
  return finalize(absorb(absorb(0xcbf29ce484222325ULL, a, na), b, nb));
}

int split_bucket(const unsigned char uuid[16]) {
  return static_cast<int>(stable_hash(uuid, 16) % 100);
}

Split split_of(const unsigned char uuid[16], int validation_percent) {
  return split_bucket(uuid) < validation_percent ? Split::kValidation : Split::kTrain;
}

char* json_escape(std::string_view s, char* out) noexcept {
  static const char hex[] = "0123456789abcdef";
  *out++ = '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"': *out++ = '\\'; *out++ = '"'; break;
      case '\\': *out++ = '\\'; *out++ = '\\'; break;
      case '\b': *out++ = '\\'; *out++ = 'b'; break;
      case '\f': *out++ = '\\'; *out++ = 'f'; break;
      case '\n': *out++ = '\\'; *out++ = 'n'; break;
      case '\r': *out++ = '\\'; *out++ = 'r'; break;
      case '\t': *out++ = '\\'; *out++ = 't'; break;
      default:
        if (c < 0x20) {
          *out++ = '\\'; *out++ = 'u'; *out++ = '0'; *out++ = '0';
          *out++ = hex[c >> 4]; *out++ = hex[c & 15];
        } else {
          *out++ = static_cast<char>(c);
        }
    }
  }
  *out++ = '"';
  return out;
}

}  // namespace hitlai::training
