// Library / SQL version agreement (S9): hitlai.so (HITLAI_VERSION) against the installed
// extension's SQL objects (pg_extension.extversion).
//
// The rule (docs/RELEASING.md, "Library and SQL versions"):
//   * A library serves every SQL version it shipped, from kOldestServedVersion up to its
//     own: `CREATE EXTENSION hitlai VERSION '0.1.0'` then `ALTER EXTENSION hitlai UPDATE`
//     works with only the newest library installed, and a database whose SQL is older
//     than the library keeps working (its SQL only references entry points that existed
//     then, and they keep their behaviour).
//   * SQL newer than the library is an error at the first hitlai call of a transaction
//     (an old hitlai.so on disk, or a session that loaded the old library before another
//     session ran ALTER EXTENSION … UPDATE): SQLSTATE 55000, message
//     "hitlai library version X does not match the installed extension version Y".
//   * An entry point that needs objects of a newer SQL version than the installed one
//     (e.g. a trigger body that in 0.3.0 writes a column 0.3.0 adds, still attached by
//     0.2.0's SQL) calls require_extension_version("0.3.0", "…") first: the same error,
//     with HINT "Run ALTER EXTENSION hitlai UPDATE".
// Nothing is checked while an extension script runs (CREATE/ALTER EXTENSION), or when
// no hitlai extension exists in the database (functions bound by hand to the library).
#pragma once

namespace hitlai::pg {

// The oldest SQL version this library still serves. Raise it only when a release drops
// support for upgrading in place from older versions (then say so in the release notes).
inline constexpr const char* kOldestServedVersion = "0.1.0";

// Raises SQLSTATE 55000 unless the installed SQL version is one this library serves.
// Looks pg_extension up again only when the backend has received catalog invalidations
// since the last look (a version change sends some, received by the next transaction
// at the latest), or a transaction or subtransaction aborted since (it may have seen
// its own uncommitted change); every other call costs one integer comparison. Called at the entry of every HITLAI_FUNCTION (bridge.hpp)
// before any C++ object exists; it may ereport, so never call it while C++ objects with
// destructors are alive.
void check_extension_version();

// For entry points that need SQL objects added in `min_version`: raises 55000 with HINT
// "Run ALTER EXTENSION hitlai UPDATE" when the installed SQL version is older. `what`
// names the caller in the DETAIL (e.g. "trigger update_tester_stats"). Same cost and
// rules as check_extension_version().
void require_extension_version(const char* min_version, const char* what);

// The installed SQL version as seen by the latest check, or nullptr when no
// hitlai extension exists (runs the check first).
const char* installed_extension_version();

// Compares dotted version strings ("0.10.0" > "0.9.1"): numeric components compare as
// numbers, a missing component counts as 0, anything else compares bytewise.
// Returns <0, 0, >0. Pure; never raises.
int compare_versions(const char* a, const char* b) noexcept;

}  // namespace hitlai::pg
