// T2: training data captured from completed runs rated 4 or 5 by the company.
//
// For the statement's completed runs (transition table new_runs): runs rated >= 4 get
// their training_data row inserted or refreshed (documents built in C++ with Boost.JSON,
// src/core/training_doc.hpp), unless the row is already used_for_training (frozen);
// runs whose rating is below 4 or NULL lose a row that is not yet used. Issue changes
// reach here through the issues_found update of the run (issue_counts.cpp).
#include "pg/bridge.hpp"
#include "pg/spi.hpp"
#include "pg/triggers.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/training_doc.hpp"

namespace {

namespace spi = hitlai::pg::spi;
namespace tr = hitlai::training;

// Each statement below exists twice: over the transition table new_runs (the trigger
// path), and over the runs given by id ($1 uuid[]), read from the table (T6's few-run
// path, issue_counts.cpp, which writes issues_found without an UPDATE statement, so no
// test_runs trigger brings the run's new issues into its document). The shared parts are
// macros of string literals, joined with each source into one statement by the compiler.
#define HITLAI_WANTED " n.status = 'completed' AND n.company_ai_rating >= 4"
#define HITLAI_DELETE_UNWANTED_HEAD "DELETE FROM hitlai.training_data t\n USING "
#define HITLAI_DELETE_UNWANTED_TAIL                                             \
  " AND t.test_run_id = n.id AND n.status = 'completed'\n"                       \
  "   AND (n.company_ai_rating IS NULL OR n.company_ai_rating < 4)\n"            \
  "   AND NOT t.used_for_training"
spi::Statement kDeleteUnwanted{
    HITLAI_DELETE_UNWANTED_HEAD "new_runs n WHERE TRUE" HITLAI_DELETE_UNWANTED_TAIL, 0, {},
    nullptr};
spi::Statement kDeleteUnwantedById{
    HITLAI_DELETE_UNWANTED_HEAD "hitlai.test_runs n WHERE n.id = ANY ($1::uuid[])"
        HITLAI_DELETE_UNWANTED_TAIL,
    1, {UUIDARRAYOID}, nullptr};

#define HITLAI_RUNS_HEAD                                                                   \
  "SELECT n.id::text, n.url, n.mission, n.persona, n.platform_details ->> 'type',\n"        \
  "       n.sentiment_score::text, pg_catalog.array_to_json(n.recommendations)::text,\n"    \
  "       pg_catalog.array_to_json(n.positives)::text, n.company_ai_rating::int4::text,\n"  \
  "       n.ai_model_used\n  FROM "
spi::Statement kRuns{HITLAI_RUNS_HEAD "new_runs n WHERE" HITLAI_WANTED, 0, {}, nullptr};
spi::Statement kRunsById{
    HITLAI_RUNS_HEAD "hitlai.test_runs n WHERE n.id = ANY ($1::uuid[]) AND" HITLAI_WANTED, 1,
    {UUIDARRAYOID}, nullptr};
enum RunsCol {
  kRunId = 1, kRunUrl, kRunMission, kRunPersona, kRunPlatform, kRunSentiment,
  kRunRecommendations, kRunPositives, kRunRating, kRunModel
};

// The issues of those runs, one probe of idx_issues_test_run_id per run (LATERAL ...
// OFFSET 0, which the planner cannot turn into a join): a plan made on stale statistics
// never scans every issue (test/pgtap/78_write_path_plans.sql).
#define HITLAI_ISSUES_HEAD "SELECT i.test_run_id::text, i.title, i.severity, i.created_at, i.id::text\n  FROM "
#define HITLAI_ISSUES_LATERAL                                                     \
  "\n CROSS JOIN LATERAL (SELECT i.test_run_id, i.title, i.severity, i.created_at, i.id\n" \
  "                       FROM hitlai.issues i WHERE i.test_run_id = n.id OFFSET 0) i\n WHERE"
spi::Statement kIssues{HITLAI_ISSUES_HEAD "new_runs n" HITLAI_ISSUES_LATERAL HITLAI_WANTED, 0,
                       {}, nullptr};
spi::Statement kIssuesById{HITLAI_ISSUES_HEAD "hitlai.test_runs n" HITLAI_ISSUES_LATERAL
                           " n.id = ANY ($1::uuid[]) AND" HITLAI_WANTED,
                           1, {UUIDARRAYOID}, nullptr};
enum IssuesCol { kIssueRun = 1, kIssueTitle, kIssueSeverity, kIssueCreatedAt, kIssueId };
#undef HITLAI_WANTED
#undef HITLAI_DELETE_UNWANTED_HEAD
#undef HITLAI_DELETE_UNWANTED_TAIL
#undef HITLAI_RUNS_HEAD
#undef HITLAI_ISSUES_HEAD
#undef HITLAI_ISSUES_LATERAL

spi::Statement kUpsert{
    R"SQL(
INSERT INTO hitlai.training_data AS t (test_run_id, input_data, output_data, rating, model_type)
SELECT u.id::uuid, u.i::jsonb, u.o::jsonb, u.r::int2, u.m
  FROM ROWS FROM (pg_catalog.unnest($1), pg_catalog.unnest($2), pg_catalog.unnest($3), pg_catalog.unnest($4), pg_catalog.unnest($5)) AS u(id, i, o, r, m)
    ON CONFLICT (test_run_id) DO UPDATE
   SET input_data = excluded.input_data, output_data = excluded.output_data,
       rating = excluded.rating, model_type = excluded.model_type
 WHERE NOT t.used_for_training)SQL",
    5, {TEXTARRAYOID, TEXTARRAYOID, TEXTARRAYOID, TEXTARRAYOID, TEXTARRAYOID}, nullptr};

}  // namespace

namespace hitlai::pg {

}  // namespace hitlai::pg

namespace {

// The documents of the `nruns` runs in SPI_tuptable (columns RunsCol), with their issues
// as `issues` returns them (columns IssuesCol), inserted or refreshed.
void capture_runs(uint64_t nruns, spi::Statement& issues, int64_t rows, const Datum* args) {
  struct Row {
    tr::Run run;
    std::optional<std::string> rating, model;
  };
  std::map<std::string, Row> runs;
  for (uint64_t i = 0; i < nruns; ++i) {
    Row r;
    r.run.url = spi::text_not_null(i, kRunUrl);
    r.run.mission = spi::text_not_null(i, kRunMission);
    r.run.persona = spi::text(i, kRunPersona);
    r.run.platform = spi::text(i, kRunPlatform);
    r.run.sentiment_score = spi::text(i, kRunSentiment);
    r.run.recommendations = tr::parse_string_array(spi::text_not_null(i, kRunRecommendations));
    r.run.positives = tr::parse_string_array(spi::text_not_null(i, kRunPositives));
    r.rating = spi::text(i, kRunRating);
    r.model = spi::text(i, kRunModel);
    runs.emplace(spi::text_not_null(i, kRunId), std::move(r));
  }
  const uint64_t nissues = args ? spi::exec_rows(issues, rows, args) : spi::exec(issues);
  for (uint64_t i = 0; i < nissues; ++i) {
    auto it = runs.find(spi::text_not_null(i, kIssueRun));
    if (it == runs.end()) continue;
    it->second.run.issues.push_back(
        tr::Issue{spi::text_not_null(i, kIssueTitle), spi::text_not_null(i, kIssueSeverity),
                  *spi::int8(i, kIssueCreatedAt), spi::text_not_null(i, kIssueId)});
  }
  std::vector<std::optional<std::string>> ids, ins, outs, ratings, models;
  for (auto& [id, r] : runs) {
    ids.emplace_back(id);
    ins.emplace_back(tr::input_json(r.run));
    outs.emplace_back(tr::output_json(r.run));
    ratings.push_back(r.rating);
    models.push_back(r.model);
  }
  Datum upsert[5] = {spi::text_array(ids), spi::text_array(ins), spi::text_array(outs),
                     spi::text_array(ratings), spi::text_array(models)};
  spi::exec(kUpsert, upsert);
}

}  // namespace

namespace hitlai::pg {

void training_capture(RunEvent ev, std::optional<bool> wanted) {
  // A run rated 4 or more has no unwanted row to delete, and one rated lower or not at
  // all nothing to capture: a one-row statement runs only the statement its run needs.
  if (ev == RunEvent::kUpdate && wanted != true) spi::exec(kDeleteUnwanted);
  if (wanted == false) return;
  const uint64_t nruns = spi::exec(kRuns);
  if (nruns > 0) capture_runs(nruns, kIssues, 0, nullptr);
}

void training_refresh_runs(Datum run_ids, int64_t n) {
  Datum args[1] = {run_ids};
  const uint64_t nruns = spi::exec_rows(kRunsById, n, args);
  if (nruns > 0) capture_runs(nruns, kIssuesById, n, args);
}

void training_delete_unwanted_runs(Datum run_ids, int64_t n) {
  Datum args[1] = {run_ids};
  spi::exec_rows(kDeleteUnwantedById, n, args);
}

}  // namespace hitlai::pg
