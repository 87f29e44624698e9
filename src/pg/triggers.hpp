// Shared pieces of hitlai's compiled triggers on test_runs and friends (T1-T7, Q1, V1-V2).
//
// LOCK ORDER (T7, S10; docs/concurrency.md). Every hitlai code path that writes shared
// rows takes their locks in this one global order, each table's rows sorted by id:
//
//     company_members row being changed (by the statement itself)
//       -> per-company owner lock (transaction advisory lock; only when a joined owner
//          is removed or demoted, members.cpp)
//     test_runs (the statement's own rows, then issues_found by id)
//       -> companies (by id)
//       -> human_testers (by id, ALL testers of one statement in ONE step)
//       -> milestones (all, at commit)
//
//  - INSERT INTO test_runs: companies (quota + company stats), then testers (active
//    runs, T3 for runs inserted completed); milestones are counted at commit.
//  - UPDATE/DELETE of test_runs lock their own rows first (PostgreSQL does), then
//    companies, then testers. A run deletion locks the testers of its active runs AND
//    the testers whose completed assignments vanish with it in one id-ordered statement
//    (the latter collected by tester_assignments_before_delete while the cascade runs):
//    0.2.0 locked them in two groups and deadlocked against itself (40P01).
//  - INSERT/UPDATE/DELETE of issues: test_runs (issues_found, by id); tester_assignments:
//    human_testers (by id).
//  - milestones: only at commit (or SET CONSTRAINTS ... IMMEDIATE), all rows, last, by one
//    flusher at a time (transaction advisory lock, milestones.cpp).
//
// LOCK, THEN UPDATE. Rows are locked by a SELECT ... ORDER BY id FOR NO KEY UPDATE of its
// own, and only then updated by a second statement. One statement that does both (a
// locking CTE joined to the UPDATE) deadlocks under READ COMMITTED: its UPDATE scans
// with the statement's snapshot, meets the old version of a row that the CTE locked in
// its newest version, and queues for that old version's tuple lock behind a session that
// waits for us (0.2.0's 40P01 on companies between deletes). The second statement takes
// a new snapshot after the locks are held, sees the newest versions and never waits.
// FOR NO KEY UPDATE (what UPDATE takes) does not conflict with the FOR KEY SHARE locks of
// foreign-key checks, so concurrent inserts referencing the same company don't wait.
#pragma once

extern "C" {
#include "postgres.h"
}

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "pg/spi.hpp"

struct TriggerData;  // commands/trigger.h

namespace hitlai::pg {

// run_status.cpp: while an IssueCountWriter is alive, the T4 trigger lets
// test_runs.issues_found change (only issue_counts.cpp writes it, T6).
class IssueCountWriter {
 public:
  IssueCountWriter();
  ~IssueCountWriter();
  IssueCountWriter(const IssueCountWriter&) = delete;
  IssueCountWriter& operator=(const IssueCountWriter&) = delete;
  static bool active();
};

// milestones.cpp (T1): adds n inserted runs to this (sub)transaction's pending count,
// flushed to hitlai.milestones by the deferred constraint trigger.
void milestones_add_pending(int64_t n);

// quota.cpp (Q1, Q2, V1): the company side of an INSERT INTO test_runs (transition table
// new_runs): one locked UPDATE of each company (quota check + stats). Returns the number
// of inserted runs that are active with a tester and that are completed.
struct InsertSummary {
  int64_t active_with_tester = 0;
  int64_t completed = 0;
  bool webhooks = false;  // some company of the statement has an active webhook (W1)
};
// `inserted` is the number of rows of new_runs (td's transition table); a single-row
// statement takes a cheaper path.
InsertSummary quota_on_insert(TriggerData* td, int64_t inserted);

// company_stats.cpp (V1): company stats deltas for UPDATE and DELETE (old_runs and
// new_runs both registered, new_runs empty for DELETE).
void company_stats_on_change();
// The same for a statement that updated one run (values of that run, cost NOT NULL).
// With `read_webhooks` (the outbox exists), returns whether the company row, as locked
// and written, has active webhooks (stats_active_webhooks > 0); false otherwise.
bool company_stats_on_update_one(Datum company_id, Datum old_cost, Datum new_cost,
                                 std::optional<Datum> old_sentiment,
                                 std::optional<Datum> new_sentiment, bool read_webhooks);

// tester_stats.cpp (T3, V2).
enum class RunEvent { kInsert, kUpdate, kDelete };
// Locks, in id order, every tester the statement's side effects may write.
// `rows`: the statement's row count (few rows and bulk statements get different plans).
uint64_t testers_lock_for(RunEvent ev, int64_t rows);  // number of testers locked
// The two below read new_runs and old_runs: the caller's connection registers both
// (spi::Connection with the table names), one of them empty for INSERT and DELETE.
void testers_active_delta();
void testers_rating_delta_on_run_update();
void testers_credit_completed();  // T3 for runs entering `completed`

// The same two for a statement that updated one run, from its old and new values (no
// query over the transition tables). A run's tester is NULL when it has none.
struct OneRun {
  Datum id, cost;
  std::optional<Datum> old_tester, new_tester;
  bool old_active, new_active;  // status pending or running, before and after
};
// What testers_lock_for(kUpdate, 1) locks for that run, without a query: the new tester
// (moved or completing), the old one (moved), the run's assigned testers (rated or
// completing; read by index), in id order, each as FOR NO KEY UPDATE.
uint64_t testers_lock_one(const OneRun& run, bool moved, bool rated, bool completing);
void testers_active_delta_one(const OneRun& run);
// testers_rating_delta_on_run_update for that run, whose company_ai_rating (smallint)
// changed from `old_rating` to `new_rating` (nullopt: NULL).
void testers_rating_delta_one(const OneRun& run, std::optional<Datum> old_rating,
                              std::optional<Datum> new_rating);
void testers_credit_completed_one(const OneRun& run);  // the run entered `completed`
// Recounts the rating state of the testers collected by the tester_assignments DELETE
// trigger (completed assignments that vanished with their run); caller holds their locks.
void testers_recount_pending();

// webhook_outbox.cpp (W1): the event outbox. outbox_enabled() says whether the installed
// SQL has it (0.3.0 or later; a 0.2.0 database served by this library records nothing).
// The others write webhook_deliveries from the connected trigger's transition tables:
// new_runs (runs inserted: test_run.created, and .completed/.failed for runs inserted in
// those states), new_runs JOIN old_runs (runs moved into completed/failed), new_issues.
bool outbox_enabled();
void outbox_runs_inserted();
void outbox_runs_finished();
void outbox_issues_inserted();
// Whether one of the `n` companies (a uuid[] Datum) has an active webhook, by the
// companies' stats_active_webhooks (primary-key probes; 0.4.0 or later).
bool outbox_any_active_webhooks(Datum companies, int64_t n);
// The same for one company (uuid), read by primary key without the query.
bool outbox_company_has_active_webhooks(Datum company);
// check_stats() / rebuild_stats() of companies.stats_active_webhooks (nothing before
// 0.4.0): the repair's row count, and the audit statement (or nullptr).
uint64_t outbox_rebuild_stats();
spi::Statement* outbox_check_stats();

// policy_helpers.cpp: what hitlai.invalidate_policy_cache() does as a trigger, for a
// write of a table it watches made without a statement (the cached policy answers of
// this backend are recomputed).
void invalidate_policy_cache();

// training_capture.cpp (T2): writes/refreshes/deletes training_data for the statement's
// completed runs.
// `wanted`, for a statement of one (completed) run: whether that run is rated 4 or more
// (then only the capture runs; otherwise only the deletion), std::nullopt otherwise.
// `one`: the trigger's data when the statement has one row (its document is then built
// from the transition row, without the read queries). `one_run`: that run's id, for a
// run not wanted (the deletion's statement runs only when the run has a row).
void training_capture(RunEvent ev, std::optional<bool> wanted = std::nullopt,
                      TriggerData* one = nullptr, std::optional<Datum> one_run = std::nullopt);
// The same for `n` runs given by id (run_ids: uuid[]) whose issues changed, read from
// the table (T6's few-run path, issue_counts.cpp): completed runs rated 4 or more have
// their documents refreshed; training_delete_unwanted_runs removes the not yet used row
// of completed runs rated lower or not at all.
void training_refresh_runs(Datum run_ids, int64_t n);
void training_delete_unwanted_runs(Datum run_ids, int64_t n);
// training_refresh_runs for one run, read by primary key, without the read queries.
void training_refresh_run(Datum run_id);

}  // namespace hitlai::pg
