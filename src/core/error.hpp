// Errors raised by hitlai's C++ code, independent of PostgreSQL (pure C++).
// The PostgreSQL layer (src/pg/bridge.hpp) turns them into ereport(ERROR) with the
// SQLSTATE given here (named in core/sqlstate.hpp, SPEC §E).
#pragma once

#include <stdexcept>
#include <string>

#include "core/sqlstate.hpp"

namespace hitlai {

class Error : public std::runtime_error {
 public:
  Error(std::string sqlstate, std::string message, std::string detail = {},
        std::string hint = {})
      : std::runtime_error(message),
        sqlstate_(valid(sqlstate) ? std::move(sqlstate) : sqlstate::kInternalError),
        message_(std::move(message)),
        detail_(std::move(detail)),
        hint_(std::move(hint)) {}

  // Five characters, each a digit or an upper-case letter.
  const std::string& sqlstate_text() const noexcept { return sqlstate_; }
  const std::string& message() const noexcept { return message_; }
  const std::string& detail() const noexcept { return detail_; }
  const std::string& hint() const noexcept { return hint_; }

  static bool valid(const std::string& s) noexcept {
    if (s.size() != 5) return false;
    for (char c : s)
      if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'))) return false;
    return true;
  }

 private:
  std::string sqlstate_, message_, detail_, hint_;
};

}  // namespace hitlai
