#!/usr/bin/env bash
# S7: hitlai is trusted: the non-superuser owner of a database installs it, administers
# it, and a hostile search_path captures nothing. The owner is made like Supabase's
# `postgres` role: not superuser, BYPASSRLS (privileged in the sense of A2).
set -uo pipefail
source "$(dirname "$0")/lib/tap.sh"
BIN=$(dirname "$HL_PG_CONFIG")
db=hl_rls_trusted owner=hl_rls_dbowner app=hl_rls_trusted_app
# A trusted extension's script runs as the bootstrap superuser only if the control file
# says superuser = true; with superuser = false it would run as the installing role,
# which may not CREATE FUNCTION … LANGUAGE c.
su() { "$BIN/psql" -X -q -At -v ON_ERROR_STOP=1 "$@"; }
as_owner() { "$BIN/psql" -X -q -At -v ON_ERROR_STOP=1 -U $owner -d $db "$@"; }
cleanup() {
  su -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1
  su -d postgres -c "DROP ROLE IF EXISTS $app" >/dev/null 2>&1
  su -d postgres -c "DROP ROLE IF EXISTS $owner" >/dev/null 2>&1
}
cleanup
trap cleanup EXIT
tap_plan 7

su -d postgres -c "CREATE ROLE $owner LOGIN NOSUPERUSER NOCREATEROLE NOCREATEDB BYPASSRLS" \
               -c "CREATE ROLE $app NOLOGIN" -c "GRANT $app TO $owner" \
               -c "CREATE DATABASE $db OWNER $owner" || exit 1

# A hostile schema first on the search_path: look-alikes of functions the install script
# and hitlai's functions use. Any call of one of them fails the install or the test.
as_owner >/dev/null <<'SQL'
CREATE SCHEMA evil;
CREATE FUNCTION evil.trap() RETURNS void LANGUAGE plpgsql AS $$ BEGIN RAISE 'captured by evil'; END $$;
CREATE FUNCTION evil.now() RETURNS timestamptz LANGUAGE plpgsql AS $$ BEGIN PERFORM evil.trap(); END $$;
CREATE FUNCTION evil.gen_random_uuid() RETURNS uuid LANGUAGE plpgsql AS $$ BEGIN PERFORM evil.trap(); END $$;
CREATE FUNCTION evil.to_regclass(text) RETURNS regclass LANGUAGE plpgsql AS $$ BEGIN PERFORM evil.trap(); END $$;
CREATE FUNCTION evil.to_regrole(text) RETURNS regrole LANGUAGE plpgsql AS $$ BEGIN PERFORM evil.trap(); END $$;
CREATE FUNCTION evil.uid() RETURNS uuid LANGUAGE plpgsql AS $$ BEGIN PERFORM evil.trap(); END $$;
CREATE FUNCTION evil.normalize_email(text) RETURNS text LANGUAGE plpgsql AS $$ BEGIN PERFORM evil.trap(); END $$;
CREATE FUNCTION evil.eq(uuid, uuid) RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN PERFORM evil.trap(); END $$;
CREATE OPERATOR evil.= (LEFTARG = uuid, RIGHTARG = uuid, FUNCTION = evil.eq);
CREATE TABLE evil.company_members (company_id uuid, user_id uuid, role text, joined_at timestamptz);
SQL
out=$(as_owner -c "SET search_path = evil, pg_catalog, public" -c "CREATE EXTENSION hitlai" 2>&1)
rc=$?; [ -n "$out" ] && printf '# %s\n' "$out"
tap_ok $rc "S7: a non-superuser database owner creates the extension (trusted), hostile search_path set"

ext_owner=$(su -d $db -c "SELECT extowner::regrole FROM pg_extension WHERE extname = 'hitlai'")
[ "$ext_owner" = "$owner" ]
tap_ok $? "S7: the extension belongs to the database owner ($ext_owner)"

policies=$(su -d $db -c "SELECT count(*) FROM pg_policies WHERE schemaname = 'hitlai'")
[ "$policies" = 30 ]  # A2 matrix 25, plan_tiers_select (D17), webhook_deliveries_select (W6), privileged-only 3
tap_ok $? "S7/A2: the policies are installed ($policies)"

as_owner -c "SET search_path = evil, pg_catalog, public" -c "SELECT hitlai.grant_app_role('$app')" >/dev/null
tap_ok $? "S7/G1: the database owner gives an application role the application privileges"

as_owner -c "SET search_path = evil, pg_catalog, public" \
  -c "INSERT INTO hitlai.milestones (phase, tests_required) VALUES ('launch', 10)" \
  -c "SELECT count(*) FROM hitlai.milestones" >/dev/null
tap_ok $? "S7: the database owner administers hitlai's tables (privileged)"

got=$(as_owner <<SQL
SET search_path = evil, pg_catalog, public;
BEGIN;
SET LOCAL ROLE $app;
SET LOCAL request.jwt.claims = '{"sub":"10000000-0000-4000-8000-0000000000a1"}';
SELECT hitlai.create_company('Alpha', 'ops@alpha.test') IS NOT NULL;
SELECT count(*) FROM hitlai.company_members WHERE role = 'owner';
ROLLBACK;
SQL
)
[ "$(printf '%s' "$got" | tr '\n' ' ')" = "t 1" ]
tap_ok $? "S7/A2: under a hostile search_path hitlai's functions and policies call only their own (got: $(printf '%s' "$got" | tr '\n' ' '))"

as_owner -c "DROP EXTENSION hitlai" >/dev/null
tap_ok $? "S7: the database owner drops the extension"
tap_done
