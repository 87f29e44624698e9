// Counter rows written without the executor (T3, V2, M1 on human_testers; V1 and Q1's
// one-run write on companies; T6's issues_found on test_runs; T1's flush of
// milestones): the columns hitlai keeps for its statistics, which no user writes and no
// index covers, updated in place of an SPI UPDATE. T2's training_data row of one run is
// written the same way (training_capture.cpp: update_by_id, insert_unless_conflict),
// while nothing on the table would see the difference (writes_unobserved).
//
// An SPI `UPDATE ... WHERE id = $1` pays PostgreSQL's per-statement cost: executor
// start-up, and every CHECK constraint of the table parsed again from its catalog text
// and evaluated (human_testers has ten, two of them functions over text arrays), about
// 0.3-0.5M instructions for one row. update_by_id does what such an UPDATE does for
// one row, directly through the table access method:
//
//  - it finds the row by primary key with a snapshot taken after a command counter
//    increment (as SPI does for every statement: this transaction's earlier writes are
//    seen);
//  - it writes the new version over the version found, as UPDATE does, with heap_update
//    (a HOT update when the page has room, as the counters are in no index; when the
//    update is not HOT, the index entries go in through the executor's index code).
//    heap_update waits for a transaction that is changing the row. When the version
//    found is no longer the newest, nothing is written yet: the row is locked as
//    UPDATE's EvalPlanQual locks it (FOR NO KEY UPDATE, table_tuple_lock): under READ
//    COMMITTED the new version is computed again from the newest one; under REPEATABLE
//    READ or SERIALIZABLE a version changed since the transaction's snapshot raises
//    40001, as the UPDATE would;
//  - the caller's function computes the new values from the version it is given and
//    checks the constraints that cover the columns it writes (count_add, sum_add
//    below). It may be called twice (the version found, then the newest), as an
//    UPDATE's SET expressions are.
//
// What differs from an UPDATE statement, by design (docs/internals.md): no trigger on
// the table fires for these writes (hitlai's own triggers on these tables watch other
// columns; a trigger a superuser adds to companies, human_testers, test_runs or
// milestones does not see counter updates), except the hitlai trigger an update_by_id
// caller names (T1's commit-time event on Q1's write); stored generated columns,
// constraints a superuser adds and inheritance children are not maintained (these
// tables have none); and row-level security and privileges are not consulted (the
// callers are hitlai's SECURITY DEFINER triggers, which bypass both anyway). The write
// is an ordinary heap update: WAL, replication and logical decoding see it.
#pragma once

#include "pg/compat.hpp"

#include <cstdint>
#include <optional>
#include <vector>

namespace hitlai::pg::counters {

enum class Table {
  kCompanies,
  kHumanTesters,
  kTestRuns,
  kMilestones,
  kTrainingData,
  kTesterAssignments
};

// Computes the new row from a version of it: `values`/`nulls` hold every column of the
// version (index = attribute number - 1); it sets `replace[i]` and the new `values[i]`
// of each column it changes (none: the row is only locked). Called inside the update,
// under guarded(), once for the version found and, if that is no longer the newest,
// again for the newest (so its outputs in `ctx` are set, not accumulated, and are those
// of the version written only when the update returns true): it may raise PostgreSQL
// errors (also from the version found, as an UPDATE's checks of the row it computed),
// and must not create C++ objects with destructors.
using ChangeFn = void (*)(void* ctx, TupleDesc desc, Datum* values, bool* nulls,
                          bool* replace);

// Updates the row of `table` whose primary key is `id` (uuid) as described above.
// Returns false when no such row is visible (deleted meanwhile, under READ COMMITTED).
// With `after_row_trigger_function`, the write also queues the AFTER UPDATE ... FOR EACH
// ROW triggers of the table that call hitlai.<that function>() (no other trigger), as
// the UPDATE statement would: their WHEN clauses, enabled states and deferral apply,
// and an immediate event fires before this call returns (a trigger with a column list
// is not queued). It is for hitlai's own trigger events that ride on a counter write
// (T1's commit-time count on Q1's company write); nothing happens without such a
// trigger.
bool update_by_id(Table table, Datum id, ChangeFn change, void* ctx,
                  const char* after_row_trigger_function = nullptr);

// What a caller that writes a row of `table` itself accounts for (nullptr-terminated
// lists, each may be nullptr): the hitlai trigger functions whose work it does, each
// called by exactly one INSERT trigger (`on_insert`, at most 16); those with nothing to
// do for its write (`others`: UPDATE or DELETE triggers); and the table's CHECK and
// foreign-key constraints, by name, that it checks itself (`constraints`). `deletes`:
// DELETE triggers count too (the caller skips a DELETE statement).
struct Accounted {
  const char* const* on_insert;
  const char* const* others;
  const char* const* constraints;
  bool deletes;
};

// True when such a write cannot be told from the statement it replaces (an INSERT ...
// ON CONFLICT, an UPDATE or a DELETE by the table's owner that changes no key): every
// INSERT or UPDATE trigger of `table` (and DELETE, with `deletes`) is one of hitlai's
// own named in `acc`, enabled, or a foreign-key trigger (of another table's key on this
// one, which acts on key changes only; or of a constraint in `acc`); every CHECK
// constraint is in `acc`; the table has no rule, no stored generated column and no
// forced row-level security; the session is not in the replica role. A trigger, rule or
// constraint a user adds (or one of hitlai's disabled) makes it false: the caller then
// runs its statement. Takes the RowExclusiveLock the write takes, so nothing of that
// can be added before the write.
bool writes_unobserved(Table table, const Accounted& acc);

// As update_by_id, except that a row deleted since it was found returns false in every
// isolation level (REPEATABLE READ included): for a caller that then runs its INSERT ...
// ON CONFLICT, whose arbiter does not see a row deleted by a committed transaction.
bool rewrite_by_id(Table table, Datum id, ChangeFn change, void* ctx);

// Locks the row of `table` whose primary key is `id` as SELECT ... FOR NO KEY UPDATE
// does (the same waits and 40001 as update_by_id, no new version; RowShareLock on the
// table, not an UPDATE's RowExclusiveLock). Returns false when no such row is visible.
bool lock_by_id(Table table, Datum id);

// Updates every row of `table` (a small one: T1's milestones) as update_by_id updates
// one, except that the rows are read with a new latest snapshot, also under REPEATABLE
// READ, as a statement run by SPI_execute_snapshot(..., GetLatestSnapshot(), ...) reads
// them: a caller that serializes the writers of these rows itself (T1's flush holds an
// advisory lock) sees every earlier writer's version and so waits for none. A version
// written by anyone else after that snapshot still makes REPEATABLE READ raise 40001, as
// the UPDATE would. Rows are written in the order of a sequential scan. Returns the
// number of rows written.
uint64_t update_all_latest(Table table, ChangeFn change, void* ctx);

// Fills a new row: `values`/`nulls` (index = attribute number - 1) start as all NULL.
// Called under guarded(), like ChangeFn.
using FillFn = void (*)(void* ctx, TupleDesc desc, Datum* values, bool* nulls);

// Inserts the row `fill` makes into `table` as INSERT ... ON CONFLICT (key_columns, a
// nullptr-terminated list) does when no row with that key exists: the speculative
// insertion of ExecInsert, so a concurrent inserter of the same key is waited for. It
// checks NOT NULL. Returns false, having inserted nothing, when a row with the key exists
// or was inserted meanwhile, or no unique index on exactly those columns is usable: the
// caller then runs its INSERT ... ON CONFLICT statement, which does with that row what
// the statement does. The caller checks the table's CHECK and foreign-key constraints
// itself; no trigger fires (writes_unobserved), and the rest is as for
// update_by_id.
bool insert_unless_conflict(Table table, const char* const* key_columns, FillFn fill,
                            void* ctx);


// Reads a row: `values`/`nulls` hold every column (index = attribute number - 1), valid
// only during the call. Called under guarded(), like ChangeFn: it may raise PostgreSQL
// errors and must not create C++ objects with destructors.
using ReadFn = void (*)(void* ctx, TupleDesc desc, Datum* values, bool* nulls);

// Calls `fn` for every row of hitlai.`table` whose uuid column `key_column` equals `key`,
// found through the first valid btree index that leads with that column, with a
// snapshot taken as update_by_id takes it (what an SPI query would read). No row lock.
// Returns false, having read nothing, when no such index is usable (dropped by an
// operator, or built too recently for this snapshot): the caller then runs its query.
bool scan_by_key(const char* table, const char* key_column, Datum key, ReadFn fn, void* ctx);

// The uuid column `out_column` of every row of hitlai.tester_assignments whose
// test_run_id is `run_id` (a uuid), read by the index that leads with test_run_id with a
// snapshot taken as update_by_id takes it (what an SPI query would read). The values
// are palloc'd in the current memory context.
// With `statuses` (a nullptr-terminated list), only rows whose status is one of them.
// std::nullopt when scan_by_key finds no usable index.
std::optional<std::vector<Datum>> assignment_column_of_run(Datum run_id, const char* out_column,
                                                           const char* const* statuses = nullptr);

// For FillFn: a new primary key as the tables' DEFAULT gen_random_uuid() makes it.
Datum new_row_id();

// Helpers for ChangeFn: the attribute index (0-based) of a column, and additions that
// raise 22003 on overflow like the SQL operators (int8 +; numeric + with the column's
// typmod applied, as an UPDATE assigns it).
int column_index(TupleDesc desc, const char* name);
Datum int8_add(Datum a, int64_t b);
Datum numeric_add_typmod(Datum a, Datum b, int32 typmod);

}  // namespace hitlai::pg::counters
