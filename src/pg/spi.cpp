#include "pg/spi.hpp"

#include "pg/bridge.hpp"

#include <algorithm>
#include <cstring>
#include <exception>

extern "C" {
#include "catalog/pg_type.h"
#include "executor/executor.h"
#include "executor/tuptable.h"
#include "miscadmin.h"
#include "optimizer/planner.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datum.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/snapmgr.h"
#include "utils/rel.h"
#include "utils/tuplestore.h"
#include "utils/uuid.h"
}

namespace hitlai::pg::spi {

namespace {

// SPI_connect (+ SPI_register_trigger_data) and SPI_finish, for Connection.
void connect(TriggerData* td) {
  guarded([&] {
    if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "hitlai: SPI_connect failed");
    if (td && SPI_register_trigger_data(td) != SPI_OK_TD_REGISTER)
      elog(ERROR, "hitlai: SPI_register_trigger_data failed");
  });
}

void finish() {
  guarded([&] {
    if (SPI_finish() != SPI_OK_FINISH) elog(ERROR, "hitlai: SPI_finish failed");
  });
}

// The number of rows the innermost open connection's statements work on, what exec()
// sizes its plan by: a statement trigger's transition rows, 0 for a row trigger (its
// statements work on its row), -1 (unknown: ordinary plans) for a connection that is not
// a trigger's and for a statement trigger without transition tables (TRUNCATE).
int64_t connection_rows = -1;

int64_t rows_of(const TriggerData* td) {
  if (!td) return -1;
  if (TRIGGER_FIRED_FOR_ROW(td->tg_event)) return 0;
  if (!td->tg_oldtable && !td->tg_newtable) return -1;
  // an UPDATE of n rows has n old and n new rows: it works on n rows
  return std::max(tuple_count(td->tg_oldtable), tuple_count(td->tg_newtable));
}

}  // namespace

Connection::Connection(TriggerData* td)
    : exceptions_at_start_(std::uncaught_exceptions()), open_(false),
      outer_rows_(connection_rows) {
  connect(td);
  open_ = true;
  connection_rows = rows_of(td);
}

Connection::Connection(TriggerData* td, std::initializer_list<const char*> tables)
    : Connection(td) {
  const Trigger* trig = td->tg_trigger;
  for (const char* name : tables) {
    if ((trig->tgoldtable && std::strcmp(trig->tgoldtable, name) == 0) ||
        (trig->tgnewtable && std::strcmp(trig->tgnewtable, name) == 0))
      continue;
    guarded([&] {
      auto* enr = static_cast<EphemeralNamedRelation>(palloc0(sizeof(EphemeralNamedRelationData)));
      enr->md.name = pstrdup(name);
      enr->md.reliddesc = RelationGetRelid(td->tg_relation);
      enr->md.tupdesc = nullptr;
      enr->md.enrtype = ENR_NAMED_TUPLESTORE;
      enr->md.enrtuples = 0;
      enr->reldata = tuplestore_begin_heap(false, false, work_mem);
      if (SPI_register_relation(enr) != SPI_OK_REL_REGISTER)
        elog(ERROR, "hitlai: SPI_register_relation failed for \"%s\"", name);
    });
  }
}

void Connection::finish() {
  if (!open_) return;
  open_ = false;
  connection_rows = outer_rows_;
  spi::finish();
}

Connection::~Connection() {
  if (open_) connection_rows = outer_rows_;
  // Unwinding an exception: the abort path closes the connection (see spi.hpp).
  if (!open_ || std::uncaught_exceptions() > exceptions_at_start_) return;
  (void)SPI_finish();  // reports by return code, never by ereport
}

namespace {

enum class Snap { kCurrent, kReadOnly, kLatest };

// Probe plans (spi.hpp, exec_rows): the query texts of the kept few-row plans, as the
// plan cache hands them to the planner (the CachedPlanSource's own copy, so a pointer
// comparison identifies them; no other statement has that pointer; kept plans are never
// freed). A fixed array, read by the hook while planning.
constexpr int kMaxProbeSources = 256;
const char* probe_sources[kMaxProbeSources];
int probe_source_count = 0;
planner_hook_type next_planner = nullptr;
bool fail_next_probe_planning = false;  // test_fail_next_probe_planning

bool is_probe_source(const char* query_string) {
  for (int i = 0; i < probe_source_count; ++i)
    if (probe_sources[i] == query_string) return true;
  return false;
}

// planner_hook: a probe plan is made with sequential scans, hash joins and merge joins
// switched off while it is planned (a GUC nest level, undone before returning, or by the
// (sub)transaction's abort if planning fails, as for a function's SET clause).
// Statements run by the plan later, such as triggers it fires, plan as usual. JIT is
// switched off too: up to PostgreSQL 17 a node the settings disable costs 1e10, so a
// plan that cannot avoid one would pass every jit_*_above_cost threshold and be
// compiled on each execution.
PlannedStmt* probe_planner(Query* parse, const char* query_string, int cursor_options,
                           ParamListInfo params) {
  planner_hook_type next = next_planner ? next_planner : standard_planner;
  if (!query_string || !is_probe_source(query_string))
    return next(parse, query_string, cursor_options, params);
  const int level = NewGUCNestLevel();
  for (const char* name : {"enable_seqscan", "enable_hashjoin", "enable_mergejoin", "jit"})
    (void)set_config_option(name, "off", PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0,
                            false);
  if (fail_next_probe_planning) {
    fail_next_probe_planning = false;
    ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR), errmsg("hitlai test: probe planning failed")));
  }
  PlannedStmt* result = next(parse, query_string, cursor_options, params);
  AtEOXact_GUC(true, level);
  return result;
}

// Prepares and keeps a plan of s (with these cursor options) on first use; a probe plan's
// query text is registered for probe_planner (were the array ever full, the plan would
// simply be made as usual). Called under guarded().
SPIPlanPtr prepared(Statement& s, SPIPlanPtr& slot, int cursor_options, bool probe = false) {
  if (!slot) {
    SPIPlanPtr p = SPI_prepare_cursor(s.sql, s.nargs, s.argtypes, cursor_options);
    if (!p)
      elog(ERROR, "hitlai: SPI_prepare failed (%s): %s", SPI_result_code_string(SPI_result),
           s.sql);
    if (SPI_keepplan(p) != 0) elog(ERROR, "hitlai: SPI_keepplan failed");
    slot = p;
    if (probe) {
      ListCell* cell;
      foreach (cell, SPI_plan_get_plan_sources(p)) {
        if (probe_source_count < kMaxProbeSources)
          probe_sources[probe_source_count++] =
              static_cast<CachedPlanSource*>(lfirst(cell))->query_string;
      }
    }
  }
  return slot;
}

// Whether a statement of `rows` rows runs its probe plan (spi.hpp, exec_rows). A
// statement planned afresh for every call (CURSOR_OPT_CUSTOM_PLAN) never does.
bool probe_for(const Statement& s, int64_t rows) {
  return rows >= 0 && rows <= kSmallRows && !(s.cursor_options & CURSOR_OPT_CUSTOM_PLAN);
}

uint64_t run(Statement& s, const Datum* values, const char* nulls, long tcount, Snap snap,
             bool small) {
  return guarded([&]() -> uint64 {
    SPIPlanPtr plan = small ? prepared(s, s.small_plan, CURSOR_OPT_GENERIC_PLAN, true)
                            : prepared(s, s.plan, s.cursor_options);
    Datum* args = const_cast<Datum*>(values);
    int rc;
    switch (snap) {
      case Snap::kReadOnly:
        rc = SPI_execute_plan(plan, args, nulls, true, tcount);
        if (rc >= 0 && rc != SPI_OK_SELECT) elog(ERROR, "hitlai: not a SELECT: %s", s.sql);
        break;
      case Snap::kLatest:
        rc = SPI_execute_snapshot(plan, args, nulls, GetLatestSnapshot(), InvalidSnapshot,
                                  false, false, tcount);
        break;
      default:
        rc = SPI_execute_plan(plan, args, nulls, false, tcount);
    }
    if (rc < 0)
      elog(ERROR, "hitlai: SPI_execute_plan failed (%s): %s", SPI_result_code_string(rc), s.sql);
    return SPI_processed;
  });
}

}  // namespace

uint64_t exec(Statement& s, const Datum* values, const char* nulls, long tcount) {
  return run(s, values, nulls, tcount, Snap::kCurrent, probe_for(s, connection_rows));
}

uint64_t exec_rows(Statement& s, int64_t rows, const Datum* values, const char* nulls) {
  return run(s, values, nulls, 0, Snap::kCurrent, probe_for(s, rows));
}

void test_fail_next_probe_planning() { fail_next_probe_planning = true; }

void install_probe_planner() {
  next_planner = planner_hook;
  planner_hook = probe_planner;
}

int64_t array_length(Datum array) {
  return guarded([&]() -> int64_t {
    ArrayType* a = DatumGetArrayTypeP(array);
    return ARR_NDIM(a) == 0 ? 0 : ArrayGetNItems(ARR_NDIM(a), ARR_DIMS(a));
  });
}

uint64_t exec_read_only(Statement& s, const Datum* values, const char* nulls, long tcount) {
  return run(s, values, nulls, tcount, Snap::kReadOnly, probe_for(s, connection_rows));
}

uint64_t exec_latest(Statement& s, const Datum* values, const char* nulls, long tcount) {
  return run(s, values, nulls, tcount, Snap::kLatest, probe_for(s, connection_rows));
}

std::optional<std::string> text(uint64_t row, int col) {
  char* v = guarded([&] {
    return SPI_getvalue(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, col);
  });
  if (!v) return std::nullopt;
  return std::string(v);
}

std::string text_not_null(uint64_t row, int col) {
  auto v = text(row, col);
  if (!v) throw hitlai::Error(hitlai::sqlstate::kInternalError, "hitlai: unexpected NULL");
  return *v;
}

std::optional<int64_t> int8(uint64_t row, int col) {
  bool isnull = false;
  Oid type = InvalidOid;
  Datum d = guarded([&] {
    type = SPI_gettypeid(SPI_tuptable->tupdesc, col);
    return SPI_getbinval(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, col, &isnull);
  });
  if (isnull) return std::nullopt;
  switch (type) {
    case INT2OID: return DatumGetInt16(d);
    case INT4OID: return DatumGetInt32(d);
    case DATEOID: return DatumGetDateADT(d);
    case INT8OID:
    case TIMESTAMPTZOID: return DatumGetInt64(d);
    default:
      throw hitlai::Error(hitlai::sqlstate::kInternalError, "hitlai: column is not an integer");
  }
}

bool row_args(uint64_t row, int n, Datum* values, char* nulls) {
  guarded([&] {
    for (int i = 0; i < n; ++i) {
      bool isnull = false;
      values[i] = SPI_getbinval(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, i + 1, &isnull);
      nulls[i] = isnull ? 'n' : ' ';
    }
  });
  return n > 0 && nulls[0] == ' ';
}

void exec_then(Statement& first, Statement& then) {
  exec(first);
  Datum args[12];
  char nulls[12];
  if (row_args(0, then.nargs, args, nulls)) exec_rows(then, array_length(args[0]), args, nulls);
}

Datum array_of(const Datum* values, const bool* nulls, int n, Oid elemtype) {
  return guarded([&] {
    int16 len;
    bool byval;
    char align;
    get_typlenbyvalalign(elemtype, &len, &byval, &align);
    int dims[1] = {n};
    int lbs[1] = {1};
    return PointerGetDatum(construct_md_array(const_cast<Datum*>(values),
                                              const_cast<bool*>(nulls), 1, dims, lbs,
                                              elemtype, len, byval, align));
  });
}

Datum text_array(const std::vector<std::optional<std::string>>& items) {
  const int n = static_cast<int>(items.size());
  Datum* elems = guarded([&] { return static_cast<Datum*>(palloc0(sizeof(Datum) * (n + 1))); });
  bool* isnull = guarded([&] { return static_cast<bool*>(palloc0(sizeof(bool) * (n + 1))); });
  for (int i = 0; i < n; ++i) {
    if (items[i]) {
      elems[i] = PointerGetDatum(make_text(*items[i]));
    } else {
      isnull[i] = true;
    }
  }
  return guarded([&] {
    int dims[1] = {n};
    int lbs[1] = {1};
    return PointerGetDatum(
        construct_md_array(elems, isnull, 1, dims, lbs, TEXTOID, -1, false, TYPALIGN_INT));
  });
}

Datum text_array(const std::vector<std::string>& items) {
  std::vector<std::optional<std::string>> v(items.begin(), items.end());
  return text_array(v);
}

int64_t tuple_count(Tuplestorestate* ts) {
  if (!ts) return 0;
  return guarded([&] { return static_cast<int64>(tuplestore_tuple_count(ts)); });
}

bool text_equals(Datum d, const char* s) {
  // Detoasting a packed short value needs no allocation; a toasted one would (guarded).
  auto* t = guarded([&] { return reinterpret_cast<::text*>(PG_DETOAST_DATUM_PACKED(d)); });
  const size_t n = std::strlen(s);
  return VARSIZE_ANY_EXHDR(t) == n && std::memcmp(VARDATA_ANY(t), s, n) == 0;
}

int64_t count_text_equal(Tuplestorestate* ts, Relation rel, const char* column,
                         const char* value) {
  if (!ts) return 0;
  const size_t vlen = std::strlen(value);
  return guarded([&]() -> int64 {
    TupleDesc desc = RelationGetDescr(rel);
    int att = SPI_fnumber(desc, column);
    if (att <= 0) elog(ERROR, "hitlai: relation has no column \"%s\"", column);
    // A read pointer of our own, as a NamedTuplestoreScan makes one: every reader selects
    // its pointer before it reads, so the other triggers' scans are not disturbed.
    int ptr = tuplestore_alloc_read_pointer(ts, EXEC_FLAG_REWIND);
    tuplestore_select_read_pointer(ts, ptr);
    tuplestore_rescan(ts);
    TupleTableSlot* slot = MakeSingleTupleTableSlot(desc, &TTSOpsMinimalTuple);
    int64 n = 0;
    while (tuplestore_gettupleslot(ts, true, false, slot)) {
      bool isnull;
      Datum d = slot_getattr(slot, att, &isnull);
      if (isnull) continue;
      auto* t = reinterpret_cast<::text*>(PG_DETOAST_DATUM_PACKED(d));
      if (VARSIZE_ANY_EXHDR(t) == vlen && std::memcmp(VARDATA_ANY(t), value, vlen) == 0) ++n;
    }
    ExecDropSingleTupleTableSlot(slot);
    return n;
  });
}

std::optional<Datum> common_uuid(Tuplestorestate* ts, Relation rel, const char* column) {
  if (!ts) return std::nullopt;
  Datum out = 0;
  const bool same = guarded([&]() -> bool {
    TupleDesc desc = RelationGetDescr(rel);
    int att = SPI_fnumber(desc, column);
    if (att <= 0) elog(ERROR, "hitlai: relation has no column \"%s\"", column);
    if (TupleDescAttr(desc, att - 1)->atttypid != UUIDOID) return false;
    int ptr = tuplestore_alloc_read_pointer(ts, EXEC_FLAG_REWIND);  // see count_text_equal
    tuplestore_select_read_pointer(ts, ptr);
    tuplestore_rescan(ts);
    TupleTableSlot* slot = MakeSingleTupleTableSlot(desc, &TTSOpsMinimalTuple);
    bool ok = true, any = false;
    while (ok && tuplestore_gettupleslot(ts, true, false, slot)) {
      bool isnull;
      Datum d = slot_getattr(slot, att, &isnull);
      if (isnull) {
        ok = false;
      } else if (!any) {
        out = datumCopy(d, false, UUID_LEN);
        any = true;
      } else {
        ok = std::memcmp(DatumGetUUIDP(d), DatumGetUUIDP(out), UUID_LEN) == 0;
      }
    }
    ExecDropSingleTupleTableSlot(slot);
    return ok && any;
  });
  if (!same) return std::nullopt;
  return out;
}

bool first_row(Tuplestorestate* ts, Relation rel, const std::vector<const char*>& columns,
               Datum* values, bool* nulls) {
  if (!ts) return false;
  int atts[16];
  if (columns.size() > 16) throw hitlai::Error(hitlai::sqlstate::kInternalError, "first_row: too many columns");
  const int ncols = static_cast<int>(columns.size());
  const char* const* names = columns.data();
  return guarded([&]() -> bool {
    TupleDesc desc = RelationGetDescr(rel);
    for (int i = 0; i < ncols; ++i) {
      atts[i] = SPI_fnumber(desc, names[i]);
      if (atts[i] <= 0) elog(ERROR, "hitlai: relation has no column \"%s\"", names[i]);
    }
    int ptr = tuplestore_alloc_read_pointer(ts, EXEC_FLAG_REWIND);
    tuplestore_select_read_pointer(ts, ptr);
    tuplestore_rescan(ts);
    TupleTableSlot* slot = MakeSingleTupleTableSlot(desc, &TTSOpsMinimalTuple);
    bool found = tuplestore_gettupleslot(ts, true, false, slot);
    if (found) {
      for (int i = 0; i < ncols; ++i) {
        Form_pg_attribute a = TupleDescAttr(desc, atts[i] - 1);
        Datum d = slot_getattr(slot, atts[i], &nulls[i]);
        values[i] = nulls[i] ? (Datum)0 : datumCopy(d, a->attbyval, a->attlen);
      }
    }
    ExecDropSingleTupleTableSlot(slot);
    return found;
  });
}

bool single_row_changes(TriggerData* td, const std::vector<const char*>& columns,
                        RowChange& out) {
  if (tuple_count(td->tg_newtable) != 1 || tuple_count(td->tg_oldtable) != 1) return false;
  const int ncols = static_cast<int>(columns.size());
  if (ncols > 16) throw hitlai::Error(hitlai::sqlstate::kInternalError, "single_row_changes: too many columns");
  if (!first_row(td->tg_oldtable, td->tg_relation, columns, out.old_value, out.old_null) ||
      !first_row(td->tg_newtable, td->tg_relation, columns, out.new_value, out.new_null))
    return false;
  const char* const* names = columns.data();
  guarded([&] {
    TupleDesc desc = RelationGetDescr(td->tg_relation);
    for (int i = 0; i < ncols; ++i) {
      if (out.old_null[i] || out.new_null[i]) {
        out.changed[i] = out.old_null[i] != out.new_null[i];
        continue;
      }
      Form_pg_attribute a = TupleDescAttr(desc, SPI_fnumber(desc, names[i]) - 1);
      out.changed[i] = !datumIsEqual(out.old_value[i], out.new_value[i], a->attbyval, a->attlen);
    }
  });
  return true;
}

}  // namespace hitlai::pg::spi
