#include "pg/settings.hpp"

#include "pg/bridge.hpp"

extern "C" {
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/guc.h"
#include "utils/rls.h"
}

#include <cstring>

namespace {
bool restore_mode = false;
}

namespace hitlai::pg {

void define_settings() {
  DefineCustomBoolVariable(
      "hitlai.restore_mode",
      "Skips hitlai's trigger side effects while a dump is restored (privileged roles only).",
      "Set it for a pg_restore session: PGOPTIONS='-c hitlai.restore_mode=on'. "
      "Restored rows already carry their counters.",
      &restore_mode, false, PGC_USERSET, 0, nullptr, nullptr, nullptr);
  define_tenant_settings();  // company_limits.cpp
  MarkGUCPrefixReserved("hitlai");
}

namespace {

// The outer user: the session's role (or SET ROLE), not a SECURITY DEFINER owner.
bool outer_user_is_privileged(Oid who) {
  return superuser_arg(who) || has_bypassrls_privilege(who);
}

// A session of pg_restore itself: it names itself "pg_restore" and turns row_security
// off (unless --enable-row-security). Only a privileged role counts: for anyone else
// nothing is skipped (and the application name proves nothing).
bool looks_like_pg_restore() {
  return !row_security && application_name &&
         std::strcmp(application_name, "pg_restore") == 0 &&
         outer_user_is_privileged(GetOuterUserId());
}

}  // namespace

bool restore_mode_active() {
  if (!restore_mode) return looks_like_pg_restore();
  Oid who = GetOuterUserId();
  if (!outer_user_is_privileged(who))
    ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
                    errmsg("hitlai.restore_mode is only for privileged roles"),
                    errdetail("Role \"%s\" is neither superuser nor BYPASSRLS.",
                              GetUserNameFromId(who, false)),
                    errhint("Reset hitlai.restore_mode; it is meant for pg_restore sessions.")));
  return true;
}

}  // namespace hitlai::pg

// hitlai.restore_mode_active() -> boolean: whether trigger side effects are skipped now.
HITLAI_FUNCTION(hitlai_restore_mode_active) {
  return BoolGetDatum(hitlai::pg::restore_mode_active());
}
