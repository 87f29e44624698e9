// T6: test_runs.issues_found is the number of issues of the run, at all times.
// AFTER INSERT / UPDATE / DELETE FOR EACH STATEMENT ON issues (transition tables
// new_issues / old_issues): one UPDATE of the affected runs per statement, locked in id
// order, adding the per-run delta (an UPDATE of issues touches its runs with delta 0 so
// that captured training documents are refreshed, T2). Deltas, not recounts: a
// concurrent session's issues are never lost under READ COMMITTED. A deleted run (the
// cascade) is simply not found. SECURITY DEFINER: a tester who may insert issues may
// not update test_runs.issues_found.
#include "pg/bridge.hpp"
#include "pg/settings.hpp"
#include "pg/spi.hpp"
#include "pg/triggers.hpp"

namespace {

namespace spi = hitlai::pg::spi;

#define HITLAI_ISSUES_TAIL                                                                 \
    "\n" \
  "d AS (SELECT x.run_id, pg_catalog.sum(x.k) AS k FROM x GROUP BY x.run_id),\n" \
  "l AS MATERIALIZED (\n" \
  "  SELECT r.id FROM hitlai.test_runs r WHERE r.id IN (SELECT d.run_id FROM d)\n" \
  "   ORDER BY r.id FOR NO KEY UPDATE OF r)\n" \
  "UPDATE hitlai.test_runs r SET issues_found = r.issues_found + d.k\n" \
  "  FROM d, l WHERE r.id = d.run_id AND l.id = r.id\n"

spi::Statement kInsert{
    "WITH x AS (SELECT i.test_run_id AS run_id, 1 AS k FROM new_issues i)," HITLAI_ISSUES_TAIL,
    0, {}, nullptr};
// 0.3.0 (W1): the same, also returning stats_active_webhooks of each run's company, so
// that an issue of a company without active webhooks costs no outbox query.
spi::Statement kInsertV3{
    "WITH x AS (SELECT i.test_run_id AS run_id, 1 AS k FROM new_issues i)," HITLAI_ISSUES_TAIL
    "RETURNING (SELECT c.stats_active_webhooks FROM hitlai.companies c\n"
    "            WHERE c.id = r.company_id)::int8",
    0, {}, nullptr};
spi::Statement kUpdate{
    "WITH x AS (SELECT i.test_run_id AS run_id, 1 AS k FROM new_issues i "
    "UNION ALL SELECT i.test_run_id, -1 FROM old_issues i)," HITLAI_ISSUES_TAIL,
    0, {}, nullptr};
spi::Statement kDelete{
    "WITH x AS (SELECT i.test_run_id AS run_id, -1 AS k FROM old_issues i)," HITLAI_ISSUES_TAIL,
    0, {}, nullptr};

Datum issues_trigger(FunctionCallInfo fcinfo, spi::Statement& stmt) {
  auto* td = reinterpret_cast<TriggerData*>(fcinfo->context);
  if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_AFTER(td->tg_event) ||
      TRIGGER_FIRED_FOR_ROW(td->tg_event))
    throw hitlai::Error("39P01", "issues trigger: must be AFTER ... FOR EACH STATEMENT");
  if (hitlai::pg::restore_mode_active()) return PointerGetDatum(nullptr);
  if (spi::tuple_count(td->tg_newtable) + spi::tuple_count(td->tg_oldtable) == 0)
    return PointerGetDatum(nullptr);
  const bool outbox = &stmt == &kInsert && hitlai::pg::outbox_enabled();
  spi::connect(td);
  bool webhooks = false;
  {
    hitlai::pg::IssueCountWriter writer;
    const uint64_t runs = spi::exec(outbox ? kInsertV3 : stmt);
    for (uint64_t i = 0; outbox && i < runs && !webhooks; ++i)
      webhooks = spi::int8(i, 1).value_or(0) > 0;
  }
  if (webhooks) hitlai::pg::outbox_issues_inserted();  // W1: issue.created
  spi::finish();
  return PointerGetDatum(nullptr);
}

}  // namespace

HITLAI_FUNCTION(hitlai_issues_after_insert) { return issues_trigger(fcinfo, kInsert); }
HITLAI_FUNCTION(hitlai_issues_after_update) { return issues_trigger(fcinfo, kUpdate); }
HITLAI_FUNCTION(hitlai_issues_after_delete) { return issues_trigger(fcinfo, kDelete); }
