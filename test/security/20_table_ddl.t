#!/usr/bin/env bash
# S7/S10/G1: code attached to hitlai's tables. Every attacker (the installing owner, here
# with CREATEROLE, service_role, authenticated, anon) tries, on every hitlai table, to
# attach code that hitlai's privileged paths would run: triggers (row and statement),
# rules, policies, CHECK constraints, index expressions, inheritance children, extended
# statistics, ownership, grants it has no option for, disabling triggers or RLS,
# TRUNCATE, and REFERENCES (a foreign key with ON DELETE SET DEFAULT calling planted
# code; a foreign key from a type with an implicit cast through planted code, whose
# check query PostgreSQL runs as the referenced table's owner). The CREATEROLE owner
# also tries to join or become the roles that own hitlai's objects. Then the superuser
# and the application roles use hitlai (lib/victim.sql, lib/app.sql): no planted code
# may run with privilege, no attacker may gain anything, and hitlai's catalog is
# unchanged. (GRANTs an attacker has no option for are caught by sec_excess: PostgreSQL
# only warns about them.)
source "$(dirname "$0")/lib/sec.sh"
tap_plan 14
sec_init tables createrole || exit 1
sec_supabase_auth
err=$(sec_install); tap_ok $? "S7: the database owner (CREATEROLE) installs hitlai (trusted)"
[ -n "$err" ] && tap_diag "$err"
sec_evil_schema
before=$(sec_fingerprint)
company=$(sec_su -c "INSERT INTO hitlai.companies (name, email) VALUES ('Target', 'target@co.test') RETURNING id")

attempts() {  # statements against every table
  local t
  for t in $(sec_hitlai_tables); do
    cat <<SQL
CREATE TRIGGER hl_evil_row_$1 AFTER INSERT OR UPDATE OR DELETE ON hitlai.$t FOR EACH ROW EXECUTE FUNCTION evil.plant_trg()
CREATE TRIGGER hl_evil_stmt_$1 AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON hitlai.$t FOR EACH STATEMENT EXECUTE FUNCTION evil.plant_trg()
CREATE CONSTRAINT TRIGGER hl_evil_con_$1 AFTER INSERT OR UPDATE OR DELETE ON hitlai.$t FOR EACH ROW EXECUTE FUNCTION evil.plant_trg()
CREATE RULE hl_evil_$1 AS ON INSERT TO hitlai.$t DO ALSO SELECT evil.plant_bool()
CREATE RULE hl_evil_upd_$1 AS ON UPDATE TO hitlai.$t DO ALSO SELECT evil.plant_bool()
CREATE POLICY hl_evil_$1 ON hitlai.$t USING (evil.plant_bool()) WITH CHECK (evil.plant_bool())
ALTER TABLE hitlai.$t ADD CONSTRAINT hl_evil_$1 CHECK (evil.plant_bool()) NOT VALID
ALTER TABLE hitlai.$t ALTER COLUMN id SET DEFAULT evil.plant_uuid()
CREATE INDEX hl_evil_$1 ON hitlai.$t ((evil.plant_bool()))
CREATE STATISTICS evil.hl_evil_$1_$t ON (evil.plant_bool()), id FROM hitlai.$t
CREATE TABLE evil.hl_child_$1_$t () INHERITS (hitlai.$t)
ALTER TABLE hitlai.$t DISABLE TRIGGER ALL
ALTER TABLE hitlai.$t DISABLE ROW LEVEL SECURITY
ALTER TABLE hitlai.$t NO FORCE ROW LEVEL SECURITY
ALTER TABLE hitlai.$t OWNER TO CURRENT_USER
COMMENT ON TABLE hitlai.$t IS 'owned'
undo TRUNCATE hitlai.$t
CREATE TABLE evil.hl_fk_$1_$t (c uuid DEFAULT evil.plant_uuid() REFERENCES hitlai.$t (id) ON DELETE SET DEFAULT ON UPDATE SET DEFAULT)
CREATE TABLE evil.hl_fkc_$1_$t (c evil.ct REFERENCES hitlai.$t (id))
SQL
  done
  # the implicit cast runs in the foreign key's check query (as the referenced table's owner)
  echo "INSERT INTO evil.hl_fkc_$1_companies VALUES (ROW('$company'))"
}

# least privileged first; after each attacker, whether its own statements gained it anything
for who in anon authenticated service_role owner; do
  gained=$(attempts "${who%_role}" | sec_try $who)
  sec_none "$gained" "S7/G1: $who attaches no code to hitlai's tables, truncates none and references none"
  sec_no_gain "S7/S10: $who's attempts ran no planted code with privilege and gained nothing"
done

# the CREATEROLE owner and the roles that own hitlai's objects
owners=$(sec_su -c "SELECT DISTINCT o::regrole FROM (SELECT relowner FROM pg_class WHERE relnamespace = 'hitlai'::regnamespace
                      UNION SELECT proowner FROM pg_proc WHERE pronamespace = 'hitlai'::regnamespace
                      UNION SELECT nspowner FROM pg_namespace WHERE nspname = 'hitlai') s(o)")
gained=$(for r in $owners; do
  echo "GRANT $r TO CURRENT_USER"
  echo "SET ROLE $r"
  echo "CREATE ROLE hl_sec_evil_tables_m IN ROLE $r"
  echo "ALTER ROLE $r PASSWORD 'x'"
done | sec_try owner)
sec_none "$gained" "S7: the CREATEROLE owner can neither join nor become the owners of hitlai's objects ($(echo $owners))"

err=$(sec_victim); [ -n "$err" ] && tap_diag "victim: $err"
err=$(sec_app); [ -n "$err" ] && tap_diag "app: $err"
sec_su -c "DELETE FROM hitlai.companies WHERE id = '$company'" >/dev/null 2>&1
sec_no_gain "S7/S10: after the attempts, hitlai's privileged paths run no planted code and no attacker gained anything"
sec_same_catalog "$before" "S7: hitlai's catalog is unchanged by the attempts"
sec_none "$(sec_excess)" "S7/G1: no attacker holds more than G1 afterwards"
tap_is "$(sec_su -c "SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
                     WHERE c.relnamespace = 'hitlai'::regnamespace AND t.tgname LIKE 'hl\_evil%'")" 0 \
  "S7: no planted trigger is on a hitlai table"
