// Q1-Q4: monthly test quota arithmetic (pure C++).
//
// A company's usage counts the calendar month (UTC) that starts on usage_period_start.
// The first insert of a later month starts a new period at 0 before counting (Q2).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace hitlai::quota {

// Days since the PostgreSQL epoch (2000-01-01), as DateADT.
using Date = std::int32_t;
// Microseconds since the PostgreSQL epoch, UTC (TimestampTz).
using Micros = std::int64_t;

// First day of the UTC calendar month containing `t`.
Date month_start_utc(Micros t);

// Civil date <-> days since 2000-01-01 (proleptic Gregorian).
Date days_from_civil(int year, unsigned month, unsigned day);
void civil_from_days(Date d, int& year, unsigned& month, unsigned& day);

struct Usage {
  std::int64_t used;   // tests_used_this_month as stored
  Date period_start;   // usage_period_start as stored
};

// Usage as it counts in the month starting `current_month` (Q2: an older period is 0).
std::int64_t effective_used(const Usage& u, Date current_month);
// The period start after an insert in `current_month`.
Date effective_period(const Usage& u, Date current_month);

// Tests left this month; nullopt when unlimited (quota NULL). Never negative.
std::optional<std::int64_t> remaining(const Usage& u, std::optional<std::int64_t> quota,
                                      Date current_month);

// Q1: would `used_before + n` exceed the quota? (never for an unlimited quota)
bool exceeds(std::int64_t used_before, std::int64_t n, std::optional<std::int64_t> quota);

// Throws hitlai::Error(HL001) naming the company, DETAIL "used N of M tests this month".
[[noreturn]] void raise_exceeded(const std::string& company_name, std::int64_t used_before,
                                 std::int64_t quota, std::int64_t n);

}  // namespace hitlai::quota
