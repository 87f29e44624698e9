#include "core/match_criteria.hpp"

#include <boost/json.hpp>

#include <cmath>

#include "core/error.hpp"
#include "core/text_rules.hpp"

namespace hitlai::matching {

namespace {

[[noreturn]] void bad(const std::string& key, const std::string& expected) {
  throw Error(sqlstate::kInvalidParameter,
              "invalid criteria key \"" + key + "\": expected " + expected);
}

const std::vector<std::string> kLiteracy = {"low", "medium", "high", "expert"};
const std::vector<std::string> kDevices = {"desktop", "mobile", "tablet"};

bool one_of(const std::string& s, const std::vector<std::string>& set) {
  for (const auto& x : set)
    if (x == s) return true;
  return false;
}

std::vector<std::string> strings(const std::string& key, const boost::json::value& v,
                                 const char* expected) {
  if (!v.is_array()) bad(key, expected);
  std::vector<std::string> out;
  for (const auto& e : v.as_array()) {
    if (!e.is_string() || e.as_string().empty()) bad(key, expected);
    out.emplace_back(e.as_string().data(), e.as_string().size());
  }
  return out;
}

}  // namespace

const std::vector<std::string>& criteria_keys() {
  static const std::vector<std::string> keys = {
      "languages", "countries",  "devices",             "platforms",
      "min_tech_literacy", "min_rating", "min_tests_completed", "max_active"};
  return keys;
}

Criteria parse_criteria(std::string_view json_text) {
  boost::json::error_code ec;
  boost::json::value doc = boost::json::parse(json_text, ec);
  if (ec || !doc.is_object())
    throw Error(sqlstate::kInvalidParameter, "criteria must be a JSON object",
                "Known keys: languages, countries, devices, platforms, min_tech_literacy, "
                "min_rating, min_tests_completed, max_active.");
  Criteria c;
  for (const auto& kv : doc.as_object()) {
    const std::string key(kv.key().data(), kv.key().size());
    const boost::json::value& v = kv.value();
    if (key == "languages") {
      c.languages = strings(key, v, "an array of non-empty strings");
    } else if (key == "platforms") {
      c.platforms = strings(key, v, "an array of non-empty strings");
    } else if (key == "countries") {
      const char* expected = "an array of ISO 3166-1 alpha-2 country codes (upper case)";
      c.countries = strings(key, v, expected);
      for (const auto& s : *c.countries)
        if (!is_iso3166_alpha2(s)) bad(key, expected);
    } else if (key == "devices") {
      const char* expected = "an array of devices (desktop, mobile, tablet)";
      c.devices = strings(key, v, expected);
      for (const auto& s : *c.devices)
        if (!one_of(s, kDevices)) bad(key, expected);
    } else if (key == "min_tech_literacy") {
      const char* expected = "one of low, medium, high, expert";
      if (!v.is_string()) bad(key, expected);
      std::string s(v.as_string().data(), v.as_string().size());
      size_t i = 0;
      while (i < kLiteracy.size() && kLiteracy[i] != s) ++i;
      if (i == kLiteracy.size()) bad(key, expected);
      c.tech_literacy = std::vector<std::string>(kLiteracy.begin() + i, kLiteracy.end());
    } else if (key == "min_rating") {
      const char* expected = "a number from 0 to 5";
      double d;
      if (v.is_int64()) d = static_cast<double>(v.as_int64());
      else if (v.is_uint64()) d = static_cast<double>(v.as_uint64());
      else if (v.is_double()) d = v.as_double();
      else bad(key, expected);
      if (!std::isfinite(d) || d < 0 || d > 5) bad(key, expected);
      c.min_rating = d;
    } else if (key == "min_tests_completed") {
      const char* expected = "a non-negative integer";
      if (v.is_int64() && v.as_int64() >= 0) c.min_tests_completed = v.as_int64();
      else if (v.is_uint64() && v.as_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
        c.min_tests_completed = static_cast<std::int64_t>(v.as_uint64());
      else bad(key, expected);
    } else if (key == "max_active") {
      const char* expected = "an integer from 1 to 50";
      if (!v.is_int64() || v.as_int64() < 1 || v.as_int64() > 50) bad(key, expected);
      c.max_active = static_cast<int>(v.as_int64());
    } else {
      throw Error(sqlstate::kInvalidParameter, "unknown criteria key \"" + key + "\"",
                  "Known keys: languages, countries, devices, platforms, min_tech_literacy, "
                  "min_rating, min_tests_completed, max_active.");
    }
  }
  return c;
}

int check_wanted(std::optional<std::int64_t> wanted) {
  // NULL on its own first (see check_validation_percent: no test fused with the value
  // of an empty optional).
  if (!wanted.has_value())
    throw Error(sqlstate::kInvalidParameter, "wanted must be between 1 and 100, got NULL");
  const std::int64_t w = wanted.value_or(0);
  if (w < 1 || w > 100)
    throw Error(sqlstate::kInvalidParameter, "wanted must be between 1 and 100, got " + std::to_string(w));
  return static_cast<int>(w);
}

}  // namespace hitlai::matching
