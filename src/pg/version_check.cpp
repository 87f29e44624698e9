// Library / SQL version agreement (S9); the rule is in version_check.hpp.
//
// Everything here runs without C++ objects that have destructors: ereport may longjmp
// straight through these frames.
#include "pg/version_check.hpp"

#include "pg/bridge.hpp"

extern "C" {
#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/pg_extension.h"
#include "commands/extension.h"
#include "miscadmin.h"
#include "storage/proc.h"
#include "storage/sinval.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/rel.h"
}

#include <cstring>

#ifndef HITLAI_VERSION
#error "HITLAI_VERSION must be defined by the build (from hitlai.control)"
#endif

namespace {

constexpr const char* kExtensionName = "hitlai";
constexpr size_t kMaxVersion = 64;

// Whether a check passed, what it saw, and the number of shared invalidation messages
// this backend had received then (SharedInvalidMessageCounter). pg_extension is read
// again only after the backend received new ones: every change of the installed
// version sends some (ALTER EXTENSION's catalog updates, the DDL of its script, DROP and
// CREATE EXTENSION), and a backend receives them at the start of its next transaction
// at the latest, so a session that loaded this library before another session upgraded
// the SQL still notices at its first hitlai call after that upgrade committed. Other
// catalog changes (DDL, ANALYZE, autovacuum's relation statistics) only cause one more
// read. A quiet session pays one comparison per call, not one catalog scan per
// transaction.
//
// A look made inside a transaction or subtransaction that then aborts may have seen its
// own uncommitted change of pg_extension, and the abort sends no shared message: every
// abort therefore drops the result (the callbacks below).
bool checked = false;
uint64 checked_counter = 0;
bool extension_exists = false;
char installed[kMaxVersion];
bool callbacks_registered = false;

void forget_on_abort(XactEvent event, void*) {
  if (event == XACT_EVENT_ABORT || event == XACT_EVENT_PARALLEL_ABORT) checked = false;
}
void forget_on_subabort(SubXactEvent event, SubTransactionId, SubTransactionId, void*) {
  if (event == SUBXACT_EVENT_ABORT_SUB) checked = false;
}

// Reads pg_extension.extversion of hitlai into `out`; false when not installed.
bool read_installed_version(char* out, size_t size) {
  Relation rel = table_open(ExtensionRelationId, AccessShareLock);
  ScanKeyData key;
  ScanKeyInit(&key, Anum_pg_extension_extname, BTEqualStrategyNumber, F_NAMEEQ,
              CStringGetDatum(kExtensionName));
  SysScanDesc scan = systable_beginscan(rel, ExtensionNameIndexId, true, nullptr, 1, &key);
  HeapTuple tuple = systable_getnext(scan);
  bool found = HeapTupleIsValid(tuple);
  if (found) {
    bool isnull = false;
    Datum d = heap_getattr(tuple, Anum_pg_extension_extversion, RelationGetDescr(rel), &isnull);
    if (isnull)
      out[0] = '\0';
    else
      text_to_cstring_buffer(DatumGetTextPP(d), out, size);
  }
  systable_endscan(scan);
  table_close(rel, AccessShareLock);
  return found;
}

[[noreturn]] void raise_mismatch(const char* sql_version, const char* detail_fmt_arg,
                                 bool sql_too_new) {
  if (sql_too_new)
    ereport(ERROR,
            (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
             errmsg("hitlai library version %s does not match the installed extension "
                    "version %s",
                    HITLAI_VERSION, sql_version),
             errdetail("The loaded hitlai.so serves extension versions %s to %s; the "
                       "database's hitlai objects are version %s.",
                       hitlai::pg::kOldestServedVersion, HITLAI_VERSION, sql_version),
             errhint("Install hitlai.so of version %s (make install of the matching "
                     "release), then reconnect: a session keeps the library it loaded "
                     "before an upgrade.",
                     sql_version)));
  ereport(ERROR,
          (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
           errmsg("hitlai library version %s does not match the installed extension "
                  "version %s",
                  HITLAI_VERSION, sql_version),
           errdetail("%s", detail_fmt_arg),
           errhint("Run ALTER EXTENSION hitlai UPDATE.")));
  pg_unreachable();
}

// Compares one numeric-or-text component [a, a_end) with [b, b_end).
int compare_component(const char* a, const char* a_end, const char* b, const char* b_end) {
  auto digits = [](const char* p, const char* end) {
    const char* q = p;
    while (q < end && *q >= '0' && *q <= '9') ++q;
    return q;
  };
  const char* ad = digits(a, a_end);
  const char* bd = digits(b, b_end);
  if (ad > a && bd > b) {
    while (a < ad - 1 && *a == '0') ++a;  // leading zeros
    while (b < bd - 1 && *b == '0') ++b;
    if ((ad - a) != (bd - b)) return (ad - a) < (bd - b) ? -1 : 1;
    int c = std::memcmp(a, b, size_t(ad - a));
    if (c != 0) return c;
    a = ad;
    b = bd;
  }
  size_t an = size_t(a_end - a), bn = size_t(b_end - b);
  int c = std::memcmp(a, b, an < bn ? an : bn);
  if (c != 0) return c;
  return an == bn ? 0 : (an < bn ? -1 : 1);
}

}  // namespace

namespace hitlai::pg {

int compare_versions(const char* a, const char* b) noexcept {
  static const char zero[] = "0";  // a missing component counts as 0
  for (;;) {
    bool a_done = *a == '\0', b_done = *b == '\0';
    if (a_done && b_done) return 0;
    const char* a_end = a_done ? nullptr : std::strchr(a, '.');
    const char* b_end = b_done ? nullptr : std::strchr(b, '.');
    if (!a_done && !a_end) a_end = a + std::strlen(a);
    if (!b_done && !b_end) b_end = b + std::strlen(b);
    int c = compare_component(a_done ? zero : a, a_done ? zero + 1 : a_end,
                              b_done ? zero : b, b_done ? zero + 1 : b_end);
    if (c != 0) return c < 0 ? -1 : 1;
    if (!a_done) a = *a_end ? a_end + 1 : a_end;
    if (!b_done) b = *b_end ? b_end + 1 : b_end;
  }
}

void check_extension_version() {
  if (likely(checked && checked_counter == SharedInvalidMessageCounter)) return;
  // The extension's own scripts run against objects they are creating: nothing to check.
  if (creating_extension) return;
  if (!callbacks_registered) {
    RegisterXactCallback(forget_on_abort, nullptr);
    RegisterSubXactCallback(forget_on_subabort, nullptr);
    callbacks_registered = true;
  }
  const uint64 counter = SharedInvalidMessageCounter;  // before the read: a message that
                                                       // arrives during it forces another
  char version[kMaxVersion];
  bool exists = read_installed_version(version, sizeof version);
  if (exists) {
    if (compare_versions(version, HITLAI_VERSION) > 0) raise_mismatch(version, nullptr, true);
    if (compare_versions(version, kOldestServedVersion) < 0) {
      char detail[256];
      snprintf(detail, sizeof detail,
               "hitlai.so %s serves extension versions %s to %s; update the extension's "
               "SQL objects with an older release first.",
               HITLAI_VERSION, kOldestServedVersion, HITLAI_VERSION);
      raise_mismatch(version, detail, false);
    }
    std::memcpy(installed, version, sizeof installed);
  }
  extension_exists = exists;
  checked_counter = counter;
  checked = true;
}

void require_extension_version(const char* min_version, const char* what) {
  check_extension_version();
  if (!extension_exists || creating_extension) return;
  if (compare_versions(installed, min_version) >= 0) return;
  char detail[256];
  snprintf(detail, sizeof detail,
           "%s needs hitlai extension version %s or later; the database's hitlai objects "
           "are version %s.",
           what, min_version, installed);
  raise_mismatch(installed, detail, false);
}

const char* installed_extension_version() {
  check_extension_version();
  return extension_exists ? installed : nullptr;
}

}  // namespace hitlai::pg

// Test-only entry points (no SQL function is created for them; tests bind them with
// CREATE FUNCTION pg_temp.… AS 'hitlai', '…').

// hitlai_test_compare_versions(a text, b text) -> int4 (-1, 0, 1)
HITLAI_FUNCTION(hitlai_test_compare_versions) {
  char* a = text_to_cstring(PG_GETARG_TEXT_PP(0));
  char* b = text_to_cstring(PG_GETARG_TEXT_PP(1));
  return Int32GetDatum(hitlai::pg::compare_versions(a, b));
}

// hitlai_test_require_version(min text) -> text: the installed version, or the error of
// require_extension_version.
HITLAI_FUNCTION(hitlai_test_require_version) {
  char* min = text_to_cstring(PG_GETARG_TEXT_PP(0));
  hitlai::pg::require_extension_version(min, "test entry point");
  const char* v = hitlai::pg::installed_extension_version();
  if (!v) PG_RETURN_NULL();
  return CStringGetTextDatum(v);
}
