// W4, W5: delivery rules (pure C++, no PostgreSQL calls): the retry schedule,
// Retry-After, outcome classification, destination address checks, error text limits.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

struct sockaddr;

namespace hitlai::webhook {

// W4: seconds to wait after the n-th failed attempt (n = attempts made so far, 1-based):
// 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h; nullopt after the 8th attempt (the delivery
// has then failed for good).
std::optional<int64_t> retry_delay(int attempts_made);

// Retry-After (RFC 9110 10.2.3): delay-seconds, or an HTTP-date (IMF-fixdate, e.g.
// "Sun, 06 Nov 1994 08:49:37 GMT") turned into seconds from now_unix (never negative).
// nullopt when the value is neither.
std::optional<int64_t> parse_retry_after(std::string_view value, int64_t now_unix);

enum class Outcome { kSucceeded, kGone, kRetry };
// 2xx: succeeded; 410: gone (the webhook is disabled); anything else (other codes,
// redirects, no answer: status 0) is retried.
Outcome classify(long status_code);

// W4: the delay before the next attempt after a failed one, or nullopt when the delivery
// has failed for good. A Retry-After on 429 or 503 moves it later, never earlier, and by
// at most 24 h.
std::optional<int64_t> next_delay(int attempts_made, long status_code,
                                  std::optional<int64_t> retry_after_seconds);

// W5: whether a resolved destination address may be connected to: false for loopback,
// private (RFC 1918, fc00::/7), shared (100.64.0.0/10), link-local, multicast,
// broadcast, unspecified/"this network" addresses and IPv4-mapped forms of them.
bool address_allowed(const sockaddr* addr);
// The same for an address in text form (IPv4 or IPv6); false when unparsable.
bool address_allowed(const std::string& text);

// At most max_bytes of s, cut at a UTF-8 character boundary (W4: last_error <= 1 KiB).
std::string truncate_utf8(std::string_view s, size_t max_bytes);

}  // namespace hitlai::webhook
