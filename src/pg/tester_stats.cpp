// T3 and V2: tester statistics.
//
//  - tests_completed / total_earnings (T3): when a run enters `completed`, every credited
//    tester (tester_id plus testers with an assigned/started/completed assignment) gets
//    +1 and round(cost * revenue_share_pct / 100 / credited, 2) (src/core/earnings.hpp),
//    and its assignment on the run becomes `completed` (created for tester_id if missing).
//  - average_rating (T3) = round(stats_rating_sum / stats_rating_count, 2), 0 when the
//    count is 0, where the two stats_ columns are the sum and count of company_ai_rating
//    over the rated runs on which the tester has a `completed` assignment. Deltas come
//    from rating changes of runs (test_runs UPDATE trigger) and from assignment changes
//    (tester_assignments triggers). When a completed assignment disappears together with
//    its run (cascade of a run deletion), its rating can't be read any more: the
//    tester_assignments DELETE trigger then locks those testers (id order) and recounts
//    them from the tables with a fresh snapshot (no concurrent change is lost). The
//    cascade's statement trigger fires after the test_runs DELETE trigger of the same
//    statement (foreign-key actions queue their triggers on the outer query), so a run
//    deletion locks testers in two id-ordered groups: active runs' testers, then these.
//  - stats_active_assignments (V2) = number of runs with tester_id = tester in pending or
//    running, from the test_runs INSERT/UPDATE/DELETE transition tables.
// All updates are deltas applied under the tester row lock (taken in id order first), so
// concurrent sessions never lose an update.
#include "pg/assignment_stats.hpp"
#include "pg/bridge.hpp"
#include "pg/counter_rows.hpp"
#include "pg/settings.hpp"
#include "pg/spi.hpp"
#include "pg/trigger.hpp"
#include "pg/triggers.hpp"

extern "C" {
#include "access/htup_details.h"
#include "access/xact.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/timestamp.h"
#include "utils/uuid.h"
}

#include <algorithm>
#include <cstring>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/earnings.hpp"

namespace {

namespace spi = hitlai::pg::spi;
using hitlai::pg::RunEvent;

// Testers whose rating stats must be recounted (see above); consumed at once.
std::vector<std::string> recount_testers;

// Testers of completed assignments deleted in this transaction since the last run
// deletion's lock step (collected by tester_assignments_before_delete); cleared at the
// end of every transaction.
std::vector<std::string> deleted_completed_testers;
bool xact_callback_registered = false;

void clear_deleted_testers(XactEvent event, void*) {
  if (event == XACT_EVENT_COMMIT || event == XACT_EVENT_ABORT ||
      event == XACT_EVENT_PARALLEL_COMMIT || event == XACT_EVENT_PARALLEL_ABORT ||
      event == XACT_EVENT_PREPARE)
    deleted_completed_testers.clear();
}

// ---- counter rows written without the executor (counter_rows.hpp) ---------------------
// Each runs on the newest version of a tester row that the statement's lock step has
// already locked (id order), and checks the constraints of the columns it writes.
namespace counters = hitlai::pg::counters;

// Sorts uuid Datums in uuid order (the order of their 16 bytes, as uuid_cmp and
// ORDER BY id lock them) and drops duplicates.
void sort_unique_uuids(std::vector<Datum>& ids) {
  auto bytes = [](Datum d) { return DatumGetUUIDP(d)->data; };
  std::sort(ids.begin(), ids.end(), [&](Datum a, Datum b) {
    return std::memcmp(bytes(a), bytes(b), UUID_LEN) < 0;
  });
  ids.erase(std::unique(ids.begin(), ids.end(),
                        [&](Datum a, Datum b) {
                          return std::memcmp(bytes(a), bytes(b), UUID_LEN) == 0;
                        }),
            ids.end());
}

std::string uuid_text(Datum id) {
  return std::string(
      hitlai::pg::guarded([id] { return DatumGetCString(DirectFunctionCall1(uuid_out, id)); }));
}

struct CreditDelta {
  int64_t runs, cents;
};
// T3. S10: the two counters saturate at the largest value of their column types
// (integer, numeric(12,2)) instead of failing with 22003: a tester's totals, which many
// companies add to, never make another company's completion fail. Each run's
// contribution is bounded where it is written (cost numeric(10,2): at most
// 99,999,999.99, 22003 at the writing company's own statement), so one company reaches
// the cap only by paying it (docs/tenant-isolation.md).
void apply_credit(void* ctx, TupleDesc desc, Datum* values, bool* nulls, bool* replace) {
  const CreditDelta& d = *static_cast<const CreditDelta*>(ctx);
  const int tc = counters::column_index(desc, "tests_completed");
  const int te = counters::column_index(desc, "total_earnings");
  if (nulls[tc] || nulls[te]) elog(ERROR, "hitlai: NULL tester totals");  // NOT NULL
  int64 completed = int64(DatumGetInt32(values[tc])) + d.runs;
  if (completed > PG_INT32_MAX) completed = PG_INT32_MAX;
  values[tc] = Int32GetDatum(static_cast<int32>(completed));
  Datum cap = DirectFunctionCall3(numeric_in, CStringGetDatum("9999999999.99"),
                                  ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));
  Datum cents = DirectFunctionCall1(int8_numeric, Int64GetDatum(d.cents));
  Datum hundred = DirectFunctionCall1(int4_numeric, Int32GetDatum(100));
  Datum sum = DirectFunctionCall2(numeric_add, values[te],
                                  DirectFunctionCall2(numeric_div, cents, hundred));
  if (DatumGetInt32(DirectFunctionCall2(numeric_cmp, sum, cap)) > 0) sum = cap;
  values[te] = DirectFunctionCall2(numeric, sum, Int32GetDatum(TupleDescAttr(desc, te)->atttypmod));
  replace[tc] = replace[te] = true;
}

// T3 for one run: the tester's share of the run's cost, from the locked row's
// revenue_share_pct (hundredths of a percent, as kCreditPairs reads it), then credited as
// apply_credit does.
struct ShareDelta {
  int64_t cost_cents;
  int credited;  // testers sharing the run
};
void apply_share(void* ctx, TupleDesc desc, Datum* values, bool* nulls, bool* replace) {
  const ShareDelta& d = *static_cast<const ShareDelta*>(ctx);
  const int rp = counters::column_index(desc, "revenue_share_pct");
  if (nulls[rp]) elog(ERROR, "hitlai: NULL revenue_share_pct");  // NOT NULL
  const int64 pct = DatumGetInt64(DirectFunctionCall1(
      numeric_int8, DirectFunctionCall2(numeric_mul, values[rp],
                                        DirectFunctionCall1(int4_numeric, Int32GetDatum(100)))));
  if (pct < 0 || d.cost_cents < 0 || d.credited < 1)  // CHECKs; share_cents would throw
    elog(ERROR, "hitlai: negative cost or revenue share");
  CreditDelta c{1, hitlai::earnings::share_cents(d.cost_cents, pct, d.credited)};
  apply_credit(&c, desc, values, nulls, replace);
}

struct RatingDelta {
  int64_t sum, count;
};
// T3: stats_rating_sum/count and average_rating = round(sum / count, 2), 0 when none
// (CHECK: between 0 and 5).
void apply_rating(void* ctx, TupleDesc desc, Datum* values, bool* nulls, bool* replace) {
  const RatingDelta& d = *static_cast<const RatingDelta*>(ctx);
  const int rs = counters::column_index(desc, "stats_rating_sum");
  const int rc = counters::column_index(desc, "stats_rating_count");
  const int ar = counters::column_index(desc, "average_rating");
  if (nulls[rs] || nulls[rc]) elog(ERROR, "hitlai: NULL tester rating stats");  // NOT NULL
  values[rs] = counters::int8_add(values[rs], d.sum);
  values[rc] = counters::int8_add(values[rc], d.count);
  Datum avg;
  if (DatumGetInt64(values[rc]) > 0) {
    Datum q = DirectFunctionCall2(numeric_div, DirectFunctionCall1(int8_numeric, values[rs]),
                                  DirectFunctionCall1(int8_numeric, values[rc]));
    avg = DirectFunctionCall2(numeric_round, q, Int32GetDatum(2));
  } else {
    avg = DirectFunctionCall1(int4_numeric, Int32GetDatum(0));
  }
  const double a = DatumGetFloat8(DirectFunctionCall1(numeric_float8, avg));
  if (a < 0 || a > 5)
    ereport(ERROR, (errcode(ERRCODE_CHECK_VIOLATION),
                    errmsg("new row for relation \"human_testers\" violates check constraint "
                           "\"human_testers_average_rating_check\"")));
  values[ar] = DirectFunctionCall2(numeric, avg, Int32GetDatum(TupleDescAttr(desc, ar)->atttypmod));
  nulls[ar] = false;
  replace[rs] = replace[rc] = replace[ar] = true;
}

// V2: stats_active_assignments + n.
void apply_active(void* ctx, TupleDesc desc, Datum* values, bool* nulls, bool* replace) {
  const int64_t n = *static_cast<const int64_t*>(ctx);
  const int aa = counters::column_index(desc, "stats_active_assignments");
  if (nulls[aa]) elog(ERROR, "hitlai: NULL stats_active_assignments");  // NOT NULL
  values[aa] = counters::int8_add(values[aa], n);
  replace[aa] = true;
}

void update_tester(Datum id, counters::ChangeFn fn, void* ctx) {
  counters::update_by_id(counters::Table::kHumanTesters, id, fn, ctx);
}

// The rating deltas of a statement, as kRatingRunUpdate and kAsgRatings return them (one
// row: tester ids, changes of the sum, changes of the count, NULL when none), applied
// tester by tester.
void apply_rating_deltas(spi::Statement& deltas) {
  spi::exec(deltas);
  Datum a[3];
  char a_null[3];
  if (!spi::row_args(0, 3, a, a_null)) return;
  Datum* ids = nullptr;
  Datum* sums = nullptr;
  Datum* counts = nullptr;
  int n = 0;
  hitlai::pg::guarded([&] {
    bool* nulls;
    int n2, n3;
    deconstruct_array(DatumGetArrayTypeP(a[0]), UUIDOID, UUID_LEN, false, TYPALIGN_CHAR, &ids,
                      &nulls, &n);
    deconstruct_array(DatumGetArrayTypeP(a[1]), INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE,
                      &sums, &nulls, &n2);
    deconstruct_array(DatumGetArrayTypeP(a[2]), INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE,
                      &counts, &nulls, &n3);
    if (n != n2 || n != n3) elog(ERROR, "hitlai: rating deltas of different lengths");
  });
  for (int i = 0; i < n; ++i) {
    RatingDelta d{DatumGetInt64(sums[i]), DatumGetInt64(counts[i])};
    update_tester(ids[i], apply_rating, &d);
  }
}

// ---- locks -------------------------------------------------------------------------

// The lock statements below come in two forms that differ only in how they read the
// assignments of the statement's runs. A statement of a few runs (kSmallRows at most)
// probes the assignments index once per run (LATERAL ... OFFSET 0, which the planner
// cannot turn into a join), and the testers are read by primary key (= ANY (ARRAY(...))):
// plans made once per session never scan every tester or assignment, whatever the
// statistics were when they were made (with a plain IN (...) join, plans made on stale
// statistics hashed all testers and scanned all assignments for every run update). A
// bulk statement joins the assignments as the planner chooses (one hash join instead of
// 100,000 probes). Each form is written out whole (the shared parts as macros of
// adjacent string literals), so that the S7 lint (test/shell/70_qualified_names.t)
// parses every statement as PostgreSQL will.
// Also the testers of assignments that the same statement made for the new runs (an
// INSERT ... with a data-modifying CTE, or a trigger): the assignment statement triggers,
// which write their counters (M1, assignment_stats.cpp), fire after this one, and must
// find them locked already (one step per statement, LOCK ORDER in triggers.hpp).
#define HITLAI_LOCK_INSERT_HEAD                                                         \
  "SELECT h.id FROM hitlai.human_testers h\n"                                             \
  " WHERE h.id = ANY (ARRAY(\n"                                                           \
  "         SELECT r.tester_id FROM new_runs r\n"                                         \
  "          WHERE r.status IN ('pending', 'running', 'completed')\n"                     \
  "         UNION"
#define HITLAI_LOCK_TAIL "))\n ORDER BY h.id FOR NO KEY UPDATE OF h"
spi::Statement kLockInsertFewRuns{HITLAI_LOCK_INSERT_HEAD R"SQL(
         SELECT a.tester_id FROM new_runs r
          CROSS JOIN LATERAL (SELECT a.tester_id FROM hitlai.tester_assignments a
                               WHERE a.test_run_id = r.id OFFSET 0) a)SQL" HITLAI_LOCK_TAIL,
                                  0, {}, nullptr};
spi::Statement kLockInsertBulkRuns{HITLAI_LOCK_INSERT_HEAD R"SQL(
         SELECT a.tester_id FROM hitlai.tester_assignments a
          WHERE a.test_run_id IN (SELECT r.id FROM new_runs r))SQL" HITLAI_LOCK_TAIL,
                                   0, {}, nullptr};
#undef HITLAI_LOCK_INSERT_HEAD

#define HITLAI_LOCK_UPDATE_HEAD                                                         \
  "WITH ch AS (\n"                                                                        \
  "  SELECT n.id, n.tester_id AS nt, o.tester_id AS ot,\n"                                \
  "         n.status <> o.status OR n.tester_id IS DISTINCT FROM o.tester_id AS moved,\n" \
  "         n.company_ai_rating IS DISTINCT FROM o.company_ai_rating AS rated,\n"         \
  "         n.status = 'completed' AND o.status <> 'completed' AS completing\n"           \
  "    FROM new_runs n JOIN old_runs o ON o.id = n.id)\n"                                 \
  "SELECT h.id FROM hitlai.human_testers h\n"                                             \
  " WHERE h.id = ANY (ARRAY(\n"                                                           \
  "         SELECT ch.nt FROM ch WHERE ch.moved OR ch.completing\n"                       \
  "         UNION SELECT ch.ot FROM ch WHERE ch.moved\n"                                  \
  "         UNION"
spi::Statement kLockUpdateFewRuns{HITLAI_LOCK_UPDATE_HEAD R"SQL(
         SELECT a.tester_id FROM ch
          CROSS JOIN LATERAL (SELECT a.tester_id FROM hitlai.tester_assignments a
                               WHERE a.test_run_id = ch.id OFFSET 0) a
          WHERE ch.rated OR ch.completing)SQL" HITLAI_LOCK_TAIL,
                                  0, {}, nullptr};
spi::Statement kLockUpdateBulkRuns{HITLAI_LOCK_UPDATE_HEAD R"SQL(
         SELECT a.tester_id FROM ch JOIN hitlai.tester_assignments a ON a.test_run_id = ch.id
          WHERE ch.rated OR ch.completing)SQL" HITLAI_LOCK_TAIL,
                                   0, {}, nullptr};
#undef HITLAI_LOCK_UPDATE_HEAD
#undef HITLAI_LOCK_TAIL

// A run deletion writes two groups of testers: those of its active runs (V2, here) and
// those whose completed assignments vanish with the runs (T3 recount, in the
// tester_assignments DELETE trigger that fires after this one). Both groups are locked
// here, in one id-ordered statement ($1: the testers collected by the BEFORE DELETE row
// trigger of tester_assignments while the cascade ran), so that a deletion never holds
// some testers while waiting for others (LOCK ORDER, triggers.hpp).
spi::Statement kLockDelete{
    R"SQL(
SELECT h.id FROM hitlai.human_testers h
 WHERE h.id = ANY (ARRAY(SELECT r.tester_id FROM old_runs r
                          WHERE r.status IN ('pending', 'running')
                         UNION SELECT pg_catalog.unnest($1::uuid[])))
 ORDER BY h.id FOR NO KEY UPDATE OF h)SQL",
    1, {TEXTARRAYOID}, nullptr};

spi::Statement kLockTesters{
    R"SQL(
SELECT h.id FROM hitlai.human_testers h WHERE h.id = ANY ($1::uuid[])
 ORDER BY h.id FOR NO KEY UPDATE OF h)SQL",
    1, {TEXTARRAYOID}, nullptr};

// ---- active runs (V2) ----------------------------------------------------------------
// The statement's change of active runs (pending or running, by tester_id): one row,
// (tester ids, deltas) as two arrays, NULL when nothing changed; kApplyActive adds them.
// The triggers register both transition tables (an INSERT's old_runs and a DELETE's
// new_runs empty), so this one statement serves every event.
spi::Statement kActive{
    R"SQL(
SELECT pg_catalog.array_agg(x.tester_id), pg_catalog.array_agg(x.n)
  FROM (SELECT y.tester_id, pg_catalog.sum(y.k)::int8 AS n
          FROM (SELECT r.tester_id, 1 AS k FROM new_runs r
                 WHERE r.status IN ('pending', 'running')
                UNION ALL
                SELECT r.tester_id, -1 FROM old_runs r
                 WHERE r.status IN ('pending', 'running')) y
         WHERE y.tester_id IS NOT NULL
         GROUP BY y.tester_id HAVING pg_catalog.sum(y.k) <> 0) x)SQL",
    0, {}, nullptr};

// $1 tester ids, $2 change of each one's active runs.
spi::Statement kApplyActive{
    R"SQL(
UPDATE hitlai.human_testers h
   SET stats_active_assignments = h.stats_active_assignments + d.n
  FROM ROWS FROM (pg_catalog.unnest($1::uuid[]), pg_catalog.unnest($2::int8[])) AS d(id, n)
 WHERE h.id = d.id)SQL",
    2, {UUIDARRAYOID, INT8ARRAYOID}, nullptr};

// ---- ratings (T3) --------------------------------------------------------------------
// Each statement's change of the rating state: one row, (tester ids, change of the sum,
// change of the count) as three arrays, NULL when nothing changed; apply_rating_deltas
// adds them.

// Runs whose company_ai_rating changed: their completed assignments' testers.
spi::Statement kRatingRunUpdate{
    R"SQL(
SELECT pg_catalog.array_agg(d.tester_id), pg_catalog.array_agg(d.ds), pg_catalog.array_agg(d.dc)
  FROM (SELECT a.tester_id,
               pg_catalog.sum(COALESCE(ch.nr, 0) - COALESCE(ch.orr, 0))::int8 AS ds,
               pg_catalog.sum((ch.nr IS NOT NULL)::int4 - (ch.orr IS NOT NULL)::int4)::int8 AS dc
          FROM (SELECT n.id, n.company_ai_rating::int4 AS nr, o.company_ai_rating::int4 AS orr
                  FROM new_runs n JOIN old_runs o ON o.id = n.id
                 WHERE n.company_ai_rating IS DISTINCT FROM o.company_ai_rating) ch
          JOIN hitlai.tester_assignments a ON a.test_run_id = ch.id AND a.status = 'completed'
         GROUP BY a.tester_id) d)SQL",
    0, {}, nullptr};

// Completed assignments (on rated runs) inserted, updated or deleted (both transition
// tables are registered for every event, one of them empty for INSERT and DELETE).
spi::Statement kAsgRatings{
    R"SQL(
SELECT pg_catalog.array_agg(d.tester_id), pg_catalog.array_agg(d.ds), pg_catalog.array_agg(d.dc)
  FROM (SELECT y.tester_id, pg_catalog.sum(y.k * r.company_ai_rating::int4)::int8 AS ds,
               pg_catalog.sum(y.k)::int8 AS dc
          FROM (SELECT a.tester_id, a.test_run_id, 1 AS k FROM new_asg a
                 WHERE a.status = 'completed'
                UNION ALL
                SELECT a.tester_id, a.test_run_id, -1 FROM old_asg a
                 WHERE a.status = 'completed') y
          JOIN hitlai.test_runs r ON r.id = y.test_run_id
         WHERE r.company_ai_rating IS NOT NULL
         GROUP BY y.tester_id
        HAVING pg_catalog.sum(y.k * r.company_ai_rating::int4) <> 0
            OR pg_catalog.sum(y.k) <> 0) d)SQL",
    0, {}, nullptr};

// The testers of the statement's completed assignments, locked in id order by a
// statement of their own before their rating state is updated (lock, then update: see
// triggers.hpp).
spi::Statement kLockAsg{
    R"SQL(
SELECT h.id FROM hitlai.human_testers h
 WHERE h.id = ANY (ARRAY(SELECT a.tester_id FROM new_asg a WHERE a.status = 'completed'
                         UNION
                         SELECT a.tester_id FROM old_asg a WHERE a.status = 'completed'))
 ORDER BY h.id FOR NO KEY UPDATE OF h)SQL",
    0, {}, nullptr};

spi::Statement kAsgRunGone{
    R"SQL(
SELECT DISTINCT a.tester_id::text FROM old_asg a
 WHERE a.status = 'completed'
   AND NOT EXISTS (SELECT FROM hitlai.test_runs r WHERE r.id = a.test_run_id))SQL",
    0, {}, nullptr};
enum RunGoneCol { kGoneTester = 1 };

spi::Statement kRecount{
    R"SQL(
UPDATE hitlai.human_testers h
   SET stats_rating_sum = s.sm, stats_rating_count = s.ct,
       average_rating = CASE WHEN s.ct > 0
                             THEN pg_catalog.round(s.sm::numeric / s.ct::numeric, 2)
                             ELSE 0 END
  FROM pg_catalog.unnest($1::uuid[]) AS t(id)
  CROSS JOIN LATERAL (
    SELECT COALESCE(pg_catalog.sum(r.company_ai_rating::int4), 0)::int8 AS sm,
           pg_catalog.count(r.company_ai_rating) AS ct
      FROM hitlai.tester_assignments a JOIN hitlai.test_runs r ON r.id = a.test_run_id
     WHERE a.tester_id = t.id AND a.status = 'completed') s
 WHERE h.id = t.id)SQL",
    1, {TEXTARRAYOID}, nullptr};

// ---- credit (T3) ---------------------------------------------------------------------

// The runs entering `completed` in the statement (inserted so, or moved there; an
// INSERT's old_runs is registered empty): one row, (ids, costs, tester_ids) as three
// arrays, NULL when there is none; kCreditPairs* read them.
spi::Statement kCreditRuns{
    R"SQL(
SELECT pg_catalog.array_agg(n.id), pg_catalog.array_agg(n.cost), pg_catalog.array_agg(n.tester_id)
  FROM new_runs n LEFT JOIN old_runs o ON o.id = n.id
 WHERE n.status = 'completed' AND o.status IS DISTINCT FROM 'completed')SQL",
    0, {}, nullptr};

// Every credited (run, tester) pair of those runs: the run's tester_id and the testers
// with an assigned, started or completed assignment on it, in (run, tester) order. The
// tester's share is read by a subquery, by primary key (a join would make the generic
// plan that exec_rows runs hash every tester; revenue_share_pct is NOT NULL, so a NULL
// pct means the tester row is gone, and the pair is left out as the join did).
#define HITLAI_CREDIT_PAIRS_HEAD                                                        \
  "WITH runs AS (\n"                                                                      \
  "  SELECT u.id, u.cost, u.tester_id\n"                                                  \
  "    FROM ROWS FROM (pg_catalog.unnest($1::uuid[]), pg_catalog.unnest($2::numeric[]),\n" \
  "                    pg_catalog.unnest($3::uuid[])) AS u(id, cost, tester_id)),\n"      \
  "c AS (SELECT runs.id AS run_id, runs.cost, runs.tester_id FROM runs\n"                 \
  "       WHERE runs.tester_id IS NOT NULL\n"                                             \
  "      UNION\n"                                                                         \
  "      SELECT runs.id, runs.cost, a.tester_id FROM runs"
// A few runs (run by exec_rows with one generic plan): one probe of the assignments
// index per run, and the tester's share by primary key (see the lock statements above).
spi::Statement kCreditPairsFewRuns{HITLAI_CREDIT_PAIRS_HEAD R"SQL(
       CROSS JOIN LATERAL (
         SELECT a.tester_id FROM hitlai.tester_assignments a
          WHERE a.test_run_id = runs.id AND a.status IN ('assigned', 'started', 'completed')
         OFFSET 0) a)
SELECT x.run_id::text, (x.cost * 100)::int8, x.tester_id::text, x.pct
  FROM (SELECT c.run_id, c.cost, c.tester_id,
               (SELECT (h.revenue_share_pct * 100)::int8 FROM hitlai.human_testers h
                 WHERE h.id = c.tester_id) AS pct
          FROM c) x
 WHERE x.pct IS NOT NULL
 ORDER BY x.run_id, x.tester_id)SQL",
                                   3, {UUIDARRAYOID, NUMERICARRAYOID, UUIDARRAYOID}, nullptr};
// Bulk: joins, planned for the values.
spi::Statement kCreditPairsBulkRuns{HITLAI_CREDIT_PAIRS_HEAD R"SQL(
       JOIN hitlai.tester_assignments a
         ON a.test_run_id = runs.id AND a.status IN ('assigned', 'started', 'completed'))
SELECT c.run_id::text, (c.cost * 100)::int8, c.tester_id::text,
       (h.revenue_share_pct * 100)::int8
  FROM c JOIN hitlai.human_testers h ON h.id = c.tester_id
 ORDER BY c.run_id, c.tester_id)SQL",
                                    3, {UUIDARRAYOID, NUMERICARRAYOID, UUIDARRAYOID}, nullptr};
#undef HITLAI_CREDIT_PAIRS_HEAD
enum CreditPairsCol { kPairRun = 1, kPairCostCents, kPairTester, kPairSharePct };

spi::Statement kCreditAssignments{
    R"SQL(
INSERT INTO hitlai.tester_assignments AS a (test_run_id, tester_id, status, completed_at)
SELECT u.run_id, u.tester_id, 'completed', pg_catalog.now()
  FROM ROWS FROM (pg_catalog.unnest($1::uuid[]), pg_catalog.unnest($2::uuid[])) AS u(run_id, tester_id)
    ON CONFLICT (test_run_id, tester_id)
    DO UPDATE SET status = 'completed', completed_at = pg_catalog.now())SQL",
    2, {TEXTARRAYOID, TEXTARRAYOID}, nullptr};

// The run's company_ai_rating (smallint), read by primary key.
struct RunRating {
  bool found = false, rated = false;
  int16 rating = 0;
};
void collect_rating(void* ctx, TupleDesc desc, Datum* values, bool* nulls) {
  RunRating& r = *static_cast<RunRating*>(ctx);
  const int c = counters::column_index(desc, "company_ai_rating");
  r.found = true;
  r.rated = !nulls[c];
  if (r.rated) r.rating = DatumGetInt16(values[c]);
}

// A completed assignment as kCreditAssignments inserts it (D6's defaults for id and
// assigned_at: a random id, now).
struct NewAssignment {
  Datum run, tester, now;
};
void fill_assignment(void* ctx, TupleDesc desc, Datum* values, bool* nulls) {
  const NewAssignment& a = *static_cast<const NewAssignment*>(ctx);
  auto set = [&](const char* column, Datum v) {
    const int c = counters::column_index(desc, column);
    values[c] = v;
    nulls[c] = false;
  };
  set("id", counters::new_row_id());
  set("test_run_id", a.run);
  set("tester_id", a.tester);
  set("assigned_at", a.now);
  set("completed_at", a.now);
  set("status", CStringGetTextDatum("completed"));
}

// T3's credit of `tester` (locked) on `run` (this transaction's), which has no assignment
// of it: the new completed assignment inserted without kCreditAssignments, then what the
// statement's INSERT triggers on tester_assignments do for it, in their order (by name):
// the policy cache invalidated; tester_assignments_after_insert's share of the run's
// rating when the run is rated; assignment_stats_insert's latest assigned_at. (The
// BEFORE triggers have nothing to do: guard_insert_defaults lets hitlai's own write
// choose its columns, refuse_infinite_timestamps sees now().) The constraints: status
// is a value of D6's CHECK, the foreign keys' rows are locked by this transaction.
// False, having written nothing, when the statement must run instead (another
// transaction inserted the pair meanwhile, or the run cannot be read by index).
bool insert_completed(Datum run, Datum tester) {
  RunRating r;
  if (!counters::scan_by_key("test_runs", "id", run, collect_rating, &r) || !r.found)
    return false;
  NewAssignment a{run, tester, TimestampTzGetDatum(GetCurrentTransactionStartTimestamp())};
  static const char* const kKey[] = {"test_run_id", "tester_id", nullptr};
  if (!counters::insert_unless_conflict(counters::Table::kTesterAssignments, kKey,
                                        fill_assignment, &a))
    return false;
  hitlai::pg::invalidate_policy_cache();
  if (r.rated) {
    RatingDelta d{r.rating, 1};
    update_tester(tester, apply_rating, &d);
  }
  hitlai::pg::assignment_stats::one_inserted(tester, false, a.now);
  return true;
}

}  // namespace

namespace hitlai::pg {

uint64_t testers_lock_for(RunEvent ev, int64_t rows) {
  const bool few = rows <= spi::kSmallRows;
  switch (ev) {
    case RunEvent::kInsert: return spi::exec(few ? kLockInsertFewRuns : kLockInsertBulkRuns);
    case RunEvent::kUpdate: return spi::exec(few ? kLockUpdateFewRuns : kLockUpdateBulkRuns);
    case RunEvent::kDelete: {
      std::vector<std::string> ids;
      ids.swap(deleted_completed_testers);
      std::sort(ids.begin(), ids.end());
      ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
      Datum args[1] = {spi::text_array(ids)};
      return spi::exec(kLockDelete, args);
    }
  }
  return 0;
}

uint64_t testers_lock_one(const OneRun& run, bool moved, bool rated, bool completing) {
  std::vector<Datum> ids;
  if ((moved || completing) && run.new_tester) ids.push_back(*run.new_tester);
  if (moved && run.old_tester) ids.push_back(*run.old_tester);
  if (rated || completing) {
    const auto assigned = counters::assignment_column_of_run(run.id, "tester_id");
    if (!assigned) return testers_lock_for(RunEvent::kUpdate, 1);  // no usable index
    ids.insert(ids.end(), assigned->begin(), assigned->end());
  }
  sort_unique_uuids(ids);
  uint64_t locked = 0;
  for (const Datum id : ids)
    if (counters::lock_by_id(counters::Table::kHumanTesters, id)) ++locked;
  return locked;
}

void testers_active_delta() { spi::exec_then(kActive, kApplyActive); }

void testers_rating_delta_on_run_update() { apply_rating_deltas(kRatingRunUpdate); }

void testers_rating_delta_one(const OneRun& run, std::optional<Datum> old_rating,
                              std::optional<Datum> new_rating) {
  // kRatingRunUpdate for one run: each tester of a completed assignment on it gets the
  // change of the rating (NULL counts 0) and of the number of ratings.
  const int64_t o = old_rating ? DatumGetInt16(*old_rating) : 0;
  const int64_t n = new_rating ? DatumGetInt16(*new_rating) : 0;
  RatingDelta d{n - o, int64_t(new_rating.has_value()) - int64_t(old_rating.has_value())};
  static const char* const kCompleted[] = {"completed", nullptr};
  auto found = counters::assignment_column_of_run(run.id, "tester_id", kCompleted);
  if (!found) return testers_rating_delta_on_run_update();  // no usable index: the query
  std::vector<Datum> ids = std::move(*found);
  sort_unique_uuids(ids);
  for (const Datum id : ids) update_tester(id, apply_rating, &d);
}

void testers_recount_pending() {
  if (recount_testers.empty()) return;
  std::vector<std::string> ids;
  ids.swap(recount_testers);
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  Datum args[1] = {spi::text_array(ids)};
  spi::exec(kRecount, args);
}

}  // namespace hitlai::pg

namespace {

// T3's credit of the runs given as kCreditPairs*' parameters (ids, costs, tester_ids:
// three arrays of `n` elements).
void credit_runs(Datum* runs, const char* runs_null, int64_t n) {
  const uint64_t rows = spi::exec_rows(
      n <= spi::kSmallRows ? kCreditPairsFewRuns : kCreditPairsBulkRuns, n, runs, runs_null);
  struct Pair {
    std::string run, tester;
    int64_t cost_cents, pct;
  };
  std::vector<Pair> pairs;
  pairs.reserve(rows);
  for (uint64_t i = 0; i < rows; ++i)
    pairs.push_back(Pair{spi::text_not_null(i, kPairRun), spi::text_not_null(i, kPairTester),
                         *spi::int8(i, kPairCostCents), *spi::int8(i, kPairSharePct)});
  if (pairs.empty()) return;
  std::map<std::string, std::pair<int64_t, int64_t>> per_tester;  // id -> (runs, cents)
  std::vector<std::string> asg_runs, asg_testers;
  for (size_t b = 0; b < pairs.size();) {
    size_t e = b;
    while (e < pairs.size() && pairs[e].run == pairs[b].run) ++e;
    const int credited = static_cast<int>(e - b);
    for (size_t i = b; i < e; ++i) {
      auto& t = per_tester[pairs[i].tester];
      t.first += 1;
      t.second += hitlai::earnings::share_cents(pairs[i].cost_cents, pairs[i].pct, credited);
      asg_runs.push_back(pairs[i].run);
      asg_testers.push_back(pairs[i].tester);
    }
    b = e;
  }
  // Testers in id order (the map's text order is uuid order), each already locked.
  for (const auto& entry : per_tester) {
    const char* id = entry.first.c_str();
    const Datum uuid =
        hitlai::pg::guarded([id] { return DirectFunctionCall1(uuid_in, CStringGetDatum(id)); });
    CreditDelta d{entry.second.first, entry.second.second};
    update_tester(uuid, apply_credit, &d);
  }
  Datum aargs[2] = {spi::text_array(asg_runs), spi::text_array(asg_testers)};
  spi::exec_rows(kCreditAssignments, static_cast<int64_t>(asg_runs.size()), aargs);
}

}  // namespace

namespace hitlai::pg {

void testers_credit_completed() {
  spi::exec(kCreditRuns);
  Datum runs[3];
  char runs_null[3];
  if (!spi::row_args(0, 3, runs, runs_null)) return;  // no run entered `completed`
  credit_runs(runs, runs_null, spi::array_length(runs[0]));
}

void testers_credit_completed_one(const OneRun& run) {
  // The credited testers, as kCreditPairs* reads them for one run: the run's tester and
  // the testers of its assigned, started or completed assignments, those whose row
  // exists (testers_lock_one has locked them all, so none can vanish now).
  static const char* const kCredited[] = {"assigned", "started", "completed", nullptr};
  auto found = counters::assignment_column_of_run(run.id, "tester_id", kCredited);
  if (!found) {  // no usable index: the pairs query
    const bool no_tester = !run.new_tester;
    const Datum tester = run.new_tester.value_or(Datum(0));
    Datum runs[3] = {spi::array_of(&run.id, nullptr, 1, UUIDOID),
                     spi::array_of(&run.cost, nullptr, 1, NUMERICOID),
                     spi::array_of(&tester, &no_tester, 1, UUIDOID)};
    const char runs_null[3] = {' ', ' ', ' '};
    credit_runs(runs, runs_null, 1);
    return;
  }
  std::vector<Datum> ids = std::move(*found);
  if (run.new_tester) ids.push_back(*run.new_tester);
  sort_unique_uuids(ids);
  std::vector<Datum> credited;
  for (const Datum id : ids)
    if (counters::lock_by_id(counters::Table::kHumanTesters, id)) credited.push_back(id);
  if (credited.empty()) return;
  const int64_t cost_cents = hitlai::pg::guarded([&] {
    Datum cents = DirectFunctionCall2(numeric_mul, run.cost,
                                      DirectFunctionCall1(int4_numeric, Int32GetDatum(100)));
    return DatumGetInt64(DirectFunctionCall1(numeric_int8, cents));
  });
  for (const Datum id : credited) {
    ShareDelta d{cost_cents, static_cast<int>(credited.size())};
    update_tester(id, apply_share, &d);
  }
  // The assignments, as kCreditAssignments writes them: a tester with no assignment on
  // the run gets a new completed one, inserted without the statement while
  // tester_assignments has only hitlai's triggers (whose work insert_completed does);
  // the others, and every tester when that cannot be, go through the statement.
  static const char* const kInsertTriggers[] = {
      "guard_insert_defaults", "refuse_infinite_timestamps", "invalidate_policy_cache",
      "tester_assignments_after_insert", "assignment_stats_insert", nullptr};
  static const char* const kOtherTriggers[] = {
      "assignment_started_at", "tester_assignments_after_update", "assignment_stats_update",
      nullptr};
  static const char* const kConstraints[] = {"tester_assignments_status_check",
                                             "tester_assignments_test_run_id_fkey",
                                             "tester_assignments_tester_id_fkey", nullptr};
  static constexpr counters::Accounted kAccounted{kInsertTriggers, kOtherTriggers, kConstraints,
                                                  false};
  auto assigned = counters::assignment_column_of_run(run.id, "tester_id");
  const bool direct =
      assigned && counters::writes_unobserved(counters::Table::kTesterAssignments, kAccounted);
  std::vector<std::string> asg_runs, asg_testers;
  const std::string run_text = uuid_text(run.id);
  for (const Datum id : credited) {
    const bool has_one =
        assigned && std::any_of(assigned->begin(), assigned->end(), [&](Datum a) {
          return std::memcmp(DatumGetUUIDP(a), DatumGetUUIDP(id), UUID_LEN) == 0;
        });
    if (direct && !has_one && insert_completed(run.id, id)) continue;
    asg_runs.push_back(run_text);
    asg_testers.push_back(uuid_text(id));
  }
  if (asg_runs.empty()) return;
  Datum aargs[2] = {spi::text_array(asg_runs), spi::text_array(asg_testers)};
  spi::exec_rows(kCreditAssignments, static_cast<int64_t>(asg_runs.size()), aargs);
}

void testers_active_delta_one(const OneRun& run) {
  // (tester, change of its active runs), at most two testers; nothing when both are the
  // same active tester, or neither side is an active run with a tester.
  Datum ids[2];
  Datum deltas[2];
  int n = 0;
  const bool same = run.old_tester && run.new_tester &&
                    std::memcmp(DatumGetUUIDP(*run.old_tester), DatumGetUUIDP(*run.new_tester),
                                UUID_LEN) == 0;
  if (same) {
    const int64_t d = int64_t(run.new_active) - int64_t(run.old_active);
    if (d != 0) {
      ids[n] = *run.new_tester;
      deltas[n++] = Int64GetDatum(d);
    }
  } else {
    if (run.old_tester && run.old_active) {
      ids[n] = *run.old_tester;
      deltas[n++] = Int64GetDatum(-1);
    }
    if (run.new_tester && run.new_active) {
      ids[n] = *run.new_tester;
      deltas[n++] = Int64GetDatum(1);
    }
  }
  if (n == 0) return;
  if (n == 2 && std::memcmp(DatumGetUUIDP(ids[0]), DatumGetUUIDP(ids[1]), UUID_LEN) > 0) {
    std::swap(ids[0], ids[1]);  // id order
    std::swap(deltas[0], deltas[1]);
  }
  for (int i = 0; i < n; ++i) {
    int64_t delta = DatumGetInt64(deltas[i]);
    update_tester(ids[i], apply_active, &delta);
  }
}

}  // namespace hitlai::pg

namespace {

namespace trigger = hitlai::pg::trigger;

constexpr trigger::Spec spec_for(const char* name, trigger::Event event) {
  return trigger::after_statement(name, event, "tester_assignments",
                                  "tester_assignments trigger: must be AFTER ... FOR EACH STATEMENT");
}
constexpr trigger::Spec kOnInsert = spec_for("tester_assignments_after_insert", trigger::kInsert);
constexpr trigger::Spec kOnUpdate = spec_for("tester_assignments_after_update", trigger::kUpdate);
constexpr trigger::Spec kOnDelete = spec_for("tester_assignments_after_delete", trigger::kDelete);
constexpr trigger::Spec kBeforeDelete = trigger::before_row(
    "tester_assignments_before_delete", trigger::kDelete, "tester_assignments",
    "tester_assignments_before_delete: must be BEFORE DELETE ... FOR EACH ROW");

// kLockAsg and kAsgRatings for an INSERT of one assignment, without the queries: a
// completed one locks its tester and adds the run's rating, if the run is rated. False
// when the run could not be read by index (the caller then runs the queries; the tester
// lock taken already is the one they take first).
bool one_inserted_assignment(const trigger::Call& call) {
  Datum v[3];
  bool isnull[3];
  if (!spi::first_row(call.new_table, call.relation, {"tester_id", "test_run_id", "status"}, v,
                      isnull))
    return true;
  if (isnull[0] || isnull[1] || isnull[2] || !spi::text_equals(v[2], "completed")) return true;
  if (!counters::lock_by_id(counters::Table::kHumanTesters, v[0])) return true;  // tester gone
  RunRating r;
  if (!counters::scan_by_key("test_runs", "id", v[1], collect_rating, &r)) return false;
  if (!r.found || !r.rated) return true;
  RatingDelta d{r.rating, 1};
  update_tester(v[0], apply_rating, &d);
  return true;
}

Datum assignments_trigger(FunctionCallInfo fcinfo, const trigger::Spec& spec) {
  const trigger::Call call = trigger::open(fcinfo, spec);
  if (hitlai::pg::restore_mode_active()) return call.unchanged();
  if (call.transition_rows() == 0) return call.unchanged();
  if (call.is_insert() && call.transition_rows() == 1 && one_inserted_assignment(call))
    return call.unchanged();  // one assignment: no query
  spi::Connection spi_conn(call.data, {"old_asg", "new_asg"});
  spi::exec(kLockAsg);
  apply_rating_deltas(kAsgRatings);
  if (call.is_delete()) {
    const uint64_t gone = spi::exec(kAsgRunGone);
    for (uint64_t i = 0; i < gone; ++i)
      recount_testers.push_back(spi::text_not_null(i, kGoneTester));
    if (!recount_testers.empty()) {
      Datum args[1] = {spi::text_array(recount_testers)};
      spi::exec(kLockTesters, args);  // id order, then recount with a fresh snapshot
      hitlai::pg::testers_recount_pending();
    }
  }
  spi_conn.finish();
  return call.unchanged();
}

}  // namespace

// hitlai.tester_assignments_before_delete(): BEFORE DELETE ... FOR EACH ROW ON
// tester_assignments (every status: the M1 counters of assignment_stats.cpp are written
// for open ones too, by statement triggers that fire after the run's AFTER DELETE). It runs while a run deletion's
// cascade deletes the run's assignments, before the run's AFTER DELETE statement trigger,
// and remembers the tester so that trigger can lock every tester of the deletion at once.
HITLAI_FUNCTION(hitlai_tester_assignments_before_delete) {
  const trigger::Call call = trigger::open(fcinfo, kBeforeDelete);
  HeapTuple old = call.old_row;
  if (hitlai::pg::restore_mode_active()) return call.unchanged();
  const char* tester = hitlai::pg::guarded([&]() -> const char* {
    TupleDesc desc = call.desc;
    int n = SPI_fnumber(desc, "tester_id");
    if (n <= 0) elog(ERROR, "hitlai: tester_assignments.tester_id not found");
    bool isnull = false;
    Datum d = heap_getattr(old, n, desc, &isnull);
    if (isnull) return nullptr;
    if (!xact_callback_registered) {
      RegisterXactCallback(clear_deleted_testers, nullptr);
      xact_callback_registered = true;
    }
    return DatumGetCString(DirectFunctionCall1(uuid_out, d));
  });
  if (tester) deleted_completed_testers.emplace_back(tester);
  return call.unchanged();
}

// AFTER INSERT / UPDATE / DELETE FOR EACH STATEMENT ON tester_assignments
// (REFERENCING NEW TABLE AS new_asg / OLD TABLE AS old_asg). SECURITY DEFINER.
HITLAI_FUNCTION(hitlai_tester_assignments_after_insert) {
  return assignments_trigger(fcinfo, kOnInsert);
}
HITLAI_FUNCTION(hitlai_tester_assignments_after_update) {
  return assignments_trigger(fcinfo, kOnUpdate);
}
HITLAI_FUNCTION(hitlai_tester_assignments_after_delete) {
  return assignments_trigger(fcinfo, kOnDelete);
}
