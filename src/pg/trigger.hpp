// The trigger skeleton: every trigger function of hitlai starts with trigger::open(),
// which checks once how it was called and hands the rule code a typed view of the call.
//
//   const trigger::Spec kSpec{"test_runs_before_write", trigger::Timing::kBefore,
//                             trigger::Level::kRow, trigger::kInsert | trigger::kUpdate,
//                             "test_runs", sqlstate::kTriggerProtocol,
//                             "test_runs_before_write: must be a BEFORE ROW trigger"};
//   HITLAI_FUNCTION(hitlai_test_runs_before_write) {
//     const trigger::Call call = trigger::open(fcinfo, kSpec);
//     ... call.new_row, call.old_row, call.desc ...
//     return call.unchanged();
//   }
//
// The checks, in this order: called as a trigger, timing (BEFORE / AFTER), level (ROW /
// STATEMENT), the event (INSERT, UPDATE, DELETE, TRUNCATE) among those the Spec allows,
// when the Spec names one, the table's name, and last the table's schema: it must be
// hitlai's own (S7). A failed check raises the Spec's SQLSTATE with its message: a
// trigger function attached by hand to the wrong table, timing, level or event is
// refused before it reads anything.
//
// The schema check keeps hitlai's SECURITY DEFINER trigger functions on hitlai's
// tables: a role that may execute them (the installing owner, service_role) could
// otherwise attach one to a table of its own, say pg_temp.test_runs with a column of a
// type whose cast it wrote, and have the superuser run its code. Only schema hitlai,
// where nobody but the superuser may create tables, is accepted. A Spec with
// any_schema = true (a function that is not SECURITY DEFINER and changes nothing but
// the row it is given) may be attached to any table.
//
// The Call is a plain view (no destructor, no allocation), so it is safe whatever the
// rule code does next (bridge.hpp).
#pragma once

#include "pg/compat.hpp"

extern "C" {
#include "fmgr.h"
#include "commands/trigger.h"
}

#include <cstdint>

#include "core/sqlstate.hpp"

namespace hitlai::pg::trigger {

enum class Timing { kBefore, kAfter };
enum class Level { kRow, kStatement };

// The events a trigger may fire for: a bit set.
enum Event : unsigned { kInsert = 1u, kUpdate = 2u, kDelete = 4u, kTruncate = 8u };

// How a trigger function must be attached, and what a misuse raises.
struct Spec {
  const char* name;      // the SQL function's name (messages)
  Timing timing;
  Level level;
  unsigned events;       // Event bits
  const char* table;     // the table it belongs to, or nullptr for any table
  const char* sqlstate;  // raised on misuse (core/sqlstate.hpp)
  const char* misuse;    // message: wrong timing or level (and event, not a trigger,
                         // unless one of the next two says otherwise)
  const char* not_a_trigger = nullptr;  // message when not called as a trigger
  const char* wrong_event = nullptr;    // message when fired for another event
  bool any_schema = false;              // true: tables outside schema hitlai accepted
};

// The two usual shapes, refusing any other attachment with 39P01 and `misuse`.
constexpr Spec after_statement(const char* name, unsigned events, const char* table,
                               const char* misuse) {
  return {name, Timing::kAfter, Level::kStatement, events, table, sqlstate::kTriggerProtocol,
          misuse};
}
constexpr Spec before_row(const char* name, unsigned events, const char* table,
                          const char* misuse) {
  return {name, Timing::kBefore, Level::kRow, events, table, sqlstate::kTriggerProtocol,
          misuse};
}

// The checked call, as the rule code needs it.
struct Call {
  TriggerData* data;
  Relation relation;
  TupleDesc desc;
  Event event;
  // Row level: the row before the change (UPDATE, DELETE) and after it (INSERT, UPDATE);
  // nullptr where there is none, and at statement level.
  HeapTuple old_row;
  HeapTuple new_row;
  // The transition tables (REFERENCING OLD / NEW TABLE), or nullptr.
  Tuplestorestate* old_table;
  Tuplestorestate* new_table;

  bool is_insert() const { return event == kInsert; }
  bool is_update() const { return event == kUpdate; }
  bool is_delete() const { return event == kDelete; }
  // What the trigger returns to leave the statement as it is: the new row (the old one
  // for DELETE) at row level, NULL at statement level.
  Datum unchanged() const { return PointerGetDatum(new_row ? new_row : old_row); }
  // The attribute number of column `name` of the trigger's table (XX000 when it has
  // none: "hitlai: <table> has no column ...").
  int column(const char* name) const;
  // Rows in the two transition tables together.
  int64_t transition_rows() const;
};

// Checks the call against spec (raising spec.sqlstate on misuse) and returns its view.
Call open(FunctionCallInfo fcinfo, const Spec& spec);

}  // namespace hitlai::pg::trigger
