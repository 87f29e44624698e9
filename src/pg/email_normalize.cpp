// T5 (D13): BEFORE INSERT OR UPDATE OF email FOR EACH ROW on companies, human_testers,
// early_adopter_apps and founding_tester_apps: the email column is stored trimmed and
// lower-cased (src/core/text_rules.hpp), so UNIQUE(email) is case-insensitive.
#include "pg/bridge.hpp"
#include "pg/trigger.hpp"

extern "C" {
#include "access/htup_details.h"
#include "commands/trigger.h"
#include "executor/spi.h"
}

#include <string>

#include "core/text_rules.hpp"

namespace trigger = hitlai::pg::trigger;

namespace {
constexpr trigger::Spec kSpec = trigger::before_row(
    "normalize_email_trigger", trigger::kInsert | trigger::kUpdate | trigger::kDelete, nullptr,
    "normalize_email_trigger: must be a BEFORE ROW trigger");
}  // namespace

HITLAI_FUNCTION(hitlai_normalize_email_trigger) {
  const trigger::Call call = trigger::open(fcinfo, kSpec);
  HeapTuple t = call.new_row ? call.new_row : call.old_row;
  TupleDesc desc = call.desc;
  const int col = hitlai::pg::guarded([&] { return SPI_fnumber(desc, "email"); });
  if (col <= 0) throw hitlai::Error(hitlai::sqlstate::kTriggerProtocol, "normalize_email_trigger: table has no email column");
  bool isnull;
  Datum d = hitlai::pg::guarded([&] { return heap_getattr(t, col, desc, &isnull); });
  if (isnull) return PointerGetDatum(t);
  text* tx = hitlai::pg::guarded([&] { return DatumGetTextPP(d); });
  const std::string_view in = hitlai::pg::text_view(tx);
  std::string out = hitlai::normalize_email(in);
  if (out == in) return PointerGetDatum(t);
  Datum v = PointerGetDatum(hitlai::pg::make_text(out));
  bool nulls[1] = {false};
  int cols[1] = {col};
  return hitlai::pg::guarded(
      [&] { return PointerGetDatum(heap_modify_tuple_by_cols(t, desc, 1, cols, &v, nulls)); });
}
