// T2: training data captured from completed runs rated 4 or 5 by the company.
//
// For the statement's completed runs (transition table new_runs): runs rated >= 4 get
// their training_data row inserted or refreshed (documents built in C++ with Boost.JSON,
// src/core/training_doc.hpp), unless the row is already used_for_training (frozen);
// runs whose rating is below 4 or NULL lose a row that is not yet used. Issue changes
// reach here through the issues_found update of the run (issue_counts.cpp).
#include "pg/bridge.hpp"
#include "pg/counter_rows.hpp"
#include "pg/spi.hpp"
#include "pg/triggers.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/training_doc.hpp"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wregister"
extern "C" {
#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/timestamp.h"
#include "utils/uuid.h"
#include "access/xact.h"
}
#pragma GCC diagnostic pop

// The CHECK functions of training_data's documents (J4, J5; json_validate.cpp).
extern "C" {
Datum hitlai_check_training_input(PG_FUNCTION_ARGS);
Datum hitlai_check_training_output(PG_FUNCTION_ARGS);
}

namespace {

namespace spi = hitlai::pg::spi;
namespace tr = hitlai::training;
namespace counters = hitlai::pg::counters;

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

struct Row {
  tr::Run run;
  std::optional<std::string> rating, model;
};

// Inserts or refreshes the documents of `runs` (by run id text).
void upsert(std::map<std::string, Row>& runs) {
  std::vector<std::optional<std::string>> ids, ins, outs, ratings, models;
  for (auto& [id, r] : runs) {
    ids.emplace_back(id);
    ins.emplace_back(tr::input_json(r.run));
    outs.emplace_back(tr::output_json(r.run));
    ratings.push_back(r.rating);
    models.push_back(r.model);
  }
  Datum args[5] = {spi::text_array(ids), spi::text_array(ins), spi::text_array(outs),
                   spi::text_array(ratings), spi::text_array(models)};
  spi::exec(kUpsert, args);
}

// The documents of the `nruns` runs in SPI_tuptable (columns RunsCol), with their issues
// as `issues` returns them (columns IssuesCol), inserted or refreshed.
void capture_runs(uint64_t nruns, spi::Statement& issues, int64_t rows, const Datum* args) {
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
  upsert(runs);
}

// ---- one run, without the read queries ------------------------------------------------
// A statement of one run (the application's usual one) builds the document from the
// run's column values (its transition row, or its row read by primary key) and its
// issues read through idx_issues_test_run_id, converting each value as kRuns* and
// kIssues* do in SQL; only the upsert is a statement. A value this path does not convert
// (a platform_details "type" that is not a string, a multi-dimensional array) sends the
// run down the query path instead, so both paths give the same document.

// The columns of test_runs the document needs, in this order (DocCol).
enum DocCol {
  kDocId, kDocUrl, kDocMission, kDocPersona, kDocPlatform, kDocSentiment, kDocRecommendations,
  kDocPositives, kDocRating, kDocModel, kDocStatus, kDocCols
};
const char* const kDocColumns[kDocCols] = {
    "id", "url", "mission", "persona", "platform_details", "sentiment_score",
    "recommendations", "positives", "company_ai_rating", "ai_model_used", "status"};

std::string cstring(const char* p) { return std::string(p); }

std::string out_text(Datum d, PGFunction out) {
  return cstring(hitlai::pg::guarded([&] { return DatumGetCString(DirectFunctionCall1(out, d)); }));
}
std::string text_value(Datum d) {
  return cstring(hitlai::pg::guarded([&] { return TextDatumGetCString(d); }));
}

// platform_details ->> 'type': false when the value is neither NULL nor a string.
bool platform_type(Datum jsonb, std::optional<std::string>& out) {
  const char* str = nullptr;
  const int kind = hitlai::pg::guarded([&]() -> int {
    Jsonb* jb = DatumGetJsonbP(jsonb);
    if (!JB_ROOT_IS_OBJECT(jb)) return 0;  // ->> of a non-object is NULL
    JsonbValue key;
    key.type = jbvString;
    key.val.string.val = const_cast<char*>("type");
    key.val.string.len = 4;
    JsonbValue* v = findJsonbValueFromContainer(&jb->root, JB_FOBJECT, &key);
    if (!v || v->type == jbvNull) return 0;
    if (v->type != jbvString) return 2;
    str = pnstrdup(v->val.string.val, v->val.string.len);
    return 1;
  });
  if (kind == 2) return false;
  out = kind == 1 ? std::optional<std::string>(cstring(str)) : std::nullopt;
  return true;
}

// A text[]'s elements (NULL elements kept): false for a multi-dimensional array.
bool text_elements(Datum array, std::vector<std::optional<std::string>>& out) {
  Datum* elems = nullptr;
  bool* nulls = nullptr;
  int n = 0;
  const bool one_dim = hitlai::pg::guarded([&]() -> bool {
    ArrayType* a = DatumGetArrayTypeP(array);
    if (ARR_NDIM(a) > 1) return false;
    deconstruct_array(a, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
    return true;
  });
  if (!one_dim) return false;
  out.clear();
  for (int i = 0; i < n; ++i)
    out.push_back(nulls[i] ? std::nullopt : std::optional<std::string>(text_value(elems[i])));
  return true;
}

// The run's document source from its column values (DocCol order), false when the query
// path must build it (see above).
bool doc_row(const Datum* v, const bool* isnull, std::string& id, Row& row) {
  if (isnull[kDocId] || isnull[kDocUrl] || isnull[kDocMission] || isnull[kDocRecommendations] ||
      isnull[kDocPositives])
    return false;
  id = out_text(v[kDocId], uuid_out);
  row.run.url = text_value(v[kDocUrl]);
  row.run.mission = text_value(v[kDocMission]);
  row.run.persona = isnull[kDocPersona] ? std::nullopt
                                         : std::optional<std::string>(text_value(v[kDocPersona]));
  row.run.platform.reset();
  if (!isnull[kDocPlatform] && !platform_type(v[kDocPlatform], row.run.platform)) return false;
  row.run.sentiment_score =
      isnull[kDocSentiment] ? std::nullopt
                            : std::optional<std::string>(out_text(v[kDocSentiment], numeric_out));
  if (!text_elements(v[kDocRecommendations], row.run.recommendations) ||
      !text_elements(v[kDocPositives], row.run.positives))
    return false;
  row.rating = isnull[kDocRating]
                   ? std::nullopt
                   : std::optional<std::string>(std::to_string(DatumGetInt16(v[kDocRating])));
  row.model = isnull[kDocModel] ? std::nullopt
                                : std::optional<std::string>(text_value(v[kDocModel]));
  return true;
}

// The issues of one run (title, severity, created_at, id), as kIssues* read them.
struct IssueValues {
  List* rows = NIL;  // of Datum[4] arrays: title, severity, created_at, id
  bool has_null = false;
};
void collect_issue(void* ctx, TupleDesc desc, Datum* values, bool* nulls) {
  namespace counters = hitlai::pg::counters;
  IssueValues& c = *static_cast<IssueValues*>(ctx);
  const int cols[4] = {counters::column_index(desc, "title"),
                       counters::column_index(desc, "severity"),
                       counters::column_index(desc, "created_at"),
                       counters::column_index(desc, "id")};
  Datum* copy = static_cast<Datum*>(palloc(sizeof(Datum) * 4));
  for (int k = 0; k < 4; ++k) {
    if (nulls[cols[k]]) {
      c.has_null = true;
      return;
    }
    const Form_pg_attribute a = TupleDescAttr(desc, cols[k]);
    copy[k] = datumCopy(values[cols[k]], a->attbyval, a->attlen);
  }
  c.rows = lappend(c.rows, copy);
}
bool read_issues(Datum run_id, std::vector<tr::Issue>& out) {
  IssueValues c;
  if (!hitlai::pg::counters::scan_by_key("issues", "test_run_id", run_id, collect_issue, &c))
    return false;  // no usable index: the query path
  if (c.has_null) return false;
  ListCell* lc;
  foreach (lc, c.rows) {
    const Datum* d = static_cast<const Datum*>(lfirst(lc));
    out.push_back(tr::Issue{text_value(d[0]), text_value(d[1]), DatumGetInt64(d[2]),
                            out_text(d[3], uuid_out)});
  }
  return true;
}

// A run's existing training_data row, found by test_run_id: its primary key.
struct ExistingRow {
  Datum id = 0;
  bool found = false;
};
void collect_row_id(void* ctx, TupleDesc desc, Datum* values, bool* nulls) {
  ExistingRow& e = *static_cast<ExistingRow*>(ctx);
  const int c = counters::column_index(desc, "id");
  if (e.found || nulls[c]) return;
  e.id = datumCopy(values[c], false, UUID_LEN);
  e.found = true;
}

// The values kUpsert writes, as datums of the columns' types.
struct NewDoc {
  Datum run_id, input, output, rating, model;
  bool rating_null, model_null;
};
void assign(TupleDesc desc, Datum* values, bool* nulls, bool* replace, const char* column,
            Datum value, bool is_null) {
  const int c = counters::column_index(desc, column);
  values[c] = value;
  nulls[c] = is_null;
  if (replace) replace[c] = true;
}
// kUpsert's DO UPDATE on the locked row: nothing (the row stays locked, as ON CONFLICT
// locks it) when the row is already used for training.
void apply_doc(void* ctx, TupleDesc desc, Datum* values, bool* nulls, bool* replace) {
  const NewDoc& d = *static_cast<const NewDoc*>(ctx);
  const int used = counters::column_index(desc, "used_for_training");
  if (nulls[used] || DatumGetBool(values[used])) return;  // WHERE NOT t.used_for_training
  assign(desc, values, nulls, replace, "input_data", d.input, false);
  assign(desc, values, nulls, replace, "output_data", d.output, false);
  assign(desc, values, nulls, replace, "rating", d.rating, d.rating_null);
  assign(desc, values, nulls, replace, "model_type", d.model, d.model_null);
}
// kUpsert's insert: its columns, and the other columns' defaults (D10: a random id, not
// used for training, created now).
void fill_doc(void* ctx, TupleDesc desc, Datum* values, bool* nulls) {
  const NewDoc& d = *static_cast<const NewDoc*>(ctx);
  assign(desc, values, nulls, nullptr, "id", counters::new_row_id(), false);
  assign(desc, values, nulls, nullptr, "test_run_id", d.run_id, false);
  assign(desc, values, nulls, nullptr, "input_data", d.input, false);
  assign(desc, values, nulls, nullptr, "output_data", d.output, false);
  assign(desc, values, nulls, nullptr, "rating", d.rating, d.rating_null);
  assign(desc, values, nulls, nullptr, "model_type", d.model, d.model_null);
  assign(desc, values, nulls, nullptr, "used_for_training", BoolGetDatum(false), false);
  assign(desc, values, nulls, nullptr, "created_at",
         TimestampTzGetDatum(GetCurrentTransactionStartTimestamp()), false);
}

// Writes a run's training_data row as kUpsert would, without the statement
// (counter_rows.hpp: writes through the table access method; the CHECK constraints of
// the written columns, J4, J5 and the rating's range, are checked here, and the run's
// existence for the foreign key). A run that has its row: the row rewritten as the DO
// UPDATE does. A run without: the row inserted as the INSERT does. False when the caller
// must run kUpsert: something on the table the statement would answer to (a user's
// trigger, rule or constraint, forced row security: writes_unobserved), no usable index,
// a run no longer there (the statement raises 23503), a row of the run inserted or
// deleted meanwhile by another transaction, or a column a user added with a default.
// What writing a training_data row directly accounts for: D10's CHECK constraints (J4,
// J5, the rating's range) and the foreign key to the run, checked in write_directly;
// hitlai has no trigger on the table.
const char* const kTrainingConstraints[] = {
    "training_data_input_data_check", "training_data_output_data_check",
    "training_data_rating_check", "training_data_test_run_id_fkey", nullptr};
constexpr counters::Accounted kTrainingWrite{nullptr, nullptr, kTrainingConstraints, false};

bool write_directly(Datum run_id, const Row& row) {
  ExistingRow e;
  if (!counters::writes_unobserved(counters::Table::kTrainingData, kTrainingWrite) ||
      !counters::scan_by_key("training_data", "test_run_id", run_id, collect_row_id, &e))
    return false;
  const std::string in = tr::input_json(row.run);
  const std::string out = tr::output_json(row.run);
  NewDoc d{};
  d.run_id = run_id;
  d.rating_null = !row.rating;
  d.model_null = !row.model;
  const char* rating = row.rating ? row.rating->c_str() : nullptr;
  const std::string_view model = row.model ? std::string_view(*row.model) : std::string_view();
  hitlai::pg::guarded([&] {
    d.input = DirectFunctionCall1(jsonb_in, CStringGetDatum(in.c_str()));
    d.output = DirectFunctionCall1(jsonb_in, CStringGetDatum(out.c_str()));
    // The table's CHECK constraints on the columns written (kUpsert evaluates them for
    // its insert half even when it then finds a row used for training).
    DirectFunctionCall1(hitlai_check_training_input, d.input);
    DirectFunctionCall1(hitlai_check_training_output, d.output);
    if (rating) {
      d.rating = DirectFunctionCall1(int2in, CStringGetDatum(rating));
      const int16 r = DatumGetInt16(d.rating);
      if (r < 1 || r > 5)
        ereport(ERROR, (errcode(ERRCODE_CHECK_VIOLATION),
                        errmsg("new row for relation \"training_data\" violates check "
                               "constraint \"training_data_rating_check\""),
                        err_generic_string(PG_DIAG_SCHEMA_NAME, "hitlai"),
                        err_generic_string(PG_DIAG_TABLE_NAME, "training_data"),
                        err_generic_string(PG_DIAG_CONSTRAINT_NAME,
                                           "training_data_rating_check")));
    }
    if (!d.model_null)
      d.model = PointerGetDatum(cstring_to_text_with_len(model.data(), static_cast<int>(model.size())));
  });
  if (e.found) return counters::rewrite_by_id(counters::Table::kTrainingData, e.id, apply_doc, &d);
  // The foreign key: the run is there, locked as this transaction already holds it (its
  // own UPDATE, INSERT or issues_found write), a lock at least as strong as the key
  // check's.
  if (!counters::lock_by_id(counters::Table::kTestRuns, run_id)) return false;
  static const char* const kKey[] = {"test_run_id", nullptr};
  return counters::insert_unless_conflict(counters::Table::kTrainingData, kKey, fill_doc, &d);
}

// Captures one run from its column values; false when the query path must do it.
bool capture_one(const Datum* v, const bool* isnull) {
  std::string id;
  Row row;
  if (!doc_row(v, isnull, id, row)) return false;
  if (!read_issues(v[kDocId], row.run.issues)) return false;
  if (write_directly(v[kDocId], row)) return true;
  std::map<std::string, Row> runs;
  runs.emplace(std::move(id), std::move(row));
  upsert(runs);
  return true;
}

// test_runs row by primary key, its DocCol values copied.
struct RunValues {
  Datum values[kDocCols];
  bool nulls[kDocCols];
  bool found = false;
};
void collect_run(void* ctx, TupleDesc desc, Datum* values, bool* nulls) {
  RunValues& r = *static_cast<RunValues*>(ctx);
  for (int k = 0; k < kDocCols; ++k) {
    const int c = hitlai::pg::counters::column_index(desc, kDocColumns[k]);
    const Form_pg_attribute a = TupleDescAttr(desc, c);
    r.nulls[k] = nulls[c];
    r.values[k] = nulls[c] ? Datum(0) : datumCopy(values[c], a->attbyval, a->attlen);
  }
  r.found = true;
}

}  // namespace

namespace hitlai::pg {

void training_capture(RunEvent ev, std::optional<bool> wanted, TriggerData* one,
                      std::optional<Datum> one_run) {
  // A run rated 4 or more has no unwanted row to delete, and one rated lower or not at
  // all nothing to capture: a one-row statement runs only the statement its run needs,
  // and a run not wanted the deletion only when it has a row (a run that was never
  // rated 4 or more has none).
  if (ev == RunEvent::kUpdate && wanted != true) {
    // (Skipping the DELETE skips its statement triggers too: only without a user's.)
    static constexpr counters::Accounted kSkipDelete{nullptr, nullptr, kTrainingConstraints,
                                                     true};
    ExistingRow e;
    const bool none = wanted == false && one_run &&
                      counters::writes_unobserved(counters::Table::kTrainingData, kSkipDelete) &&
                      counters::scan_by_key("training_data", "test_run_id", *one_run,
                                            collect_row_id, &e) &&
                      !e.found;
    if (!none) spi::exec(kDeleteUnwanted);
  }
  if (wanted == false) return;
  if (wanted == true && one) {
    Datum v[kDocCols];
    bool isnull[kDocCols];
    const std::vector<const char*> cols(kDocColumns, kDocColumns + kDocCols);
    if (spi::first_row(one->tg_newtable, one->tg_relation, cols, v, isnull) &&
        capture_one(v, isnull))
      return;
  }
  const uint64_t nruns = spi::exec(kRuns);
  if (nruns > 0) capture_runs(nruns, kIssues, 0, nullptr);
}

void training_refresh_runs(Datum run_ids, int64_t n) {
  Datum args[1] = {run_ids};
  const uint64_t nruns = spi::exec_rows(kRunsById, n, args);
  if (nruns > 0) capture_runs(nruns, kIssuesById, n, args);
}

void training_refresh_run(Datum run_id) {
  RunValues r;
  Datum id = run_id;
  if (!counters::scan_by_key("test_runs", "id", run_id, collect_run, &r))
    return training_refresh_runs(spi::array_of(&id, nullptr, 1, UUIDOID), 1);
  if (!r.found) return;  // gone meanwhile: nothing to refresh (kRunsById finds nothing)
  // kRunsById's filter: completed and rated 4 or more
  const bool completed =
      !r.nulls[kDocStatus] && spi::text_equals(r.values[kDocStatus], "completed");
  const bool rated_4 = !r.nulls[kDocRating] && DatumGetInt16(r.values[kDocRating]) >= 4;
  if (!completed || !rated_4) return;
  if (capture_one(r.values, r.nulls)) return;
  training_refresh_runs(spi::array_of(&id, nullptr, 1, UUIDOID), 1);
}

void training_delete_unwanted_runs(Datum run_ids, int64_t n) {
  Datum args[1] = {run_ids};
  spi::exec_rows(kDeleteUnwantedById, n, args);
}

}  // namespace hitlai::pg
