// Small SPI toolkit for hitlai's triggers (safe to call while C++ objects are alive: every
// PostgreSQL call goes through hitlai::pg::guarded).
//
// Statements are prepared once per backend on first use (SPI_prepare + SPI_keepplan) and
// reused by every later call. Queries that read a trigger's transition tables refer to
// them by their REFERENCING names, which SPI_register_trigger_data makes visible; the
// names are fixed by the CREATE TRIGGER statements in sql/install/0.2.0/1xx_*.sql.
// Every name in these queries is schema-qualified (S7).
#pragma once

#include "pg/compat.hpp"

extern "C" {
#include "commands/trigger.h"
#include "executor/spi.h"
}

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

namespace hitlai::pg::spi {

// One SQL statement sent through SPI, written out whole next to the code that runs it.
// `sql` is schema-qualified (S7); `argtypes` names the type of each of the `nargs`
// parameters; `plan` is filled on first use. `cursor_options` are passed to
// SPI_prepare_cursor (CURSOR_OPT_CUSTOM_PLAN: planned afresh for every call).
// `small_plan` is the statement's probe plan (exec_rows), used for a few rows (filled on
// first use).
struct Statement {
  const char* sql;
  int nargs;
  Oid argtypes[12];
  SPIPlanPtr plan;  // kept for the life of the backend once prepared
  int cursor_options;
  SPIPlanPtr small_plan;
};

// An SPI connection for the life of the object: SPI_connect (and, given a trigger's
// TriggerData, SPI_register_trigger_data so its transition tables can be queried by
// their REFERENCING names) in the constructor, SPI_finish in finish() or the destructor.
//
// Errors (bridge.hpp): the constructor and finish() call PostgreSQL under guarded(), so
// a failure is a PgError. The destructor never raises: on the normal path (a return
// without finish()) it calls SPI_finish, which reports a failure by its return code,
// not by ereport; while an exception unwinds through it (a hitlai::Error, or a PgError
// whose ErrorData lives in this connection's memory), it leaves the connection alone:
// the entry guard then raises the error, and PostgreSQL's abort path
// (AtEOXact_SPI / AtEOSubXact_SPI) closes the connection, as it does after any error.
// Results (SPI_tuptable, memory palloc'd while connected) die with the connection: copy
// them out first (SPI_palloc allocates in the caller's context).
class Connection {
 public:
  explicit Connection(TriggerData* td = nullptr);
  // The same, and every name of `tables` the trigger did not register itself (the OLD
  // TABLE of an INSERT trigger, the NEW TABLE of a DELETE trigger) is registered as an
  // empty table of the trigger's relation: one statement reading both transition tables
  // then serves every event.
  Connection(TriggerData* td, std::initializer_list<const char*> tables);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  // Closes the connection now (at most once; the destructor then does nothing).
  void finish();

 private:
  int exceptions_at_start_;
  bool open_;
  int64_t outer_rows_;  // the enclosing connection's transition rows (spi.cpp)
};

// Executes s with the given parameters (nulls: ' ' or 'n' per parameter, or nullptr);
// returns SPI_processed. Results stay in SPI_tuptable until the next call. tcount: stop
// after this many rows (0: all). Inside a trigger's connection, s is sized by the
// trigger's transition tables (as exec_rows with their row count; a row trigger's
// statements are one-row statements); outside one, and in a statement trigger without
// transition tables (TRUNCATE), it runs its own plan.
uint64_t exec(Statement& s, const Datum* values = nullptr, const char* nulls = nullptr,
              long tcount = 0);
// The same, for a statement that works on `rows` rows: its parameters are arrays of
// `rows` elements each, or the trigger's transition tables it reads hold `rows` rows.
// Up to kSmallRows it runs the statement's probe plan: one generic plan, made once for
// every call (PostgreSQL's plan cache would otherwise plan an array statement afresh on
// every call, because its custom plan, which knows the arrays' lengths, always looks
// cheaper than the generic one; planning was a tenth of a lifecycle step's time), and
// made without sequential scans, hash joins, merge joins or JIT, so that it reaches its few
// rows through indexes whatever the tables' sizes were when it was made. A plan kept
// for the session is otherwise only as good as the statistics it was made with: made
// while a table was small, it would go on scanning the table as it grows, until an
// ANALYZE invalidates it. Beyond kSmallRows (bulk statements) it runs `s`'s own plan.
constexpr int64_t kSmallRows = 64;
uint64_t exec_rows(Statement& s, int64_t rows, const Datum* values = nullptr,
                   const char* nulls = nullptr);
// Installs the planner hook that makes probe plans (called once, from _PG_init).
void install_probe_planner();
// Test only (test_hooks.cpp): the next probe planning raises an error after switching
// its settings, as a planning failure would.
void test_fail_next_probe_planning();
// The number of elements of a one-dimensional array datum (0 for an empty array).
int64_t array_length(Datum array);
// The same, read-only in the caller's snapshot (s must be a SELECT).
uint64_t exec_read_only(Statement& s, const Datum* values, const char* nulls = nullptr,
                        long tcount = 0);
// The same, with the newest snapshot: what other sessions committed until now, and all
// of this transaction's changes (a check that must see a concurrent change it waited for).
uint64_t exec_latest(Statement& s, const Datum* values, const char* nulls = nullptr,
                     long tcount = 0);

// Reading SPI_tuptable (col is 1-based).
std::optional<std::string> text(uint64_t row, int col);
std::string text_not_null(uint64_t row, int col);
std::optional<int64_t> int8(uint64_t row, int col);  // int2/int4/int8/timestamptz/date

// The values of columns 1..n of result row `row` as statement parameters (nulls: ' ' or
// 'n'): a statement that returns one row of arrays feeds the next one. The values point
// into the result, which lives until the connection ends. Returns whether column 1 is
// not NULL.
bool row_args(uint64_t row, int n, Datum* values, char* nulls);

// Runs `first`, which returns one row of arrays, then `then` with that row's columns as
// its parameters (exec_rows, sized by the first array), unless the first column is NULL
// (nothing to do).
void exec_then(Statement& first, Statement& then);

// A one-dimensional array of `n` values of type `elemtype` (nulls[i]: element i is NULL;
// nulls may be nullptr) in the current memory context.
Datum array_of(const Datum* values, const bool* nulls, int n, Oid elemtype);

// A text[] datum (NULL elements allowed) in the current memory context.
Datum text_array(const std::vector<std::optional<std::string>>& items);
Datum text_array(const std::vector<std::string>& items);

// Whether a text datum (short or not, never NULL) equals the C string s, byte for byte.
bool text_equals(Datum d, const char* s);

// Number of rows in a trigger's transition table (0 when there is none).
int64_t tuple_count(Tuplestorestate* ts);

// Number of rows of a trigger's transition table (rows of relation `rel`) whose text
// column `column` equals `value`: a direct scan of the tuplestore with a read pointer of
// its own, no SPI query (cheap enough for every statement).
int64_t count_text_equal(Tuplestorestate* ts, Relation rel, const char* column,
                         const char* value);

// The uuid column `column` of a trigger's transition table (rows of relation `rel`)
// when every row holds the same non-NULL value (copied into the current memory context);
// std::nullopt when the rows differ, one is NULL, or there is no row. A direct scan of
// the tuplestore, as count_text_equal.
std::optional<Datum> common_uuid(Tuplestorestate* ts, Relation rel, const char* column);

// The first row of a trigger's transition table (rows of relation `rel`): for each name
// in `columns`, its value (copied into the current memory context) and null flag.
// Returns false when the table is empty.
bool first_row(Tuplestorestate* ts, Relation rel, const std::vector<const char*>& columns,
               Datum* values, bool* nulls);

// For an AFTER UPDATE statement trigger whose transition tables hold exactly one row
// each: for each name in `columns`, the old and the new value and whether it changed
// (NULL-aware, binary equality, which is value equality for the fixed-typmod columns it
// is used on). Returns false (and sets nothing) when the statement updated another
// number of rows.
struct RowChange {
  Datum old_value[16], new_value[16];
  bool old_null[16], new_null[16], changed[16];
};
bool single_row_changes(TriggerData* td, const std::vector<const char*>& columns,
                        RowChange& out);

}  // namespace hitlai::pg::spi
