// Reading auth.users from privileged code: see auth_users.hpp.
#include "pg/auth_users.hpp"

#include "pg/compat.hpp"

extern "C" {
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type_d.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "storage/lmgr.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"
}

#include <initializer_list>

namespace hitlai::pg {

namespace {

bool column_has_type(Oid rel, const char* name, std::initializer_list<Oid> types) {
  AttrNumber att = get_attnum(rel, name);
  if (att == InvalidAttrNumber) return false;
  Oid t = get_atttype(rel, att);
  for (Oid ok : types)
    if (t == ok) return true;
  return false;
}

}  // namespace

int auth_users_query(const char* sql, int nargs, Oid* types, Datum* values, long tcount,
                     bool needs_email) {
  RangeVar* rv = makeRangeVar(const_cast<char*>("auth"), const_cast<char*>("users"), -1);
  Oid rel = RangeVarGetRelid(rv, AccessShareLock, true);
  if (!OidIsValid(rel) || get_rel_relkind(rel) != RELKIND_RELATION) return -1;
  if (!column_has_type(rel, "id", {UUIDOID})) return -1;
  if (needs_email && !column_has_type(rel, "email", {TEXTOID, VARCHAROID})) return -1;

  HeapTuple tup = SearchSysCache1(RELOID, ObjectIdGetDatum(rel));
  if (!HeapTupleIsValid(tup)) return -1;
  Oid owner = reinterpret_cast<Form_pg_class>(GETSTRUCT(tup))->relowner;
  ReleaseSysCache(tup);

  // The owner's code may run while the query is planned or executed (an IMMUTABLE
  // function in a partial index predicate is evaluated by the planner). It runs as the
  // owner, in a security-restricted operation, and inside a GUC nest level of its own,
  // as ANALYZE runs a table owner's code: a setting it changes, even with
  // set_config(..., false), is undone when the query is done, so it can't leave the
  // caller's session (a superuser's) with its search_path. On an error the
  // (sub)transaction's abort undoes it.
  Oid save_user;
  int save_sec;
  GetUserIdAndSecContext(&save_user, &save_sec);
  int rc;
  SetUserIdAndSecContext(owner, save_sec | SECURITY_LOCAL_USERID_CHANGE |
                                    SECURITY_RESTRICTED_OPERATION);
  const int save_nestlevel = NewGUCNestLevel();
  PG_TRY();
  {
    rc = SPI_execute_with_args(sql, nargs, types, values, nullptr, false, tcount);
    AtEOXact_GUC(false, save_nestlevel);
  }
  PG_FINALLY();
  {
    SetUserIdAndSecContext(save_user, save_sec);
  }
  PG_END_TRY();
  return rc;
}

}  // namespace hitlai::pg
