// Pure C++ rules for text columns (no PostgreSQL calls; unit-tested in test/unit).
//  - emails are stored trimmed and lower-cased (D13, T5)
//  - test_runs.url is an absolute http(s) URL (D3); webhooks.url is an absolute https URL,
//    http only for localhost (D12)
//  - human_testers.location_country is an ISO 3166-1 alpha-2 code, upper case (D5)
//  - webhooks.secret defaults to "whsec_" + base64 of 24 random bytes (D12)
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace hitlai {

// Trims ASCII white space at both ends and lower-cases ASCII letters. Bytes >= 0x80
// (UTF-8 sequences) are kept as they are.
std::string normalize_email(std::string_view in);

enum class UrlRule {
  kHttpOrHttps,         // D3: http:// or https://, any host
  kHttpsOrLocalHttp,    // D12: https://, or http:// to localhost / 127.0.0.0/8 / [::1]
};

// An absolute URL: scheme "://" authority [path][?query][#fragment], with a non-empty
// host (registered name, IPv4 or bracketed IPv6), an optional port 1..65535, an optional
// userinfo, and no white space or control characters anywhere.
bool is_valid_url(std::string_view url, UrlRule rule);

// True for an officially assigned ISO 3166-1 alpha-2 code in upper case ("DE", "US").
bool is_iso3166_alpha2(std::string_view code);

// Standard base64 (RFC 4648, with padding).
std::string base64_encode(const unsigned char* data, std::size_t len);

// "whsec_" + base64 of the given bytes (24 random bytes in production).
std::string webhook_secret_from_bytes(const unsigned char* bytes, std::size_t len);

}  // namespace hitlai
