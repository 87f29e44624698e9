// Counter rows written without the executor: see counter_rows.hpp.
#include "pg/counter_rows.hpp"

#include "pg/bridge.hpp"

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
#include "common/int.h"
#include "executor/executor.h"
#include "nodes/makefuncs.h"
#include "utils/builtins.h"
#include "catalog/pg_am_d.h"
#include "utils/datum.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/numeric.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
}

namespace hitlai::pg::counters {

namespace {

const char* table_name(Table t) {
  switch (t) {
    case Table::kCompanies: return "companies";
    case Table::kHumanTesters: return "human_testers";
    case Table::kTestRuns: return "test_runs";
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

bool update_locked(Table table, Datum id, ChangeFn change, void* ctx) {
  const Oid nsp = get_namespace_oid("hitlai", false);
  const Oid relid = get_relname_relid(table_name(table), nsp);
  if (!OidIsValid(relid)) elog(ERROR, "hitlai: table hitlai.%s not found", table_name(table));
  Relation rel = table_open(relid, RowExclusiveLock);
  const Oid pk = primary_key_index(rel);
  if (!OidIsValid(pk)) elog(ERROR, "hitlai: hitlai.%s has no primary key", table_name(table));
  Relation idx = index_open(pk, RowExclusiveLock);

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
  ItemPointerData tid = slot->tts_tid;
  index_endscan(scan);

  if (found) {
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
        if (xact_snapshot)
          ereport(ERROR, (errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
                          errmsg("could not serialize access due to concurrent %s",
                                 r == TM_Updated ? "update" : "delete")));
        if (r == TM_Updated)
          elog(ERROR, "hitlai: unexpected concurrent update of hitlai.%s", table_name(table));
        found = false;  // deleted meanwhile
        break;
      case TM_SelfModified:
      default:
        elog(ERROR, "hitlai: could not lock a row of hitlai.%s (%d)", table_name(table),
             static_cast<int>(r));
    }
  }

  if (found) {
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
    if (!any) {  // nothing to change: the row stays locked, no new version
      ExecDropSingleTupleTableSlot(slot);
      PopActiveSnapshot();
      index_close(idx, NoLock);
      table_close(rel, NoLock);
      return true;
    }
    bool should_free = false;
    HeapTuple old_tuple = ExecFetchSlotHeapTuple(slot, false, &should_free);
    HeapTuple new_tuple = heap_modify_tuple(old_tuple, desc, values, nulls, replace);
    tid = slot->tts_tid;
    const IndexEntries entries = heap_update_in_place(rel, &tid, new_tuple);
    if (entries != IndexEntries::kNone)
      insert_index_entries(rel, new_tuple, entries == IndexEntries::kSummarizing);
    heap_freetuple(new_tuple);
    if (should_free) heap_freetuple(old_tuple);
  }

  ExecDropSingleTupleTableSlot(slot);
  PopActiveSnapshot();
  index_close(idx, NoLock);
  table_close(rel, NoLock);  // locks are kept until the end of the transaction
  return found;
}

}  // namespace

bool update_by_id(Table table, Datum id, ChangeFn change, void* ctx) {
  return guarded([&] { return update_locked(table, id, change, ctx); });
}

namespace {
void lock_only(void*, TupleDesc, Datum*, bool*, bool*) {}
}  // namespace

bool lock_by_id(Table table, Datum id) {
  return guarded([&] { return update_locked(table, id, lock_only, nullptr); });
}

std::vector<Datum> assignment_column_of_run(Datum run_id, const char* out_column,
                                            const char* const* statuses) {
  std::vector<Datum> out;
  guarded([&] {
    const Oid nsp = get_namespace_oid("hitlai", false);
    const Oid relid = get_relname_relid("tester_assignments", nsp);
    if (!OidIsValid(relid)) elog(ERROR, "hitlai: table hitlai.tester_assignments not found");
    Relation rel = table_open(relid, AccessShareLock);
    TupleDesc desc = RelationGetDescr(rel);
    const AttrNumber key_att = column_index(desc, "test_run_id") + 1;
    const int out_att = column_index(desc, out_column);
    const int status_att = statuses ? column_index(desc, "status") : -1;
    // The first valid index whose leading column is test_run_id (the UNIQUE
    // (test_run_id, tester_id) constraint's).
    Oid index_oid = InvalidOid;
    List* indexes = RelationGetIndexList(rel);
    ListCell* lc;
    foreach (lc, indexes) {
      Relation idx = index_open(lfirst_oid(lc), AccessShareLock);
      const bool leads = idx->rd_index->indisvalid && idx->rd_index->indnatts >= 1 &&
                         idx->rd_index->indkey.values[0] == key_att &&
                         idx->rd_rel->relam == BTREE_AM_OID &&
                         RelationGetIndexPredicate(idx) == NIL;
      index_close(idx, AccessShareLock);
      if (leads) {
        index_oid = lfirst_oid(lc);
        break;
      }
    }
    list_free(indexes);
    if (!OidIsValid(index_oid))
      elog(ERROR, "hitlai: no index of hitlai.tester_assignments leads with test_run_id");
    Relation idx = index_open(index_oid, AccessShareLock);
    CommandCounterIncrement();
    PushActiveSnapshot(GetTransactionSnapshot());
    TupleTableSlot* slot = table_slot_create(rel, nullptr);
    ScanKeyData key;
    ScanKeyInit(&key, 1, BTEqualStrategyNumber, F_UUID_EQ, run_id);
    IndexScanDesc scan = index_scan_begin(rel, idx, GetActiveSnapshot(), 1);
    index_rescan(scan, &key, 1, nullptr, 0);
    const Form_pg_attribute att = TupleDescAttr(desc, out_att);
    while (index_getnext_slot(scan, ForwardScanDirection, slot)) {
      bool isnull;
      if (statuses) {
        const Datum st = slot_getattr(slot, status_att + 1, &isnull);
        if (isnull) continue;
        text* t = DatumGetTextPP(st);
        const int len = VARSIZE_ANY_EXHDR(t);
        bool match = false;
        for (const char* const* w = statuses; *w && !match; ++w)
          match = static_cast<int>(std::strlen(*w)) == len &&
                  std::memcmp(VARDATA_ANY(t), *w, len) == 0;
        if (!match) continue;
      }
      const Datum v = slot_getattr(slot, out_att + 1, &isnull);
      if (!isnull) out.push_back(datumCopy(v, att->attbyval, att->attlen));
    }
    index_endscan(scan);
    ExecDropSingleTupleTableSlot(slot);
    PopActiveSnapshot();
    index_close(idx, NoLock);
    table_close(rel, NoLock);
  });
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
