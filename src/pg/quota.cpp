// Q1-Q4: the monthly test quota, and the company side of INSERT INTO test_runs.
//
// Q1: one UPDATE per statement locks every company of the inserted runs once, in id
// order, and in the same locked update rolls the month over (Q2), adds the runs to
// tests_used_this_month and to the company stats (V1). The quota is checked on the
// values that update returns; when a company would go over, the statement fails with
// HL001 and everything it did is rolled back. Because check and increment happen under
// the row lock, concurrent inserts can never exceed the quota (Q4). The transition table
// holds only rows really inserted, so rows skipped by ON CONFLICT DO NOTHING use no quota.
#include "pg/bridge.hpp"
#include "pg/settings.hpp"
#include "pg/spi.hpp"
#include "pg/triggers.hpp"

extern "C" {
#include "access/xact.h"
#include "utils/date.h"
#include "utils/fmgrprotos.h"
#include "utils/timestamp.h"
#include "utils/uuid.h"
}

#include <cstring>
#include <optional>
#include <string>

#include "core/quota.hpp"

namespace {

namespace spi = hitlai::pg::spi;

hitlai::quota::Date current_month() {
  return hitlai::quota::month_start_utc(GetCurrentTransactionStartTimestamp());
}

// The companies of a multi-row INSERT, locked in id order by a statement of their own
// before the UPDATE (lock, then update: see triggers.hpp).
spi::Statement kLockInsertCompanies{
    R"SQL(
SELECT c.id FROM hitlai.companies c
 WHERE c.id = ANY (ARRAY(SELECT DISTINCT r.company_id FROM new_runs r))
 ORDER BY c.id FOR NO KEY UPDATE OF c)SQL",
    0, {}, nullptr};

// (The statements' text without their last RETURNING column: the 0.3.0 variants also
// return companies.stats_active_webhooks, for the webhook outbox, W1.)
constexpr char kInsertCompaniesSql[] = R"SQL(
WITH d AS (
  SELECT r.company_id,
         pg_catalog.count(*) AS n,
         pg_catalog.sum(r.cost) AS cost,
         pg_catalog.sum(r.sentiment_score) AS ss,
         pg_catalog.count(r.sentiment_score) AS sc,
         pg_catalog.count(*) FILTER (WHERE r.tester_id IS NOT NULL
                                       AND r.status IN ('pending', 'running')) AS active,
         pg_catalog.count(*) FILTER (WHERE r.status = 'completed') AS completed
    FROM new_runs r
   GROUP BY r.company_id)
UPDATE hitlai.companies c
   SET tests_used_this_month =
         CASE WHEN c.usage_period_start < $1 THEN 0 ELSE c.tests_used_this_month END + d.n,
       usage_period_start =
         CASE WHEN c.usage_period_start < $1 THEN $1 ELSE c.usage_period_start END,
       stats_run_count = c.stats_run_count + d.n,
       stats_cost_sum = c.stats_cost_sum + d.cost,
       stats_sentiment_sum = c.stats_sentiment_sum + COALESCE(d.ss, 0),
       stats_sentiment_count = c.stats_sentiment_count + d.sc
  FROM d
 WHERE c.id = d.company_id
RETURNING c.name, c.tests_used_this_month::int8, c.monthly_test_quota::int8, d.n,
          d.active, d.completed)SQL";
const std::string kInsertCompaniesV3Sql =
    std::string(kInsertCompaniesSql) + ",\n          c.stats_active_webhooks::int8";
enum InsertCompaniesCol {
  kCompanyName = 1, kUsedAfter, kQuota, kInserted, kActive, kCompleted, kWebhooksV3
};
spi::Statement kInsertCompanies{kInsertCompaniesSql, 1, {DATEOID}, nullptr};
spi::Statement kInsertCompaniesV3{kInsertCompaniesV3Sql.c_str(), 1, {DATEOID}, nullptr};

// The same for a statement that inserted one run (the common case of an application
// INSERT): a plain UPDATE by primary key with the run's values as parameters; the
// UPDATE itself locks the one company row. About half the work of the set-based form.
constexpr char kInsertOneCompanySql[] = R"SQL(
UPDATE hitlai.companies c
   SET tests_used_this_month =
         CASE WHEN c.usage_period_start < $1 THEN 0 ELSE c.tests_used_this_month END + 1,
       usage_period_start =
         CASE WHEN c.usage_period_start < $1 THEN $1 ELSE c.usage_period_start END,
       stats_run_count = c.stats_run_count + 1,
       stats_cost_sum = c.stats_cost_sum + $3,
       stats_sentiment_sum = c.stats_sentiment_sum + COALESCE($4, 0),
       stats_sentiment_count = c.stats_sentiment_count + CASE WHEN $4 IS NULL THEN 0 ELSE 1 END
 WHERE c.id = $2
RETURNING c.name, c.tests_used_this_month::int8, c.monthly_test_quota::int8)SQL";
const std::string kInsertOneCompanyV3Sql =
    std::string(kInsertOneCompanySql) + ",\n          c.stats_active_webhooks::int8";
// Its columns: kCompanyName, kUsedAfter, kQuota, then (0.3.0) kOneWebhooksV3.
enum InsertOneCompanyCol { kOneWebhooksV3 = 4 };
spi::Statement kInsertOneCompany{kInsertOneCompanySql, 4,
                                 {DATEOID, UUIDOID, NUMERICOID, NUMERICOID}, nullptr};
spi::Statement kInsertOneCompanyV3{kInsertOneCompanyV3Sql.c_str(), 4,
                                   {DATEOID, UUIDOID, NUMERICOID, NUMERICOID}, nullptr};

spi::Statement kRemaining{
    R"SQL(SELECT c.tests_used_this_month::int8, c.usage_period_start, c.monthly_test_quota::int8
  FROM hitlai.companies c WHERE c.id = $1)SQL",
    1, {UUIDOID}, nullptr};
enum RemainingCol { kRemUsed = 1, kRemPeriodStart, kRemQuota };

spi::Statement kLockReset{
    R"SQL(
SELECT c.id FROM hitlai.companies c WHERE c.usage_period_start < $1
 ORDER BY c.id FOR NO KEY UPDATE OF c)SQL",
    1, {DATEOID}, nullptr};

spi::Statement kReset{
    R"SQL(
UPDATE hitlai.companies c
   SET tests_used_this_month = 0, usage_period_start = $1
 WHERE c.usage_period_start < $1)SQL",
    1, {DATEOID}, nullptr};

}  // namespace

namespace hitlai::pg {

InsertSummary quota_on_insert(TriggerData* td, int64_t inserted) {
  const bool outbox = outbox_enabled();
  if (inserted == 1) {
    enum { kCompany, kCost, kSentiment, kTester, kStatus };  // the run's columns, by index
    Datum v[5];
    bool isnull[5];
    if (!spi::first_row(td->tg_newtable, td->tg_relation,
                        {"company_id", "cost", "sentiment_score", "tester_id", "status"}, v,
                        isnull))
      return {};
    Datum args[4] = {DateADTGetDatum(current_month()), v[kCompany], v[kCost], v[kSentiment]};
    const char nulls[4] = {' ', ' ', isnull[kCost] ? 'n' : ' ', isnull[kSentiment] ? 'n' : ' '};
    if (spi::exec(outbox ? kInsertOneCompanyV3 : kInsertOneCompany, args, nulls) != 1)
      throw hitlai::Error(hitlai::sqlstate::kInternalError,
                          "quota: the company of an inserted test run was not found");
    const int64_t used_after = *spi::int8(0, kUsedAfter);
    const std::optional<int64_t> quota = spi::int8(0, kQuota);
    if (quota::exceeds(used_after - 1, 1, quota))
      quota::raise_exceeded(spi::text_not_null(0, kCompanyName), used_after - 1, *quota, 1);
    InsertSummary sum;
    const bool pending_or_running =
        !isnull[kStatus] &&
        (spi::text_equals(v[kStatus], "pending") || spi::text_equals(v[kStatus], "running"));
    sum.active_with_tester = (!isnull[kTester] && pending_or_running) ? 1 : 0;
    sum.completed = (!isnull[kStatus] && spi::text_equals(v[kStatus], "completed")) ? 1 : 0;
    sum.webhooks = outbox && spi::int8(0, kOneWebhooksV3).value_or(0) > 0;
    return sum;
  }
  Datum args[1] = {DateADTGetDatum(current_month())};
  spi::exec(kLockInsertCompanies);
  const uint64_t rows = spi::exec(outbox ? kInsertCompaniesV3 : kInsertCompanies, args);
  InsertSummary sum;
  for (uint64_t i = 0; i < rows; ++i) {
    const int64_t used_after = *spi::int8(i, kUsedAfter);
    const std::optional<int64_t> quota = spi::int8(i, kQuota);
    const int64_t n = *spi::int8(i, kInserted);
    if (quota::exceeds(used_after - n, n, quota))
      quota::raise_exceeded(spi::text_not_null(i, kCompanyName), used_after - n, *quota, n);
    sum.active_with_tester += *spi::int8(i, kActive);
    sum.completed += *spi::int8(i, kCompleted);
    if (outbox && spi::int8(i, kWebhooksV3).value_or(0) > 0) sum.webhooks = true;
  }
  return sum;
}

}  // namespace hitlai::pg

// hitlai.remaining_quota(company_id uuid) -> integer (Q4): tests left this month, NULL
// when unlimited. Runs with the caller's rights (RLS applies); 22023 for a company the
// caller can't see.
HITLAI_FUNCTION(hitlai_remaining_quota) {
  Datum id = PG_GETARG_DATUM(0);
  spi::Connection spi_conn;
  Datum args[1] = {id};
  if (spi::exec(kRemaining, args) != 1)
    throw hitlai::Error(hitlai::sqlstate::kInvalidParameter, "company not found");
  hitlai::quota::Usage u{*spi::int8(0, kRemUsed),
                         static_cast<hitlai::quota::Date>(*spi::int8(0, kRemPeriodStart))};
  std::optional<int64_t> quota = spi::int8(0, kRemQuota);
  spi_conn.finish();
  auto left = hitlai::quota::remaining(u, quota, current_month());
  if (!left) PG_RETURN_NULL();
  return Int32GetDatum(static_cast<int32>(*left));
}

// hitlai.reset_monthly_usage() -> integer (Q3): starts a new period at 0 for every
// company whose period is over (the calendar month, UTC); returns how many it reset.
HITLAI_FUNCTION(hitlai_reset_monthly_usage) {
  spi::Connection spi_conn;
  Datum args[1] = {DateADTGetDatum(current_month())};
  spi::exec(kLockReset, args);
  const uint64_t n = spi::exec(kReset, args);
  spi_conn.finish();
  return Int32GetDatum(static_cast<int32>(n));
}
