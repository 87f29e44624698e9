// Membership rules enforced by triggers (SPEC A2, E):
//
//  * hitlai_keep_last_owner (BEFORE UPDATE OR DELETE ON company_members) and, from
//    0.5.0, hitlai_keep_last_owner_after (AFTER UPDATE OR DELETE, FOR EACH ROW; both
//    SECURITY DEFINER): a company keeps at least one joined owner. Removing, demoting,
//    moving or "un-joining" the last joined owner raises HL004 -- for every role,
//    privileged ones included, except when the company itself or the owner's
//    auth.users row is being deleted (ON DELETE CASCADE must keep working, S6). The
//    BEFORE trigger takes the company's owner lock; the AFTER one checks once the
//    statement's rows are all written, so one UPDATE may swap owner and admin. Before
//    0.5.0's SQL is installed, the BEFORE trigger checks (a swap then raises HL004).
//
//  * hitlai_guard_tester_columns (BEFORE UPDATE ON test_runs, SECURITY INVOKER): an
//    assigned tester who is not a member (owner/admin/member) of the run's company may
//    change only status, sentiment_score, recommendations, positives and final_report;
//    any other column raises 42501. Column privileges can't express this (testers and
//    members are the same database role), RLS policies can't see OLD. Roles that bypass
//    RLS, and SECURITY DEFINER triggers writing as the table owner, are not checked.
//    The trigger is named so that it fires before every other BEFORE UPDATE trigger of
//    test_runs (`a_guard_tester_columns`): it judges what the caller wrote, not what
//    the status machine (T4) adds.
//
// Concurrency of the last-owner check (S10, LOCK ORDER in src/pg/triggers.hpp): every
// change that takes a joined owner away first takes a per-company transaction advisory
// lock (class kOwnerLockClass, object = a hash of the company id), so such changes of
// one company run one at a time; the check then reads the company's other joined owners
// with the newest snapshot (what committed before the lock was granted, plus this
// transaction's own changes), without locking them. Two sessions demoting a company's
// two last owners: the second waits for the first, then sees its change and gets HL004
// (also under REPEATABLE READ, whose transaction snapshot would miss it). Nothing here
// waits for another member row, so no cycle with the row locks that the UPDATE/DELETE
// statements themselves take (0.2.0 locked the other owner FOR SHARE: two demotions
// waited on each other's rows and one got 40P01). Lock order: the company_members row
// being changed (taken by the statement), then the company's owner lock. A transaction
// that removes several owners of one company in separate statements while another does
// the same can still deadlock on these two; one statement per company avoids it.
//
// Row work before the SPI connection calls PostgreSQL directly (no C++ object with a
// destructor is alive yet); once the connection (spi::Connection) exists, every call
// goes through guarded() (bridge.hpp), as spi::exec does.
#include "pg/auth_users.hpp"
#include "pg/bridge.hpp"
#include "pg/spi.hpp"
#include "pg/trigger.hpp"

extern "C" {
#include "access/htup_details.h"
#include "catalog/pg_type_d.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "common/hashfn.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/snapmgr.h"
#include "utils/uuid.h"
#include "utils/rel.h"
#include "utils/rls.h"
}

#include <cstring>
#include <string>

namespace {

// Attribute number of `name` in `desc` (1-based); raises if missing.
int attnum_of(TupleDesc desc, const char* name) {
  int n = SPI_fnumber(desc, name);
  if (n <= 0)
    throw hitlai::Error(hitlai::sqlstate::kInternalError,
                        std::string("hitlai trigger: column \"") + name + "\" not found");
  return n;
}

bool text_equals(HeapTuple tup, TupleDesc desc, int attnum, const char* expected) {
  bool isnull = false;
  Datum d = heap_getattr(tup, attnum, desc, &isnull);
  if (isnull) return false;
  text* t = DatumGetTextPP(d);
  size_t len = VARSIZE_ANY_EXHDR(t);
  return len == std::strlen(expected) && std::memcmp(VARDATA_ANY(t), expected, len) == 0;
}

bool is_null(HeapTuple tup, TupleDesc desc, int attnum) {
  bool isnull = false;
  heap_getattr(tup, attnum, desc, &isnull);
  return isnull;
}

Datum get_datum(HeapTuple tup, TupleDesc desc, int attnum) {
  bool isnull = false;
  Datum d = heap_getattr(tup, attnum, desc, &isnull);
  return isnull ? (Datum)0 : d;
}

namespace trigger = hitlai::pg::trigger;

constexpr trigger::Spec kKeepLastOwner{"keep_last_owner",
                                       trigger::Timing::kBefore,
                                       trigger::Level::kRow,
                                       trigger::kUpdate | trigger::kDelete,
                                       "company_members",
                                       hitlai::sqlstate::kInternalError,
                                       "keep_last_owner: must be a BEFORE ... FOR EACH ROW trigger",
                                       "keep_last_owner: not called as a trigger",
                                       "keep_last_owner: must fire for UPDATE or DELETE"};

constexpr trigger::Spec kKeepLastOwnerAfter{
    "keep_last_owner_after",
    trigger::Timing::kAfter,
    trigger::Level::kRow,
    trigger::kUpdate | trigger::kDelete,
    "company_members",
    hitlai::sqlstate::kInternalError,
    "keep_last_owner_after: must be an AFTER ... FOR EACH ROW trigger",
    "keep_last_owner_after: not called as a trigger",
    "keep_last_owner_after: must fire for UPDATE or DELETE"};

constexpr trigger::Spec kGuardTesterColumns{
    "guard_tester_columns",
    trigger::Timing::kBefore,
    trigger::Level::kRow,
    trigger::kUpdate,
    "test_runs",
    hitlai::sqlstate::kInternalError,
    "guard_tester_columns: must be a BEFORE ... FOR EACH ROW trigger",
    "guard_tester_columns: not called as a trigger",
    "guard_tester_columns: must fire for UPDATE"};

// Transaction advisory lock class of the per-company owner lock (object: hash of the id).
constexpr int32 kOwnerLockClass = 0x686c6f77;  // "hlow"

// Waits for the company's owner lock (held until the end of the transaction).
void lock_company_owners(Datum company) {
  const pg_uuid_t* u = DatumGetUUIDP(company);
  const uint32 h = hash_bytes(u->data, UUID_LEN);
  DirectFunctionCall2(pg_advisory_xact_lock_int4, Int32GetDatum(kOwnerLockClass),
                      Int32GetDatum(static_cast<int32>(h)));
}

namespace spi = hitlai::pg::spi;
using hitlai::pg::guarded;

spi::Statement kCompanyExists{
    "SELECT 1 FROM hitlai.companies c WHERE c.id OPERATOR(pg_catalog.=) $1", 1, {UUIDOID},
    nullptr};

// Run with the newest snapshot, once the company's owner lock is held (see above).
spi::Statement kOtherOwner{
    "SELECT 1 FROM hitlai.company_members m"
    " WHERE m.company_id OPERATOR(pg_catalog.=) $1"
    "   AND m.role OPERATOR(pg_catalog.=) 'owner' AND m.joined_at IS NOT NULL"
    "   AND m.id OPERATOR(pg_catalog.<>) $2"
    " LIMIT 1",
    2, {UUIDOID, UUIDOID}, nullptr};

spi::Statement kIsMember{
    "SELECT 1 WHERE $1 OPERATOR(pg_catalog.=) ANY (hitlai.member_company_ids('member'))", 1,
    {UUIDOID}, nullptr};

// Whether auth.users exists and has no row for `user_id` (the owner's account is being
// deleted: its ON DELETE CASCADE must not be blocked). Rare path, not cached. auth.users
// may belong to a non-superuser: read only as pg/auth_users.hpp says (S7). When it is
// missing or unusable, nothing counts as deleted and the last-owner rule stays in force.
bool auth_user_deleted(Datum user_id) {
  Oid types[1] = {UUIDOID};
  Datum args[1] = {user_id};
  return guarded([&] {
    int rc = hitlai::pg::auth_users_query(
        "SELECT 1 FROM ONLY auth.users u WHERE u.id OPERATOR(pg_catalog.=) $1", 1, types, args,
        1, false);
    return rc == SPI_OK_SELECT && SPI_processed == 0;
  });
}

}  // namespace

namespace {

// Whether the installed SQL has keep_last_owner_after (0.5.0 and later), which checks
// the rule once the statement's rows are written; before it, keep_last_owner checks it
// itself.
bool checked_after_the_statement() {
  const char* v = guarded([] { return hitlai::pg::installed_extension_version(); });
  return v != nullptr && hitlai::pg::compare_versions(v, "0.5.0") >= 0;
}

// The rule for one changed company_members row. BEFORE (keep_last_owner): takes the
// company's owner lock, and checks only where keep_last_owner_after doesn't exist.
// AFTER (keep_last_owner_after): checks, with the newest snapshot, which sees every row
// the statement wrote: one statement may hand ownership over (owner -> admin and
// admin -> owner), while a statement that leaves no joined owner raises HL004.
Datum last_owner(const trigger::Call& call, bool after) {
  TupleDesc desc = call.desc;
  HeapTuple oldtup = call.old_row, newtup = call.new_row;
  const Datum result = call.unchanged();

  const int a_id = attnum_of(desc, "id"), a_company = attnum_of(desc, "company_id"),
            a_user = attnum_of(desc, "user_id"), a_role = attnum_of(desc, "role"),
            a_joined = attnum_of(desc, "joined_at");

  // Only a joined owner leaving that state matters.
  if (!text_equals(oldtup, desc, a_role, "owner") || is_null(oldtup, desc, a_joined))
    return result;
  Datum company = get_datum(oldtup, desc, a_company);
  if (call.is_update() && text_equals(newtup, desc, a_role, "owner") && !is_null(newtup, desc, a_joined) &&
      !is_null(newtup, desc, a_company) &&
      datum_image_eq(company, get_datum(newtup, desc, a_company), false, 16))
    return result;

  Datum args[2] = {company, get_datum(oldtup, desc, a_id)};
  spi::Connection connection;
  bool allowed = spi::exec(kCompanyExists, args) == 0;  // company being deleted
  if (!allowed) {
    guarded([&] { lock_company_owners(company); });
    if (!after && checked_after_the_statement()) {
      allowed = true;  // keep_last_owner_after checks once the statement is done
    } else {
      allowed = spi::exec_latest(kOtherOwner, args) > 0 ||
                auth_user_deleted(get_datum(oldtup, desc, a_user));
    }
  }
  connection.finish();
  if (!allowed) {
    const std::string company_text =
        guarded([&] { return DatumGetCString(DirectFunctionCall1(uuid_out, company)); });
    throw hitlai::Error(hitlai::sqlstate::kLastOwner,
                        "company " + company_text + " must keep at least one joined owner",
                        std::string("This ") + (call.is_update() ? "update" : "delete") +
                            " would leave the company without an owner.",
                        "Make another member owner first, or delete the company.");
  }
  return result;
}

}  // namespace

// Trigger function hitlai.keep_last_owner() on company_members (A2, SQLSTATE HL004).
HITLAI_FUNCTION(hitlai_keep_last_owner) {
  return last_owner(trigger::open(fcinfo, kKeepLastOwner), false);
}

// Trigger function hitlai.keep_last_owner_after() on company_members (A2, SQLSTATE
// HL004), from 0.5.0.
HITLAI_FUNCTION(hitlai_keep_last_owner_after) {
  return last_owner(trigger::open(fcinfo, kKeepLastOwnerAfter), true);
}

// Trigger function hitlai.guard_tester_columns() on test_runs (A2, SQLSTATE 42501).
HITLAI_FUNCTION(hitlai_guard_tester_columns) {
  const trigger::Call call = trigger::open(fcinfo, kGuardTesterColumns);
  Relation rel = call.relation;
  HeapTuple oldtup = call.old_row, newtup = call.new_row;
  const Datum result = call.unchanged();
  // Privileged (RLS bypassed) writers, and SECURITY DEFINER triggers, are not judged.
  if (check_enable_rls(RelationGetRelid(rel), InvalidOid, true) != RLS_ENABLED) return result;

  static const char* const kTesterColumns[] = {"status", "sentiment_score", "recommendations",
                                               "positives", "final_report"};
  TupleDesc desc = rel->rd_att;
  const char* changed = nullptr;
  for (int i = 0; i < desc->natts && !changed; ++i) {
    Form_pg_attribute att = TupleDescAttr(desc, i);
    if (att->attisdropped) continue;
    const char* name = NameStr(att->attname);
    bool tester_column = false;
    for (const char* c : kTesterColumns)
      if (std::strcmp(c, name) == 0) tester_column = true;
    if (tester_column) continue;
    bool n1 = false, n2 = false;
    Datum v1 = heap_getattr(oldtup, i + 1, desc, &n1);
    Datum v2 = heap_getattr(newtup, i + 1, desc, &n2);
    if (n1 != n2 || (!n1 && !datum_image_eq(v1, v2, att->attbyval, att->attlen))) changed = name;
  }
  // T2 freeze (S10): once a run is completed and rated, what T2 captured from it is the
  // company's judgement; a tester may no longer rewrite the captured columns.
  static const char* const kCaptured[] = {"sentiment_score", "recommendations", "positives"};
  const char* frozen = nullptr;
  if (text_equals(oldtup, desc, attnum_of(desc, "status"), "completed") &&
      !is_null(oldtup, desc, attnum_of(desc, "company_ai_rating"))) {
    for (const char* c : kCaptured) {
      const int a = attnum_of(desc, c);
      Form_pg_attribute att = TupleDescAttr(desc, a - 1);
      bool n1 = false, n2 = false;
      Datum v1 = heap_getattr(oldtup, a, desc, &n1);
      Datum v2 = heap_getattr(newtup, a, desc, &n2);
      if (n1 != n2 || (!n1 && !datum_image_eq(v1, v2, att->attbyval, att->attlen))) {
        frozen = c;
        break;
      }
    }
  }
  if (!changed && !frozen) return result;

  // Something only members may change: is the caller one (owner, admin or member)?
  spi::Connection connection;
  Datum args[1] = {get_datum(oldtup, desc, attnum_of(desc, "company_id"))};
  const bool member = spi::exec(kIsMember, args) > 0;
  connection.finish();
  if (!member && frozen)
    throw hitlai::Error(
        hitlai::sqlstate::kImmutableColumn,
        std::string("column \"") + frozen +
            "\" of a completed, rated test run cannot be changed by its tester",
        "Once the company has rated a completed run, what its training data captured "
        "(sentiment_score, recommendations, positives) is frozen for testers.",
        "Ask a member of the company to make this change.");
  if (!member)
    throw hitlai::Error(hitlai::sqlstate::kInsufficientPrivilege,
                        std::string("permission denied to change column \"") + changed +
                            "\" of test run",
                        "A tester who is not a member of the run's company may change only "
                        "status, sentiment_score, recommendations, positives and final_report.",
                        "Ask a member of the company to make this change.");
  return result;
}
