#!/usr/bin/env bash
# S7/S9: older versions and upgrades.
#   * Versions whose scripts predate the S7 hardening (0.1.0, 0.2.0) are not trusted: a
#     non-superuser database owner can't install them.
#   * An install of 0.2.0 made as a trusted install (the state 0.2.0 left: the installing
#     owner owns the extension and schema hitlai and holds ALL on every table; emulated
#     here by the superuser) where the owner then planted code, followed by the owner's
#     ALTER EXTENSION hitlai UPDATE:
#       i.   triggers on hitlai's tables, and temporary look-alikes of hitlai's relation
#            names in the updating session: the update runs none of them, removes them, and
#            leaves the install as hardened as a fresh one (G1, schema owner);
#       ii.  look-alike operators and functions in schema hitlai: refused, no planted
#            code runs during the attempt;
#       iii. the same look-alikes added to the extension with ALTER EXTENSION ADD (an
#            extension owner's right): refused, or removed by the update; never trusted.
source "$(dirname "$0")/lib/sec.sh"
tap_plan 14
sec_init versions || exit 1
sec_supabase_auth
sec_refdb || exit 1
newest=$(sed -n "s/^default_version *= *'\([^']*\)'.*/\1/p" "$SEC_ROOT/hitlai.control")
version() { sec_su -c "SELECT coalesce((SELECT extversion FROM pg_extension WHERE extname = 'hitlai'), 'none')"; }

for v in 0.1.0 0.2.0; do
  out=$(sec_owner -c "CREATE EXTENSION hitlai VERSION '$v'" 2>&1); rc=$?
  got=$(version)
  tap_ok $([ "$rc" != 0 ] && [ "$got" = none ]; echo $?) \
    "S7: the database owner (not superuser) can't install hitlai $v (installed: $got)"
  [ "$rc" = 0 ] || tap_diag "$(printf '%s\n' "$out" | grep ERROR)"
  sec_su -c "DROP EXTENSION IF EXISTS hitlai CASCADE" >/dev/null
done

as_020() {  # the state a trusted install of 0.2.0 by the owner left
  sec_su >/dev/null <<SQL
DROP EXTENSION IF EXISTS hitlai CASCADE;
DROP SCHEMA IF EXISTS hitlai CASCADE;
CREATE EXTENSION hitlai VERSION '0.2.0';
UPDATE pg_extension SET extowner = '$SEC_OWNER'::regrole WHERE extname = 'hitlai';
ALTER SCHEMA hitlai OWNER TO $SEC_OWNER;
GRANT USAGE ON SCHEMA hitlai TO $SEC_OWNER;
GRANT ALL ON ALL TABLES IN SCHEMA hitlai TO $SEC_OWNER;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA hitlai TO $SEC_OWNER;
SQL
}
lookalikes() {
  sec_fn 'hitlai.hl_ge(a numeric, b integer)' boolean upgrade_op 'pg_catalog.numeric_ge(a, b::pg_catalog.numeric)'
  echo "CREATE OPERATOR hitlai.>= (LEFTARG = numeric, RIGHTARG = integer, FUNCTION = hitlai.hl_ge);"
  sec_fn 'hitlai.hl_le(a numeric, b integer)' boolean upgrade_op 'pg_catalog.numeric_le(a, b::pg_catalog.numeric)'
  echo "CREATE OPERATOR hitlai.<= (LEFTARG = numeric, RIGHTARG = integer, FUNCTION = hitlai.hl_le);"
  sec_fn 'hitlai.format(f text, a text)' text upgrade_format 'pg_catalog.format(f, a)'
  sec_fn 'hitlai.format(f text, a regrole)' text upgrade_format 'pg_catalog.format(f, a)'
}

# i. planted triggers, then the owner updates
as_020
sec_evil_schema
sec_owner >/dev/null <<'SQL'
CREATE TRIGGER hl_evil_row BEFORE INSERT OR UPDATE OR DELETE ON hitlai.companies FOR EACH ROW EXECUTE FUNCTION evil.plant_trg();
CREATE TRIGGER hl_evil_stmt AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON hitlai.companies FOR EACH STATEMENT EXECUTE FUNCTION evil.plant_trg();
CREATE TRIGGER hl_evil_row AFTER INSERT OR UPDATE OR DELETE ON hitlai.test_runs FOR EACH ROW EXECUTE FUNCTION evil.plant_trg();
CREATE TRIGGER hl_evil_row AFTER INSERT OR UPDATE OR DELETE ON hitlai.company_members FOR EACH ROW EXECUTE FUNCTION evil.plant_trg();
SQL
# the owner's session also holds temporary look-alikes of hitlai's relations and types
out=$({ sec_temp_plants_sql; echo "ALTER EXTENSION hitlai UPDATE;"; } | sec_owner 2>&1 >/dev/null); rc=$?
[ -n "$out" ] && tap_diag "ALTER EXTENSION hitlai UPDATE: $(printf '%s\n' "$out" | head -4)"
sec_no_gain "S7: (i) the update runs no planted trigger or temporary look-alike with privilege"
tap_is "$rc:$(version)" "0:$newest" "S9: (i) the owner updates a 0.2.0 install with planted triggers to $newest"
tap_is "$(sec_su -c "SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
                     WHERE c.relnamespace = 'hitlai'::regnamespace AND t.tgname LIKE 'hl\_evil%'")" 0 \
  "S7: (i) the update removed the planted triggers"
sec_none "$(sec_excess)" "S7/G1: (i) after the update no attacker holds more than G1 (grants repaired, schema taken back)"
err=$(sec_victim; sec_app); [ -n "$err" ] && tap_diag "$err"
sec_no_gain "S7: (i) after the update, hitlai's paths run no planted code with privilege"

# ii. look-alikes in schema hitlai, then the owner updates
as_020
lookalikes | sec_owner >/dev/null
out=$(sec_owner -c "ALTER EXTENSION hitlai UPDATE" 2>&1); rc=$?
tap_is "$rc:$(version)" "1:0.2.0" "S7: (ii) updating an install whose schema holds planted operators/functions is refused"
tap_diag "$(printf '%s\n' "$out" | grep -E 'ERROR|NOTICE' | head -2)"
sec_no_gain "S7: (ii) the attempted update runs no planted code with privilege"

# iii. look-alikes added to the extension, then the owner updates
as_020
{ lookalikes
  echo "ALTER EXTENSION hitlai ADD OPERATOR hitlai.>= (numeric, integer);"
  echo "ALTER EXTENSION hitlai ADD OPERATOR hitlai.<= (numeric, integer);"
  echo "ALTER EXTENSION hitlai ADD FUNCTION hitlai.hl_ge(numeric, integer);"
  echo "ALTER EXTENSION hitlai ADD FUNCTION hitlai.hl_le(numeric, integer);"
  echo "ALTER EXTENSION hitlai ADD FUNCTION hitlai.format(text, text);"
  echo "ALTER EXTENSION hitlai ADD FUNCTION hitlai.format(text, regrole);"; } | sec_owner >/dev/null
out=$(sec_owner -c "ALTER EXTENSION hitlai UPDATE" 2>&1); rc=$?
tap_diag "(iii) ALTER EXTENSION hitlai UPDATE: exit $rc, now $(version) $(printf '%s\n' "$out" | grep -E 'ERROR' | head -1)"
sec_no_gain "S7: (iii) the attempted update runs no planted code with privilege"
left=$(sec_su -c "SELECT coalesce(string_agg(x, ', '), '') FROM (
                    SELECT p.oid::regprocedure::text AS x FROM pg_proc p JOIN pg_roles r ON r.oid = p.proowner
                     WHERE p.pronamespace = 'hitlai'::regnamespace AND NOT r.rolsuper
                    UNION ALL SELECT o.oid::regoperator::text FROM pg_operator o JOIN pg_roles r ON r.oid = o.oprowner
                     WHERE o.oprnamespace = 'hitlai'::regnamespace AND NOT r.rolsuper) s")
tap_ok $([ "$rc" != 0 ] || [ -z "$left" ]; echo $?) \
  "S7: (iii) members the owner added to the extension are not trusted: the update is refused or removes them"
[ "$rc" = 0 ] && [ -n "$left" ] && tap_diag "left in schema hitlai after the update, owned by a non-superuser: $left"
if [ "$(version)" = "$newest" ]; then
  err=$(sec_victim; sec_app); [ -n "$err" ] && tap_diag "$err"
fi
sec_no_gain "S7: (iii) afterwards, hitlai's paths run no planted code with privilege"

# iv. the grants of an install of 0.4.0, which gave the anonymous role every function that
#     is neither SECURITY DEFINER nor an admin function, after the owner's update: the
#     anonymous role executes only what its statements need (G1), the application role
#     keeps what it had.
anon_fns() { sec_su -c "SELECT coalesce(string_agg(p.oid::regprocedure::text, ',' ORDER BY 1), '')
                          FROM pg_proc p WHERE p.pronamespace = 'hitlai'::regnamespace
                           AND has_function_privilege('$1', p.oid, 'EXECUTE')"; }
sec_su -c "DROP EXTENSION IF EXISTS hitlai CASCADE" >/dev/null 2>&1
sec_su -c "DROP SCHEMA IF EXISTS hitlai CASCADE" >/dev/null 2>&1
out=$(sec_owner -c "CREATE EXTENSION hitlai VERSION '0.4.0'" 2>&1) || tap_diag "$out"
anon_before=$(anon_fns anon) app_before=$(anon_fns authenticated)
out=$(sec_owner -c "ALTER EXTENSION hitlai UPDATE" 2>&1) || tap_diag "$out"
tap_is "$(version):$(anon_fns anon)" "$newest:hitlai.check_text_list(text[],text,text)" \
  "G1: (iv) after the update of a 0.4.0 install, anon executes only check_text_list (before: ${anon_before//,/ })"
tap_is "$(anon_fns authenticated)" "$app_before" "G1: (iv) the update leaves the application role's functions as they were"
