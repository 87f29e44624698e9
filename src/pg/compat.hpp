// Differences between the PostgreSQL majors hitlai supports (SPEC P1: 15, 17, 18), kept
// in this one header: no other file tests PG_VERSION_NUM. Include it after postgres.h
// (bridge.hpp includes it, so every file of src/pg has it).
//
//   varatt.h               PostgreSQL 16 moved VARDATA_ANY, VARSIZE_ANY_EXHDR, ... out of
//                          postgres.h into varatt.h.
//   utils/array.h          construct_empty_array; 15's headers pulled it in through
//                          others, 17's do not.
//   local_transaction_id() the backend's local transaction id: MyProc->lxid before 17,
//                          MyProc->vxid.lxid from 17 on.
//   heap_update_in_place() simple_heap_update: from 16 on it reports which indexes need
//                          entries (TU_UpdateIndexes); before, a heap-only (HOT) new
//                          tuple needs none and any other needs all.
//   heap_update_waiting()  heap_update, which gained the same TU_UpdateIndexes in 16.
//   exec_insert_index_tuples()  ExecInsertIndexTuples gained `onlySummarizing` in 16
//                          (and exec_insert_index_tuples_speculative(), for an insertion).
//   exec_check_index_constraints()  ExecCheckIndexConstraints gained `tupleid` in 18.
//   index_scan_begin()     index_beginscan gained an instrumentation argument in 18.
//   primary_key_index()    RelationGetPrimaryKeyIndex gained `deferrable_ok` in 18.
//
// A fourth difference, between minor releases of 17, is handled in compat.cpp:
// heap_datum_check (versioned composite datums).
#pragma once

extern "C" {
#include "postgres.h"
#if PG_VERSION_NUM >= 160000
#include "varatt.h"
#endif
}

// storage/proc.h pulls in port/atomics, whose x86 part uses `register` (an error in
// C++17 with -Werror), as does storage/s_lock.h: both are included here, once, with the
// warning silenced, so the server headers every other file includes after this one
// (bridge.hpp includes it) need no pragma of their own.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wregister"
extern "C" {
#include "storage/proc.h"
#include "storage/s_lock.h"
#include "utils/array.h"
#include "access/genam.h"
#include "access/heapam.h"
#include "access/htup_details.h"
#include "executor/executor.h"
#include "utils/relcache.h"
}
#pragma GCC diagnostic pop

#if PG_VERSION_NUM < 150000 || PG_VERSION_NUM >= 190000
#error "hitlai supports PostgreSQL 15, 16, 17 and 18 (SPEC P1 tests 15, 17 and 18)"
#endif

namespace hitlai::pg {

// The current backend's local transaction id (a new value for every transaction).
inline LocalTransactionId local_transaction_id() {
#if PG_VERSION_NUM >= 170000
  return MyProc->vxid.lxid;
#else
  return MyProc->lxid;
#endif
}

// Which index entries a new row version written by heap_update_in_place needs.
enum class IndexEntries { kNone, kAll, kSummarizing };

// simple_heap_update of a row this transaction has locked.
inline IndexEntries heap_update_in_place(Relation rel, ItemPointer tid, HeapTuple tuple) {
#if PG_VERSION_NUM >= 160000
  TU_UpdateIndexes update_indexes = TU_All;
  simple_heap_update(rel, tid, tuple, &update_indexes);
  if (update_indexes == TU_None) return IndexEntries::kNone;
  return update_indexes == TU_Summarizing ? IndexEntries::kSummarizing : IndexEntries::kAll;
#else
  simple_heap_update(rel, tid, tuple);
  return HeapTupleIsHeapOnly(tuple) ? IndexEntries::kNone : IndexEntries::kAll;
#endif
}

// heap_update of the row version at `tid`, as an UPDATE statement makes it: it waits for
// a transaction that is changing the row, and reports TM_Updated or TM_Deleted (with
// *tmfd) when the version is no longer the newest. With TM_Ok, *entries says which index
// entries the new version needs.
inline TM_Result heap_update_waiting(Relation rel, ItemPointer tid, HeapTuple tuple,
                                     TM_FailureData* tmfd, IndexEntries* entries) {
  LockTupleMode lockmode;
#if PG_VERSION_NUM >= 160000
  TU_UpdateIndexes update_indexes = TU_All;
  const TM_Result r = heap_update(rel, tid, tuple, GetCurrentCommandId(true), InvalidSnapshot,
                                  true, tmfd, &lockmode, &update_indexes);
  *entries = update_indexes == TU_None          ? IndexEntries::kNone
             : update_indexes == TU_Summarizing ? IndexEntries::kSummarizing
                                                : IndexEntries::kAll;
#else
  const TM_Result r = heap_update(rel, tid, tuple, GetCurrentCommandId(true), InvalidSnapshot,
                                  true, tmfd, &lockmode);
  *entries = HeapTupleIsHeapOnly(tuple) ? IndexEntries::kNone : IndexEntries::kAll;
#endif
  return r;
}

// ExecInsertIndexTuples for the new version of an updated row (no arbiter indexes).
// `update` is passed as false: with true it computes the "index unchanged" hint from the
// statement's updated columns, which need a range table that an update without a query
// has not got; the hint only helps btree's bottom-up deletion.
inline List* exec_insert_index_tuples(ResultRelInfo* rri, TupleTableSlot* slot, EState* estate,
                                      bool only_summarizing) {
#if PG_VERSION_NUM >= 160000
  return ExecInsertIndexTuples(rri, slot, estate, false, false, nullptr, NIL, only_summarizing);
#else
  (void)only_summarizing;  // 15 has no summarizing-only HOT updates
  return ExecInsertIndexTuples(rri, slot, estate, false, false, nullptr, NIL);
#endif
}

// ExecInsertIndexTuples for a speculatively inserted row (INSERT ... ON CONFLICT's
// protocol): a duplicate in one of `arbiters` sets *conflict instead of raising.
inline List* exec_insert_index_tuples_speculative(ResultRelInfo* rri, TupleTableSlot* slot,
                                                  EState* estate, bool* conflict,
                                                  List* arbiters) {
#if PG_VERSION_NUM >= 160000
  return ExecInsertIndexTuples(rri, slot, estate, false, true, conflict, arbiters, false);
#else
  return ExecInsertIndexTuples(rri, slot, estate, false, true, conflict, arbiters);
#endif
}

// ExecCheckIndexConstraints of a new row (no row of its own to ignore): false when a row
// with the same key in one of `arbiters` exists or is being inserted.
inline bool exec_check_index_constraints(ResultRelInfo* rri, TupleTableSlot* slot,
                                         EState* estate, ItemPointer conflict_tid,
                                         List* arbiters) {
#if PG_VERSION_NUM >= 180000
  return ExecCheckIndexConstraints(rri, slot, estate, conflict_tid, nullptr, arbiters);
#else
  return ExecCheckIndexConstraints(rri, slot, estate, conflict_tid, arbiters);
#endif
}

inline IndexScanDesc index_scan_begin(Relation heap, Relation index, Snapshot snapshot,
                                      int nkeys) {
#if PG_VERSION_NUM >= 180000
  return index_beginscan(heap, index, snapshot, nullptr, nkeys, 0);
#else
  return index_beginscan(heap, index, snapshot, nkeys, 0);
#endif
}

inline Oid primary_key_index(Relation rel) {
#if PG_VERSION_NUM >= 180000
  return RelationGetPrimaryKeyIndex(rel, false);
#else
  return RelationGetPrimaryKeyIndex(rel);
#endif
}

}  // namespace hitlai::pg
