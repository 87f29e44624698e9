#!/usr/bin/env bash
# S7: a schema `hitlai` that the database owner prepared is refused (nothing installed),
# however it was prepared, and no code the owner planted before or during CREATE
# EXTENSION runs as the superuser who runs the install script:
#   a. an empty schema made beforehand;
#   b. a schema holding look-alikes that an unqualified name in the script would bind
#      to: operators >=, <=, >, < (numeric, integer), which beat pg_catalog's for
#      `numeric_column >= 0`, and format(text, …) overloads that beat the variadic one;
#   c. the same, created in the same transaction as CREATE EXTENSION;
#   d. the schema of b, "refreshed" in the CREATE EXTENSION transaction by a GRANT
#      (its catalog row then carries that transaction's id);
#   e. a schema holding another trusted extension (citext, with operators and casts);
#   f. an empty schema made in the CREATE EXTENSION transaction with CREATE granted to
#      PUBLIC: if it is accepted, it must end up like a fresh one (superuser-owned, no
#      CREATE for anyone);
#   g. no schema, but the installing session holds temporary look-alikes of every
#      hitlai relation and type name (pg_temp is searched first for relations and
#      types): the install and hitlai's paths in that session use none of them.
# After each, the superuser's and the application roles' paths run (when hitlai got
# installed) and the probe must show no gain.
source "$(dirname "$0")/lib/sec.sh"
tap_plan 16
sec_init schema || exit 1
sec_supabase_auth
sec_refdb || exit 1

reset_db() {
  sec_su -c "DROP EXTENSION IF EXISTS hitlai CASCADE" -c "DROP SCHEMA IF EXISTS hitlai CASCADE" \
         -c "DROP EXTENSION IF EXISTS citext CASCADE" >/dev/null 2>&1
}
installed() { sec_su -c "SELECT count(*) FROM pg_extension WHERE extname = 'hitlai'"; }
# after an attempt: refused and nothing installed; if installed anyway, run hitlai's paths
refused() {  # DESC OUTPUT RC
  local n; n=$(installed)
  if [ "$n" = 0 ] && [ "$3" != 0 ]; then
    tap_ok 0 "$1"
    tap_diag "refused with: $(printf '%s\n' "$2" | grep -E 'ERROR|HINT' | head -2)"
  else
    tap_ok 1 "$1"; tap_diag "installed: $n, exit status $3: $2"
  fi
}
exercise() {
  [ "$(installed)" = 1 ] || return 0
  local e; e=$(sec_victim; sec_app); [ -n "$e" ] && tap_diag "$e"
}
ops_sql() {
  local op fn
  for op in '>=:ge' '<=:le' '>:gt' '<:lt'; do
    fn=${op#*:}; op=${op%%:*}
    sec_fn "hitlai.hl_${fn}(a numeric, b integer)" boolean "premade_op_$fn" "pg_catalog.numeric_$fn(a, b::pg_catalog.numeric)"
    echo "CREATE OPERATOR hitlai.$op (LEFTARG = numeric, RIGHTARG = integer, FUNCTION = hitlai.hl_$fn);"
  done
  local t
  for t in text regrole regprocedure regclass name; do
    sec_fn "hitlai.format(f text, a $t)" text "premade_format_$t" "pg_catalog.format(f, a)"
  done
  sec_fn "hitlai.format(f text, a text, b text)" text premade_format_3 "pg_catalog.format(f, a, b)"
}

# a. empty, made beforehand
reset_db
sec_owner -c "CREATE SCHEMA hitlai" >/dev/null
out=$(sec_install); rc=$?
refused "S7: CREATE EXTENSION into an empty schema hitlai the owner made beforehand is refused" "$out" $rc
exercise; sec_no_gain "S7: (a) no gain"

# b. look-alikes made beforehand
reset_db
{ echo "CREATE SCHEMA hitlai;"; ops_sql; } | sec_owner >/dev/null
out=$(sec_install); rc=$?
refused "S7: CREATE EXTENSION into a prepared schema holding planted operators and functions is refused" "$out" $rc
exercise; sec_no_gain "S7: (b) planted operators/functions never run with privilege"

# c. look-alikes in the same transaction
reset_db
out=$({ echo "BEGIN; CREATE SCHEMA hitlai;"; ops_sql; echo "CREATE EXTENSION hitlai; COMMIT;"; } | sec_owner 2>&1 >/dev/null); rc=$?
refused "S7: a schema prepared in the CREATE EXTENSION transaction, with planted objects, is refused" "$out" $rc
exercise; sec_no_gain "S7: (c) no gain"

# d. look-alikes made beforehand, the schema's row refreshed in the install transaction
reset_db
{ echo "CREATE SCHEMA hitlai;"; ops_sql; } | sec_owner >/dev/null
out=$(sec_owner -c "BEGIN" -c "GRANT USAGE ON SCHEMA hitlai TO PUBLIC" -c "COMMENT ON SCHEMA hitlai IS 'mine'" \
                -c "CREATE EXTENSION hitlai" -c "COMMIT" 2>&1 >/dev/null); rc=$?
refused "S7: a prepared schema touched in the CREATE EXTENSION transaction is still refused" "$out" $rc
exercise; sec_no_gain "S7: (d) no gain"

# e. another trusted extension in the prepared schema
reset_db
sec_owner -c "CREATE SCHEMA hitlai" -c "CREATE EXTENSION citext SCHEMA hitlai" >/dev/null 2>&1
out=$(sec_install); rc=$?
refused "S7: a prepared schema holding another extension (citext) is refused" "$out" $rc
exercise; sec_no_gain "S7: (e) no gain"

# f. empty, same transaction, CREATE granted to PUBLIC
reset_db
out=$(sec_owner -c "BEGIN" -c "CREATE SCHEMA hitlai" -c "GRANT CREATE ON SCHEMA hitlai TO PUBLIC" -c "GRANT ALL ON SCHEMA hitlai TO authenticated WITH GRANT OPTION" \
                -c "ALTER DEFAULT PRIVILEGES IN SCHEMA hitlai GRANT ALL ON TABLES TO PUBLIC" \
                -c "CREATE EXTENSION hitlai" -c "COMMIT" 2>&1 >/dev/null); rc=$?
if [ "$(installed)" = 1 ]; then
  tap_diag "(f) accepted; checking it is hardened like a fresh schema"
  got=$(sec_su -c "SELECT concat_ws(' ', CASE WHEN NOT r.rolsuper THEN 'owner ' || r.rolname END,
                                     (SELECT string_agg(e.grantee::regrole || ':' || e.privilege_type
                                                        || CASE WHEN e.is_grantable THEN '*' ELSE '' END, ',')
                                        FROM aclexplode(n.nspacl) e
                                       WHERE e.grantee <> n.nspowner AND (e.privilege_type = 'CREATE' OR e.is_grantable)))
                     FROM pg_namespace n JOIN pg_roles r ON r.oid = n.nspowner WHERE n.nspname = 'hitlai'")
  tap_is "$got" "" "S7: (f) a schema made in the install transaction ends up superuser-owned, CREATE and grant options for nobody"
else
  refused "S7: (f) a schema made in the install transaction with CREATE for PUBLIC is refused" "$out" $rc
fi
exercise; sec_no_gain "S7: (f) no gain"

# g. temporary look-alikes in the installing session, then hitlai used in that session
reset_db
out=$({ sec_temp_plants_sql; echo "CREATE EXTENSION hitlai;"; } | sec_owner 2>&1 >/dev/null); rc=$?
tap_is "$rc:$(installed)" "0:1" "S7: the owner installs hitlai from a session holding temporary look-alikes of its relations"
[ "$rc" = 0 ] || tap_diag "$out"
out=$({ sec_temp_plants_sql; cat "$SEC_LIB/victim.sql"; } \
       | psql -X -q -A -t -v ON_ERROR_STOP=0 -U "$SEC_OWNER" -d "$SEC_DB" 2>&1 >/dev/null | grep ERROR)
sec_none "$out" "S7: hitlai's paths run without error in a session holding temporary look-alikes"
sec_no_gain "S7: (g) temporary look-alikes never run with privilege (install, SECURITY DEFINER functions, triggers)"
tap_is "$(sec_su -c "SELECT r.rolsuper FROM pg_namespace n JOIN pg_roles r ON r.oid = n.nspowner WHERE n.nspname = 'hitlai'")" t \
  "S7: schema hitlai made by CREATE EXTENSION belongs to a superuser"
