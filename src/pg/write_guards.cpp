// Row-level write guards for application roles (SPEC A2, G1).
//
// Application roles get INSERT at table level (G1: has_table_privilege(…, 'INSERT') is
// true), so the columns they must not choose are guarded here, per row, instead of by
// column privileges:
//
//  * hitlai_guard_insert_defaults (BEFORE INSERT FOR EACH ROW, trigger arguments: column
//    names, or `prefix*` for every column whose name starts with prefix): each named
//    column must equal its default (the column's DEFAULT expression evaluated now, NULL
//    without one); otherwise 42501 naming the column. E.g. human_testers' protected
//    columns and every stats_* column, company_members.joined_at (an invitation is
//    created unjoined; hitlai.create_company, SECURITY DEFINER, is privileged).
//
//  * hitlai_force_insert_defaults (BEFORE INSERT FOR EACH ROW, same arguments): each
//    named column is overwritten with its default. A2: an application is inserted with
//    status 'pending' and its review columns NULL, whatever the caller wrote.
//
//  Both act only for non-privileged callers. Privileged: the outer user (session role or
//  SET ROLE; see settings.cpp) or the current user (the owner of a SECURITY DEFINER
//  function such as hitlai.create_company) is superuser or BYPASSRLS, or RLS does not
//  apply to the current user on this table (its owner). They do nothing in restore
//  mode (S8), where rows carry their stored values.
//
//  * hitlai_assignment_started_at (BEFORE UPDATE FOR EACH ROW ON tester_assignments):
//    A2 "the assigned tester moves own assignment assigned -> started (setting
//    started_at)": when status moves to 'started', started_at := coalesce(started_at,
//    now()). BEFORE row triggers run before the policy's WITH CHECK, so the tester's
//    plain `SET status = 'started'` passes it. For every caller (a data rule, not a
//    privilege).
//
// No C++ object with a destructor is alive in these bodies: PostgreSQL is called
// directly (see bridge.hpp).
#include "pg/bridge.hpp"
#include "pg/settings.hpp"
#include "pg/trigger.hpp"

extern "C" {
#include "access/htup_details.h"
#include "access/xact.h"
#include "commands/trigger.h"
#include "executor/executor.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "rewrite/rewriteHandler.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/rel.h"
#include "utils/rls.h"
#include "utils/timestamp.h"
#include "utils/typcache.h"
}

#include <cstring>

namespace {

namespace trigger = hitlai::pg::trigger;

// Trigger functions that take their columns as arguments, for any table.
constexpr trigger::Spec insert_spec(const char* name, const char* misuse,
                                    const char* not_a_trigger) {
  return {name,      trigger::Timing::kBefore,         trigger::Level::kRow, trigger::kInsert,
          nullptr,   hitlai::sqlstate::kInternalError, misuse,               not_a_trigger};
}
constexpr trigger::Spec kGuardInsertDefaults =
    insert_spec("guard_insert_defaults",
                "hitlai: guard_insert_defaults: must be a BEFORE INSERT ... FOR EACH ROW trigger",
                "hitlai: guard_insert_defaults: not called as a trigger");
constexpr trigger::Spec kForceInsertDefaults =
    insert_spec("force_insert_defaults",
                "hitlai: force_insert_defaults: must be a BEFORE INSERT ... FOR EACH ROW trigger",
                "hitlai: force_insert_defaults: not called as a trigger");
constexpr trigger::Spec kAssignmentStartedAt{
    "assignment_started_at",
    trigger::Timing::kBefore,
    trigger::Level::kRow,
    trigger::kUpdate,
    "tester_assignments",
    hitlai::sqlstate::kInternalError,
    "hitlai: assignment_started_at: must be a BEFORE UPDATE ... FOR EACH ROW trigger",
    "hitlai: assignment_started_at: not called as a trigger"};

bool role_is_privileged(Oid role) { return superuser_arg(role) || has_bypassrls_privilege(role); }

// Whether the writer is privileged (see the file comment).
bool writer_is_privileged(Relation rel) {
  if (role_is_privileged(GetOuterUserId())) return true;
  Oid current = GetUserId();
  if (role_is_privileged(current)) return true;
  return check_enable_rls(RelationGetRelid(rel), InvalidOid, true) != RLS_ENABLED;
}

// Whether trigger argument `arg` names attribute `att` (exact name, or `prefix*`).
bool arg_matches(const char* arg, Form_pg_attribute att) {
  const char* name = NameStr(att->attname);
  size_t len = std::strlen(arg);
  if (len > 0 && arg[len - 1] == '*') return std::strncmp(arg, name, len - 1) == 0;
  return std::strcmp(arg, name) == 0;
}

// The column's default evaluated now (NULL without a DEFAULT), in the executor state's
// per-tuple memory: valid until FreeExecutorState(estate).
Datum column_default(Relation rel, int attnum, EState* estate, bool* isnull) {
  Node* expr = build_column_default(rel, attnum);
  if (!expr) {
    *isnull = true;
    return (Datum)0;
  }
  ExprState* state = ExecPrepareExpr(reinterpret_cast<Expr*>(expr), estate);
  return ExecEvalExprSwitchContext(state, GetPerTupleExprContext(estate), isnull);
}

bool values_equal(Form_pg_attribute att, Datum a, bool a_null, Datum b, bool b_null) {
  if (a_null || b_null) return a_null && b_null;
  TypeCacheEntry* tce = lookup_type_cache(att->atttypid, TYPECACHE_EQ_OPR_FINFO);
  if (OidIsValid(tce->eq_opr_finfo.fn_oid))
    return DatumGetBool(FunctionCall2Coll(&tce->eq_opr_finfo, att->attcollation, a, b));
  return datum_image_eq(a, b, att->attbyval, att->attlen);
}

// Common body: force=false raises 42501 for the first named column that differs from
// its default; force=true returns the row with every named column set to its default.
Datum insert_defaults(FunctionCallInfo fcinfo, const trigger::Spec& spec, bool force) {
  const trigger::Call call = trigger::open(fcinfo, spec);
  const char* name = spec.name;
  Relation rel = call.relation;
  HeapTuple row = call.new_row;
  if (writer_is_privileged(rel) || hitlai::pg::restore_mode_active()) return call.unchanged();

  const Trigger* trig = call.data->tg_trigger;
  TupleDesc desc = rel->rd_att;
  // Every argument must name at least one column (a typo must not silently guard nothing),
  // except `prefix*` patterns, which may match none.
  for (int k = 0; k < trig->tgnargs; ++k) {
    const char* arg = trig->tgargs[k];
    size_t len = std::strlen(arg);
    if (len > 0 && arg[len - 1] == '*') continue;
    bool found = false;
    for (int i = 0; i < desc->natts && !found; ++i) {
      Form_pg_attribute att = TupleDescAttr(desc, i);
      found = !att->attisdropped && arg_matches(arg, att);
    }
    if (!found)
      elog(ERROR, "hitlai: %s: table \"%s\" has no column \"%s\"", name,
           RelationGetRelationName(rel), arg);
  }

  int natts = desc->natts;
  int* cols = static_cast<int*>(palloc(sizeof(int) * natts));
  Datum* vals = static_cast<Datum*>(palloc(sizeof(Datum) * natts));
  bool* nulls = static_cast<bool*>(palloc(sizeof(bool) * natts));
  int n = 0;
  EState* estate = CreateExecutorState();
  for (int i = 0; i < natts; ++i) {
    Form_pg_attribute att = TupleDescAttr(desc, i);
    if (att->attisdropped || att->attgenerated) continue;
    bool named = false;
    for (int k = 0; k < trig->tgnargs && !named; ++k) named = arg_matches(trig->tgargs[k], att);
    if (!named) continue;
    bool def_null = false;
    Datum def = column_default(rel, i + 1, estate, &def_null);
    if (force) {
      cols[n] = i + 1;
      vals[n] = def;
      nulls[n] = def_null;
      ++n;
      continue;
    }
    bool val_null = false;
    Datum val = heap_getattr(row, i + 1, desc, &val_null);
    if (!values_equal(att, val, val_null, def, def_null))
      ereport(ERROR,
              (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
               errmsg("permission denied to set column \"%s\" of \"%s\"", NameStr(att->attname),
                      RelationGetRelationName(rel)),
               errdetail("Only privileged roles may insert a row whose \"%s\" differs from its "
                         "default.",
                         NameStr(att->attname)),
               errhint("Leave the column out of the INSERT.")));
  }
  HeapTuple result = row;
  if (n > 0) result = heap_modify_tuple_by_cols(row, desc, n, cols, vals, nulls);
  FreeExecutorState(estate);
  return PointerGetDatum(result);
}

}  // namespace

// hitlai.guard_insert_defaults(columns…) (A2, 42501).
HITLAI_FUNCTION(hitlai_guard_insert_defaults) {
  return insert_defaults(fcinfo, kGuardInsertDefaults, false);
}

// hitlai.force_insert_defaults(columns…) (A2).
HITLAI_FUNCTION(hitlai_force_insert_defaults) {
  return insert_defaults(fcinfo, kForceInsertDefaults, true);
}

// hitlai.assignment_started_at() on tester_assignments (A2).
HITLAI_FUNCTION(hitlai_assignment_started_at) {
  const trigger::Call call = trigger::open(fcinfo, kAssignmentStartedAt);
  TupleDesc desc = call.desc;
  HeapTuple oldtup = call.old_row, newtup = call.new_row;
  int a_status = SPI_fnumber(desc, "status"), a_started = SPI_fnumber(desc, "started_at");
  if (a_status <= 0 || a_started <= 0)
    elog(ERROR, "hitlai: assignment_started_at: table has no status or started_at column");

  auto is_started = [&](HeapTuple t) {
    bool isnull = false;
    Datum d = heap_getattr(t, a_status, desc, &isnull);
    if (isnull) return false;
    text* s = DatumGetTextPP(d);
    return VARSIZE_ANY_EXHDR(s) == 7 && std::memcmp(VARDATA_ANY(s), "started", 7) == 0;
  };
  bool started_null = false;
  heap_getattr(newtup, a_started, desc, &started_null);
  if (!started_null || !is_started(newtup) || is_started(oldtup)) return PointerGetDatum(newtup);

  int cols[1] = {a_started};
  Datum vals[1] = {TimestampTzGetDatum(GetCurrentTransactionStartTimestamp())};
  bool nulls[1] = {false};
  return PointerGetDatum(heap_modify_tuple_by_cols(newtup, desc, 1, cols, vals, nulls));
}
