// Reading Supabase's auth.users from privileged code (SPEC S6, S7).
//
// hitlai's triggers and SECURITY DEFINER functions run as the superuser that owns
// hitlai's objects, while schema `auth` and the table `auth.users` may belong to a role
// that is not a superuser (Supabase: supabase_auth_admin; vanilla PostgreSQL: whoever
// made them, possibly the database owner of a trusted install). Reading a relation runs
// code its owner controls: a view's functions, and -- when a query is merely planned --
// the IMMUTABLE functions in the table's partial-index predicates, index expressions and
// extended statistics expressions. So auth.users is read only like this:
//
//   1. looked up by name and locked (AccessShareLock until the end of the transaction:
//      it can't be dropped, renamed or replaced between the check and the read);
//   2. used only if it is an ordinary table whose `id` column is a uuid (and, when the
//      caller needs it, whose `email` column is text or varchar);
//   3. queried FROM ONLY (no inheritance child) with the rights of the table's owner, in
//      a security-restricted operation (as PostgreSQL runs maintenance commands and
//      foreign-key checks): whatever the owner attached runs as the owner, never as
//      hitlai's superuser.
#pragma once

extern "C" {
#include "postgres.h"
}

namespace hitlai::pg {

// Runs `sql` (a read of auth.users, written FROM ONLY with qualified names) through SPI
// as described above. Returns the SPI result code (the rows are in SPI_tuptable), or -1
// when auth.users is missing or not usable (then nothing ran). The caller is connected
// to SPI. May raise a PostgreSQL error (no C++ object may be alive across the call
// unless it is made through guarded()).
int auth_users_query(const char* sql, int nargs, Oid* types, Datum* values, long tcount,
                     bool needs_email);

}  // namespace hitlai::pg
