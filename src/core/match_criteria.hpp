// Tester matching (SPEC M1), pure C++: the strict parsing of assign_testers' criteria
// document and of its `wanted` argument. No PostgreSQL calls (unit-tested in
// test/unit/match_criteria_test.cpp); src/pg/tester_matching.cpp turns the result into
// the parameters of one prepared query.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hitlai::matching {

// Every key is optional; an absent key does not filter.
struct Criteria {
  std::optional<std::vector<std::string>> languages;   // tester has all of them
  std::optional<std::vector<std::string>> countries;   // location_country in (ISO alpha-2)
  std::optional<std::vector<std::string>> devices;     // primary_device in
  std::optional<std::vector<std::string>> platforms;   // previous_platforms overlap
  // min_tech_literacy, as the list of tech_literacy values at or above it
  // ("high" -> {"high", "expert"}).
  std::optional<std::vector<std::string>> tech_literacy;
  std::optional<double> min_rating;                    // average_rating >= (0..5)
  std::optional<std::int64_t> min_tests_completed;     // tests_completed >= (>= 0)
  int max_active = 3;                                  // active assignments < (1..50)
};

// The keys, in the order the SPEC lists them.
const std::vector<std::string>& criteria_keys();

// Parses a criteria document (JSON text of a jsonb value). Throws hitlai::Error 22023
// when it is not an object, for an unknown key (message names it: a typo must not match
// everyone) and for a value of the wrong type or out of range (message names the key).
// Array keys take arrays of non-empty strings (an empty array is allowed: for `languages`
// it asks for nothing, for the "in" keys it matches no tester).
Criteria parse_criteria(std::string_view json_text);

// M1: `wanted` must be 1..100; throws 22023 otherwise (NULL included).
int check_wanted(std::optional<std::int64_t> wanted);

}  // namespace hitlai::matching
