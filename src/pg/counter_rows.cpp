// Counter rows written without the executor: see counter_rows.hpp.
#include "pg/counter_rows.hpp"

#include "pg/bridge.hpp"

#include <algorithm>
#include <cstring>

extern "C" {
#include "access/genam.h"
#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/relscan.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "catalog/pg_trigger.h"
#include "commands/trigger.h"
#include "common/int.h"
#include "executor/executor.h"
#include "nodes/makefuncs.h"
#include "nodes/value.h"
#include "parser/parse_func.h"
#include "utils/builtins.h"
#include "catalog/pg_am_d.h"
#include "catalog/pg_class.h"
#include "catalog/pg_index.h"
#include "utils/syscache.h"
#include "utils/datum.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/numeric.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "storage/lmgr.h"
}

namespace hitlai::pg::counters {

namespace {

const char* table_name(Table t) {
  switch (t) {
    case Table::kCompanies: return "companies";
    case Table::kHumanTesters: return "human_testers";
    case Table::kTestRuns: return "test_runs";
    case Table::kMilestones: return "milestones";
    case Table::kTrainingData: return "training_data";
    case Table::kTesterAssignments: return "tester_assignments";
  }
  return "";
}

// The index entries of a new row version that is not a heap-only tuple (no room on the
// page for a HOT update): inserted as the executor inserts them after an UPDATE.
void insert_index_entries(Relation rel, HeapTuple tuple, bool only_summarizing) {
  EState* estate = CreateExecutorState();
  ResultRelInfo* rri = makeNode(ResultRelInfo);
  InitResultRelInfo(rri, rel, 1, nullptr, 0);
  ExecOpenIndices(rri, false);
  TupleTableSlot* slot = MakeSingleTupleTableSlot(RelationGetDescr(rel), &TTSOpsHeapTuple);
  ExecStoreHeapTuple(tuple, slot, false);
  List* deferred = exec_insert_index_tuples(rri, slot, estate, only_summarizing);
  (void)deferred;  // no deferrable unique constraint on these tables
  ExecDropSingleTupleTableSlot(slot);
  ExecCloseIndices(rri);
  FreeExecutorState(estate);
}

// Queues the events of the AFTER UPDATE ... FOR EACH ROW triggers of `rel` that call
// the function hitlai.`function`() (and of no other trigger) for the row version
// `new_tuple` just written over `old_tid`, as the executor queues them for an UPDATE
// statement: ExecARUpdateTriggers evaluates each trigger's WHEN clause and enabled
// state and records its deferral; an immediate event fires at the end of this "query",
// as at the end of that statement. The triggers are found by the function they call, so
// renaming one changes nothing. A trigger with a column list (UPDATE OF ...) is not
// queued: the write has no column list to match (hitlai's trigger has none). Nothing
// happens when the table has no such trigger.
void queue_after_update(Relation rel, const char* function, ItemPointer old_tid,
                        HeapTuple new_tuple) {
  const TriggerDesc* all = rel->trigdesc;
  if (!all || !all->trig_update_after_row) return;
  const Oid fn = LookupFuncName(list_make2(makeString(pstrdup("hitlai")), makeString(pstrdup(function))),
                                0, nullptr, true);
  if (!OidIsValid(fn)) return;
  EState* estate = CreateExecutorState();
  ResultRelInfo* rri = makeNode(ResultRelInfo);
  InitResultRelInfo(rri, rel, 0, nullptr, 0);  // not in a range table: no column list
  // Only those triggers, in the table's order (InitResultRelInfo sized the per-trigger
  // arrays, indexed by position in this list, for all of them).
  auto* some = static_cast<TriggerDesc*>(palloc0(sizeof(TriggerDesc)));
  some->triggers = static_cast<Trigger*>(palloc(sizeof(Trigger) * all->numtriggers));
  for (int i = 0; i < rri->ri_TrigDesc->numtriggers; ++i) {
    const Trigger& t = rri->ri_TrigDesc->triggers[i];
    if (t.tgfoid == fn && TRIGGER_FOR_ROW(t.tgtype) && TRIGGER_FOR_AFTER(t.tgtype) &&
        TRIGGER_FOR_UPDATE(t.tgtype) && t.tgnattr == 0)
      some->triggers[some->numtriggers++] = t;
  }
  if (some->numtriggers > 0) {
    some->trig_update_after_row = true;
    rri->ri_TrigDesc = some;
    TupleTableSlot* slot = MakeSingleTupleTableSlot(RelationGetDescr(rel), &TTSOpsHeapTuple);
    ExecStoreHeapTuple(new_tuple, slot, false);
    AfterTriggerBeginQuery();
    ExecARUpdateTriggers(estate, rri, nullptr, nullptr, old_tid, nullptr, slot, NIL, nullptr,
                         false);
    AfterTriggerEndQuery(estate);
    ExecDropSingleTupleTableSlot(slot);
  }
  ExecCloseResultRelations(estate);
  ExecResetTupleTable(estate->es_tupleTable, false);
  FreeExecutorState(estate);
}

enum class Written { kDone, kNothing, kNotNewest };

// Writes the new version that `change` computes from the row version in `slot` over it
// (at `tid`), with its index entries and the AFTER trigger events of
// `after_trigger_function`. `locked`: the version is locked by this transaction, so it is
// the newest (simple_heap_update). Otherwise the write is UPDATE's own: heap_update
// waits for a transaction changing the row, and kNotNewest (nothing written) says that
// the version is no longer the newest when it returns. kNothing: `change` changed no
// column; nothing is written.
Written write_change(Relation rel, TupleTableSlot* slot, ItemPointerData tid, ChangeFn change,
                     void* ctx, const char* after_trigger_function, bool locked) {
  TupleDesc desc = RelationGetDescr(rel);
  slot_getallattrs(slot);
  const int natts = desc->natts;
  Datum* values = static_cast<Datum*>(palloc(sizeof(Datum) * natts));
  bool* nulls = static_cast<bool*>(palloc(sizeof(bool) * natts));
  bool* replace = static_cast<bool*>(palloc0(sizeof(bool) * natts));
  for (int i = 0; i < natts; ++i) {
    values[i] = slot->tts_values[i];
    nulls[i] = slot->tts_isnull[i];
  }
  change(ctx, desc, values, nulls, replace);
  bool any = false;
  for (int i = 0; i < natts; ++i) any = any || replace[i];
  Written result = Written::kNothing;
  if (any) {
    bool should_free = false;
    HeapTuple old_tuple = ExecFetchSlotHeapTuple(slot, false, &should_free);
    HeapTuple new_tuple = heap_modify_tuple(old_tuple, desc, values, nulls, replace);
    IndexEntries entries = IndexEntries::kNone;
    result = Written::kDone;
    if (locked) {
      entries = heap_update_in_place(rel, &tid, new_tuple);
    } else {
      TM_FailureData tmfd;
      if (heap_update_waiting(rel, &tid, new_tuple, &tmfd, &entries) != TM_Ok)
        result = Written::kNotNewest;
    }
    if (result == Written::kDone) {
      if (entries != IndexEntries::kNone)
        insert_index_entries(rel, new_tuple, entries == IndexEntries::kSummarizing);
      if (after_trigger_function)
        queue_after_update(rel, after_trigger_function, &tid, new_tuple);
    }
    heap_freetuple(new_tuple);
    if (should_free) heap_freetuple(old_tuple);
  }
  pfree(values);
  pfree(nulls);
  pfree(replace);
  return result;
}

// Writes the new version `change` computes over the row version at `tid` (found with
// `snapshot`; `slot` holds it), as UPDATE does: the version found is written over
// without locking it first, and only when it is no longer the newest (another
// transaction changed the row since the snapshot), or when `change` changes nothing,
// is the row locked, which waits for that transaction, and changed from the newest
// version under READ COMMITTED or, under REPEATABLE READ, fails with 40001 (an UPDATE's
// EvalPlanQual). `change` nullptr: lock only. Returns false when the row was deleted
// meanwhile (READ COMMITTED).
bool lock_and_change(Table table, Relation rel, Snapshot snapshot, TupleTableSlot* slot,
                     ItemPointerData tid, ChangeFn change, void* ctx,
                     const char* after_trigger_function = nullptr,
                     bool deleted_is_absent = false) {
  if (change &&
      write_change(rel, slot, tid, change, ctx, after_trigger_function, false) == Written::kDone)
    return true;
  // Lock the row as UPDATE does; under READ COMMITTED follow it to its newest version.
  const bool xact_snapshot = IsolationUsesXactSnapshot();
  TM_FailureData tmfd;
  const TM_Result r = table_tuple_lock(
      rel, &tid, snapshot, slot, GetCurrentCommandId(false), LockTupleNoKeyExclusive,
      LockWaitBlock, xact_snapshot ? 0 : TUPLE_LOCK_FLAG_FIND_LAST_VERSION, &tmfd);
  switch (r) {
    case TM_Ok:
      break;
    case TM_Updated:
    case TM_Deleted:
      if (r == TM_Deleted && deleted_is_absent) return false;
      if (xact_snapshot)
        ereport(ERROR, (errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
                        errmsg("could not serialize access due to concurrent %s",
                               r == TM_Updated ? "update" : "delete")));
      if (r == TM_Updated)
        elog(ERROR, "hitlai: unexpected concurrent update of hitlai.%s", table_name(table));
      return false;  // deleted meanwhile
    case TM_SelfModified:
    default:
      elog(ERROR, "hitlai: could not lock a row of hitlai.%s (%d)", table_name(table),
           static_cast<int>(r));
  }
  // (nothing to change: the row stays locked, no new version)
  if (change) (void)write_change(rel, slot, slot->tts_tid, change, ctx, after_trigger_function, true);
  return true;
}

Relation open_table(Table table, LOCKMODE mode) {
  const Oid nsp = get_namespace_oid("hitlai", false);
  const Oid relid = get_relname_relid(table_name(table), nsp);
  if (!OidIsValid(relid)) elog(ERROR, "hitlai: table hitlai.%s not found", table_name(table));
  return table_open(relid, mode);
}

// `change` nullptr: lock only, with the table locks SELECT ... FOR NO KEY UPDATE takes
// (RowShareLock on the table, AccessShareLock on the index) instead of UPDATE's.
bool update_locked(Table table, Datum id, ChangeFn change, void* ctx,
                   const char* after_trigger_function = nullptr,
                   bool deleted_is_absent = false) {
  Relation rel = open_table(table, change ? RowExclusiveLock : RowShareLock);
  const Oid pk = primary_key_index(rel);
  if (!OidIsValid(pk)) elog(ERROR, "hitlai: hitlai.%s has no primary key", table_name(table));
  Relation idx = index_open(pk, change ? RowExclusiveLock : AccessShareLock);

  // As SPI does before every statement that writes: see this transaction's earlier
  // writes, and (READ COMMITTED) everything committed until now.
  CommandCounterIncrement();
  PushActiveSnapshot(GetTransactionSnapshot());
  Snapshot snapshot = GetActiveSnapshot();

  TupleTableSlot* slot = table_slot_create(rel, nullptr);
  ScanKeyData key;
  ScanKeyInit(&key, 1, BTEqualStrategyNumber, F_UUID_EQ, id);
  IndexScanDesc scan = index_scan_begin(rel, idx, snapshot, 1);
  index_rescan(scan, &key, 1, nullptr, 0);
  bool found = index_getnext_slot(scan, ForwardScanDirection, slot);
  const ItemPointerData tid = slot->tts_tid;
  index_endscan(scan);

  if (found)
    found = lock_and_change(table, rel, snapshot, slot, tid, change, ctx, after_trigger_function,
                            deleted_is_absent);

  ExecDropSingleTupleTableSlot(slot);
  PopActiveSnapshot();
  index_close(idx, NoLock);
  table_close(rel, NoLock);  // locks are kept until the end of the transaction
  return found;
}

// Every row of a small table, read with a new latest snapshot (see update_all_latest).
uint64 update_all_locked(Table table, ChangeFn change, void* ctx) {
  Relation rel = open_table(table, RowExclusiveLock);
  CommandCounterIncrement();
  PushActiveSnapshot(GetLatestSnapshot());
  Snapshot snapshot = GetActiveSnapshot();
  TupleTableSlot* slot = table_slot_create(rel, nullptr);
  // The row versions first, then each changed (lock_and_change): the scan never meets
  // the versions it writes.
  List* tids = NIL;
  TableScanDesc scan = table_beginscan(rel, snapshot, 0, nullptr);
  while (table_scan_getnextslot(scan, ForwardScanDirection, slot)) {
    ItemPointer tid = static_cast<ItemPointer>(palloc(sizeof(ItemPointerData)));
    *tid = slot->tts_tid;
    tids = lappend(tids, tid);
  }
  table_endscan(scan);
  uint64 changed = 0;
  ListCell* lc;
  foreach (lc, tids) {
    ItemPointer tid = static_cast<ItemPointer>(lfirst(lc));
    // The version the scan found, into the slot (it was visible to this snapshot).
    if (!table_tuple_fetch_row_version(rel, tid, snapshot, slot))
      elog(ERROR, "hitlai: a row of hitlai.%s vanished during the update", table_name(table));
    if (lock_and_change(table, rel, snapshot, slot, *tid, change, ctx)) ++changed;
  }
  list_free_deep(tids);
  ExecDropSingleTupleTableSlot(slot);
  PopActiveSnapshot();
  table_close(rel, NoLock);
  return changed;
}

}  // namespace

bool update_by_id(Table table, Datum id, ChangeFn change, void* ctx,
                  const char* after_row_trigger_function) {
  return guarded(
      [&] { return update_locked(table, id, change, ctx, after_row_trigger_function); });
}

namespace {

bool listed(const char* name, const char* const* names) {
  for (const char* const* n = names; n && *n; ++n)
    if (std::strcmp(name, *n) == 0) return true;
  return false;
}

}  // namespace

bool writes_unobserved(Table table, const Accounted& acc) {
  return guarded([&] {
    // Triggers in the origin role only: in the replica role hitlai's fire not, users' may.
    if (SessionReplicationRole == SESSION_REPLICATION_ROLE_REPLICA) return false;
    // The lock the write takes: a trigger, rule or constraint cannot be added between
    // this check and the write.
    Relation rel = open_table(table, RowExclusiveLock);
    const TupleConstr* constr = rel->rd_att->constr;
    bool ok = !rel->rd_rel->relforcerowsecurity && !rel->rd_rel->relhasrules &&
              !(constr && constr->has_generated_stored);
    for (int i = 0; ok && constr && i < constr->num_check; ++i)
      ok = listed(constr->check[i].ccname, acc.constraints);
    const Oid nsp = get_namespace_oid("hitlai", false);
    const TriggerDesc* t = rel->trigdesc;
    int seen[16] = {0};  // triggers calling each function of on_insert (one each)
    for (int i = 0; ok && t && i < t->numtriggers; ++i) {
      const Trigger& tg = t->triggers[i];
      if (!(TRIGGER_FOR_INSERT(tg.tgtype) || TRIGGER_FOR_UPDATE(tg.tgtype) ||
            (acc.deletes && TRIGGER_FOR_DELETE(tg.tgtype))))
        continue;
      switch (RI_FKey_trigger_type(tg.tgfoid)) {
        case RI_TRIGGER_PK:  // another table's key on this one: acts when a key changes
          continue;
        case RI_TRIGGER_FK: {  // this table's foreign key: the caller checks it
          const char* con = OidIsValid(tg.tgconstraint) ? get_constraint_name(tg.tgconstraint)
                                                         : nullptr;
          ok = con && listed(con, acc.constraints);
          continue;
        }
        default:
          break;
      }
      ok = tg.tgenabled == TRIGGER_FIRES_ON_ORIGIN && get_func_namespace(tg.tgfoid) == nsp;
      if (!ok) break;
      const char* fn = get_func_name(tg.tgfoid);
      if (!fn) {  // dropped meanwhile
        ok = false;
        break;
      }
      bool known = false;
      for (int k = 0; acc.on_insert && k < 16 && acc.on_insert[k]; ++k)
        if (std::strcmp(fn, acc.on_insert[k]) == 0) {
          known = TRIGGER_FOR_INSERT(tg.tgtype);
          ++seen[k];
        }
      ok = known || listed(fn, acc.others);
    }
    for (int k = 0; ok && acc.on_insert && acc.on_insert[k]; ++k) ok = k < 16 && seen[k] == 1;
    table_close(rel, NoLock);
    return ok;
  });
}

Datum new_row_id() {
  LOCAL_FCINFO(fcinfo, 0);
  InitFunctionCallInfoData(*fcinfo, nullptr, 0, InvalidOid, nullptr, nullptr);
  return gen_random_uuid(fcinfo);
}

bool rewrite_by_id(Table table, Datum id, ChangeFn change, void* ctx) {
  return guarded([&] { return update_locked(table, id, change, ctx, nullptr, true); });
}

bool lock_by_id(Table table, Datum id) {
  return guarded([&] { return update_locked(table, id, nullptr, nullptr); });
}

uint64_t update_all_latest(Table table, ChangeFn change, void* ctx) {
  return guarded([&] { return update_all_locked(table, change, ctx); });
}

namespace {

// The first valid, non-partial btree index of `rel` whose leading column is `att`, read
// from the catalog caches (no index is opened or locked to find it).
Oid index_leading_with(Relation rel, AttrNumber att) {
  Oid found = InvalidOid;
  List* indexes = RelationGetIndexList(rel);
  ListCell* lc;
  foreach (lc, indexes) {
    const Oid oid = lfirst_oid(lc);
    HeapTuple it = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(oid));
    if (!HeapTupleIsValid(it)) continue;
    const Form_pg_index ix = reinterpret_cast<Form_pg_index>(GETSTRUCT(it));
    // As the planner: an index built while broken HOT chains existed (indcheckxmin)
    // is usable only by snapshots newer than its pg_index row.
    bool leads = ix->indisvalid && ix->indnatts >= 1 && ix->indkey.values[0] == att &&
                 heap_attisnull(it, Anum_pg_index_indpred, nullptr) &&
                 !(ix->indcheckxmin &&
                   !TransactionIdPrecedes(HeapTupleHeaderGetXmin(it->t_data), TransactionXmin));
    ReleaseSysCache(it);
    if (leads) {
      HeapTuple ct = SearchSysCache1(RELOID, ObjectIdGetDatum(oid));
      if (!HeapTupleIsValid(ct)) continue;
      leads = reinterpret_cast<Form_pg_class>(GETSTRUCT(ct))->relam == BTREE_AM_OID;
      ReleaseSysCache(ct);
    }
    if (leads) {
      found = oid;
      break;
    }
  }
  list_free(indexes);
  return found;
}

bool scan_locked(const char* table, const char* key_column, Datum key, ReadFn fn, void* ctx) {
  const Oid nsp = get_namespace_oid("hitlai", false);
  const Oid relid = get_relname_relid(table, nsp);
  if (!OidIsValid(relid)) elog(ERROR, "hitlai: table hitlai.%s not found", table);
  Relation rel = table_open(relid, AccessShareLock);
  TupleDesc desc = RelationGetDescr(rel);
  const AttrNumber key_att = column_index(desc, key_column) + 1;
  const Oid index_oid = index_leading_with(rel, key_att);
  if (!OidIsValid(index_oid)) {  // dropped, or not usable by this snapshot: caller's query
    table_close(rel, NoLock);
    return false;
  }
  Relation idx = index_open(index_oid, AccessShareLock);
  // As SPI does before every statement: see this transaction's earlier writes, and
  // (READ COMMITTED) everything committed until now.
  CommandCounterIncrement();
  PushActiveSnapshot(GetTransactionSnapshot());
  TupleTableSlot* slot = table_slot_create(rel, nullptr);
  ScanKeyData sk;
  ScanKeyInit(&sk, 1, BTEqualStrategyNumber, F_UUID_EQ, key);
  IndexScanDesc scan = index_scan_begin(rel, idx, GetActiveSnapshot(), 1);
  index_rescan(scan, &sk, 1, nullptr, 0);
  while (index_getnext_slot(scan, ForwardScanDirection, slot)) {
    slot_getallattrs(slot);
    fn(ctx, desc, slot->tts_values, slot->tts_isnull);
  }
  index_endscan(scan);
  ExecDropSingleTupleTableSlot(slot);
  PopActiveSnapshot();
  index_close(idx, NoLock);
  table_close(rel, NoLock);
  return true;
}

struct ColumnOfRun {
  const char* out_column;
  const char* const* statuses;
  List* out;  // of the (by-reference) values; PostgreSQL's list: errors stay ereports
};
void column_of_row(void* ctx, TupleDesc desc, Datum* values, bool* nulls) {
  ColumnOfRun& c = *static_cast<ColumnOfRun*>(ctx);
  if (c.statuses) {
    const int st = column_index(desc, "status");
    if (nulls[st]) return;
    text* t = DatumGetTextPP(values[st]);
    const int len = VARSIZE_ANY_EXHDR(t);
    bool match = false;
    for (const char* const* w = c.statuses; *w && !match; ++w)
      match = static_cast<int>(std::strlen(*w)) == len &&
              std::memcmp(VARDATA_ANY(t), *w, len) == 0;
    if (!match) return;
  }
  const int out = column_index(desc, c.out_column);
  if (nulls[out]) return;
  const Form_pg_attribute att = TupleDescAttr(desc, out);
  if (att->attbyval) elog(ERROR, "hitlai: column %s is not a reference type", c.out_column);
  c.out = lappend(c.out, DatumGetPointer(datumCopy(values[out], false, att->attlen)));
}

// The unique index ON CONFLICT (the columns `atts`) would infer: valid, ready, immediate,
// not partial, on exactly those columns in any order (no expression).
Oid unique_index_on(Relation rel, const AttrNumber* atts, int natts) {
  Oid found = InvalidOid;
  List* indexes = RelationGetIndexList(rel);
  ListCell* lc;
  foreach (lc, indexes) {
    HeapTuple it = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(lfirst_oid(lc)));
    if (!HeapTupleIsValid(it)) continue;
    const Form_pg_index ix = reinterpret_cast<Form_pg_index>(GETSTRUCT(it));
    bool fits = ix->indisunique && ix->indimmediate && ix->indisvalid && ix->indisready &&
                ix->indnkeyatts == natts &&
                heap_attisnull(it, Anum_pg_index_indpred, nullptr) &&
                heap_attisnull(it, Anum_pg_index_indexprs, nullptr);
    for (int k = 0; fits && k < ix->indnkeyatts; ++k)
      fits = std::find(atts, atts + natts, ix->indkey.values[k]) != atts + natts;
    ReleaseSysCache(it);
    if (fits) {
      found = lfirst_oid(lc);
      break;
    }
  }
  list_free(indexes);
  return found;
}

bool insert_locked(Table table, const char* const* key_columns, FillFn fill, void* ctx) {
  Relation rel = open_table(table, RowExclusiveLock);
  TupleDesc desc = RelationGetDescr(rel);
  AttrNumber atts[INDEX_MAX_KEYS];  // (no C++ object with a destructor in here)
  int natts = 0;
  for (const char* const* k = key_columns; *k && natts < INDEX_MAX_KEYS; ++k)
    atts[natts++] = static_cast<AttrNumber>(column_index(desc, *k) + 1);
  const Oid arbiter = unique_index_on(rel, atts, natts);
  if (!OidIsValid(arbiter)) {
    table_close(rel, NoLock);
    return false;
  }
  // As SPI does before a statement that writes (see update_locked).
  CommandCounterIncrement();
  PushActiveSnapshot(GetTransactionSnapshot());

  TupleTableSlot* slot = table_slot_create(rel, nullptr);
  ExecClearTuple(slot);
  for (int i = 0; i < desc->natts; ++i) {
    slot->tts_values[i] = Datum(0);
    slot->tts_isnull[i] = true;
  }
  fill(ctx, desc, slot->tts_values, slot->tts_isnull);
  bool defaults = false;  // a column left NULL that has a default: the statement's job
  for (int i = 0; i < desc->natts; ++i) {
    const Form_pg_attribute a = TupleDescAttr(desc, i);
    defaults = defaults || (!a->attisdropped && slot->tts_isnull[i] && a->atthasdef);
  }
  if (defaults) {
    ExecDropSingleTupleTableSlot(slot);
    PopActiveSnapshot();
    table_close(rel, NoLock);
    return false;
  }
  for (int i = 0; i < desc->natts; ++i) {  // the NOT NULL constraints, as ExecConstraints
    const Form_pg_attribute a = TupleDescAttr(desc, i);
    if (a->attnotnull && slot->tts_isnull[i])
      ereport(ERROR, (errcode(ERRCODE_NOT_NULL_VIOLATION),
                      errmsg("null value in column \"%s\" of relation \"%s\" violates not-null "
                             "constraint",
                             NameStr(a->attname), RelationGetRelationName(rel)),
                      errtablecol(rel, i + 1)));
  }
  ExecStoreVirtualTuple(slot);

  // INSERT ... ON CONFLICT's protocol (ExecInsert): check the arbiter index for a row
  // with the key (waiting for an inserter in progress), insert speculatively, insert the
  // index entries noting a conflict on the arbiter instead of raising, then confirm the
  // row, or take it back when a concurrent insertion won.
  EState* estate = CreateExecutorState();
  ResultRelInfo* rri = makeNode(ResultRelInfo);
  InitResultRelInfo(rri, rel, 1, nullptr, 0);
  ExecOpenIndices(rri, true);
  List* arbiters = list_make1_oid(arbiter);
  ItemPointerData conflict_tid;
  bool inserted = false;
  if (exec_check_index_constraints(rri, slot, estate, &conflict_tid, arbiters)) {
    const TransactionId xid = GetCurrentTransactionId();
    const uint32 token = SpeculativeInsertionLockAcquire(xid);
    table_tuple_insert_speculative(rel, slot, GetCurrentCommandId(true), 0, nullptr, token);
    bool conflict = false;
    List* recheck = exec_insert_index_tuples_speculative(rri, slot, estate, &conflict, arbiters);
    table_tuple_complete_speculative(rel, slot, token, !conflict);
    SpeculativeInsertionLockRelease(xid);
    list_free(recheck);  // no deferrable unique constraint on these tables
    inserted = !conflict;
  }
  list_free(arbiters);
  ExecCloseIndices(rri);
  FreeExecutorState(estate);
  ExecDropSingleTupleTableSlot(slot);
  PopActiveSnapshot();
  table_close(rel, NoLock);
  return inserted;
}

}  // namespace

bool insert_unless_conflict(Table table, const char* const* key_columns, FillFn fill,
                            void* ctx) {
  return guarded([&] { return insert_locked(table, key_columns, fill, ctx); });
}

bool scan_by_key(const char* table, const char* key_column, Datum key, ReadFn fn, void* ctx) {
  return guarded([&] { return scan_locked(table, key_column, key, fn, ctx); });
}

std::optional<std::vector<Datum>> assignment_column_of_run(Datum run_id, const char* out_column,
                                                           const char* const* statuses) {
  ColumnOfRun c{out_column, statuses, NIL};
  if (!scan_by_key("tester_assignments", "test_run_id", run_id, column_of_row, &c))
    return std::nullopt;
  std::vector<Datum> out;
  out.reserve(static_cast<size_t>(list_length(c.out)));
  ListCell* lc;
  foreach (lc, c.out) out.push_back(PointerGetDatum(lfirst(lc)));
  return out;
}

int column_index(TupleDesc desc, const char* name) {
  for (int i = 0; i < desc->natts; ++i) {
    Form_pg_attribute a = TupleDescAttr(desc, i);
    if (!a->attisdropped && std::strcmp(NameStr(a->attname), name) == 0) return i;
  }
  elog(ERROR, "hitlai: column \"%s\" not found", name);
  pg_unreachable();
}

Datum int8_add(Datum a, int64_t b) {
  int64 sum;
  if (pg_add_s64_overflow(DatumGetInt64(a), b, &sum))
    ereport(ERROR, (errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE), errmsg("bigint out of range")));
  return Int64GetDatum(sum);
}

Datum numeric_add_typmod(Datum a, Datum b, int32 typmod) {
  Datum sum = DirectFunctionCall2(numeric_add, a, b);
  return DirectFunctionCall2(numeric, sum, Int32GetDatum(typmod));
}

}  // namespace hitlai::pg::counters
