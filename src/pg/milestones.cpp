// T1: milestone progress, counted at commit.
//
// The INSERT trigger on test_runs adds the statement's row count to a backend-local
// pending count kept per subtransaction level (milestones_add_pending). The count is
// written to hitlai.milestones by hitlai.flush_milestone_progress(), a DEFERRABLE
// INITIALLY DEFERRED constraint trigger riding on the company-row write that the same
// INSERT trigger makes for the quota (one event per company per statement, not per run;
// an UPDATE statement for several runs, a direct write that queues this one trigger's
// event for one run, quota.cpp):
// its first firing at commit (or at SET CONSTRAINTS ... IMMEDIATE) moves the whole pending
// count in one write of every milestone row, under an advisory lock that serializes the
// flushers (so row lock order can't matter between them) and reads the rows with a
// snapshot taken under that lock (run_flush: no 40001 under REPEATABLE READ); later
// firings find nothing pending and return at once. So milestone rows are locked only
// while committing, and a 100k-row INSERT costs one milestone update. The write goes
// through the table access method, not an UPDATE statement (apply_flush): the
// serialized part of every committing writer is as short as it can be, and triggers a
// superuser adds to milestones do not fire for it (counter_rows.hpp).
//
// Subtransactions: a pending count belongs to the (sub)transaction level that added it.
// Aborting a subtransaction drops its counts, as PostgreSQL drops its queued trigger
// events; committing one hands its counts to the parent. A flush inside a subtransaction
// records a negative count at its level, so aborting it puts the flushed count back
// (PostgreSQL then fires the re-armed deferred event again).
#include "pg/bridge.hpp"
#include "pg/counter_rows.hpp"
#include "pg/trigger.hpp"
#include "pg/settings.hpp"
#include "pg/triggers.hpp"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wregister"
extern "C" {
#include "utils/fmgrprotos.h"
#include "access/xact.h"
#include "common/int.h"
#include "utils/timestamp.h"
#include "utils/snapmgr.h"
}
#pragma GCC diagnostic pop

#include <utility>
#include <vector>

namespace {

// (nest level, count), levels ascending. Reset at the end of every top-level transaction.
std::vector<std::pair<int, int64_t>> pending;
bool callbacks_registered = false;

void on_xact(XactEvent event, void*) {
  switch (event) {
    case XACT_EVENT_COMMIT:
    case XACT_EVENT_ABORT:
    case XACT_EVENT_PREPARE:
    case XACT_EVENT_PARALLEL_COMMIT:
    case XACT_EVENT_PARALLEL_ABORT:
      pending.clear();
      break;
    default:
      break;
  }
}

void on_subxact(SubXactEvent event, SubTransactionId, SubTransactionId, void*) {
  if (pending.empty()) return;
  const int level = GetCurrentTransactionNestLevel();
  if (event == SUBXACT_EVENT_ABORT_SUB) {
    while (!pending.empty() && pending.back().first >= level) pending.pop_back();
  } else if (event == SUBXACT_EVENT_COMMIT_SUB) {
    int64_t moved = 0;
    while (!pending.empty() && pending.back().first >= level) {
      moved += pending.back().second;
      pending.pop_back();
    }
    if (moved == 0) return;
    if (!pending.empty() && pending.back().first == level - 1) {
      pending.back().second += moved;
    } else {
      pending.emplace_back(level - 1, moved);  // capacity kept: no allocation here
    }
  }
}

void add(int64_t n) {
  if (!callbacks_registered) {
    hitlai::pg::guarded([] {
      RegisterXactCallback(on_xact, nullptr);
      RegisterSubXactCallback(on_subxact, nullptr);
    });
    callbacks_registered = true;
  }
  if (pending.capacity() < 64) pending.reserve(64);
  const int level = GetCurrentTransactionNestLevel();
  if (!pending.empty() && pending.back().first == level) {
    pending.back().second += n;
  } else {
    pending.emplace_back(level, n);
  }
}

int64_t total() {
  int64_t t = 0;
  for (const auto& p : pending) t += p.second;
  return t;
}

// Flushers serialize on a transaction-scoped advisory lock (kFlushLockKey) before they
// touch the milestone rows, so two flushers never hold some milestone rows each while
// waiting for the others': the rows can be locked in scan order. The key pair is hitlai's own ("htla", 1).
constexpr int32 kFlushLockClass = 0x68746c61;
constexpr int32 kFlushLockObject = 1;

// The flush: what `UPDATE hitlai.milestones m SET tests_completed = m.tests_completed +
// n, updated_at = now(), is_unlocked = m.is_unlocked OR m.tests_completed + n >=
// m.tests_required, unlocked_at = CASE WHEN NOT m.is_unlocked AND m.tests_completed + n >=
// m.tests_required THEN now() ELSE m.unlocked_at END` does, written without the executor
// (counters::update_all_latest): the milestone columns are T1's counters, in no index.
// The CHECKs of the written columns hold: tests_completed >= 0 only grows (22003 past
// the integer range, as the SQL addition).
struct FlushDelta {
  int32 n;
  Datum now;  // timestamptz: the transaction's start, as now()
};
void apply_flush(void* ctx, TupleDesc desc, Datum* values, bool* nulls, bool* replace) {
  namespace counters = hitlai::pg::counters;
  const FlushDelta& d = *static_cast<const FlushDelta*>(ctx);
  const int completed = counters::column_index(desc, "tests_completed");
  const int required = counters::column_index(desc, "tests_required");
  const int unlocked = counters::column_index(desc, "is_unlocked");
  const int unlocked_at = counters::column_index(desc, "unlocked_at");
  const int updated_at = counters::column_index(desc, "updated_at");
  if (nulls[completed] || nulls[required] || nulls[unlocked])
    elog(ERROR, "hitlai: NULL milestone counters");  // NOT NULL
  int32 sum;
  if (pg_add_s32_overflow(DatumGetInt32(values[completed]), d.n, &sum))
    ereport(ERROR, (errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE), errmsg("integer out of range")));
  values[completed] = Int32GetDatum(sum);
  values[updated_at] = d.now;
  nulls[updated_at] = false;
  replace[completed] = replace[updated_at] = true;
  if (!DatumGetBool(values[unlocked]) && sum >= DatumGetInt32(values[required])) {
    values[unlocked] = BoolGetDatum(true);
    values[unlocked_at] = d.now;
    nulls[unlocked_at] = false;
    replace[unlocked] = replace[unlocked_at] = true;
  }
}

// The flush, reading the milestone rows with a snapshot taken after the advisory lock is
// held: every earlier flusher has committed by then (the lock is held to the end of its
// transaction), so the scan sees the newest version of every milestone row and never has
// to wait for, or re-check against, a concurrent flush. Under READ COMMITTED this is what
// a statement's own snapshot would give; under REPEATABLE READ (and SERIALIZABLE) the
// transaction snapshot would be older than the rows the other tenants' commits wrote, and
// the update would fail with a serialization failure (40001) although a count that only
// adds can't be lost: one company's commits must not make another company's transactions
// fail (S10).
void run_flush(int32 n) {
  FlushDelta d{n, TimestampTzGetDatum(GetCurrentTransactionStartTimestamp())};
  hitlai::pg::counters::update_all_latest(hitlai::pg::counters::Table::kMilestones, apply_flush,
                                          &d);
}

}  // namespace

namespace hitlai::pg {
void milestones_add_pending(int64_t n) {
  if (n > 0) add(n);
}
}  // namespace hitlai::pg

// hitlai.flush_milestone_progress(): DEFERRABLE INITIALLY DEFERRED constraint trigger
// AFTER UPDATE ON companies (see above). SECURITY DEFINER: milestones are privileged.
constexpr hitlai::pg::trigger::Spec kFlush{
    "flush_milestone_progress", hitlai::pg::trigger::Timing::kAfter,
    hitlai::pg::trigger::Level::kRow, hitlai::pg::trigger::kUpdate, "companies",
    hitlai::sqlstate::kTriggerProtocol,
    "flush_milestone_progress: must be AFTER UPDATE ... FOR EACH ROW on companies",
    "flush_milestone_progress: must be called as a trigger"};

HITLAI_FUNCTION(hitlai_flush_milestone_progress) {
  (void)hitlai::pg::trigger::open(fcinfo, kFlush);  // checks how it is attached
  if (hitlai::pg::restore_mode_active()) return PointerGetDatum(nullptr);
  const int64_t n = total();
  if (n == 0) return PointerGetDatum(nullptr);
  if (n > PG_INT32_MAX)
    throw hitlai::Error(hitlai::sqlstate::kNumericOutOfRange, "too many test runs in one transaction for milestones");
  hitlai::pg::guarded([] {
    DirectFunctionCall2(pg_advisory_xact_lock_int4, Int32GetDatum(kFlushLockClass),
                        Int32GetDatum(kFlushLockObject));
  });
  run_flush(static_cast<int32>(n));
  add(-n);  // flushed at this level (undone if this subtransaction aborts)
  return PointerGetDatum(nullptr);
}
