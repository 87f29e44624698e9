// 22008 for infinite timestamps (S10 inputs): hitlai.refuse_infinite_timestamps(), a
// BEFORE INSERT OR UPDATE ROW trigger on tester_assignments (started_at, completed_at,
// assigned_at; test_runs checks its own in the T4 trigger, run_status.cpp). infinity and
// -infinity would make durations computed from them meaningless, so they are refused
// where they are written. On UPDATE only columns that change are judged. Pure row work.
#include "pg/bridge.hpp"
#include "pg/settings.hpp"
#include "pg/trigger.hpp"

extern "C" {
#include "access/htup_details.h"
#include "catalog/pg_type_d.h"
#include "commands/trigger.h"
#include "utils/datum.h"
#include "utils/rel.h"
#include "utils/timestamp.h"
}

#include <string>

namespace trigger = hitlai::pg::trigger;

namespace {
constexpr trigger::Spec kSpec = trigger::before_row(
    "refuse_infinite_timestamps", trigger::kInsert | trigger::kUpdate, nullptr,
    "refuse_infinite_timestamps: must be BEFORE INSERT OR UPDATE ... FOR EACH ROW");
}  // namespace

HITLAI_FUNCTION(hitlai_refuse_infinite_timestamps) {
  const trigger::Call call = trigger::open(fcinfo, kSpec);
  const bool is_insert = call.is_insert();
  HeapTuple newt = call.new_row, oldt = call.old_row;
  if (hitlai::pg::restore_mode_active()) return call.unchanged();
  Relation rel = call.relation;
  TupleDesc desc = call.desc;
  const char* bad = nullptr;
  for (int i = 0; i < desc->natts && !bad; ++i) {
    Form_pg_attribute att = TupleDescAttr(desc, i);
    if (att->attisdropped || (att->atttypid != TIMESTAMPTZOID && att->atttypid != TIMESTAMPOID))
      continue;
    bool isnull = false;
    Datum v = heap_getattr(newt, i + 1, desc, &isnull);
    if (isnull || !TIMESTAMP_NOT_FINITE(DatumGetTimestamp(v))) continue;
    if (!is_insert) {
      bool oldnull = false;
      Datum o = heap_getattr(oldt, i + 1, desc, &oldnull);
      if (!oldnull && datumIsEqual(o, v, att->attbyval, att->attlen)) continue;
    }
    bad = NameStr(att->attname);
  }
  if (bad)
    throw hitlai::Error(hitlai::sqlstate::kDatetimeOverflow,
                        std::string(RelationGetRelationName(rel)) + "." + bad +
                            " must be a finite timestamp",
                        "infinity and -infinity are not accepted (durations computed from them "
                        "would be meaningless).");
  return PointerGetDatum(newt);
}
