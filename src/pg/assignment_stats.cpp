// M1: stats_open_assignments and stats_last_assigned_at of human_testers (see
// assignment_stats.hpp), kept by statement-level triggers on tester_assignments:
//
//  - INSERT: per tester, + the new rows in assigned/started, and
//    stats_last_assigned_at = greatest(stored, max new assigned_at): deltas.
//  - UPDATE / DELETE: the open count moves by (new rows open) - (old rows open) per
//    tester, a delta. The latest assigned_at can go down (a row leaves the tester, or its
//    assigned_at moves back) or up (a row moves to another tester, or its assigned_at
//    moves forward), so for the testers concerned it is recounted from the tables (index (tester_id, assigned_at): one index probe per
//    tester) by a statement that runs after the testers are locked, so its snapshot sees
//    every committed change of them.
//
// LOCK ORDER (triggers.hpp): the testers concerned are locked in id order (FOR NO KEY
// UPDATE) before they are updated. hitlai.assign_testers already holds the rows it
// chose; the T3 triggers of tester_stats.cpp lock the same testers in the same order.
// In restore mode the triggers do nothing (the restored rows carry their counters, S8).
#include "pg/assignment_stats.hpp"

#include "pg/bridge.hpp"
#include "pg/counter_rows.hpp"
#include "pg/settings.hpp"
#include "pg/trigger.hpp"

extern "C" {
#include "catalog/namespace.h"
#include "utils/lsyscache.h"
#include "utils/timestamp.h"
}

#include <string>
#include <vector>

namespace {

namespace spi = hitlai::pg::spi;

spi::Statement kInsert{
    R"SQL(
WITH d AS (
  SELECT n.tester_id, pg_catalog.max(n.assigned_at) AS la,
         pg_catalog.count(*) FILTER (WHERE n.status IN ('assigned', 'started')) AS da
    FROM new_asg n GROUP BY n.tester_id),
l AS MATERIALIZED (
  SELECT h.id FROM hitlai.human_testers h WHERE h.id = ANY (ARRAY(SELECT d.tester_id FROM d))
   ORDER BY h.id FOR NO KEY UPDATE OF h)
UPDATE hitlai.human_testers h
   SET stats_open_assignments = h.stats_open_assignments + d.da,
       stats_last_assigned_at = GREATEST(h.stats_last_assigned_at, d.la)
  FROM d, l
 WHERE h.id = d.tester_id AND l.id = h.id
   AND (d.da <> 0 OR h.stats_last_assigned_at IS NULL OR d.la > h.stats_last_assigned_at))SQL",
    0, {}, nullptr};

// The same for a statement that inserted one assignment, written to its tester row
// without the executor (counter_rows.hpp): one row, so locking it is the whole lock
// step (LOCK ORDER, triggers.hpp).
struct OneAssignment {
  int64_t open;      // 1 when it is assigned or started
  Datum assigned_at;  // timestamptz
};
void apply_one_assignment(void* ctx, TupleDesc desc, Datum* values, bool* nulls,
                          bool* replace) {
  namespace counters = hitlai::pg::counters;
  const OneAssignment& a = *static_cast<const OneAssignment*>(ctx);
  const int open = counters::column_index(desc, "stats_open_assignments");
  const int last = counters::column_index(desc, "stats_last_assigned_at");
  if (nulls[open]) elog(ERROR, "hitlai: NULL stats_open_assignments");  // NOT NULL
  if (a.open != 0) {
    values[open] = counters::int8_add(values[open], a.open);
    replace[open] = true;
  }
  if (nulls[last] || DatumGetTimestampTz(a.assigned_at) > DatumGetTimestampTz(values[last])) {
    values[last] = a.assigned_at;
    nulls[last] = false;
    replace[last] = true;
  }
}

// UPDATE and DELETE: the change of each tester's open count, one row of two arrays
// (tester ids, deltas), NULL when there is none; kApplyOpen adds them. A deletion lists
// every tester of its rows, 0 included, so that all are locked in one step.
spi::Statement kUpdateDeltas{
    R"SQL(
SELECT pg_catalog.array_agg(d.tester_id), pg_catalog.array_agg(d.da)
  FROM (SELECT x.tester_id, pg_catalog.sum(x.k)::int8 AS da
          FROM (SELECT o.tester_id, -1 AS k FROM old_asg o
                 WHERE o.status IN ('assigned', 'started')
                UNION ALL
                SELECT n.tester_id, 1 FROM new_asg n
                 WHERE n.status IN ('assigned', 'started')) x
         GROUP BY x.tester_id HAVING pg_catalog.sum(x.k) <> 0) d)SQL",
    0, {}, nullptr};

spi::Statement kDeleteDeltas{
    R"SQL(
SELECT pg_catalog.array_agg(o.tester_id), pg_catalog.array_agg(-o.da)
  FROM (SELECT o.tester_id,
               pg_catalog.count(*) FILTER (WHERE o.status IN ('assigned', 'started')) AS da
          FROM old_asg o GROUP BY o.tester_id) o)SQL",
    0, {}, nullptr};

// $1 tester ids, $2 change of their open counts; the testers are locked in id order first.
spi::Statement kApplyOpen{
    R"SQL(
WITH d AS (
  SELECT u.id, u.da FROM ROWS FROM (pg_catalog.unnest($1::uuid[]),
                                    pg_catalog.unnest($2::int8[])) AS u(id, da)),
l AS MATERIALIZED (
  SELECT h.id FROM hitlai.human_testers h WHERE h.id = ANY (ARRAY(SELECT d.id FROM d))
   ORDER BY h.id FOR NO KEY UPDATE OF h)
UPDATE hitlai.human_testers h
   SET stats_open_assignments = h.stats_open_assignments + d.da
  FROM d, l WHERE h.id = d.id AND l.id = h.id AND d.da <> 0)SQL",
    2, {UUIDARRAYOID, INT8ARRAYOID}, nullptr};

// Testers whose latest assigned_at may have moved, locked in id order. After an
// UPDATE: the old tester of a row whose tester changed or whose assigned_at went back
// (it may go down), and the new tester of a row whose tester changed or whose
// assigned_at went forward (it may go up); after a DELETE: every old row's tester.
spi::Statement kLockMovedUpdate{
    "SELECT h.id FROM hitlai.human_testers h\n"
    " WHERE h.id = ANY (ARRAY(SELECT o.tester_id FROM old_asg o\n"
    "                 WHERE NOT EXISTS (SELECT 1 FROM new_asg n\n"
    "                                    WHERE n.id = o.id AND n.tester_id = o.tester_id\n"
    "                                      AND n.assigned_at >= o.assigned_at)\n"
    "                 UNION\n"
    "                 SELECT n.tester_id FROM new_asg n\n"
    "                 WHERE NOT EXISTS (SELECT 1 FROM old_asg o\n"
    "                                    WHERE o.id = n.id AND o.tester_id = n.tester_id\n"
    "                                      AND o.assigned_at >= n.assigned_at)))\n"
    " ORDER BY h.id FOR NO KEY UPDATE OF h",
    0, {}, nullptr};
spi::Statement kLockMovedDelete{
    "SELECT h.id FROM hitlai.human_testers h\n"
    " WHERE h.id = ANY (ARRAY(SELECT DISTINCT o.tester_id FROM old_asg o))\n"
    " ORDER BY h.id FOR NO KEY UPDATE OF h",
    0, {}, nullptr};
enum LockMovedCol { kMovedTester = 1 };

// Recount (a fresh statement after the locks: its snapshot sees every committed change
// of these testers' assignments). $1: the tester ids as text[].
spi::Statement kRecountLast{
    "UPDATE hitlai.human_testers h\n"
    "   SET stats_last_assigned_at = m.la\n"
    "  FROM (SELECT t.id::uuid AS id,\n"
    "               (SELECT a.assigned_at FROM hitlai.tester_assignments a\n"
    "                 WHERE a.tester_id = t.id::uuid\n"
    "                 ORDER BY a.assigned_at DESC LIMIT 1) AS la\n"
    "          FROM pg_catalog.unnest($1::pg_catalog.text[]) AS t(id)) m\n"
    " WHERE h.id = m.id AND h.stats_last_assigned_at IS DISTINCT FROM m.la",
    1, {TEXTARRAYOID}, nullptr};

spi::Statement kRebuild{
    R"SQL(
WITH a AS (
  SELECT x.tester_id,
         pg_catalog.count(*) FILTER (WHERE x.status IN ('assigned', 'started')) AS n,
         pg_catalog.max(x.assigned_at) AS la
    FROM hitlai.tester_assignments x GROUP BY x.tester_id),
s AS (
  SELECT h.id, COALESCE(a.n, 0) AS n, a.la
    FROM hitlai.human_testers h LEFT JOIN a ON a.tester_id = h.id),
l AS MATERIALIZED (SELECT h.id FROM hitlai.human_testers h ORDER BY h.id FOR NO KEY UPDATE OF h)
UPDATE hitlai.human_testers h
   SET stats_open_assignments = s.n, stats_last_assigned_at = s.la
  FROM s, l
 WHERE h.id = s.id AND l.id = h.id
   AND (h.stats_open_assignments, h.stats_last_assigned_at) IS DISTINCT FROM (s.n, s.la))SQL",
    0, {}, nullptr};

spi::Statement kCheck{
    R"SQL(
SELECT 'human_testers'::text AS table_name, h.id, v.col, v.stored, v.actual
  FROM hitlai.human_testers h
  LEFT JOIN (SELECT x.tester_id,
                    pg_catalog.count(*) FILTER (WHERE x.status IN ('assigned', 'started')) AS n,
                    pg_catalog.max(x.assigned_at) AS la
               FROM hitlai.tester_assignments x GROUP BY x.tester_id) a ON a.tester_id = h.id
 CROSS JOIN LATERAL (VALUES
   ('stats_open_assignments'::text, h.stats_open_assignments::text, COALESCE(a.n, 0)::text),
   ('stats_last_assigned_at', h.stats_last_assigned_at::text, a.la::text))
   AS v(col, stored, actual)
 WHERE v.stored IS DISTINCT FROM v.actual
 ORDER BY 2, 3)SQL",
    0, {}, nullptr};

namespace trigger = hitlai::pg::trigger;

constexpr trigger::Spec spec_for(const char* name, trigger::Event event) {
  return trigger::after_statement(name, event, "tester_assignments",
                                  "assignment stats trigger: must be AFTER ... FOR EACH STATEMENT");
}
constexpr trigger::Spec kOnInsert = spec_for("assignment_stats_insert", trigger::kInsert);
constexpr trigger::Spec kOnUpdate = spec_for("assignment_stats_update", trigger::kUpdate);
constexpr trigger::Spec kOnDelete = spec_for("assignment_stats_delete", trigger::kDelete);

Datum on_assignments(FunctionCallInfo fcinfo, const trigger::Spec& spec) {
  const trigger::Call call = trigger::open(fcinfo, spec);
  if (hitlai::pg::restore_mode_active()) return call.unchanged();
  if (call.transition_rows() == 0) return call.unchanged();
  spi::Connection spi_conn(call.data);
  if (call.is_insert()) {
    Datum v[3];
    bool isnull[3];
    if (call.transition_rows() == 1 &&
        spi::first_row(call.new_table, call.relation, {"tester_id", "status", "assigned_at"}, v,
                       isnull) &&
        !isnull[0] && !isnull[2]) {
      const bool open = !isnull[1] && (spi::text_equals(v[1], "assigned") ||
                                       spi::text_equals(v[1], "started"));
      OneAssignment a{open ? 1 : 0, v[2]};
      hitlai::pg::counters::update_by_id(hitlai::pg::counters::Table::kHumanTesters, v[0],
                                         apply_one_assignment, &a);
    } else {
      spi::exec(kInsert);
    }
  } else {
    spi::exec_then(call.is_update() ? kUpdateDeltas : kDeleteDeltas, kApplyOpen);
    const uint64_t n = spi::exec(call.is_update() ? kLockMovedUpdate : kLockMovedDelete);
    if (n > 0) {
      std::vector<std::string> ids;
      ids.reserve(n);
      for (uint64_t i = 0; i < n; ++i) ids.push_back(spi::text_not_null(i, kMovedTester));
      Datum args[1] = {spi::text_array(ids)};
      spi::exec(kRecountLast, args);
    }
  }
  spi_conn.finish();
  return call.unchanged();
}

}  // namespace

namespace hitlai::pg::assignment_stats {
void one_inserted(Datum tester, bool open, Datum assigned_at) {
  OneAssignment a{open ? 1 : 0, assigned_at};
  hitlai::pg::counters::update_by_id(hitlai::pg::counters::Table::kHumanTesters, tester,
                                     apply_one_assignment, &a);
}

bool installed() {
  return hitlai::pg::guarded([] {
    Oid ns = get_namespace_oid("hitlai", true);
    Oid rel = OidIsValid(ns) ? get_relname_relid("human_testers", ns) : InvalidOid;
    return OidIsValid(rel) && get_attnum(rel, "stats_last_assigned_at") != InvalidAttrNumber &&
           get_attnum(rel, "stats_open_assignments") != InvalidAttrNumber;
  });
}
spi::Statement& rebuild_statement() { return kRebuild; }
spi::Statement& check_statement() { return kCheck; }
}  // namespace hitlai::pg::assignment_stats

// AFTER INSERT / UPDATE / DELETE FOR EACH STATEMENT ON tester_assignments
// (REFERENCING NEW TABLE AS new_asg / OLD TABLE AS old_asg). SECURITY DEFINER.
HITLAI_FUNCTION(hitlai_assignment_stats_insert) { return on_assignments(fcinfo, kOnInsert); }
HITLAI_FUNCTION(hitlai_assignment_stats_update) { return on_assignments(fcinfo, kOnUpdate); }
HITLAI_FUNCTION(hitlai_assignment_stats_delete) { return on_assignments(fcinfo, kOnDelete); }
