// W4, W5: delivery rules (see webhook_delivery.hpp).
#include "core/webhook_delivery.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cstring>

namespace hitlai::webhook {

std::optional<int64_t> retry_delay(int attempts_made) {
  static constexpr std::array<int64_t, 7> kSchedule = {5,          5 * 60,     30 * 60,
                                                       2 * 3600,   5 * 3600,   10 * 3600,
                                                       10 * 3600};
  if (attempts_made < 1 || attempts_made > int(kSchedule.size())) return std::nullopt;
  return kSchedule[size_t(attempts_made - 1)];
}

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' ||
                        s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

bool digits(std::string_view s, int64_t& out, size_t max_len = 18) {
  if (s.empty() || s.size() > max_len) return false;
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = unsigned(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + int64_t(doe) - 719468;
}

}  // namespace

std::optional<int64_t> parse_retry_after(std::string_view value, int64_t now_unix) {
  value = trim(value);
  int64_t secs;
  if (digits(value, secs)) return secs;
  // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT" (29 characters)
  if (value.size() != 29 || value.substr(3, 2) != ", " || value.substr(25) != " GMT")
    return std::nullopt;
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  int64_t day, year, hh, mm, ss;
  if (!digits(value.substr(5, 2), day) || value[7] != ' ' || value[11] != ' ' ||
      !digits(value.substr(12, 4), year) || value[16] != ' ' ||
      !digits(value.substr(17, 2), hh) || value[19] != ':' ||
      !digits(value.substr(20, 2), mm) || value[22] != ':' || !digits(value.substr(23, 2), ss))
    return std::nullopt;
  unsigned month = 0;
  for (unsigned i = 0; i < 12; ++i)
    if (value.substr(8, 3) == kMonths[i]) month = i + 1;
  if (month == 0 || day < 1 || day > 31 || hh > 23 || mm > 59 || ss > 60) return std::nullopt;
  const int64_t at = days_from_civil(year, month, unsigned(day)) * 86400 + hh * 3600 + mm * 60 + ss;
  return at > now_unix ? at - now_unix : 0;
}

Outcome classify(long status_code) {
  if (status_code >= 200 && status_code <= 299) return Outcome::kSucceeded;
  if (status_code == 410) return Outcome::kGone;
  return Outcome::kRetry;
}

std::optional<int64_t> next_delay(int attempts_made, long status_code,
                                  std::optional<int64_t> retry_after_seconds) {
  std::optional<int64_t> delay = retry_delay(attempts_made);
  if (!delay) return std::nullopt;
  if ((status_code == 429 || status_code == 503) && retry_after_seconds) {
    const int64_t asked = std::min<int64_t>(*retry_after_seconds, 24 * 3600);
    if (asked > *delay) delay = asked;
  }
  return delay;
}

namespace {

bool v4_allowed(uint32_t a) {  // host byte order
  auto in = [a](uint32_t net, int bits) {
    const uint32_t mask = bits == 0 ? 0 : ~uint32_t(0) << (32 - bits);
    return (a & mask) == (net & mask);
  };
  return !(in(0x00000000, 8)        // 0.0.0.0/8 unspecified, "this network"
           || in(0x0A000000, 8)     // 10/8 private
           || in(0x64400000, 10)    // 100.64/10 shared (carrier-grade NAT)
           || in(0x7F000000, 8)     // 127/8 loopback
           || in(0xA9FE0000, 16)    // 169.254/16 link-local
           || in(0xAC100000, 12)    // 172.16/12 private
           || in(0xC0A80000, 16)    // 192.168/16 private
           || in(0xE0000000, 4)     // 224/4 multicast
           || in(0xF0000000, 4));   // 240/4 reserved, 255.255.255.255 broadcast
}

bool v6_allowed(const unsigned char* b) {
  static const unsigned char kZero[16] = {};
  if (std::memcmp(b, kZero, 16) == 0) return false;                              // ::
  if (std::memcmp(b, kZero, 15) == 0 && b[15] == 1) return false;                // ::1
  static const unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
  if (std::memcmp(b, kMapped, 12) == 0 || std::memcmp(b, kZero, 12) == 0)       // ::ffff:v4, ::v4
    return v4_allowed((uint32_t(b[12]) << 24) | (uint32_t(b[13]) << 16) |
                      (uint32_t(b[14]) << 8) | b[15]);
  if ((b[0] & 0xFE) == 0xFC) return false;                                       // fc00::/7
  if (b[0] == 0xFE && (b[1] & 0xC0) == 0x80) return false;                       // fe80::/10
  if (b[0] == 0xFE && (b[1] & 0xC0) == 0xC0) return false;                       // fec0::/10 (old site-local)
  if (b[0] == 0xFF) return false;                                                // ff00::/8
  return true;
}

}  // namespace

bool address_allowed(const sockaddr* addr) {
  if (!addr) return false;
  if (addr->sa_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(addr);
    return v4_allowed(ntohl(in->sin_addr.s_addr));
  }
  if (addr->sa_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(addr);
    return v6_allowed(in6->sin6_addr.s6_addr);
  }
  return false;
}

bool address_allowed(const std::string& text) {
  sockaddr_in v4{};
  if (inet_pton(AF_INET, text.c_str(), &v4.sin_addr) == 1) {
    v4.sin_family = AF_INET;
    return address_allowed(reinterpret_cast<const sockaddr*>(&v4));
  }
  sockaddr_in6 v6{};
  if (inet_pton(AF_INET6, text.c_str(), &v6.sin6_addr) == 1) {
    v6.sin6_family = AF_INET6;
    return address_allowed(reinterpret_cast<const sockaddr*>(&v6));
  }
  return false;
}

std::string truncate_utf8(std::string_view s, size_t max_bytes) {
  if (s.size() <= max_bytes) return std::string(s);
  size_t n = max_bytes;
  // back up over continuation bytes so that no character is cut
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return std::string(s.substr(0, n));
}

}  // namespace hitlai::webhook
