// The caller's identity from JWT claims (SPEC A1); see identity.hpp.
#include "core/identity.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <cstring>
#include <system_error>

namespace hitlai {
namespace {

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<Uuid> parse_uuid(std::string_view s) noexcept {
  // Same grammar as PostgreSQL's string_to_uuid(): optional braces; two hex digits per
  // byte; an optional hyphen after every second byte except the last.
  bool braces = false;
  if (!s.empty() && s.front() == '{') {
    braces = true;
    s.remove_prefix(1);
  }
  Uuid out{};
  std::size_t i = 0;
  for (std::size_t b = 0; b < out.size(); ++b) {
    if (i + 2 > s.size()) return std::nullopt;
    int hi = hex_value(s[i]), lo = hex_value(s[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[b] = static_cast<std::uint8_t>(hi << 4 | lo);
    i += 2;
    if (b % 2 == 1 && b < out.size() - 1 && i < s.size() && s[i] == '-') ++i;
  }
  if (braces) {
    if (i >= s.size() || s[i] != '}') return std::nullopt;
    ++i;
  }
  if (i != s.size()) return std::nullopt;
  return out;
}

std::optional<Uuid> subject_from_claims(std::string_view claims_json) noexcept {
  try {
    std::error_code ec;
    boost::json::value doc = boost::json::parse(claims_json, ec);
    if (ec) return std::nullopt;
    const boost::json::object* obj = doc.if_object();
    if (!obj) return std::nullopt;
    auto it = obj->find("sub");
    if (it == obj->end()) return std::nullopt;
    const boost::json::string* sub = it->value().if_string();
    if (!sub) return std::nullopt;
    return parse_uuid(std::string_view(sub->data(), sub->size()));
  } catch (...) {  // std::bad_alloc: treated as "no identity", never an error (A1)
    return std::nullopt;
  }
}

std::optional<Uuid> resolve_uid(const char* claim_sub, const char* claims) noexcept {
  if (claim_sub && *claim_sub) return parse_uuid(claim_sub);
  if (claims && *claims) return subject_from_claims(claims);
  return std::nullopt;
}

}  // namespace hitlai
