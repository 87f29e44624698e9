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
#include "pg/trigger.hpp"
#include "pg/triggers.hpp"

#include <string>

namespace {

namespace spi = hitlai::pg::spi;

// J5 (T2): the issue titles of one run take at most 523264 bytes (plus 48 bytes per issue
// for its place in the document), so that the run's training output_data, with at most
// 512 KiB of recommendations and positives (run_status.cpp), stays under 1 MiB. Checked
// at the issue write that would pass the limit, never later at the run's completion.
constexpr int64_t kIssueTitlesBytes = 512 * 1024 - 1024;
// Written as one probe of idx_issues_test_run_id per run of the statement (LATERAL):
// the former `test_run_id IN (new_issues) GROUP BY ... HAVING ... LIMIT 1` let the
// planner, expecting the LIMIT to stop it early, walk the whole index in a merge join,
// and as no run is ever over the limit, every issue insert read every issue.
spi::Statement kTitlesOver{
    R"SQL(
SELECT r.run_id::text, s.bytes
  FROM (SELECT DISTINCT n.test_run_id AS run_id FROM new_issues n) r
 CROSS JOIN LATERAL (
   SELECT pg_catalog.sum(pg_catalog.octet_length(i.title)::int8 + 48)::int8 AS bytes
     FROM hitlai.issues i WHERE i.test_run_id = r.run_id) s
 WHERE s.bytes > 523264
 LIMIT 1)SQL",
    0, {}, nullptr};
enum TitlesOverCol { kOverRun = 1, kOverBytes };

// The statement's runs, locked in id order by a statement of their own before the
// UPDATE (lock, then update: see triggers.hpp). The trigger registers both transition
// tables for every event (an INSERT's old_issues and a DELETE's new_issues empty).
spi::Statement kLock{
    R"SQL(
SELECT r.id FROM hitlai.test_runs r
 WHERE r.id = ANY (ARRAY(SELECT i.test_run_id FROM new_issues i
                         UNION SELECT i.test_run_id FROM old_issues i))
 ORDER BY r.id FOR NO KEY UPDATE OF r)SQL",
    0, {}, nullptr};

// The per-run delta of issues_found (a run whose issues were only updated gets 0).
spi::Statement kCount{
    R"SQL(
WITH x AS (SELECT i.test_run_id AS run_id, 1 AS k FROM new_issues i
           UNION ALL SELECT i.test_run_id, -1 FROM old_issues i),
d AS (SELECT x.run_id, pg_catalog.sum(x.k) AS k FROM x GROUP BY x.run_id)
UPDATE hitlai.test_runs r SET issues_found = r.issues_found + d.k
  FROM d WHERE r.id = d.run_id)SQL",
    0, {}, nullptr};
// 0.3.0 (W1), for INSERT: the same, also returning stats_active_webhooks of each run's
// company, so that an issue of a company without active webhooks costs no outbox query.
spi::Statement kInsertV3{
    R"SQL(
WITH d AS (SELECT i.test_run_id AS run_id, pg_catalog.count(*) AS k FROM new_issues i
            GROUP BY i.test_run_id)
UPDATE hitlai.test_runs r SET issues_found = r.issues_found + d.k FROM d
 WHERE r.id = d.run_id
RETURNING (SELECT c.stats_active_webhooks FROM hitlai.companies c
            WHERE c.id = r.company_id)::int8)SQL",
    0, {}, nullptr};
enum InsertV3Col { kActiveWebhooks = 1 };

namespace trigger = hitlai::pg::trigger;

constexpr trigger::Spec spec_for(const char* name, trigger::Event event) {
  return trigger::after_statement(name, event, "issues",
                                  "issues trigger: must be AFTER ... FOR EACH STATEMENT");
}
constexpr trigger::Spec kOnInsert = spec_for("issues_after_insert", trigger::kInsert);
constexpr trigger::Spec kOnUpdate = spec_for("issues_after_update", trigger::kUpdate);
constexpr trigger::Spec kOnDelete = spec_for("issues_after_delete", trigger::kDelete);

Datum issues_trigger(FunctionCallInfo fcinfo, const trigger::Spec& spec, bool check_titles) {
  const trigger::Call call = trigger::open(fcinfo, spec);
  if (hitlai::pg::restore_mode_active()) return call.unchanged();
  if (call.transition_rows() == 0) return call.unchanged();
  const bool outbox = call.is_insert() && hitlai::pg::outbox_enabled();
  spi::Connection spi_conn(call.data, {"old_issues", "new_issues"});
  bool webhooks = false;
  {
    hitlai::pg::IssueCountWriter writer;
    spi::exec(kLock);
    const uint64_t runs = spi::exec(outbox ? kInsertV3 : kCount);
    for (uint64_t i = 0; outbox && i < runs && !webhooks; ++i)
      webhooks = spi::int8(i, kActiveWebhooks).value_or(0) > 0;
  }
  if (check_titles && spi::exec(kTitlesOver) > 0) {
    const std::string run = spi::text_not_null(0, kOverRun);
    const int64_t bytes = *spi::int8(0, kOverBytes);
    throw hitlai::Error(hitlai::sqlstate::kCheckViolation,
                        "issues.title: the issues of test run " + run + " exceed " +
                            std::to_string(kIssueTitlesBytes) + " bytes of titles",
                        "They would take " + std::to_string(bytes) +
                            " bytes (titles plus 48 bytes per issue); the limit keeps the run's "
                            "training_data.output_data under the 1 MiB document limit (J5).");
  }
  if (webhooks) hitlai::pg::outbox_issues_inserted();  // W1: issue.created
  spi_conn.finish();
  return call.unchanged();
}

}  // namespace

HITLAI_FUNCTION(hitlai_issues_after_insert) {
  return issues_trigger(fcinfo, kOnInsert, true);
}
HITLAI_FUNCTION(hitlai_issues_after_update) {
  return issues_trigger(fcinfo, kOnUpdate, true);
}
HITLAI_FUNCTION(hitlai_issues_after_delete) {
  return issues_trigger(fcinfo, kOnDelete, false);
}
