// T4: BEFORE INSERT OR UPDATE ROW trigger on test_runs: the status machine, completion
// timestamps, immutable columns, and the T6 guard on issues_found. Pure row work, no SPI.
#include "pg/bridge.hpp"
#include "pg/settings.hpp"
#include "pg/trigger.hpp"
#include "pg/triggers.hpp"

extern "C" {
#include "access/htup_details.h"
#include "access/xact.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "access/detoast.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/timestamp.h"
}

#include <optional>
#include <string>
#include <utility>

#include "core/run_status.hpp"

namespace {
int issue_count_writers = 0;
}

namespace hitlai::pg {
IssueCountWriter::IssueCountWriter() { ++issue_count_writers; }
IssueCountWriter::~IssueCountWriter() { --issue_count_writers; }
bool IssueCountWriter::active() { return issue_count_writers > 0; }
}  // namespace hitlai::pg

namespace {

namespace rs = hitlai::run_status;
namespace trigger = hitlai::pg::trigger;

constexpr trigger::Spec kSpec =
    trigger::before_row("test_runs_before_write", trigger::kInsert | trigger::kUpdate,
                        "test_runs", "test_runs_before_write: must be a BEFORE ROW trigger");
using hitlai::pg::guarded;

struct Cols {
  int id, company_id, status, completed_at, execution_time_ms, created_at, issues_found;
  int url, mission, persona, recommendations, positives;
};
// Where each column's attribute number goes.
const std::pair<int Cols::*, const char*> kColumns[] = {
    {&Cols::id, "id"}, {&Cols::company_id, "company_id"}, {&Cols::status, "status"},
    {&Cols::completed_at, "completed_at"}, {&Cols::execution_time_ms, "execution_time_ms"},
    {&Cols::created_at, "created_at"}, {&Cols::issues_found, "issues_found"},
    {&Cols::url, "url"}, {&Cols::mission, "mission"}, {&Cols::persona, "persona"},
    {&Cols::recommendations, "recommendations"}, {&Cols::positives, "positives"}};

// J4/J5 (T2): a run's training documents stay under the 1 MiB document limit because
// the fields they are built from are bounded where they are written (here, and for
// issue titles in issue_counts.cpp). Sizes are the fields' stored (uncompressed) sizes,
// which bound what they take inside the jsonb documents.
constexpr int64_t kTrainingInputBytes = 1024 * 1024 - 1024;  // url + mission + persona
constexpr int64_t kTrainingListsBytes = 512 * 1024;          // recommendations + positives

int64_t raw_size(HeapTuple t, TupleDesc td, int col) {
  bool isnull;
  Datum d = heap_getattr(t, col, td, &isnull);
  if (isnull) return 0;
  return static_cast<int64_t>(toast_raw_datum_size(d));
}

// 22008 for an infinite timestamp in column `col` (named `name`) of test_runs.
void require_finite(HeapTuple t, TupleDesc td, int col, const char* name) {
  bool isnull;
  Datum d = heap_getattr(t, col, td, &isnull);
  if (isnull || !TIMESTAMP_NOT_FINITE(DatumGetTimestampTz(d))) return;
  throw hitlai::Error(hitlai::sqlstate::kDatetimeOverflow, std::string("test_runs.") + name + " must be a finite timestamp",
                      "infinity and -infinity are not accepted (execution_time_ms would be meaningless).",
                      "Leave the column out to get now().");
}

// 23514 when `columns` of test_runs hold more than `limit` bytes; `the_limit` ends the
// DETAIL, saying what the limit keeps.
void check_training_size(int64_t bytes, int64_t limit, const char* columns,
                         const char* the_limit) {
  if (bytes <= limit) return;
  throw hitlai::Error(hitlai::sqlstate::kCheckViolation,
                      std::string("test_runs.") + columns + " together exceed " +
                          std::to_string(limit) + " bytes",
                      "They hold " + std::to_string(bytes) + " bytes; the limit " + the_limit);
}

// nullopt for NULL or a value outside D13: the row is left alone, and NOT NULL or the
// CHECK constraint test_runs_status_check rejects it with PostgreSQL's own message.
std::optional<rs::Status> status_of(HeapTuple t, TupleDesc td, int col) {
  bool isnull;
  Datum d = heap_getattr(t, col, td, &isnull);
  if (isnull) return std::nullopt;
  return rs::parse(hitlai::pg::text_view(DatumGetTextPP(d)));
}

bool same(HeapTuple a, HeapTuple b, TupleDesc td, int col) {
  bool na, nb;
  Datum da = heap_getattr(a, col, td, &na);
  Datum db = heap_getattr(b, col, td, &nb);
  if (na || nb) return na == nb;
  Form_pg_attribute att = TupleDescAttr(td, col - 1);
  return datumIsEqual(da, db, att->attbyval, att->attlen);
}

std::optional<int64_t> int64_col(HeapTuple t, TupleDesc td, int col) {
  bool isnull;
  Datum d = heap_getattr(t, col, td, &isnull);
  if (isnull) return std::nullopt;
  return DatumGetInt64(d);
}

}  // namespace

// hitlai.test_runs_before_write() (BEFORE INSERT OR UPDATE FOR EACH ROW ON test_runs)
HITLAI_FUNCTION(hitlai_test_runs_before_write) {
  const trigger::Call call = trigger::open(fcinfo, kSpec);
  const bool is_insert = call.is_insert();
  TupleDesc desc = call.desc;
  HeapTuple newt = call.new_row, oldt = call.old_row;
  const bool restoring = hitlai::pg::restore_mode_active();

  Cols c;
  for (const auto& [member, name] : kColumns) c.*member = call.column(name);

  // Checked on INSERT, and on UPDATE only when the columns change (an older row is never
  // refused for a change of something else).
  auto changed = [&](int col) { return is_insert || !same(oldt, newt, desc, col); };
  if (!restoring) {
    if (changed(c.created_at)) require_finite(newt, desc, c.created_at, "created_at");
    if (changed(c.completed_at)) require_finite(newt, desc, c.completed_at, "completed_at");
    int64_t input = 0, lists = 0;
    const bool input_changed = changed(c.url) || changed(c.mission) || changed(c.persona);
    const bool lists_changed = changed(c.recommendations) || changed(c.positives);
    guarded([&] {
      if (input_changed)
        input = raw_size(newt, desc, c.url) + raw_size(newt, desc, c.mission) +
                raw_size(newt, desc, c.persona);
      if (lists_changed)
        lists = raw_size(newt, desc, c.recommendations) + raw_size(newt, desc, c.positives);
    });
    check_training_size(input, kTrainingInputBytes, "url, mission and persona",
                        "keeps the run's training_data.input_data under the 1 MiB document "
                        "limit (J4).");
    check_training_size(lists, kTrainingListsBytes, "recommendations and positives",
                        "(512 KiB) keeps the run's training_data.output_data under the 1 MiB "
                        "document limit (J5).");
  }

  const std::optional<rs::Status> to_opt = status_of(newt, desc, c.status);
  if (!to_opt) return PointerGetDatum(newt);  // the constraints reject the row
  const rs::Status to = *to_opt;
  bool entering_completed = false, reopening = false;
  if (is_insert) {
    entering_completed = to == rs::Status::kCompleted;
  } else {
    if (!same(oldt, newt, desc, c.id)) rs::immutable_column("id");
    if (!same(oldt, newt, desc, c.company_id)) rs::immutable_column("company_id");
    // A stored row always has a valid status (CHECK); treat anything else as pending.
    const rs::Status from = status_of(oldt, desc, c.status).value_or(rs::Status::kPending);
    rs::check_move(from, to);
    entering_completed = from != rs::Status::kCompleted && to == rs::Status::kCompleted;
    reopening = from == rs::Status::kFailed && to == rs::Status::kPending;
    // T6: issues_found is the live count of issues, maintained by hitlai only.
    if (!restoring && !hitlai::pg::IssueCountWriter::active() &&
        !same(oldt, newt, desc, c.issues_found))
      throw hitlai::Error(hitlai::sqlstate::kImmutableColumn,
                          "column \"issues_found\" of test_runs cannot be changed",
                          "It is maintained by hitlai as the number of issues of the run.");
  }

  int cols[3];
  Datum vals[3];
  bool nulls[3];
  int n = 0;
  if (is_insert && !restoring) {
    // T6: a new run has no issues yet. (NULL is left for NOT NULL to reject: 23502.)
    bool isnull;
    Datum d = heap_getattr(newt, c.issues_found, desc, &isnull);
    if (!isnull && DatumGetInt32(d) != 0) {
      cols[n] = c.issues_found;
      vals[n] = Int32GetDatum(0);
      nulls[n] = false;
      ++n;
    }
  }
  if (entering_completed || reopening) {
    rs::Timestamps given{int64_col(newt, desc, c.completed_at),
                         int64_col(newt, desc, c.execution_time_ms)};
    auto created = int64_col(newt, desc, c.created_at);
    const int64_t now = GetCurrentTransactionStartTimestamp();
    rs::Timestamps out =
        rs::apply(entering_completed, reopening, now, created ? *created : now, given);
    cols[n] = c.completed_at;
    vals[n] = out.completed_at ? TimestampTzGetDatum(*out.completed_at) : 0;
    nulls[n] = !out.completed_at;
    ++n;
    cols[n] = c.execution_time_ms;
    vals[n] = out.execution_time_ms ? Int64GetDatum(*out.execution_time_ms) : 0;
    nulls[n] = !out.execution_time_ms;
    ++n;
  }
  if (n == 0) return PointerGetDatum(newt);
  return guarded([&] {
    return PointerGetDatum(heap_modify_tuple_by_cols(newt, desc, n, cols, vals, nulls));
  });
}
