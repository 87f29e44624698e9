// Q1-Q4: the monthly test quota, and the company side of INSERT INTO test_runs.
//
// Q1: one write per statement locks every company of the inserted runs once, in id
// order (an UPDATE statement; for one run, a direct write, apply_one_insert), and in
// the same locked update rolls the month over (Q2), adds the runs to
// tests_used_this_month and to the company stats (V1). The quota is checked on the
// values that update returns; when a company would go over, the statement fails with
// HL001 and everything it did is rolled back. Because check and increment happen under
// the row lock, concurrent inserts can never exceed the quota (Q4). The transition table
// holds only rows really inserted, so rows skipped by ON CONFLICT DO NOTHING use no quota.
#include "pg/bridge.hpp"
#include "pg/counter_rows.hpp"
#include "pg/settings.hpp"
#include "pg/spi.hpp"
#include "pg/triggers.hpp"

extern "C" {
#include "access/xact.h"
#include "common/int.h"
#include "utils/builtins.h"
#include "utils/datum.h"
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

// Q1 for one inserted run, without the executor (counter_rows.hpp): the company row
// locked as kInsertOneCompany's UPDATE locks it, written with the same new values, and
// T1's deferred flush event queued as that UPDATE queues it (the constraint trigger
// milestone_progress_at_commit, which calls flush_milestone_progress(), WHEN the run
// count grew). The CHECKs of the columns
// written hold by construction: tests_used_this_month >= 0 (it grows from a valid value
// or restarts at 1) and usage_period_start is a month's first day (current_month()).
// Overflows raise 22003 as the SQL operators do. The values the quota check needs are
// copied out of the locked row.
struct OneInsert {
  Datum month;  // DateADT
  Datum cost;   // numeric, not NULL
  Datum sentiment;
  bool sentiment_null;
  // Out: the company's name (palloc'd), tests used after this run, its quota, and
  // stats_active_webhooks.
  Datum name;
  int64 used_after;
  int64 quota;
  bool quota_null;
  int64 webhooks;
};

void apply_one_insert(void* ctx, TupleDesc desc, Datum* values, bool* nulls, bool* replace) {
  namespace counters = hitlai::pg::counters;
  OneInsert& d = *static_cast<OneInsert*>(ctx);
  const int used = counters::column_index(desc, "tests_used_this_month");
  const int start = counters::column_index(desc, "usage_period_start");
  const int runs = counters::column_index(desc, "stats_run_count");
  const int cost = counters::column_index(desc, "stats_cost_sum");
  const int ssum = counters::column_index(desc, "stats_sentiment_sum");
  const int scount = counters::column_index(desc, "stats_sentiment_count");
  const int quota = counters::column_index(desc, "monthly_test_quota");
  const int name = counters::column_index(desc, "name");
  for (const int i : {used, start, runs, cost, ssum, scount, name})
    if (nulls[i]) elog(ERROR, "hitlai: NULL company counters");  // NOT NULL
  int32 before = DatumGetInt32(values[used]);
  if (DatumGetDateADT(values[start]) < DatumGetDateADT(d.month)) {  // Q2: a new month
    before = 0;
    values[start] = d.month;
    replace[start] = true;
  }
  int32 after;
  if (pg_add_s32_overflow(before, 1, &after))
    ereport(ERROR, (errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE), errmsg("integer out of range")));
  values[used] = Int32GetDatum(after);
  values[runs] = counters::int8_add(values[runs], 1);
  values[cost] = counters::numeric_add_typmod(values[cost], d.cost,
                                              TupleDescAttr(desc, cost)->atttypmod);
  replace[used] = replace[runs] = replace[cost] = true;
  if (!d.sentiment_null) {
    values[ssum] = counters::numeric_add_typmod(values[ssum], d.sentiment,
                                                TupleDescAttr(desc, ssum)->atttypmod);
    values[scount] = counters::int8_add(values[scount], 1);
    replace[ssum] = replace[scount] = true;
  }
  d.used_after = after;
  d.quota_null = nulls[quota];
  d.quota = nulls[quota] ? 0 : DatumGetInt32(values[quota]);
  d.name = datumCopy(values[name], false, -1);
  // stats_active_webhooks exists from 0.4.0 on (W1); 0 before.
  const int webhooks = SPI_fnumber(desc, "stats_active_webhooks") - 1;
  d.webhooks = (webhooks >= 0 && !nulls[webhooks]) ? DatumGetInt32(values[webhooks]) : 0;
}

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
    InsertSummary sum;
    const bool pending_or_running =
        !isnull[kStatus] &&
        (spi::text_equals(v[kStatus], "pending") || spi::text_equals(v[kStatus], "running"));
    sum.active_with_tester = (!isnull[kTester] && pending_or_running) ? 1 : 0;
    sum.completed = (!isnull[kStatus] && spi::text_equals(v[kStatus], "completed")) ? 1 : 0;
    // A NULL cost (stats_cost_sum would become NULL: the UPDATE's NOT NULL error) keeps
    // the statement and its error; cost is NOT NULL DEFAULT 0, so that needs a changed
    // schema.
    if (!isnull[kCost]) {
      OneInsert d{DateADTGetDatum(current_month()), v[kCost], v[kSentiment], isnull[kSentiment],
                  0, 0, 0, false, 0};
      if (!counters::update_by_id(counters::Table::kCompanies, v[kCompany], apply_one_insert, &d,
                                  "flush_milestone_progress"))
        throw hitlai::Error(hitlai::sqlstate::kInternalError,
                            "quota: the company of an inserted test run was not found");
      const std::optional<int64_t> quota =
          d.quota_null ? std::nullopt : std::optional<int64_t>(d.quota);
      if (quota::exceeds(d.used_after - 1, 1, quota))
        quota::raise_exceeded(
            std::string(guarded([&] { return TextDatumGetCString(d.name); })), d.used_after - 1,
            *quota, 1);
      sum.webhooks = outbox && d.webhooks > 0;
      return sum;
    }
    Datum args[4] = {DateADTGetDatum(current_month()), v[kCompany], v[kCost], v[kSentiment]};
    const char nulls[4] = {' ', ' ', isnull[kCost] ? 'n' : ' ', isnull[kSentiment] ? 'n' : ' '};
    if (spi::exec(outbox ? kInsertOneCompanyV3 : kInsertOneCompany, args, nulls) != 1)
      throw hitlai::Error(hitlai::sqlstate::kInternalError,
                          "quota: the company of an inserted test run was not found");
    const int64_t used_after = *spi::int8(0, kUsedAfter);
    const std::optional<int64_t> quota = spi::int8(0, kQuota);
    if (quota::exceeds(used_after - 1, 1, quota))
      quota::raise_exceeded(spi::text_not_null(0, kCompanyName), used_after - 1, *quota, 1);
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
