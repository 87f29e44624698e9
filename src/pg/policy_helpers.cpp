// The row-level security policy helpers (SPEC A2, A5), compiled:
//
//   hitlai.member_company_ids(min_role text DEFAULT 'viewer') -> uuid[]
//   hitlai.my_tester_id() -> uuid
//   hitlai.tester_run_ids(for_write boolean DEFAULT false) -> uuid[]
//
// Each answers only about the caller (hitlai.uid(), read from the JWT settings: no user
// id argument) and is declared SECURITY DEFINER (the look-ups must not run under the
// policies of company_members / human_testers / tester_assignments, which would
// recurse), STABLE, SET search_path = pg_catalog, pg_temp (400_identity.sql).
//
// Why compiled: the policies call them on every statement an application role runs, and
// test_runs_select also calls member_company_ids / my_tester_id without a sub-SELECT so
// that the planner can fold them while estimating (410_policies.sql); the PL/pgSQL and
// SQL versions cost 0.25-0.4 ms per call (SQL functions are re-planned every call).
// Here each look-up is one statement prepared once per backend (SPI_prepare +
// SPI_keepplan), schema-qualified, run read-only in the caller's snapshot.
//
// Cache: one answer per helper and argument, valid while the caller's identity and the
// active snapshot are the same (same local transaction, same xmin/xmax/in-progress
// transactions, same command id). Equal snapshots see exactly the same rows, so the
// cache never answers what a fresh look-up would not: it is per statement in READ
// COMMITTED (each statement takes a new snapshot and a change by the transaction itself
// moves the command id), and it never outlives the transaction. Without an active MVCC
// snapshot nothing is cached.
//
// Equal snapshots are not enough after a rollback: ROLLBACK TO SAVEPOINT, or an
// exception caught by a PL/pgSQL block, undoes the subtransaction's changes while the
// snapshot (REPEATABLE READ) and the command id stay what they were, so an answer cached
// inside the subtransaction (say, after accept_invitation) would outlive the change it
// saw. Every answer therefore also carries the cache generation, which moves on each
// subtransaction abort and after every statement that writes company_members,
// human_testers or tester_assignments (trigger hitlai.invalidate_policy_cache, S10):
// a moved generation means "look up again".
#include "pg/bridge.hpp"
#include "pg/identity.hpp"
#include "pg/spi.hpp"
#include "pg/trigger.hpp"
#include "pg/triggers.hpp"

extern "C" {
#include "access/xact.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "storage/proc.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/snapmgr.h"
#include "utils/snapshot.h"
#include "utils/uuid.h"
}

#include <cstring>
#include <optional>
#include <string>
#include <vector>

namespace {

using hitlai::pg::guarded;

// What identifies the rows a read-only query in the current statement can see.
struct SnapshotKey {
  LocalTransactionId lxid = InvalidLocalTransactionId;
  TransactionId xmin = InvalidTransactionId, xmax = InvalidTransactionId;
  CommandId curcid = InvalidCommandId;
  bool suboverflowed = false;
  std::vector<TransactionId> xip, subxip;

  // False when there is no active MVCC snapshot (then nothing is cached).
  bool load() {
    struct Raw {
      bool ok;
      LocalTransactionId lxid;
      Snapshot snap;
    };
    Raw raw{false, InvalidLocalTransactionId, nullptr};
    guarded([&raw] {
      if (!ActiveSnapshotSet()) return;
      raw.snap = GetActiveSnapshot();
      raw.lxid = hitlai::pg::local_transaction_id();
      raw.ok = raw.snap && raw.snap->snapshot_type == SNAPSHOT_MVCC;
    });
    if (!raw.ok) return false;
    const Snapshot s = raw.snap;
    lxid = raw.lxid;
    xmin = s->xmin;
    xmax = s->xmax;
    curcid = s->curcid;
    suboverflowed = s->suboverflowed;
    xip.assign(s->xip, s->xip + s->xcnt);
    subxip.assign(s->subxip, s->subxip + (s->subxcnt > 0 ? s->subxcnt : 0));
    return true;
  }

  bool operator==(const SnapshotKey& o) const {
    return lxid == o.lxid && xmin == o.xmin && xmax == o.xmax && curcid == o.curcid &&
           suboverflowed == o.suboverflowed && xip == o.xip && subxip == o.subxip;
  }
};

// Moves whenever cached answers may be stale (see above).
uint64 cache_generation = 0;
bool subxact_callback_registered = false;

void on_subxact(SubXactEvent event, SubTransactionId, SubTransactionId, void*) {
  if (event == SUBXACT_EVENT_ABORT_SUB) ++cache_generation;
}

// One cached answer: a flat copy of the result datum (an array or a uuid), or NULL.
struct Slot {
  bool valid = false;
  uint64 generation = 0;
  SnapshotKey snapshot;
  std::optional<hitlai::Uuid> uid;
  bool isnull = true;
  std::vector<char> bytes;
};

// A look-up statement, prepared once per backend. Parameter $1 is always the user id.
struct Lookup {
  hitlai::pg::spi::Statement statement;
  int16 result_typlen;  // -1 (array) or 16 (uuid)
};

Lookup member_lookup{
    {"SELECT COALESCE(pg_catalog.array_agg(m.company_id), '{}'::pg_catalog.uuid[]) "
    "FROM hitlai.company_members m "
    "WHERE m.user_id OPERATOR(pg_catalog.=) $1 AND m.joined_at IS NOT NULL "
    "AND m.role OPERATOR(pg_catalog.=) ANY ($2)",
     2, {UUIDOID, TEXTARRAYOID}, nullptr},
    -1};

Lookup tester_lookup{
    {"SELECT h.id FROM hitlai.human_testers h WHERE h.user_id OPERATOR(pg_catalog.=) $1 "
    "LIMIT 1",
     1, {UUIDOID}, nullptr},
    UUID_LEN};

// Runs whose tester_id is one of the caller's profiles, and runs with an assignment of
// one of them (for_write, $2: only assignments assigned, started or completed).
Lookup runs_lookup{
    {"SELECT COALESCE(pg_catalog.array_agg(DISTINCT s.id), '{}'::pg_catalog.uuid[]) "
    "FROM (SELECT r.id FROM hitlai.human_testers h "
    "        JOIN hitlai.test_runs r ON r.tester_id OPERATOR(pg_catalog.=) h.id "
    "       WHERE h.user_id OPERATOR(pg_catalog.=) $1 "
    "      UNION ALL "
    "      SELECT a.test_run_id FROM hitlai.human_testers h "
    "        JOIN hitlai.tester_assignments a ON a.tester_id OPERATOR(pg_catalog.=) h.id "
    "       WHERE h.user_id OPERATOR(pg_catalog.=) $1 "
    "         AND (NOT $2 OR a.status OPERATOR(pg_catalog.=) ANY "
    "              ('{assigned,started,completed}'::pg_catalog.text[]))) s",
     2, {UUIDOID, BOOLOID}, nullptr},
    -1};

// Runs the look-up read-only in the caller's snapshot and stores its one value in slot.
void run_lookup(Lookup& q, const hitlai::Uuid& uid, Datum arg2, Slot& slot) {
  pg_uuid_t* uid_datum = static_cast<pg_uuid_t*>(guarded([] { return palloc(UUID_LEN); }));
  std::memcpy(uid_datum->data, uid.data(), UUID_LEN);
  Datum values[2] = {UUIDPGetDatum(uid_datum), arg2};

  struct Result {
    bool isnull;
    char* data;  // palloc'd in the caller's memory context
    Size size;
  };
  Result out{true, nullptr, 0};
  hitlai::pg::spi::Connection connection;
  const uint64 rows = hitlai::pg::spi::exec_read_only(q.statement, values, nullptr, 1);
  guarded([&] {
    if (rows > 0) {
      bool isnull = true;
      Datum d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
      if (!isnull) {
        if (q.result_typlen == -1) {
          // A heap tuple may hold a short (1-byte header) varlena: make it a plain one.
          d = PointerGetDatum(pg_detoast_datum(reinterpret_cast<struct varlena*>(
              DatumGetPointer(d))));
        }
        out.size = datumGetSize(d, false, q.result_typlen);
        out.data = static_cast<char*>(SPI_palloc(out.size));
        std::memcpy(out.data, DatumGetPointer(d), out.size);
        out.isnull = false;
      }
    }
  });
  connection.finish();
  slot.isnull = out.isnull;
  slot.bytes.assign(out.data, out.data + out.size);
}

// The slot's answer for the caller now: from the cache when the identity and snapshot
// are unchanged, else looked up (only when uid is known; anonymous callers get NULL).
// make_arg2() gives the look-up's second parameter (only called for a look-up).
template <typename MakeArg>
const Slot& answer(Slot& slot, Lookup& q, const std::optional<hitlai::Uuid>& uid,
                   MakeArg make_arg2) {
  if (!subxact_callback_registered) {
    guarded([] { RegisterSubXactCallback(on_subxact, nullptr); });
    subxact_callback_registered = true;
  }
  SnapshotKey key;
  const bool cacheable = key.load();
  if (cacheable && slot.valid && slot.generation == cache_generation && slot.uid == uid &&
      slot.snapshot == key)
    return slot;
  slot.valid = false;
  if (uid) {
    run_lookup(q, *uid, make_arg2(), slot);
  } else {
    slot.isnull = true;
    slot.bytes.clear();
  }
  slot.uid = uid;
  if (cacheable) {
    slot.snapshot = std::move(key);
    slot.generation = cache_generation;
    slot.valid = true;
  }
  return slot;
}

// A palloc'd copy of the slot's datum.
Datum copy_out(const Slot& slot) {
  const Size n = slot.bytes.size();
  char* out = static_cast<char*>(guarded([n] { return palloc(n); }));
  std::memcpy(out, slot.bytes.data(), n);
  return PointerGetDatum(out);
}

// An empty uuid[] (the answer for anonymous callers).
Datum empty_uuid_array() {
  return guarded([] { return PointerGetDatum(construct_empty_array(UUIDOID)); });
}

// Roles at least as strong as min_role (viewer < member < admin < owner).
int role_rank(std::string_view min_role) {
  if (min_role == "viewer") return 0;
  if (min_role == "member") return 1;
  if (min_role == "admin") return 2;
  if (min_role == "owner") return 3;
  return -1;
}

Slot member_slots[4];
Slot tester_slot;
Slot runs_slots[2];

}  // namespace

// hitlai.member_company_ids(min_role text) -> uuid[]: the companies where the caller is
// a joined member with at least min_role; '{}' when anonymous; 22023 for another role.
HITLAI_FUNCTION(hitlai_member_company_ids) {
  const text* arg =
      PG_ARGISNULL(0) ? nullptr : hitlai::pg::guarded([&] { return PG_GETARG_TEXT_PP(0); });
  const std::string role = arg ? std::string(hitlai::pg::text_view(arg)) : "<NULL>";
  const int rank = arg ? role_rank(role) : -1;
  if (rank < 0)
    throw hitlai::Error(hitlai::sqlstate::kInvalidParameter, "invalid role \"" + role + "\"",
                        "", "Use one of viewer, member, admin, owner.");
  const std::optional<hitlai::Uuid> uid = hitlai::pg::current_uid();
  if (!uid) return empty_uuid_array();
  static const char* const kRoles[] = {"owner", "admin", "member", "viewer"};
  const Slot& s = answer(member_slots[rank], member_lookup, uid, [rank] {
    return hitlai::pg::spi::text_array(std::vector<std::string>(kRoles, kRoles + (4 - rank)));
  });
  if (s.isnull) return empty_uuid_array();
  return copy_out(s);
}

// hitlai.my_tester_id() -> uuid: the caller's human_testers.id, NULL without a profile.
HITLAI_FUNCTION(hitlai_my_tester_id) {
  const std::optional<hitlai::Uuid> uid = hitlai::pg::current_uid();
  if (!uid) PG_RETURN_NULL();
  const Slot& s = answer(tester_slot, tester_lookup, uid, [] { return Datum(0); });
  if (s.isnull) PG_RETURN_NULL();
  return copy_out(s);
}

// hitlai.tester_run_ids(for_write boolean) -> uuid[]: runs the caller tests (tester_id
// or an assignment; for_write: assignments assigned, started or completed only).
HITLAI_FUNCTION(hitlai_tester_run_ids) {
  const bool for_write = !PG_ARGISNULL(0) && PG_GETARG_BOOL(0);
  const std::optional<hitlai::Uuid> uid = hitlai::pg::current_uid();
  if (!uid) return empty_uuid_array();
  const Slot& s = answer(runs_slots[for_write ? 1 : 0], runs_lookup, uid,
                         [for_write] { return BoolGetDatum(for_write); });
  if (s.isnull) return empty_uuid_array();
  return copy_out(s);
}

// Trigger function hitlai.invalidate_policy_cache() (AFTER INSERT OR UPDATE OR DELETE OR
// TRUNCATE FOR EACH STATEMENT on company_members, human_testers, tester_assignments):
// every change of membership, of a tester profile or of an assignment makes the cached
// answers of this backend stale.
namespace {
namespace trigger = hitlai::pg::trigger;
constexpr trigger::Spec kInvalidate{
    "invalidate_policy_cache",
    trigger::Timing::kAfter,
    trigger::Level::kStatement,
    trigger::kInsert | trigger::kUpdate | trigger::kDelete | trigger::kTruncate,
    nullptr,
    hitlai::sqlstate::kInternalError,
    "invalidate_policy_cache: must be AFTER ... FOR EACH STATEMENT",
    "invalidate_policy_cache: not called as a trigger"};
}  // namespace

HITLAI_FUNCTION(hitlai_invalidate_policy_cache) {
  const hitlai::pg::trigger::Call call = hitlai::pg::trigger::open(fcinfo, kInvalidate);
  ++cache_generation;
  return call.unchanged();
}

namespace hitlai::pg {
void invalidate_policy_cache() { ++cache_generation; }
}  // namespace hitlai::pg
