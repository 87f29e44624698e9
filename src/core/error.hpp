// Errors raised by hitlai's C++ code, independent of PostgreSQL (pure C++).
// The PostgreSQL layer (src/pg/bridge.hpp) turns them into ereport(ERROR) with the
// SQLSTATE given here. SQLSTATEs follow SPEC §E.
#pragma once

#include <stdexcept>
#include <string>

namespace hitlai {

namespace sqlstate {
inline constexpr const char* kQuotaExceeded = "HL001";       // Q1
inline constexpr const char* kBadStatusMove = "HL002";       // T4
inline constexpr const char* kImmutableColumn = "HL003";     // T4
inline constexpr const char* kLastOwner = "HL004";           // A2
inline constexpr const char* kUniqueViolation = "23505";
inline constexpr const char* kCheckViolation = "23514";      // J
inline constexpr const char* kInsufficientPrivilege = "42501";
inline constexpr const char* kInvalidParameter = "22023";
inline constexpr const char* kInternalError = "XX000";
}  // namespace sqlstate

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
