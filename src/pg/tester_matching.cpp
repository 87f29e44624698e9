// M1-M2: hitlai.assign_testers(run_id uuid, wanted integer, criteria jsonb DEFAULT '{}')
// RETURNS SETOF hitlai.tester_assignments. SECURITY DEFINER (the callers, members of the
// run's company, can neither read testers nor, below admin, insert assignments); it
// checks the caller itself:
//
//  1. arguments (pure C++, src/core/match_criteria.hpp): wanted 1..100, criteria strict
//     (22023 naming the key);
//  2. the run: privileged roles (superuser or BYPASSRLS session role) may assign to any
//     run (an unknown id: 22023); anyone else must be a joined owner/admin/member of the
//     run's company, and gets 42501 otherwise, for an unknown run too (no probing);
//  3. the run row is locked FOR NO KEY UPDATE and must be pending or running (55000).
//     Calls for one run queue here, so each sees the assignments the previous one made
//     (its later statements take fresh snapshots): no tester twice on a run, no unique
//     violation between two callers;
//  4. one statement chooses and inserts: verified testers that match the criteria, hold
//     fewer than max_active open assignments, are not on the run yet and are not in the
//     run's company (any company_members row, invitations included), in M1's order
//     (fewest open assignments, never assigned first then longest since, highest rating,
//     id), locked FOR NO KEY UPDATE SKIP LOCKED: a tester another call is assigning right
//     now is skipped, never waited for. After a lock, PostgreSQL rechecks the row's own
//     conditions on its newest version, so a tester who reached max_active meanwhile is
//     passed over. The partial index idx_human_testers_matching walks testers in that
//     order, so the work is proportional to the rows looked at, not to the pool.
//
// Open counts and the latest assignment time come from human_testers' stats columns
// (assignment_stats.cpp), kept under the tester row lock.
//
// LOCK ORDER (triggers.hpp): test_runs (the run) -> human_testers (skip locked, by the
// matching order; never waited on) -> the stats triggers' locks on the same testers.
#include "pg/bridge.hpp"
#include "pg/identity.hpp"
#include "pg/spi.hpp"

extern "C" {
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "nodes/parsenodes.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/tuplestore.h"
#include "utils/uuid.h"
}

#include <cstring>
#include <string>

#include "core/match_criteria.hpp"

namespace {

namespace spi = hitlai::pg::spi;
using hitlai::pg::guarded;

spi::Statement kRun{
    "SELECT r.company_id FROM hitlai.test_runs r WHERE r.id OPERATOR(pg_catalog.=) $1",
    1, {UUIDOID}, nullptr};
enum RunCol { kRunCompany = 1 };

spi::Statement kLockRun{
    "SELECT r.status FROM hitlai.test_runs r WHERE r.id OPERATOR(pg_catalog.=) $1"
    " FOR NO KEY UPDATE OF r",
    1, {UUIDOID}, nullptr};
enum LockRunCol { kRunStatus = 1 };

spi::Statement kIsMember{
    "SELECT 1 WHERE $1 OPERATOR(pg_catalog.=) ANY (hitlai.member_company_ids('member'::pg_catalog.text))",
    1, {UUIDOID}, nullptr};

// $1 run, $2 company, $3 wanted, $4 max_active, $5 languages, $6 countries, $7 devices,
// $8 platforms, $9 tech_literacy values, $10 min_rating, $11 min_tests_completed.
// Always a custom plan: with the actual LIMIT and criteria the planner walks
// idx_human_testers_matching and stops early; a generic plan (unknown LIMIT and filters)
// was measured at about 70x slower (a scan and sort of the whole pool).
spi::Statement kAssign{
    R"SQL(
WITH chosen AS (
  SELECT h.id, h.stats_open_assignments, h.stats_last_assigned_at, h.average_rating
    FROM hitlai.human_testers h
   WHERE h.is_verified
     AND h.stats_open_assignments OPERATOR(pg_catalog.<) $4::pg_catalog.int8
     AND ($5::pg_catalog.text[] IS NULL OR h.languages OPERATOR(pg_catalog.@>) $5)
     AND ($6::pg_catalog.text[] IS NULL OR h.location_country OPERATOR(pg_catalog.=) ANY ($6))
     AND ($7::pg_catalog.text[] IS NULL OR h.primary_device OPERATOR(pg_catalog.=) ANY ($7))
     AND ($8::pg_catalog.text[] IS NULL OR h.previous_platforms OPERATOR(pg_catalog.&&) $8)
     AND ($9::pg_catalog.text[] IS NULL OR h.tech_literacy OPERATOR(pg_catalog.=) ANY ($9))
     AND ($10::pg_catalog.float8 IS NULL
          OR h.average_rating::pg_catalog.float8 OPERATOR(pg_catalog.>=) $10)
     AND ($11::pg_catalog.int8 IS NULL
          OR h.tests_completed::pg_catalog.int8 OPERATOR(pg_catalog.>=) $11)
     AND NOT EXISTS (SELECT 1 FROM hitlai.tester_assignments a
                      WHERE a.test_run_id OPERATOR(pg_catalog.=) $1
                        AND a.tester_id OPERATOR(pg_catalog.=) h.id)
     AND NOT EXISTS (SELECT 1 FROM hitlai.company_members m
                      WHERE m.company_id OPERATOR(pg_catalog.=) $2
                        AND m.user_id OPERATOR(pg_catalog.=) h.user_id)
   ORDER BY h.stats_open_assignments, h.stats_last_assigned_at NULLS FIRST,
            h.average_rating DESC, h.id
   LIMIT $3
   FOR NO KEY UPDATE OF h SKIP LOCKED),
ins AS (
  INSERT INTO hitlai.tester_assignments (test_run_id, tester_id)
  SELECT $1, c.id FROM chosen c
   ORDER BY c.stats_open_assignments, c.stats_last_assigned_at NULLS FIRST,
            c.average_rating DESC, c.id
  RETURNING *)
SELECT i.* FROM ins i
  JOIN chosen c ON c.id OPERATOR(pg_catalog.=) i.tester_id
 ORDER BY c.stats_open_assignments, c.stats_last_assigned_at NULLS FIRST,
          c.average_rating DESC, c.id)SQL",
    11,
    {UUIDOID, UUIDOID, INT4OID, INT8OID, TEXTARRAYOID, TEXTARRAYOID, TEXTARRAYOID, TEXTARRAYOID,
     TEXTARRAYOID, FLOAT8OID, INT8OID},
    nullptr,
    CURSOR_OPT_CUSTOM_PLAN};

bool session_role_is_privileged() {
  return guarded([] {
    Oid who = GetOuterUserId();
    return superuser_arg(who) || has_bypassrls_privilege(who);
  });
}

Datum copy_uuid(Datum d) {
  return guarded([&] {
    auto* u = static_cast<pg_uuid_t*>(SPI_palloc(sizeof(pg_uuid_t)));
    std::memcpy(u, DatumGetUUIDP(d), sizeof(pg_uuid_t));
    return UUIDPGetDatum(u);
  });
}

}  // namespace

HITLAI_FUNCTION(hitlai_assign_testers) {
  auto* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
  if (PG_ARGISNULL(0))
    throw hitlai::Error(hitlai::sqlstate::kInvalidParameter, "run_id must not be NULL");
  const int wanted = hitlai::matching::check_wanted(
      PG_ARGISNULL(1) ? std::nullopt : std::optional<std::int64_t>(PG_GETARG_INT32(1)));
  std::string criteria_text = "{}";
  if (!PG_ARGISNULL(2)) {
    char* s = guarded([&] {
      Jsonb* jb = PG_GETARG_JSONB_P(2);
      return JsonbToCString(nullptr, &jb->root, VARSIZE(jb));
    });
    criteria_text = s;
  }
  const hitlai::matching::Criteria c = hitlai::matching::parse_criteria(criteria_text);
  const Datum run = PG_GETARG_DATUM(0);

  guarded([&] { InitMaterializedSRF(fcinfo, 0); });
  spi::Connection spi_conn;
  const bool privileged = session_role_is_privileged();
  Datum args0[1] = {run};
  if (spi::exec(kRun, args0) == 0) {
    if (privileged)
      throw hitlai::Error(hitlai::sqlstate::kInvalidParameter, "unknown test run");
    throw hitlai::Error(hitlai::sqlstate::kInsufficientPrivilege,
                        "permission denied to assign testers to this test run",
                        "Only members (not viewers) of the run's company may assign testers.");
  }
  const Datum company = copy_uuid(guarded([&] {
    bool isnull = false;
    return SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, kRunCompany, &isnull);
  }));
  if (!privileged) {
    Datum a[1] = {company};
    if (spi::exec(kIsMember, a) == 0)
      throw hitlai::Error(hitlai::sqlstate::kInsufficientPrivilege,
                          "permission denied to assign testers to this test run",
                          "Only members (not viewers) of the run's company may assign testers.");
  }
  if (spi::exec(kLockRun, args0) == 0)  // deleted since
    throw hitlai::Error(hitlai::sqlstate::kInvalidParameter, "unknown test run");
  const std::string status = spi::text_not_null(0, kRunStatus);
  if (status != "pending" && status != "running")
    throw hitlai::Error(hitlai::sqlstate::kNotInPrerequisiteState, "test run is " + status,
                        "Testers can be assigned to pending or running runs only.");

  auto list = [](const std::optional<std::vector<std::string>>& v, Datum& d, char& n) {
    if (v) {
      d = spi::text_array(*v);
      n = ' ';
    } else {
      d = (Datum)0;
      n = 'n';
    }
  };
  Datum args[11];
  char nulls[12] = "           ";
  args[0] = run;
  args[1] = company;
  args[2] = Int32GetDatum(wanted);
  args[3] = Int64GetDatum(static_cast<int64>(c.max_active));
  list(c.languages, args[4], nulls[4]);
  list(c.countries, args[5], nulls[5]);
  list(c.devices, args[6], nulls[6]);
  list(c.platforms, args[7], nulls[7]);
  list(c.tech_literacy, args[8], nulls[8]);
  args[9] = c.min_rating ? Float8GetDatum(*c.min_rating) : (Datum)0;
  nulls[9] = c.min_rating ? ' ' : 'n';
  args[10] = c.min_tests_completed ? Int64GetDatum(*c.min_tests_completed) : (Datum)0;
  nulls[10] = c.min_tests_completed ? ' ' : 'n';
  const uint64_t rows = spi::exec(kAssign, args, nulls);
  guarded([&] {
    for (uint64 i = 0; i < rows; ++i) {
      Datum values[16];
      bool isnull[16];
      heap_deform_tuple(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, values, isnull);
      tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, isnull);
    }
  });
  spi_conn.finish();
  return static_cast<Datum>(0);
}
