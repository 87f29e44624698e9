// T1: milestone progress, counted at commit.
//
// The INSERT trigger on test_runs adds the statement's row count to a backend-local
// pending count kept per subtransaction level (milestones_add_pending). The count is
// written to hitlai.milestones by hitlai.flush_milestone_progress(), a DEFERRABLE
// INITIALLY DEFERRED constraint trigger riding on the company-row UPDATE that the same
// INSERT trigger makes for the quota (one event per company per statement, not per run):
// its first firing at commit (or at SET CONSTRAINTS ... IMMEDIATE) moves the whole pending
// count in one UPDATE of all milestones, under an advisory lock that serializes the
// flushers (so row lock order can't matter between them) and reads the rows with a
// snapshot taken under that lock (run_flush: no 40001 under REPEATABLE READ); later
// firings find nothing pending and return at once. So milestone rows are locked only
// while committing, and a 100k-row INSERT costs one milestone update.
//
// Subtransactions: a pending count belongs to the (sub)transaction level that added it.
// Aborting a subtransaction drops its counts, as PostgreSQL drops its queued trigger
// events; committing one hands its counts to the parent. A flush inside a subtransaction
// records a negative count at its level, so aborting it puts the flushed count back
// (PostgreSQL then fires the re-armed deferred event again).
#include "pg/bridge.hpp"
#include "pg/trigger.hpp"
#include "pg/settings.hpp"
#include "pg/spi.hpp"
#include "pg/triggers.hpp"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wregister"
extern "C" {
#include "utils/fmgrprotos.h"
#include "access/xact.h"
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
// waiting for the others': the plain UPDATE below then needs no ORDER BY ... FOR UPDATE
// pass (half the work of one). The key pair is hitlai's own ("htla", 1).
constexpr int32 kFlushLockClass = 0x68746c61;
constexpr int32 kFlushLockObject = 1;

constexpr const char* kFlushSql = R"SQL(
UPDATE hitlai.milestones m
   SET tests_completed = m.tests_completed + $1,
       updated_at = pg_catalog.now(),
       is_unlocked = m.is_unlocked OR m.tests_completed + $1 >= m.tests_required,
       unlocked_at = CASE WHEN NOT m.is_unlocked AND m.tests_completed + $1 >= m.tests_required
                          THEN pg_catalog.now() ELSE m.unlocked_at END)SQL";
SPIPlanPtr flush_plan = nullptr;  // prepared once per backend, kept

// The flush UPDATE, run with a snapshot taken after the advisory lock is held: every
// earlier flusher has committed by then (the lock is held to the end of its transaction),
// so the scan sees the newest version of every milestone row and never has to wait for,
// or re-check against, a concurrent flush. Under READ COMMITTED this is what the
// statement's own snapshot would give; under REPEATABLE READ (and SERIALIZABLE) the
// transaction snapshot would be older than the rows the other tenants' commits wrote, and
// the UPDATE would fail with a serialization failure (40001) although a count that only
// adds can't be lost: one company's commits must not make another company's transactions
// fail (S10). Run inside SPI_connect.
void run_flush(int32 n) {
  hitlai::pg::guarded([&] {
    if (!flush_plan) {
      Oid argtypes[1] = {INT4OID};
      SPIPlanPtr p = SPI_prepare(kFlushSql, 1, argtypes);
      if (!p)
        elog(ERROR, "hitlai: SPI_prepare failed (%s): %s", SPI_result_code_string(SPI_result),
             kFlushSql);
      if (SPI_keepplan(p) != 0) elog(ERROR, "hitlai: SPI_keepplan failed");
      flush_plan = p;
    }
    Datum args[1] = {Int32GetDatum(n)};
    // read_only false, fire_triggers true: as SPI_execute_plan runs it (AFTER triggers of
    // the UPDATE fire at its end), only the snapshot differs.
    const int rc = SPI_execute_snapshot(flush_plan, args, nullptr, GetLatestSnapshot(),
                                        InvalidSnapshot, false, true, 0);
    if (rc != SPI_OK_UPDATE)
      elog(ERROR, "hitlai: milestone flush failed (%s)", SPI_result_code_string(rc));
  });
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
  const hitlai::pg::trigger::Call call = hitlai::pg::trigger::open(fcinfo, kFlush);
  if (hitlai::pg::restore_mode_active()) return PointerGetDatum(nullptr);
  const int64_t n = total();
  if (n == 0) return PointerGetDatum(nullptr);
  if (n > PG_INT32_MAX)
    throw hitlai::Error(hitlai::sqlstate::kNumericOutOfRange, "too many test runs in one transaction for milestones");
  hitlai::pg::guarded([] {
    DirectFunctionCall2(pg_advisory_xact_lock_int4, Int32GetDatum(kFlushLockClass),
                        Int32GetDatum(kFlushLockObject));
  });
  hitlai::pg::spi::Connection connection(call.data);
  run_flush(static_cast<int32>(n));
  connection.finish();
  add(-n);  // flushed at this level (undone if this subtransaction aborts)
  return PointerGetDatum(nullptr);
}
