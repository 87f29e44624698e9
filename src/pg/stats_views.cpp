// V1-V3: hitlai.rebuild_stats() and hitlai.check_stats(), the audit/repair side of the
// stats_* state behind hitlai.company_stats and hitlai.tester_performance (the state
// itself is kept by the triggers: quota.cpp, company_stats.cpp, tester_stats.cpp).
#include "pg/assignment_stats.hpp"
#include "pg/bridge.hpp"
#include "pg/settings.hpp"
#include "pg/spi.hpp"
#include "pg/trigger.hpp"
#include "pg/triggers.hpp"

extern "C" {
#include "commands/trigger.h"
#include "funcapi.h"
#include "utils/rel.h"
#include "utils/tuplestore.h"
}

#include <cstring>

namespace {

namespace spi = hitlai::pg::spi;
namespace trigger = hitlai::pg::trigger;

constexpr trigger::Spec kAfterTruncate = trigger::after_statement(
    "stats_after_truncate", trigger::kTruncate, nullptr,
    "stats_after_truncate: must be AFTER TRUNCATE ... FOR EACH STATEMENT");

// Recomputes every stats_* column (and average_rating, which derives from the rating
// state) from the tables; companies then testers, each locked in id order.
// Every row locked in id order by a statement of its own before the UPDATE (lock, then
// update: see triggers.hpp).
spi::Statement kLockCompanies{
    "SELECT c.id FROM hitlai.companies c ORDER BY c.id FOR NO KEY UPDATE OF c", 0, {}, nullptr};
spi::Statement kLockTesters{
    "SELECT h.id FROM hitlai.human_testers h ORDER BY h.id FOR NO KEY UPDATE OF h", 0, {},
    nullptr};

spi::Statement kRebuildCompanies{
    R"SQL(
WITH a AS (
  SELECT c.id, pg_catalog.count(r.id) AS n, COALESCE(pg_catalog.sum(r.cost), 0) AS cost,
         COALESCE(pg_catalog.sum(r.sentiment_score), 0) AS ss,
         pg_catalog.count(r.sentiment_score) AS sc
    FROM hitlai.companies c LEFT JOIN hitlai.test_runs r ON r.company_id = c.id
   GROUP BY c.id)
UPDATE hitlai.companies c
   SET stats_run_count = a.n, stats_cost_sum = a.cost, stats_sentiment_sum = a.ss,
       stats_sentiment_count = a.sc
  FROM a
 WHERE c.id = a.id
   AND (c.stats_run_count, c.stats_cost_sum, c.stats_sentiment_sum, c.stats_sentiment_count)
       IS DISTINCT FROM (a.n, a.cost, a.ss, a.sc))SQL",
    0, {}, nullptr};

spi::Statement kRebuildTesters{
    R"SQL(
WITH act AS (
  SELECT r.tester_id, pg_catalog.count(*) AS n FROM hitlai.test_runs r
   WHERE r.tester_id IS NOT NULL AND r.status IN ('pending', 'running') GROUP BY r.tester_id),
rt AS (
  SELECT a.tester_id, pg_catalog.sum(r.company_ai_rating::int4)::int8 AS sm,
         pg_catalog.count(r.company_ai_rating) AS ct
    FROM hitlai.tester_assignments a JOIN hitlai.test_runs r ON r.id = a.test_run_id
   WHERE a.status = 'completed' GROUP BY a.tester_id),
s AS (
  SELECT h.id, COALESCE(act.n, 0) AS n, COALESCE(rt.sm, 0) AS sm, COALESCE(rt.ct, 0) AS ct
    FROM hitlai.human_testers h
    LEFT JOIN act ON act.tester_id = h.id LEFT JOIN rt ON rt.tester_id = h.id)
UPDATE hitlai.human_testers h
   SET stats_active_assignments = s.n, stats_rating_sum = s.sm, stats_rating_count = s.ct,
       average_rating = CASE WHEN s.ct > 0
                             THEN pg_catalog.round(s.sm::numeric / s.ct::numeric, 2) ELSE 0 END
  FROM s
 WHERE h.id = s.id
   AND (h.stats_active_assignments, h.stats_rating_sum, h.stats_rating_count, h.average_rating)
       IS DISTINCT FROM (s.n, s.sm, s.ct,
                         CASE WHEN s.ct > 0
                              THEN pg_catalog.round(s.sm::numeric / s.ct::numeric, 2)
                              ELSE 0 END))SQL",
    0, {}, nullptr};

spi::Statement kCheck{
    R"SQL(
SELECT 'companies'::text AS table_name, c.id, v.col, v.stored, v.actual
  FROM hitlai.companies c
  LEFT JOIN (SELECT r.company_id, pg_catalog.count(*) AS n, pg_catalog.sum(r.cost) AS cost,
                    pg_catalog.sum(r.sentiment_score) AS ss,
                    pg_catalog.count(r.sentiment_score) AS sc
               FROM hitlai.test_runs r GROUP BY r.company_id) a ON a.company_id = c.id
 CROSS JOIN LATERAL (VALUES
   ('stats_run_count'::text, c.stats_run_count::text, COALESCE(a.n, 0)::text),
   ('stats_cost_sum', c.stats_cost_sum::text, COALESCE(a.cost, 0)::numeric(30,2)::text),
   ('stats_sentiment_sum', c.stats_sentiment_sum::text, COALESCE(a.ss, 0)::numeric(30,2)::text),
   ('stats_sentiment_count', c.stats_sentiment_count::text, COALESCE(a.sc, 0)::text))
   AS v(col, stored, actual)
 WHERE v.stored IS DISTINCT FROM v.actual
UNION ALL
SELECT 'human_testers'::text, h.id, v.col, v.stored, v.actual
  FROM hitlai.human_testers h
  LEFT JOIN (SELECT r.tester_id, pg_catalog.count(*) AS n FROM hitlai.test_runs r
              WHERE r.status IN ('pending', 'running') GROUP BY r.tester_id) a
    ON a.tester_id = h.id
  LEFT JOIN (SELECT a.tester_id, pg_catalog.sum(r.company_ai_rating::int4)::int8 AS sm,
                    pg_catalog.count(r.company_ai_rating) AS ct
               FROM hitlai.tester_assignments a JOIN hitlai.test_runs r ON r.id = a.test_run_id
              WHERE a.status = 'completed' GROUP BY a.tester_id) g ON g.tester_id = h.id
 CROSS JOIN LATERAL (VALUES
   ('stats_active_assignments'::text, h.stats_active_assignments::text, COALESCE(a.n, 0)::text),
   ('stats_rating_sum', h.stats_rating_sum::text, COALESCE(g.sm, 0)::text),
   ('stats_rating_count', h.stats_rating_count::text, COALESCE(g.ct, 0)::text),
   ('average_rating', h.average_rating::text,
    (CASE WHEN COALESCE(g.ct, 0) > 0 THEN pg_catalog.round(g.sm::numeric / g.ct::numeric, 2)
          ELSE 0 END)::numeric(3,2)::text))
   AS v(col, stored, actual)
 WHERE v.stored IS DISTINCT FROM v.actual
 ORDER BY 1, 2, 3)SQL",
    0, {}, nullptr};

// After TRUNCATE of issues: no run has issues any more (T6).
spi::Statement kZeroIssueCounts{
    "UPDATE hitlai.test_runs r SET issues_found = 0 WHERE r.issues_found <> 0", 0, {}, nullptr};
spi::Statement kLockRunsWithIssues{
    "SELECT r.id FROM hitlai.test_runs r WHERE r.issues_found <> 0 ORDER BY r.id "
    "FOR NO KEY UPDATE OF r",
    0, {}, nullptr};

uint64_t rebuild_all() {
  spi::exec(kLockCompanies);
  uint64_t n = spi::exec(kRebuildCompanies);
  n += hitlai::pg::outbox_rebuild_stats();  // W1 (companies still locked)
  spi::exec(kLockTesters);
  n += spi::exec(kRebuildTesters);
  if (hitlai::pg::assignment_stats::installed())  // M1 columns
    n += spi::exec(hitlai::pg::assignment_stats::rebuild_statement());
  return n;
}

}  // namespace

// hitlai.stats_after_truncate() (AFTER TRUNCATE FOR EACH STATEMENT on test_runs,
// tester_assignments and issues): TRUNCATE fires no row triggers, so the state that the
// truncated rows fed is rebuilt from what is left: company and tester stats (V1-V3, T3
// average_rating) like rebuild_stats(), and issues_found (T6) after issues are gone.
// Totals that never go down (tests_completed, total_earnings, milestones) stay.
HITLAI_FUNCTION(hitlai_stats_after_truncate) {
  const trigger::Call call = trigger::open(fcinfo, kAfterTruncate);
  if (hitlai::pg::restore_mode_active()) return call.unchanged();
  const bool issues = std::strcmp(RelationGetRelationName(call.relation), "issues") == 0;
  spi::Connection spi_conn;
  if (issues) {
    hitlai::pg::IssueCountWriter writer;
    spi::exec(kLockRunsWithIssues);
    spi::exec(kZeroIssueCounts);
  }
  rebuild_all();
  spi_conn.finish();
  return call.unchanged();
}

// hitlai.rebuild_stats() -> integer: rows of companies and human_testers corrected.
HITLAI_FUNCTION(hitlai_rebuild_stats) {
  spi::Connection spi_conn;
  const uint64_t n = rebuild_all();
  spi_conn.finish();
  return Int32GetDatum(static_cast<int32>(n));
}

// hitlai.check_stats() -> SETOF (table_name, id, column_name, stored, actual): rows whose
// stored state disagrees with the tables (none when everything is right).
HITLAI_FUNCTION(hitlai_check_stats) {
  auto* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
  hitlai::pg::guarded([&] { InitMaterializedSRF(fcinfo, 0); });
  spi::Connection spi_conn;
  // V1-V3 state, the M1 columns of human_testers (assignment_stats.hpp), then W1's
  // stats_active_webhooks of companies (webhook_outbox.cpp).
  spi::Statement* webhooks = hitlai::pg::outbox_check_stats();
  for (spi::Statement* s : {&kCheck, &hitlai::pg::assignment_stats::check_statement(), webhooks}) {
    if (!s) continue;
    if (s == &hitlai::pg::assignment_stats::check_statement() &&
        !hitlai::pg::assignment_stats::installed())
      continue;
    const uint64_t rows = spi::exec(*s);
    hitlai::pg::guarded([&] {
      for (uint64 i = 0; i < rows; ++i) {
        Datum values[5];
        bool nulls[5];
        heap_deform_tuple(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, values, nulls);
        tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
      }
    });
  }
  spi_conn.finish();
  return static_cast<Datum>(0);
}
