// SPEC J3: text-array columns (human_testers.languages, human_testers.previous_platforms,
// founding_tester_apps.specialties, founding_tester_apps.platforms) hold a list of
// distinct, non-blank values. Pure C++, no PostgreSQL.
//
// Rules, checked element by element in array order; the first offending element is
// reported with its 1-based position (as SQL subscripts `languages[2]` count):
//   - no NULL element
//   - no empty or blank element (only ASCII white space: space, \t, \n, \v, \f, \r)
//   - no element equal (byte for byte, so case-sensitive) to an earlier one
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace hitlai::json {

struct TextItem {
  const char* data;
  size_t len;
  bool is_null;
};

// Throws Error 23514: message `invalid value in column "<column>" of relation "<table>"`,
// detail e.g. `languages[2]: duplicate value "English"`.
void check_text_list(std::string_view table, std::string_view column, const TextItem* items,
                     size_t n);

// Same checks; returns the empty string if valid, else the DETAIL text.
std::string text_list_problem(std::string_view column, const TextItem* items, size_t n);

}  // namespace hitlai::json
