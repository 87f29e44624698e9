#!/usr/bin/env bash
# S7/S10/G1/A5: hitlai's functions called with hostile arguments, settings an attacker
# may change, and service_role (and the owner) reaching for more than G1.
#   * Every hitlai function an attacker may execute, called by every attacker with
#     SQL-injection-looking strings in every text, text[] and jsonb argument, and with
#     privileged roles (the bootstrap superuser, pg_* roles, the other attackers, a role
#     whose name is an injection, made by the CREATEROLE owner) in every regrole one.
#   * Settings any role may change: hitlai.restore_mode (must not let an application
#     role skip the write guards), request.jwt.claims (hostile, malformed, huge: never an
#     error from hitlai.uid(), never a privilege), session_replication_role (superuser
#     only, would skip every trigger).
#   * service_role and the owner try DDL, ownership, grants and maintenance on hitlai's
#     objects beyond G1.
# Afterwards nobody may hold more than G1, and no planted code may have run with
# privilege.
source "$(dirname "$0")/lib/sec.sh"
tap_plan 12
sec_init funcs createrole || exit 1
sec_supabase_auth
err=$(sec_install); tap_ok $? "S7: the database owner (CREATEROLE) installs hitlai (trusted)"
[ -n "$err" ] && tap_diag "$err"
sec_evil_schema
evil_role='hl_sec_evil_funcs"; ALTER ROLE '"$SEC_OWNER"' SUPERUSER; --'
sec_owner -c "CREATE ROLE \"${evil_role//\"/\"\"}\" NOLOGIN" >/dev/null

# the calls: one statement each, generated from the catalog
calls=$(sec_su <<SQL
WITH s(v) AS (VALUES
  (\$v\$x'); ALTER ROLE $SEC_OWNER SUPERUSER; SELECT evil.plant_bool(); --\$v\$),
  (\$v\$x"); SELECT evil.plant_bool(); --\$v\$),
  (\$v\$'||evil.plant_bool()||'\$v\$),
  (\$v\$\$\$; SELECT evil.plant_bool(); \$\$\$v\$),
  (\$v\$%I %L %s evil.plant_bool() \\\\ \$1\$v\$),
  (\$v\$evil.hl_t WHERE evil.plant_bool()\$v\$)),
r(v) AS (VALUES ('postgres'), ('pg_execute_server_program'), ('pg_write_server_files'), ('pg_read_all_data'),
                ('pg_database_owner'), ('$SEC_OWNER'), ('service_role'), ('authenticator'),
                (\$v\$$evil_role\$v\$)),
f AS (SELECT p.oid, p.proargtypes::oid[] AS types, p.pronargs
        FROM pg_proc p
       WHERE p.pronamespace = 'hitlai'::regnamespace AND p.prokind = 'f'
         AND p.prorettype <> 'trigger'::regtype),
arg(oid, vals) AS (
  SELECT f.oid, (SELECT string_agg(CASE t
                   WHEN 'text'::regtype THEN quote_literal(s.v) || '::text'
                   WHEN 'text[]'::regtype THEN 'ARRAY[' || quote_literal(s.v) || ']::text[]'
                   WHEN 'jsonb'::regtype THEN 'jsonb_build_object(' || quote_literal(s.v) || ', ' || quote_literal(s.v) || ')'
                   WHEN 'json'::regtype THEN 'json_build_object(' || quote_literal(s.v) || ', ' || quote_literal(s.v) || ')'
                   WHEN 'uuid'::regtype THEN '''a0000000-0000-4000-8000-000000000001''::uuid'
                   WHEN 'boolean'::regtype THEN 'true'
                   WHEN 'regrole'::regtype THEN quote_literal(quote_ident(r.v)) || '::regrole'
                   WHEN 'integer'::regtype THEN '1' WHEN 'bigint'::regtype THEN '1::bigint'
                   WHEN 'smallint'::regtype THEN '1::smallint' WHEN 'numeric'::regtype THEN '1::numeric'
                   ELSE 'NULL::' || t::regtype END, ', ' ORDER BY i)
                   FROM unnest(f.types) WITH ORDINALITY u(t, i))
    FROM f, s, r
   WHERE (r.v = 'postgres' OR 'regrole'::regtype = ANY (f.types))
     AND (s.v LIKE 'x''%' OR 'text'::regtype = ANY (f.types) OR 'text[]'::regtype = ANY (f.types)
          OR 'jsonb'::regtype = ANY (f.types) OR 'json'::regtype = ANY (f.types)))
SELECT DISTINCT format('SELECT %s.%I(%s);', 'hitlai', p.proname, coalesce(a.vals, ''))
  FROM arg a JOIN pg_proc p ON p.oid = a.oid;
SQL
)
tap_diag "$(printf '%s\n' "$calls" | wc -l) hostile calls of $(printf '%s\n' "$calls" | sed 's/(.*//' | sort -u | wc -l) functions, per attacker"
claims='SET request.jwt.claims = '\''{"sub":"a0000000-0000-4000-8000-000000000001"}'\'';'
for who in anon authenticated service_role owner; do
  script=$(printf 'SET statement_timeout = %s;\n%s\n%s\n' "'5s'" "$claims" "$calls")
  if [ $who = owner ]; then printf '%s\n' "$script" | sec_owner -v ON_ERROR_STOP=0 >/dev/null 2>&1
  else printf '%s\n' "$script" | sec_as $who -v ON_ERROR_STOP=0 >/dev/null 2>&1; fi
done
sec_no_gain "S7/S10: hostile arguments to every hitlai function, from every attacker, gain nothing"
sec_none "$(sec_excess)" "S7/G1: after grant_app_role/grant_anon_role on privileged and hostile roles, nobody holds more than G1"

# settings
sec_as authenticated -v ON_ERROR_STOP=0 >/dev/null 2>&1 <<'SQL'
SET request.jwt.claims = '{"sub":"a0000000-0000-4000-8000-000000000005"}';
SET hitlai.restore_mode = on;
INSERT INTO hitlai.human_testers (user_id, email, display_name, is_verified, total_earnings, equity_percentage)
VALUES ('a0000000-0000-4000-8000-000000000005', 'restore@t.test', 'R', true, 1000, 50);
SET ROLE anon;
INSERT INTO hitlai.early_adopter_apps (company_name, contact_name, email, selected_tier, status)
VALUES ('R', 'R', 'restore@a.test', 'founding', 'approved');
SQL
got=$(sec_su -c "SELECT (SELECT count(*) FROM hitlai.human_testers WHERE is_verified OR total_earnings > 0 OR equity_percentage > 0)
                     || ',' || (SELECT count(*) FROM hitlai.early_adopter_apps WHERE status <> 'pending')")
tap_is "$got" "0,0" "A2/S8: hitlai.restore_mode set by an application role does not let it write protected columns"

got=$(for who in authenticated service_role; do
  printf 'SET session_replication_role = replica;\n' | sec_as $who 2>/dev/null && echo "$who may"
done; printf 'SET session_replication_role = replica;\n' | sec_owner 2>/dev/null && echo "owner may")
tap_is "$got" "" "S7: no attacker may set session_replication_role (which would skip hitlai's triggers)"

got=$(sec_as authenticated -v ON_ERROR_STOP=0 2>&1 <<'SQL'
SET request.jwt.claims = $$x'); ALTER ROLE authenticated SUPERUSER; --$$;
SELECT coalesce(hitlai.uid()::text, 'null');
SET request.jwt.claims = '{"sub": "x''); SELECT evil.plant_bool(); --"}';
SELECT coalesce(hitlai.uid()::text, 'null');
SET request.jwt.claims = '{"sub": {"sub": "a0000000-0000-4000-8000-000000000001"}}';
SELECT coalesce(hitlai.uid()::text, 'null');
SET request.jwt.claim.sub = '';
SELECT coalesce(hitlai.uid()::text, 'null');
SELECT set_config('request.jwt.claims', '{"sub":"' || repeat('a', 1000000) || '"}', false) IS NOT NULL;
SELECT coalesce(hitlai.uid()::text, 'null');
SQL
)
tap_is "$(printf '%s\n' "$got" | tr '\n' ' ')" "null null null null t null " \
  "A1: hostile, malformed and huge claims give hitlai.uid() NULL, never an error"

beyond() {
  cat <<'SQL'
CREATE FUNCTION hitlai.hl_evil() RETURNS int LANGUAGE sql AS 'SELECT 1'
ALTER FUNCTION hitlai.uid() OWNER TO CURRENT_USER
ALTER FUNCTION hitlai.grant_app_role(regrole) SET search_path = evil
ALTER TABLE hitlai.companies ADD COLUMN hl_evil int DEFAULT 0
ALTER TABLE hitlai.companies OWNER TO CURRENT_USER
CREATE INDEX hl_evil ON hitlai.companies (name)
REINDEX TABLE hitlai.companies
CLUSTER hitlai.companies USING companies_pkey
DROP TABLE hitlai.milestones
DROP FUNCTION hitlai.uid()
DROP VIEW hitlai.company_stats
ALTER VIEW hitlai.company_stats SET (security_invoker = false)
ALTER VIEW hitlai.company_stats OWNER TO CURRENT_USER
ALTER EXTENSION hitlai UPDATE
DROP EXTENSION hitlai
CREATE EXTENSION citext SCHEMA hitlai
SQL
}
sec_none "$(beyond | sec_try service_role)" "G1: service_role gets no more than G1 (no DDL, ownership, maintenance or extension changes)"
sec_none "$(beyond | grep -v 'DROP EXTENSION\|ALTER EXTENSION' | sec_try owner)" \
  "G1: the installing owner gets no more than G1 on hitlai's objects (it may only update or drop the extension)"
# hitlai's SECURITY DEFINER trigger functions on a look-alike table of the attacker's
# own: pg_temp.test_runs with sentiment_score of an enum whose cast to text is planted
# code. T2's capture would cast that column as the superuser; every hitlai trigger
# function refuses a table outside schema hitlai before it reads anything.
lookalike() {  # SQL for attacker $1
  cat <<SQL
CREATE TYPE pg_temp.hl_e AS ENUM ('x');
$(sec_fn 'pg_temp.hl_e_text(pg_temp.hl_e)' text "lookalike_$1" "'0.5'")
CREATE CAST (pg_temp.hl_e AS text) WITH FUNCTION pg_temp.hl_e_text(pg_temp.hl_e);
CREATE TEMP TABLE test_runs AS SELECT * FROM hitlai.test_runs WITH NO DATA;
ALTER TABLE pg_temp.test_runs ALTER sentiment_score TYPE pg_temp.hl_e USING NULL;
CREATE TRIGGER hl_lookalike AFTER INSERT ON pg_temp.test_runs REFERENCING NEW TABLE AS new_runs
  FOR EACH STATEMENT EXECUTE FUNCTION hitlai.capture_training_data();
INSERT INTO pg_temp.test_runs (id, company_id, url, mission, status, company_ai_rating, sentiment_score)
  VALUES (gen_random_uuid(), gen_random_uuid(), 'https://a.test', 'm', 'completed', 5, 'x'),
         (gen_random_uuid(), gen_random_uuid(), 'https://a.test', 'm', 'completed', 5, 'x');
SQL
}
got=$( (lookalike service_role | sec_as service_role -v ON_ERROR_STOP=1 2>&1; lookalike owner | sec_owner 2>&1) \
       | grep -c 'capture_training_data: must be a trigger on a table of schema hitlai')
tap_is "$got" 2 "S7: service_role and the owner attach hitlai's SECURITY DEFINER trigger functions to a look-alike table of their own: refused"
sec_no_gain "S7/S10: the look-alike table ran no planted code with privilege"
sec_none "$(sec_excess)" "S7/G1: nobody holds more than G1 at the end"
sec_no_gain "S7/S10: at the end, no planted code ran with privilege and no attacker gained anything"
