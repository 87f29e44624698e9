// F3: BEFORE UPDATE ROW trigger on fine_tuning_jobs: the job life cycle (rules in
// src/core/job_status.*), completed_at on entering a final status, required
// fine_tuned_model_id / error_message, immutable job_id / training_file_id. Pure row
// work, no SPI.
#include "pg/bridge.hpp"
#include "pg/trigger.hpp"

extern "C" {
#include "access/htup_details.h"
#include "access/xact.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"
}

#include <optional>
#include <string_view>

#include "core/job_status.hpp"

namespace {

namespace js = hitlai::job_status;
namespace trigger = hitlai::pg::trigger;
using hitlai::pg::guarded;

// The bytes of a text column (detoasted into the current memory context), or nullopt.
std::optional<std::string_view> text_col(HeapTuple t, TupleDesc td, int col) {
  bool isnull;
  Datum d = heap_getattr(t, col, td, &isnull);
  if (isnull) return std::nullopt;
  const text* v = guarded([&] { return DatumGetTextPP(d); });
  return hitlai::pg::text_view(v);
}

constexpr trigger::Spec kSpec = trigger::before_row(
    "fine_tuning_jobs_before_update", trigger::kUpdate, "fine_tuning_jobs",
    "fine_tuning_jobs_before_update: must be a BEFORE UPDATE ROW trigger");

}  // namespace

// hitlai.fine_tuning_jobs_before_update() (BEFORE UPDATE FOR EACH ROW ON fine_tuning_jobs)
HITLAI_FUNCTION(hitlai_fine_tuning_jobs_before_update) {
  const trigger::Call call = trigger::open(fcinfo, kSpec);
  TupleDesc desc = call.desc;
  HeapTuple oldt = call.old_row;
  HeapTuple newt = call.new_row;

  const int c_status = call.column("status"), c_job_id = call.column("job_id"),
            c_file = call.column("training_file_id"),
            c_model = call.column("fine_tuned_model_id"),
            c_error = call.column("error_message"), c_completed = call.column("completed_at");

  js::check_immutable("job_id", text_col(oldt, desc, c_job_id), text_col(newt, desc, c_job_id));
  js::check_immutable("training_file_id", text_col(oldt, desc, c_file),
                      text_col(newt, desc, c_file));

  // NULL or a value outside D11: the row is left alone and NOT NULL or the CHECK
  // constraint fine_tuning_jobs_status_check rejects it with PostgreSQL's own message.
  auto new_s = text_col(newt, desc, c_status);
  const std::optional<js::Status> to = new_s ? js::parse(*new_s) : std::nullopt;
  if (!to) return PointerGetDatum(newt);
  auto old_s = text_col(oldt, desc, c_status);
  // A stored row always has a valid status (CHECK); treat anything else as pending.
  const js::Status from = (old_s ? js::parse(*old_s) : std::nullopt).value_or(js::Status::kPending);
  js::check_move(from, *to);
  js::check_required(*to, text_col(newt, desc, c_model), text_col(newt, desc, c_error));
  if (!js::entering_final(from, *to)) return PointerGetDatum(newt);

  int cols[1] = {c_completed};
  Datum vals[1] = {TimestampTzGetDatum(GetCurrentTransactionStartTimestamp())};
  bool nulls[1] = {false};
  return guarded([&] {
    return PointerGetDatum(heap_modify_tuple_by_cols(newt, desc, 1, cols, vals, nulls));
  });
}
