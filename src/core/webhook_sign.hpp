// W2: Standard Webhooks 1.0 signatures (pure C++ with OpenSSL; no PostgreSQL calls).
//
// A delivery is signed over "<msg id>.<unix seconds>.<body>" with HMAC-SHA256; the header
// value is "v1,<base64 of the MAC>", one entry per valid secret, space-separated (two
// while a rotated secret is still valid, W6). A secret is "whsec_" followed by the base64
// of the key bytes; a secret without that prefix, or whose remainder is not base64, is
// used as raw key bytes (so any non-empty secret D12 allows can sign; docs/webhooks.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hitlai::webhook {

// Standard base64 (RFC 4648 section 4, with '=' padding).
std::string base64_encode(std::string_view bytes);
// Strict decoding: the standard alphabet, padding optional but never misplaced, no
// whitespace. nullopt when the text is not base64.
std::optional<std::string> base64_decode(std::string_view text);

// HMAC-SHA256(key, message): 32 raw bytes.
std::string hmac_sha256(std::string_view key, std::string_view message);

// Byte equality whose time depends only on the lengths (CRYPTO_memcmp).
bool constant_time_equal(std::string_view a, std::string_view b);

// The key bytes of a secret (see above). Never empty for a non-empty secret.
std::string secret_key(std::string_view secret);

// "v1,<base64>" for one key.
std::string sign_v1(std::string_view key, std::string_view msg_id, int64_t timestamp,
                    std::string_view body);

// The webhook-signature header value: one "v1,..." entry per secret, in order,
// separated by single spaces.
std::string signature_header(const std::vector<std::string>& secrets, std::string_view msg_id,
                             int64_t timestamp, std::string_view body);

// The v1 signatures of a header value (entries separated by spaces; entries of other
// versions and malformed ones are skipped), decoded to raw bytes.
std::vector<std::string> parse_v1_signatures(std::string_view header);

// Whether `header` holds a v1 signature of (msg_id, timestamp, body) under `secret`
// and |now - timestamp| <= tolerance_seconds. Every candidate is compared in constant
// time.
bool verify(std::string_view secret, std::string_view msg_id, int64_t timestamp,
            std::string_view body, std::string_view header, int64_t now,
            int64_t tolerance_seconds);

}  // namespace hitlai::webhook
