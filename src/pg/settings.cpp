#include "pg/settings.hpp"

#include "pg/bridge.hpp"

extern "C" {
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/guc.h"
}

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
  MarkGUCPrefixReserved("hitlai");
}

bool restore_mode_active() {
  if (!restore_mode) return false;
  // The outer user: the session's role (or SET ROLE), not a SECURITY DEFINER owner.
  Oid who = GetOuterUserId();
  if (!superuser_arg(who) && !has_bypassrls_privilege(who))
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
