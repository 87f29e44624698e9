// Every SQLSTATE hitlai raises, by name (docs/errors.md, "Errors (E)"). Code never writes
// a SQLSTATE as a literal: it throws hitlai::Error(sqlstate::kName, ...) (core/error.hpp)
// and the error bridge (src/pg/bridge.hpp) reports it with this code.
#pragma once

namespace hitlai::sqlstate {

// hitlai's own codes (class HL), one per business rule that refuses a change.
inline constexpr const char* kQuotaExceeded = "HL001";    // Q1: monthly test quota exceeded
inline constexpr const char* kBadStatusMove = "HL002";    // T4, F3, R1: forbidden status move
inline constexpr const char* kImmutableColumn = "HL003";  // T4, T6, F3, T2: column never changes
inline constexpr const char* kLastOwner = "HL004";        // A2: last joined owner kept

// PostgreSQL's standard codes, with their standard meaning.
inline constexpr const char* kUniqueViolation = "23505";   // duplicate (email in use, ...)
inline constexpr const char* kCheckViolation = "23514";    // D, J: invalid value or document
inline constexpr const char* kInsufficientPrivilege = "42501";  // A2, G1: not allowed
inline constexpr const char* kInvalidParameter = "22023";  // invalid argument
inline constexpr const char* kDatetimeOverflow = "22008";  // S10: infinite timestamp refused
inline constexpr const char* kNumericOutOfRange = "22003";  // a counter would overflow
inline constexpr const char* kNotInPrerequisiteState = "55000";  // S9, M: object in wrong state
inline constexpr const char* kTriggerProtocol = "39P01";  // trigger function attached wrongly
inline constexpr const char* kProgramLimitExceeded = "54000";  // a value too large for PostgreSQL
inline constexpr const char* kInsufficientResources = "53000";  // W3: no worker slot
inline constexpr const char* kOutOfMemory = "53200";       // a C++ allocation failed
inline constexpr const char* kInternalError = "XX000";     // a bug (unexpected exception)

}  // namespace hitlai::sqlstate
