// The AFTER ... FOR EACH STATEMENT triggers on test_runs (T1, T2, T3, Q1, Q2, V1, V2),
// named as the seed names its triggers: update_milestone_progress_trigger (INSERT),
// update_tester_stats_trigger (UPDATE), capture_training_data_trigger (UPDATE; with
// capture_training_data_on_insert_trigger for INSERT), test_runs_after_delete_trigger.
// Each reads the statement's transition tables (new_runs / old_runs) and runs the
// concerns in the lock order of triggers.hpp: companies, then testers, then the
// training rows of the statement's own runs; milestones follow at commit.
// SECURITY DEFINER (A3): they write rows the caller may not read. In restore mode (S8)
// they do nothing: restored rows already carry their counters.
#include "pg/bridge.hpp"
#include "pg/settings.hpp"
#include "pg/spi.hpp"
#include "pg/trigger.hpp"
#include "pg/triggers.hpp"

#include <cstring>
#include <optional>
#include <vector>

namespace {

namespace spi = hitlai::pg::spi;
using hitlai::pg::RunEvent;

namespace trigger = hitlai::pg::trigger;

constexpr trigger::Spec kMilestoneProgress = trigger::after_statement(
    "update_milestone_progress", trigger::kInsert, "test_runs",
    "update_milestone_progress: must be AFTER ... FOR EACH STATEMENT");
constexpr trigger::Spec kTesterStats = trigger::after_statement(
    "update_tester_stats", trigger::kUpdate, "test_runs",
    "update_tester_stats: must be AFTER ... FOR EACH STATEMENT");
constexpr trigger::Spec kCaptureTraining = trigger::after_statement(
    "capture_training_data", trigger::kInsert | trigger::kUpdate, "test_runs",
    "capture_training_data: must be AFTER ... FOR EACH STATEMENT");
constexpr trigger::Spec kAfterDelete = trigger::after_statement(
    "test_runs_after_delete", trigger::kDelete, "test_runs",
    "test_runs_after_delete: must be AFTER ... FOR EACH STATEMENT");

spi::Statement kUpdateSummary{
    R"SQL(
SELECT pg_catalog.count(*) FILTER (WHERE n.cost <> o.cost
                          OR n.sentiment_score IS DISTINCT FROM o.sentiment_score),
       pg_catalog.count(*) FILTER (WHERE n.status <> o.status
                          OR n.tester_id IS DISTINCT FROM o.tester_id),
       pg_catalog.count(*) FILTER (WHERE n.company_ai_rating IS DISTINCT FROM o.company_ai_rating),
       pg_catalog.count(*) FILTER (WHERE n.status = 'completed' AND o.status <> 'completed'),
       pg_catalog.count(*) FILTER (WHERE n.status IN ('completed', 'failed')
                                     AND n.status <> o.status)
  FROM new_runs n JOIN old_runs o ON o.id = n.id)SQL",
    0, {}, nullptr};
enum SummaryCol { kSumMoney = 1, kSumMoved, kSumRated, kSumCompleting, kSumFinishing };

// The columns a one-row UPDATE is summarized from (spi::single_row_changes), by index.
enum RowCol { kCost, kSentiment, kStatus, kTester, kRating, kCompany, kId };
const std::vector<const char*> kRowCols = {"cost",      "sentiment_score",   "status",
                                           "tester_id", "company_ai_rating", "company_id",
                                           "id"};

bool active_status(bool isnull, Datum status) {
  return !isnull && (spi::text_equals(status, "pending") || spi::text_equals(status, "running"));
}

}  // namespace

// hitlai.update_milestone_progress() (trigger update_milestone_progress_trigger):
// AFTER INSERT ... REFERENCING NEW TABLE AS new_runs. Named after the seed's T1 trigger;
// it does every side effect of an INSERT but T2 (capture_training_data_trigger, which
// fires first, by name): quota and company stats, the pending milestone count (flushed
// at commit, milestones.cpp), testers' active runs and T3 for runs inserted completed.
HITLAI_FUNCTION(hitlai_update_milestone_progress) {
  const trigger::Call call = trigger::open(fcinfo, kMilestoneProgress);
  if (hitlai::pg::restore_mode_active()) return call.unchanged();
  const int64_t n = call.transition_rows();
  if (n == 0) return call.unchanged();  // e.g. every row skipped by ON CONFLICT
  spi::Connection spi_conn(call.data, {"old_runs", "new_runs"});
  // Before the company update: its deferred event may fire at once under
  // SET CONSTRAINTS ... IMMEDIATE, and must then see this statement's runs (T1).
  hitlai::pg::milestones_add_pending(n);
  const hitlai::pg::InsertSummary s = hitlai::pg::quota_on_insert(call.data, n);  // companies, Q1
  if (s.active_with_tester > 0 || s.completed > 0) {
    if (hitlai::pg::testers_lock_for(RunEvent::kInsert, n) > 0) {
      if (s.active_with_tester > 0) hitlai::pg::testers_active_delta();
      if (s.completed > 0) hitlai::pg::testers_credit_completed();
    }
  }
  if (s.webhooks) hitlai::pg::outbox_runs_inserted();  // W1
  spi_conn.finish();
  return call.unchanged();
}

// hitlai.update_tester_stats() (trigger update_tester_stats_trigger): AFTER UPDATE ...
// REFERENCING OLD TABLE AS old_runs NEW TABLE AS new_runs (rows are matched by id, which
// T4 keeps immutable). T3 and the stats deltas of V1/V2; T2 is
// capture_training_data_trigger, which fires first, by name.
HITLAI_FUNCTION(hitlai_update_tester_stats) {
  const trigger::Call call = trigger::open(fcinfo, kTesterStats);
  TriggerData* td = call.data;
  if (hitlai::pg::restore_mode_active()) return call.unchanged();
  if (spi::tuple_count(call.new_table) == 0) return call.unchanged();
  int64_t money, moved, rated, completing, finishing;
  // A one-row UPDATE (the usual application statement) is summarized from its two
  // transition rows directly, and its company delta applied by primary key; other
  // statements by one query over old_runs JOIN new_runs and a set-based delta.
  spi::RowChange row;
  const bool one_row = spi::single_row_changes(td, kRowCols, row);
  spi::Connection spi_conn(td);
  if (one_row) {
    const bool now_completed =
        !row.new_null[kStatus] && spi::text_equals(row.new_value[kStatus], "completed");
    const bool now_failed =
        !row.new_null[kStatus] && spi::text_equals(row.new_value[kStatus], "failed");
    money = row.changed[kCost] || row.changed[kSentiment];
    moved = row.changed[kStatus] || row.changed[kTester];
    rated = row.changed[kRating];
    completing = row.changed[kStatus] && now_completed;
    finishing = row.changed[kStatus] && (now_completed || now_failed);
  } else {
    spi::exec(kUpdateSummary);
    money = *spi::int8(0, kSumMoney);
    moved = *spi::int8(0, kSumMoved);
    rated = *spi::int8(0, kSumRated);
    completing = *spi::int8(0, kSumCompleting);
    finishing = *spi::int8(0, kSumFinishing);
  }
  // W1: runs moved into completed/failed get events. A one-run statement asks its
  // company whether it has an active webhook first (from the company row written below,
  // or by primary key), and skips the outbox statement when it has none.
  const bool outbox = finishing > 0 && hitlai::pg::outbox_enabled();
  std::optional<bool> webhooks;  // known for a one-run statement
  if (money > 0) {  // companies
    if (one_row)
      webhooks = hitlai::pg::company_stats_on_update_one(
          row.new_value[kCompany], row.old_value[kCost], row.new_value[kCost],
          row.old_null[kSentiment] ? std::nullopt
                                   : std::optional<Datum>(row.old_value[kSentiment]),
          row.new_null[kSentiment] ? std::nullopt
                                   : std::optional<Datum>(row.new_value[kSentiment]),
          outbox);
    else
      hitlai::pg::company_stats_on_change();
  }
  // A one-row move of a run without a tester (pending -> running, say) that is neither
  // rated nor completing concerns no tester: nothing to lock, no delta to apply.
  const bool no_tester = one_row && !rated && !completing && row.old_null[kTester] &&
                         row.new_null[kTester];
  // Testers are locked first (in id order), then: rating deltas for assignments
  // completed before this statement, then T3 (whose new completed assignments add their
  // rating through the tester_assignments trigger).
  if (moved + rated + completing > 0 && !no_tester) {
    if (one_row) {
      hitlai::pg::OneRun run{
          row.new_value[kId],
          row.new_value[kCost],
          row.old_null[kTester] ? std::nullopt : std::optional<Datum>(row.old_value[kTester]),
          row.new_null[kTester] ? std::nullopt : std::optional<Datum>(row.new_value[kTester]),
          active_status(row.old_null[kStatus], row.old_value[kStatus]),
          active_status(row.new_null[kStatus], row.new_value[kStatus])};
      if (hitlai::pg::testers_lock_one(run, moved > 0, rated > 0, completing > 0) > 0) {
        if (moved > 0) hitlai::pg::testers_active_delta_one(run);
        if (rated > 0)
          hitlai::pg::testers_rating_delta_one(
              run, row.old_null[kRating] ? std::nullopt
                                         : std::optional<Datum>(row.old_value[kRating]),
              row.new_null[kRating] ? std::nullopt
                                    : std::optional<Datum>(row.new_value[kRating]));
        if (completing > 0) hitlai::pg::testers_credit_completed_one(run);
      }
    } else if (hitlai::pg::testers_lock_for(RunEvent::kUpdate,
                                            spi::tuple_count(call.new_table)) > 0) {
      if (moved > 0) hitlai::pg::testers_active_delta();
      if (rated > 0) hitlai::pg::testers_rating_delta_on_run_update();
      if (completing > 0) hitlai::pg::testers_credit_completed();
    }
  }
  // W1 (their own rows; no shared lock taken)
  if (outbox) {
    if (one_row && !webhooks) {
      const Datum company = row.new_value[kCompany];
      webhooks = hitlai::pg::outbox_any_active_webhooks(
          spi::array_of(&company, nullptr, 1, UUIDOID), 1);
    }
    if (!one_row || *webhooks) hitlai::pg::outbox_runs_finished();
  }
  spi_conn.finish();
  return call.unchanged();
}

// hitlai.capture_training_data() (T2): AFTER INSERT / AFTER UPDATE ... FOR EACH STATEMENT
// with the statement's rows as new_runs (triggers capture_training_data_trigger on
// UPDATE, as the seed names it, and capture_training_data_on_insert_trigger on INSERT:
// PostgreSQL allows transition tables only on single-event triggers). It touches only the
// training_data rows of the statement's own runs, so its place in the lock order does not
// matter. Statements without a completed run return after a scan of the transition table.
HITLAI_FUNCTION(hitlai_capture_training_data) {
  const trigger::Call call = trigger::open(fcinfo, kCaptureTraining);
  if (hitlai::pg::restore_mode_active()) return call.unchanged();
  if (spi::count_text_equal(call.new_table, call.relation, "status", "completed") == 0)
    return call.unchanged();
  // One row (completed, as counted above): whether T2 wants it (rated 4 or more).
  std::optional<bool> wanted;
  std::optional<Datum> run_id;
  if (spi::tuple_count(call.new_table) == 1) {
    Datum v[2];
    bool isnull[2];
    if (spi::first_row(call.new_table, call.relation, {"company_ai_rating", "id"}, v, isnull)) {
      wanted = !isnull[0] && DatumGetInt16(v[0]) >= 4;
      if (!isnull[1]) run_id = v[1];
    }
  }
  spi::Connection spi_conn(call.data);
  hitlai::pg::training_capture(call.is_insert() ? RunEvent::kInsert : RunEvent::kUpdate, wanted,
                               wanted ? call.data : nullptr, run_id);
  spi_conn.finish();
  return call.unchanged();
}

// hitlai.test_runs_after_delete(): AFTER DELETE ... REFERENCING OLD TABLE AS old_runs.
// The statement triggers of its cascades (issues, tester_assignments) fire after it.
HITLAI_FUNCTION(hitlai_test_runs_after_delete) {
  const trigger::Call call = trigger::open(fcinfo, kAfterDelete);
  if (hitlai::pg::restore_mode_active()) return call.unchanged();
  if (call.transition_rows() == 0) return call.unchanged();
  spi::Connection spi_conn(call.data, {"old_runs", "new_runs"});
  hitlai::pg::company_stats_on_change();  // companies
  if (hitlai::pg::testers_lock_for(RunEvent::kDelete, call.transition_rows()) > 0)
    hitlai::pg::testers_active_delta();
  spi_conn.finish();
  return call.unchanged();
}
