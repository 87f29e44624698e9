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

spi::Statement kDeleteUnwanted{
    R"SQL(
DELETE FROM hitlai.training_data t
 USING new_runs n
 WHERE t.test_run_id = n.id AND n.status = 'completed'
   AND (n.company_ai_rating IS NULL OR n.company_ai_rating < 4)
   AND NOT t.used_for_training)SQL",
    0, {}, nullptr};

spi::Statement kRuns{
    R"SQL(
SELECT n.id::text, n.url, n.mission, n.persona, n.platform_details ->> 'type',
       n.sentiment_score::text, pg_catalog.array_to_json(n.recommendations)::text,
       pg_catalog.array_to_json(n.positives)::text, n.company_ai_rating::int4::text,
       n.ai_model_used
  FROM new_runs n
 WHERE n.status = 'completed' AND n.company_ai_rating >= 4)SQL",
    0, {}, nullptr};
enum RunsCol {
  kRunId = 1, kRunUrl, kRunMission, kRunPersona, kRunPlatform, kRunSentiment,
  kRunRecommendations, kRunPositives, kRunRating, kRunModel
};

// The issues of those runs, one probe of idx_issues_test_run_id per run (LATERAL ...
// OFFSET 0, which the planner cannot turn into a join): a plan made on stale statistics
// never scans every issue (test/pgtap/78_write_path_plans.sql).
spi::Statement kIssues{
    R"SQL(
SELECT i.test_run_id::text, i.title, i.severity, i.created_at, i.id::text
  FROM new_runs n
 CROSS JOIN LATERAL (SELECT i.test_run_id, i.title, i.severity, i.created_at, i.id
                       FROM hitlai.issues i WHERE i.test_run_id = n.id OFFSET 0) i
 WHERE n.status = 'completed' AND n.company_ai_rating >= 4)SQL",
    0, {}, nullptr};
enum IssuesCol { kIssueRun = 1, kIssueTitle, kIssueSeverity, kIssueCreatedAt, kIssueId };

// The same three for runs given by id ($1 uuid[]), read from the table: T6's few-run
// path (issue_counts.cpp), which writes issues_found without an UPDATE statement, so no
// test_runs trigger brings the run's new issues into its document.
spi::Statement kDeleteUnwantedById{
    R"SQL(
DELETE FROM hitlai.training_data t
 USING hitlai.test_runs n
 WHERE n.id = ANY ($1::uuid[]) AND t.test_run_id = n.id AND n.status = 'completed'
   AND (n.company_ai_rating IS NULL OR n.company_ai_rating < 4)
   AND NOT t.used_for_training)SQL",
    1, {UUIDARRAYOID}, nullptr};

spi::Statement kRunsById{
    R"SQL(
SELECT n.id::text, n.url, n.mission, n.persona, n.platform_details ->> 'type',
       n.sentiment_score::text, pg_catalog.array_to_json(n.recommendations)::text,
       pg_catalog.array_to_json(n.positives)::text, n.company_ai_rating::int4::text,
       n.ai_model_used
  FROM hitlai.test_runs n
 WHERE n.id = ANY ($1::uuid[]) AND n.status = 'completed' AND n.company_ai_rating >= 4)SQL",
    1, {UUIDARRAYOID}, nullptr};

spi::Statement kIssuesById{
    R"SQL(
SELECT i.test_run_id::text, i.title, i.severity, i.created_at, i.id::text
  FROM hitlai.test_runs n
 CROSS JOIN LATERAL (SELECT i.test_run_id, i.title, i.severity, i.created_at, i.id
                       FROM hitlai.issues i WHERE i.test_run_id = n.id OFFSET 0) i
 WHERE n.id = ANY ($1::uuid[]) AND n.status = 'completed' AND n.company_ai_rating >= 4)SQL",
    1, {UUIDARRAYOID}, nullptr};

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
