#include "core/text_rules.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

namespace hitlai {

namespace {

bool is_space(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
bool is_alpha(unsigned char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
char lower(unsigned char c) { return (c >= 'A' && c <= 'Z') ? char(c | 0x20) : char(c); }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

bool is_ipv4(std::string_view h) {
  int parts = 0;
  size_t i = 0;
  while (i <= h.size()) {
    size_t j = i;
    while (j < h.size() && is_digit(h[j])) ++j;
    size_t len = j - i;
    if (len == 0 || len > 3) return false;
    int v = 0;
    for (size_t k = i; k < j; ++k) v = v * 10 + (h[k] - '0');
    if (v > 255 || (len > 1 && h[i] == '0')) return false;
    ++parts;
    if (j == h.size()) break;
    if (h[j] != '.') return false;
    i = j + 1;
  }
  return parts == 4;
}

bool is_ipv6_literal(std::string_view h) {  // contents between [ and ]
  if (h.size() < 2) return false;
  int colons = 0;
  for (unsigned char c : h) {
    if (c == ':') ++colons;
    else if (!(is_digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') || c == '.'))
      return false;
  }
  return colons >= 2 && colons <= 7;
}

// Registered name: labels of letters, digits and '-', separated by dots; a label neither
// empty nor starting/ending with '-'; at most 253 characters. A trailing dot is allowed.
bool is_reg_name(std::string_view h) {
  if (h.empty() || h.size() > 254) return false;
  if (h.back() == '.') h.remove_suffix(1);
  if (h.empty()) return false;
  size_t start = 0;
  while (start <= h.size()) {
    size_t dot = h.find('.', start);
    size_t end = dot == std::string_view::npos ? h.size() : dot;
    std::string_view label = h.substr(start, end - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-')
      return false;
    for (unsigned char c : label)
      if (!(is_alpha(c) || is_digit(c) || c == '-' || c == '_')) return false;
    if (dot == std::string_view::npos) {
      // A numeric last label is an IPv4 address, handled by is_ipv4 (no TLD is numeric).
      bool numeric = true;
      for (unsigned char c : label) numeric = numeric && is_digit(c);
      return !numeric;
    }
    start = dot + 1;
  }
  return true;
}

bool is_loopback_host(std::string_view host) {
  if (iequals(host, "localhost") || iequals(host, "localhost.")) return true;
  if (host == "[::1]") return true;
  return is_ipv4(host) && host.substr(0, 4) == "127.";
}

constexpr std::array<std::string_view, 249> kCountryCodes = {
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
    "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS",
    "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",
    "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE",
    "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF",
    "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
    "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM",
    "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC",
    "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
    "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA",
    "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG",
    "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
    "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS",
    "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO",
    "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
    "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW",
};

}  // namespace

std::string normalize_email(std::string_view in) {
  size_t b = 0, e = in.size();
  while (b < e && is_space(static_cast<unsigned char>(in[b]))) ++b;
  while (e > b && is_space(static_cast<unsigned char>(in[e - 1]))) --e;
  std::string out;
  out.reserve(e - b);
  for (size_t i = b; i < e; ++i) out.push_back(lower(static_cast<unsigned char>(in[i])));
  return out;
}

bool is_valid_url(std::string_view url, UrlRule rule) {
  for (unsigned char c : url)
    if (c <= 0x20 || c == 0x7f) return false;  // white space and control characters
  size_t sep = url.find("://");
  if (sep == std::string_view::npos) return false;
  std::string_view scheme = url.substr(0, sep);
  bool https = iequals(scheme, "https");
  bool http = iequals(scheme, "http");
  if (!https && !http) return false;

  std::string_view rest = url.substr(sep + 3);
  size_t auth_end = rest.find_first_of("/?#");
  std::string_view authority =
      auth_end == std::string_view::npos ? rest : rest.substr(0, auth_end);
  if (size_t at = authority.rfind('@'); at != std::string_view::npos)
    authority.remove_prefix(at + 1);  // userinfo is allowed but not part of the host
  if (authority.empty()) return false;

  std::string_view host = authority, port;
  if (authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return false;
    host = authority.substr(0, close + 1);
    if (!is_ipv6_literal(host.substr(1, host.size() - 2))) return false;
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return false;
      port = after.substr(1);
      if (port.empty()) return false;
    }
  } else {
    if (size_t colon = authority.find(':'); colon != std::string_view::npos) {
      host = authority.substr(0, colon);
      port = authority.substr(colon + 1);
      if (port.empty()) return false;
    }
    if (!is_ipv4(host) && !is_reg_name(host)) return false;
  }
  if (!port.empty()) {
    if (port.size() > 5) return false;
    unsigned v = 0;
    for (unsigned char c : port) {
      if (!is_digit(c)) return false;
      v = v * 10 + (c - '0');
    }
    if (v == 0 || v > 65535) return false;
  }
  switch (rule) {
    case UrlRule::kHttpOrHttps:
      return true;
    case UrlRule::kHttpsOrLocalHttp:
      return https || is_loopback_host(host);
  }
  return false;
}

bool is_iso3166_alpha2(std::string_view code) {
  if (code.size() != 2) return false;
  return std::binary_search(kCountryCodes.begin(), kCountryCodes.end(), code);
}

std::string base64_encode(const unsigned char* data, std::size_t len) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((len + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= len; i += 3) {
    uint32_t v = (uint32_t(data[i]) << 16) | (uint32_t(data[i + 1]) << 8) | data[i + 2];
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(kAlphabet[(v >> 6) & 63]);
    out.push_back(kAlphabet[v & 63]);
  }
  if (size_t rem = len - i; rem > 0) {
    uint32_t v = uint32_t(data[i]) << 16;
    if (rem == 2) v |= uint32_t(data[i + 1]) << 8;
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(rem == 2 ? kAlphabet[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

std::string webhook_secret_from_bytes(const unsigned char* bytes, std::size_t len) {
  return "whsec_" + base64_encode(bytes, len);
}

}  // namespace hitlai
