// T6: test_runs.issues_found is the number of issues of the run, at all times.
// AFTER INSERT / UPDATE / DELETE FOR EACH STATEMENT ON issues (transition tables
// new_issues / old_issues): the affected runs are locked in id order and get their
// per-run delta (an UPDATE of issues touches its runs with delta 0 so that captured
// training documents are refreshed, T2). A statement of at most spi::kSmallRows issue
// rows writes each run without the executor (counter_rows.hpp; no test_runs trigger
// fires, so it refreshes T2's documents and asks W1's flag itself); a larger one runs
// one UPDATE of the runs, whose triggers refresh the documents. Deltas, not recounts: a
// concurrent session's issues are never lost under READ COMMITTED. A deleted run (the
// cascade) is simply not found. SECURITY DEFINER: a tester who may insert issues may
// not update test_runs.issues_found.
#include "pg/bridge.hpp"
#include "pg/counter_rows.hpp"
#include "pg/settings.hpp"
#include "pg/spi.hpp"
#include "pg/trigger.hpp"
#include "pg/triggers.hpp"

#include <string>
#include <vector>

extern "C" {
#include "access/detoast.h"
#include "catalog/pg_type.h"
#include "utils/builtins.h"
#include "utils/array.h"
#include "utils/datum.h"
#include "utils/lsyscache.h"
#include "utils/uuid.h"
}

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

// A statement of a few issues (spi::kSmallRows at most): the per-run deltas, one row of
// two arrays in run id order (NULL when there is none). The runs are then written
// without the executor (counter_rows.hpp), in that order, after kLock.
spi::Statement kDeltas{
    R"SQL(
SELECT pg_catalog.array_agg(d.run_id ORDER BY d.run_id), pg_catalog.array_agg(d.k ORDER BY d.run_id)
  FROM (SELECT x.run_id, pg_catalog.sum(x.k)::int8 AS k
          FROM (SELECT i.test_run_id AS run_id, 1 AS k FROM new_issues i
                UNION ALL SELECT i.test_run_id, -1 FROM old_issues i) x
         GROUP BY x.run_id) d)SQL",
    0, {}, nullptr};

// One run's issues_found += delta (CHECK issues_found >= 0 and the integer's range, as
// the UPDATE would raise them), and what T2 and W1 need to know of the run.
struct RunDelta {
  int64_t delta;
  bool completed = false;
  bool rated_4 = false;  // company_ai_rating >= 4
  Datum company = 0;     // uuid, copied
  bool has_company = false;
};

void apply_issues_delta(void* ctx, TupleDesc desc, Datum* values, bool* nulls, bool* replace) {
  namespace counters = hitlai::pg::counters;
  RunDelta& d = *static_cast<RunDelta*>(ctx);
  const int found = counters::column_index(desc, "issues_found");
  const int status = counters::column_index(desc, "status");
  const int rating = counters::column_index(desc, "company_ai_rating");
  const int company = counters::column_index(desc, "company_id");
  d.completed = !nulls[status] && spi::text_equals(values[status], "completed");
  d.rated_4 = !nulls[rating] && DatumGetInt16(values[rating]) >= 4;
  if (!nulls[company]) {
    d.company = datumCopy(values[company], false, UUID_LEN);
    d.has_company = true;
  }
  if (d.delta == 0) return;  // an update of issues: the run is only locked
  if (nulls[found]) elog(ERROR, "hitlai: NULL issues_found");  // NOT NULL
  const int64_t now = int64_t(DatumGetInt32(values[found])) + d.delta;
  if (now > PG_INT32_MAX || now < PG_INT32_MIN)
    ereport(ERROR, (errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE), errmsg("integer out of range")));
  if (now < 0)
    ereport(ERROR, (errcode(ERRCODE_CHECK_VIOLATION),
                    errmsg("new row for relation \"test_runs\" violates check constraint "
                           "\"test_runs_issues_found_check\"")));
  values[found] = Int32GetDatum(static_cast<int32>(now));
  replace[found] = true;
}

// The few-issue path of the statement trigger: returns whether W1's outbox has work
// (a company of the runs has an active webhook; only asked when `outbox`).
bool write_runs(const Datum* ids, const int64_t* deltas, int n, bool outbox);

bool write_few_runs(bool outbox) {
  spi::exec(kLock);
  spi::exec(kDeltas);
  Datum cols[2];
  char cols_null[2];
  if (!spi::row_args(0, 2, cols, cols_null)) return false;
  Datum* ids = nullptr;
  Datum* deltas = nullptr;
  int n = 0;
  hitlai::pg::guarded([&] {
    bool* nulls;
    int n2;
    deconstruct_array(DatumGetArrayTypeP(cols[0]), UUIDOID, UUID_LEN, false, TYPALIGN_CHAR, &ids,
                      &nulls, &n);
    deconstruct_array(DatumGetArrayTypeP(cols[1]), INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE,
                      &deltas, &nulls, &n2);
    if (n2 != n) elog(ERROR, "hitlai: issue deltas of unequal length");
  });
  std::vector<int64_t> d64(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) d64[static_cast<size_t>(i)] = DatumGetInt64(deltas[i]);
  return write_runs(ids, d64.data(), n, outbox);
}

// Writes issues_found of the runs `ids` (in id order) with their `deltas`, each locked
// and written without the executor, then T2's refresh or deletion for the completed
// ones and W1's flag of their companies (only asked when `outbox`).
bool write_runs(const Datum* ids, const int64_t* deltas, int n, bool outbox) {
  std::vector<Datum> refresh, unwanted, companies;
  for (int i = 0; i < n; ++i) {
    RunDelta d{deltas[i]};
    if (!hitlai::pg::counters::update_by_id(hitlai::pg::counters::Table::kTestRuns, ids[i],
                                           apply_issues_delta, &d))
      continue;  // the run was deleted meanwhile (READ COMMITTED)
    if (d.completed) (d.rated_4 ? refresh : unwanted).push_back(ids[i]);
    if (d.has_company) companies.push_back(d.company);
  }
  auto uuids = [](const std::vector<Datum>& v) {
    return spi::array_of(v.data(), nullptr, static_cast<int>(v.size()), UUIDOID);
  };
  if (!unwanted.empty())
    hitlai::pg::training_delete_unwanted_runs(uuids(unwanted), int64_t(unwanted.size()));
  if (refresh.size() == 1)
    hitlai::pg::training_refresh_run(refresh[0]);
  else if (!refresh.empty())
    hitlai::pg::training_refresh_runs(uuids(refresh), int64_t(refresh.size()));
  if (!outbox || companies.empty()) return false;
  if (companies.size() == 1) return hitlai::pg::outbox_company_has_active_webhooks(companies[0]);
  return hitlai::pg::outbox_any_active_webhooks(uuids(companies), int64_t(companies.size()));
}

// kTitlesOver for the issues of one run, read through the index that leads with
// test_run_id instead of the query: the run's titles' bytes (octet_length) plus 48 per
// issue. std::nullopt when no such index is usable (the caller runs kTitlesOver).
void add_title_bytes(void* ctx, TupleDesc desc, Datum* values, bool* nulls) {
  int64_t& bytes = *static_cast<int64_t*>(ctx);
  const int t = hitlai::pg::counters::column_index(desc, "title");
  if (nulls[t]) return;  // octet_length(NULL) + 48 is NULL, which sum() skips
  bytes += int64_t(toast_raw_datum_size(values[t])) - VARHDRSZ + 48;
}
std::optional<int64_t> title_bytes_of_run(Datum run) {
  int64_t bytes = 0;
  if (!hitlai::pg::counters::scan_by_key("issues", "test_run_id", run, add_title_bytes, &bytes))
    return std::nullopt;
  return bytes;
}

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
  // An INSERT or DELETE of issues of one run (an application adding a run's issues): its
  // delta is the number of rows, without kLock and kDeltas.
  std::optional<Datum> one_run;
  if (!call.is_update() && call.transition_rows() <= spi::kSmallRows)
    one_run = spi::common_uuid(call.is_insert() ? call.new_table : call.old_table, call.relation,
                               "test_run_id");
  if (one_run) {
    const int64_t delta = call.is_insert() ? call.transition_rows() : -call.transition_rows();
    webhooks = write_runs(&*one_run, &delta, 1, outbox);
  } else if (call.transition_rows() <= spi::kSmallRows) {
    webhooks = write_few_runs(outbox);
  } else {
    hitlai::pg::IssueCountWriter writer;
    spi::exec(kLock);
    const uint64_t runs = spi::exec(outbox ? kInsertV3 : kCount);
    for (uint64_t i = 0; outbox && i < runs && !webhooks; ++i)
      webhooks = spi::int8(i, kActiveWebhooks).value_or(0) > 0;
  }
  std::optional<int64_t> one_run_bytes;
  if (check_titles && one_run) one_run_bytes = title_bytes_of_run(*one_run);
  if (one_run_bytes ? *one_run_bytes > 523264 : check_titles && spi::exec(kTitlesOver) > 0) {
    const std::string run =
        one_run_bytes ? std::string(hitlai::pg::guarded([&] {
                          return DatumGetCString(DirectFunctionCall1(uuid_out, *one_run));
                        }))
                      : spi::text_not_null(0, kOverRun);
    const int64_t bytes = one_run_bytes ? *one_run_bytes : *spi::int8(0, kOverBytes);
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
