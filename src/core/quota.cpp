#include "core/quota.hpp"

#include "core/error.hpp"

namespace hitlai::quota {

namespace {
constexpr std::int64_t kMicrosPerDay = 86400LL * 1000000LL;
// 2000-01-01 as days since 1970-01-01.
constexpr std::int64_t kPgEpochUnixDays = 10957;

// Howard Hinnant's days_from_civil / civil_from_days, relative to 1970-01-01.
std::int64_t unix_days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}
}  // namespace

Date days_from_civil(int year, unsigned month, unsigned day) {
  return static_cast<Date>(unix_days_from_civil(year, month, day) - kPgEpochUnixDays);
}

void civil_from_days(Date pg_days, int& year, unsigned& month, unsigned& day) {
  std::int64_t z = static_cast<std::int64_t>(pg_days) + kPgEpochUnixDays + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  day = doy - (153 * mp + 2) / 5 + 1;
  month = mp < 10 ? mp + 3 : mp - 9;
  year = static_cast<int>(y + (month <= 2));
}

Date month_start_utc(Micros t) {
  std::int64_t days = t / kMicrosPerDay;
  if (t % kMicrosPerDay < 0) --days;  // floor for instants before 2000
  int y;
  unsigned m, d;
  civil_from_days(static_cast<Date>(days), y, m, d);
  return days_from_civil(y, m, 1);
}

std::int64_t effective_used(const Usage& u, Date current_month) {
  return u.period_start < current_month ? 0 : u.used;
}

Date effective_period(const Usage& u, Date current_month) {
  return u.period_start < current_month ? current_month : u.period_start;
}

std::optional<std::int64_t> remaining(const Usage& u, std::optional<std::int64_t> quota,
                                      Date current_month) {
  if (!quota) return std::nullopt;
  std::int64_t left = *quota - effective_used(u, current_month);
  return left < 0 ? 0 : left;
}

bool exceeds(std::int64_t used_before, std::int64_t n, std::optional<std::int64_t> quota) {
  return quota && used_before + n > *quota;
}

void raise_exceeded(const std::string& company_name, std::int64_t used_before,
                    std::int64_t quota, std::int64_t n) {
  std::string msg = "monthly test quota of company \"" + company_name + "\" exceeded";
  std::string detail = "used " + std::to_string(used_before) + " of " +
                       std::to_string(quota) + " tests this month";
  std::string hint = n == 1 ? std::string("Upgrade the plan or wait for the next month.")
                            : "The statement adds " + std::to_string(n) +
                                  " test runs; upgrade the plan or wait for the next month.";
  throw Error(sqlstate::kQuotaExceeded, msg, detail, hint);
}

}  // namespace hitlai::quota
