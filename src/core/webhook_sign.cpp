// W2: Standard Webhooks signatures (see webhook_sign.hpp).
#include "core/webhook_sign.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <stdexcept>

namespace hitlai::webhook {

namespace {

constexpr char kAlphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int decode_char(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

}  // namespace

std::string base64_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t v = (uint32_t(uint8_t(bytes[i])) << 16) | (uint32_t(uint8_t(bytes[i + 1])) << 8) |
                 uint32_t(uint8_t(bytes[i + 2]));
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  const size_t rest = bytes.size() - i;
  if (rest > 0) {
    uint32_t v = uint32_t(uint8_t(bytes[i])) << 16;
    if (rest == 2) v |= uint32_t(uint8_t(bytes[i + 1])) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += rest == 2 ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  // Strip padding (at most two '='), then every remaining character must be in the
  // alphabet, and the length must be a valid unpadded length (not 1 mod 4).
  size_t n = text.size();
  size_t pad = 0;
  while (n > 0 && text[n - 1] == '=' && pad < 2) --n, ++pad;
  if (pad > 0 && text.size() % 4 != 0) return std::nullopt;
  if (n % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(n * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < n; ++i) {
    const int d = decode_char(text[i]);
    if (d < 0) return std::nullopt;
    acc = (acc << 6) | uint32_t(d);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += char((acc >> bits) & 0xFF);
    }
  }
  // Leftover bits must be zero (canonical encoding).
  if (bits > 0 && (acc & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

std::string hmac_sha256(std::string_view key, std::string_view message) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int len = 0;
  // An empty key is valid for HMAC; OpenSSL wants a non-null pointer.
  static const unsigned char kEmpty = 0;
  const unsigned char* k =
      key.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(key.data());
  if (!HMAC(EVP_sha256(), k, int(key.size()),
            reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac.data(),
            &len))
    throw std::runtime_error("HMAC-SHA256 failed");
  return std::string(reinterpret_cast<const char*>(mac.data()), len);
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string secret_key(std::string_view secret) {
  constexpr std::string_view kPrefix = "whsec_";
  if (secret.substr(0, kPrefix.size()) == kPrefix) {
    auto key = base64_decode(secret.substr(kPrefix.size()));
    if (key && !key->empty()) return *key;
  }
  return std::string(secret);
}

namespace {
std::string signed_content(std::string_view msg_id, int64_t timestamp, std::string_view body) {
  std::string content;
  content.reserve(msg_id.size() + body.size() + 24);
  content.append(msg_id);
  content += '.';
  content += std::to_string(timestamp);
  content += '.';
  content.append(body);
  return content;
}
}  // namespace

std::string sign_v1(std::string_view key, std::string_view msg_id, int64_t timestamp,
                    std::string_view body) {
  return "v1," + base64_encode(hmac_sha256(key, signed_content(msg_id, timestamp, body)));
}

std::string signature_header(const std::vector<std::string>& secrets, std::string_view msg_id,
                             int64_t timestamp, std::string_view body) {
  const std::string content = signed_content(msg_id, timestamp, body);
  std::string out;
  for (const std::string& s : secrets) {
    if (!out.empty()) out += ' ';
    out += "v1,";
    out += base64_encode(hmac_sha256(secret_key(s), content));
  }
  return out;
}

std::vector<std::string> parse_v1_signatures(std::string_view header) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < header.size()) {
    size_t end = header.find(' ', pos);
    if (end == std::string_view::npos) end = header.size();
    std::string_view entry = header.substr(pos, end - pos);
    pos = end + 1;
    if (entry.size() > 3 && entry.substr(0, 3) == "v1,") {
      auto mac = base64_decode(entry.substr(3));
      if (mac && mac->size() == 32) out.push_back(std::move(*mac));
    }
  }
  return out;
}

bool verify(std::string_view secret, std::string_view msg_id, int64_t timestamp,
            std::string_view body, std::string_view header, int64_t now,
            int64_t tolerance_seconds) {
  if (tolerance_seconds < 0) return false;
  // |now - timestamp| without overflow
  const bool late = now >= timestamp ? uint64_t(now) - uint64_t(timestamp) > uint64_t(tolerance_seconds)
                                     : uint64_t(timestamp) - uint64_t(now) > uint64_t(tolerance_seconds);
  const std::string expected =
      hmac_sha256(secret_key(secret), signed_content(msg_id, timestamp, body));
  bool match = false;
  for (const std::string& candidate : parse_v1_signatures(header))
    match |= constant_time_equal(candidate, expected);  // no early exit
  return match && !late;
}

}  // namespace hitlai::webhook
