// W5, S10: a webhook's secret never appears in an error message, DETAIL, CONTEXT or log
// line. PostgreSQL's own NOT NULL and CHECK violations carry a DETAIL "Failing row
// contains (...)" with every column of the row, the secret included, and that DETAIL
// goes to the server log. hitlai.check_webhook_row() (BEFORE INSERT OR UPDATE ... FOR
// EACH ROW ON webhooks, named to fire after every other BEFORE trigger of the table)
// checks every NOT NULL column and every CHECK constraint of the row first, and raises
// the same SQLSTATE (23502 / 23514) naming the column or constraint, without the row. So
// PostgreSQL's checks, which run after the BEFORE triggers, never fail on a webhook row.
// (Unique and foreign-key violations name only their key columns, never the secret.)
// The statement text itself is logged too (log_min_error_statement): a secret written
// literally in an INSERT/UPDATE is the caller's own to keep out of the log.
#include "pg/bridge.hpp"
#include "pg/trigger.hpp"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wregister"
extern "C" {
#include "access/htup_details.h"
#include "commands/trigger.h"
#include "executor/executor.h"
#include "nodes/nodes.h"
#include "utils/rel.h"
}
#pragma GCC diagnostic pop

namespace {

// The name of the first CHECK constraint that the row violates, or nullptr. Evaluated
// like PostgreSQL's ExecRelCheck: a NULL result passes.
const char* violated_check(Relation rel, HeapTuple tuple) {
  TupleConstr* constr = RelationGetDescr(rel)->constr;
  if (!constr || constr->num_check == 0) return nullptr;
  const char* bad = nullptr;
  EState* estate = CreateExecutorState();
  ExprContext* econtext = GetPerTupleExprContext(estate);
  TupleTableSlot* slot = MakeSingleTupleTableSlot(RelationGetDescr(rel), &TTSOpsHeapTuple);
  ExecStoreHeapTuple(tuple, slot, false);
  econtext->ecxt_scantuple = slot;
  for (int i = 0; i < constr->num_check && !bad; ++i) {
    ConstrCheck* check = &constr->check[i];
    Expr* expr = static_cast<Expr*>(stringToNode(check->ccbin));
    ExprState* state = ExecPrepareCheck(list_make1(expr), estate);
    if (!ExecCheck(state, econtext)) bad = check->ccname;
  }
  ExecDropSingleTupleTableSlot(slot);
  FreeExecutorState(estate);
  return bad;
}

}  // namespace

constexpr hitlai::pg::trigger::Spec kCheckRow = hitlai::pg::trigger::before_row(
    "check_webhook_row", hitlai::pg::trigger::kInsert | hitlai::pg::trigger::kUpdate, "webhooks",
    "check_webhook_row: must be BEFORE INSERT OR UPDATE ... FOR EACH ROW");

HITLAI_FUNCTION(hitlai_check_webhook_row) {
  const hitlai::pg::trigger::Call call = hitlai::pg::trigger::open(fcinfo, kCheckRow);
  Relation rel = call.relation;
  HeapTuple tuple = call.new_row;
  TupleDesc desc = call.desc;
  for (int i = 0; i < desc->natts; ++i) {
    Form_pg_attribute att = TupleDescAttr(desc, i);
    if (att->attisdropped || !att->attnotnull || !heap_attisnull(tuple, i + 1, desc)) continue;
    ereport(ERROR, (errcode(ERRCODE_NOT_NULL_VIOLATION),
                    errmsg("null value in column \"%s\" of relation \"%s\" violates not-null constraint",
                           NameStr(att->attname), RelationGetRelationName(rel)),
                    errtablecol(rel, i + 1)));
  }
  if (const char* bad = violated_check(rel, tuple))
    ereport(ERROR, (errcode(ERRCODE_CHECK_VIOLATION),
                    errmsg("new row for relation \"%s\" violates check constraint \"%s\"",
                           RelationGetRelationName(rel), bad),
                    errdetail("The row is not shown: it holds the webhook's secret."),
                    errtableconstraint(rel, bad)));
  return PointerGetDatum(tuple);
}
