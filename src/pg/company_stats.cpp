// V1: the company rollups behind hitlai.company_stats, kept by the test_runs triggers.
//
//   stats_run_count       = count(test_runs of the company)
//   stats_cost_sum        = sum(cost)                    (numeric, exact)
//   stats_sentiment_sum   = sum(sentiment_score)         (numeric, exact; 0 when none)
//   stats_sentiment_count = count(sentiment_score)
//
// INSERT adds to them in the quota update (quota.cpp); UPDATE and DELETE apply deltas
// here, one locked UPDATE per statement, companies in id order. company_id never changes
// (T4), but the deltas are computed per company from both transition tables anyway.
#include "pg/bridge.hpp"
#include "pg/counter_rows.hpp"
#include "pg/spi.hpp"
#include "pg/triggers.hpp"

extern "C" {
#include "utils/fmgrprotos.h"
}

#include <optional>

namespace {

namespace spi = hitlai::pg::spi;

// The companies of the statement's runs, locked in id order by a statement of their own
// before the delta UPDATE (see "lock, then update" in triggers.hpp). Both transition
// tables are registered for UPDATE and DELETE (new_runs empty for DELETE).
spi::Statement kLock{
    R"SQL(
SELECT c.id FROM hitlai.companies c
 WHERE c.id = ANY (ARRAY(SELECT r.company_id FROM new_runs r
                         UNION SELECT r.company_id FROM old_runs r))
 ORDER BY c.id FOR NO KEY UPDATE OF c)SQL",
    0, {}, nullptr};

// The statement's change of each company's rollups: one row, (company ids, runs, cost,
// sentiment sum, sentiment count) as five arrays, NULL when nothing changed; kApply adds
// them.
spi::Statement kDeltas{
    R"SQL(
WITH x AS (
  SELECT r.company_id, 1 AS k, r.cost, r.sentiment_score AS ss,
         (r.sentiment_score IS NOT NULL)::int4 AS sc FROM new_runs r
  UNION ALL
  SELECT r.company_id, -1, -r.cost, -r.sentiment_score,
         -((r.sentiment_score IS NOT NULL)::int4) FROM old_runs r),
d AS (
  SELECT x.company_id, pg_catalog.sum(x.k)::int8 AS n, pg_catalog.sum(x.cost) AS cost,
         COALESCE(pg_catalog.sum(x.ss), 0) AS ss, pg_catalog.sum(x.sc)::int8 AS sc
    FROM x GROUP BY x.company_id
  HAVING pg_catalog.sum(x.k) <> 0 OR pg_catalog.sum(x.cost) <> 0
      OR COALESCE(pg_catalog.sum(x.ss), 0) <> 0 OR pg_catalog.sum(x.sc) <> 0)
SELECT pg_catalog.array_agg(d.company_id), pg_catalog.array_agg(d.n),
       pg_catalog.array_agg(d.cost), pg_catalog.array_agg(d.ss), pg_catalog.array_agg(d.sc)
  FROM d)SQL",
    0, {}, nullptr};

// $1 company ids, $2 runs, $3 cost, $4 sentiment sum, $5 sentiment count (changes).
spi::Statement kApply{
    R"SQL(
UPDATE hitlai.companies c SET stats_run_count = c.stats_run_count + d.n,
                              stats_cost_sum = c.stats_cost_sum + d.cost,
                              stats_sentiment_sum = c.stats_sentiment_sum + d.ss,
                              stats_sentiment_count = c.stats_sentiment_count + d.sc
  FROM ROWS FROM (pg_catalog.unnest($1::uuid[]), pg_catalog.unnest($2::int8[]),
                  pg_catalog.unnest($3::numeric[]), pg_catalog.unnest($4::numeric[]),
                  pg_catalog.unnest($5::int8[])) AS d(id, n, cost, ss, sc)
 WHERE c.id = d.id)SQL",
    5, {UUIDARRAYOID, INT8ARRAYOID, NUMERICARRAYOID, NUMERICARRAYOID, INT8ARRAYOID}, nullptr};

// One updated run (company_id can't change, T4): the delta, written to the company row
// without the executor (counter_rows.hpp).
struct RunDelta {
  Datum old_cost, new_cost;
  std::optional<Datum> old_sentiment, new_sentiment;
  bool read_webhooks;         // in: the outbox exists (stats_active_webhooks does)
  bool active_webhooks = false;  // out: the locked row's stats_active_webhooks > 0
};

void apply_run_delta(void* ctx, TupleDesc desc, Datum* values, bool* nulls, bool* replace) {
  namespace counters = hitlai::pg::counters;
  RunDelta& d = *static_cast<RunDelta*>(ctx);
  if (d.read_webhooks) {
    const int aw = counters::column_index(desc, "stats_active_webhooks");
    d.active_webhooks = !nulls[aw] && DatumGetInt32(values[aw]) > 0;
  }
  const int cost = counters::column_index(desc, "stats_cost_sum");
  const int ss = counters::column_index(desc, "stats_sentiment_sum");
  const int sc = counters::column_index(desc, "stats_sentiment_count");
  if (nulls[cost] || nulls[ss] || nulls[sc])
    elog(ERROR, "hitlai: NULL company stats");  // NOT NULL columns
  Datum cost_delta = DirectFunctionCall2(numeric_sub, d.new_cost, d.old_cost);
  values[cost] = counters::numeric_add_typmod(values[cost], cost_delta,
                                              TupleDescAttr(desc, cost)->atttypmod);
  replace[cost] = true;
  if (d.old_sentiment || d.new_sentiment) {
    Datum zero = DirectFunctionCall1(int4_numeric, Int32GetDatum(0));
    Datum ss_delta = DirectFunctionCall2(numeric_sub, d.new_sentiment.value_or(zero),
                                         d.old_sentiment.value_or(zero));
    values[ss] = counters::numeric_add_typmod(values[ss], ss_delta,
                                              TupleDescAttr(desc, ss)->atttypmod);
    replace[ss] = true;
    const int64_t sc_delta = int64_t(d.new_sentiment.has_value()) - int64_t(d.old_sentiment.has_value());
    if (sc_delta != 0) {
      values[sc] = counters::int8_add(values[sc], sc_delta);
      replace[sc] = true;
    }
  }
}

}  // namespace

namespace hitlai::pg {
void company_stats_on_change() {
  spi::exec(kLock);
  spi::exec_then(kDeltas, kApply);
}
bool company_stats_on_update_one(Datum company_id, Datum old_cost, Datum new_cost,
                                 std::optional<Datum> old_sentiment,
                                 std::optional<Datum> new_sentiment, bool read_webhooks) {
  RunDelta d{old_cost, new_cost, old_sentiment, new_sentiment, read_webhooks};
  // (d's outputs are those of the version written: none when the row is gone)
  const bool written =
      counters::update_by_id(counters::Table::kCompanies, company_id, apply_run_delta, &d);
  return written && d.active_webhooks;
}
}  // namespace hitlai::pg
