#!/usr/bin/env bash
# S7/S10: after a trusted install, the attackers plant code where hitlai's privileged
# paths might find it:
#   * in schema hitlai itself (functions, operators, tables, views, types, collations,
#     text search configurations, another extension, objects moved in with SET SCHEMA),
#     or by taking the schema, its functions or the extension's membership list over,
#     or by default privileges and event triggers: every attempt must fail;
#   * in schemas put before pg_catalog on the database's search_path (ALTER DATABASE
#     SET search_path = evil, public, pg_catalog): same-signature look-alikes of every
#     hitlai function, of the operators hitlai uses and of hitlai's relation names;
#   * in pg_temp of their own sessions (temporary look-alikes of every hitlai relation
#     and type name), then use hitlai from those sessions.
# The superuser's and the application roles' paths must then run without error, run
# no planted code with privilege, and nobody may gain anything.
source "$(dirname "$0")/lib/sec.sh"
tap_plan 13
sec_init planted || exit 1
sec_supabase_auth
sec_refdb || exit 1
err=$(sec_install); tap_ok $? "S7: the database owner installs hitlai (trusted)"
[ -n "$err" ] && tap_diag "$err"
sec_evil_schema
sec_owner >/dev/null <<SQL
CREATE TABLE evil.hl_t (x int);
$(sec_fn 'evil.hl_ge(a numeric, b integer)' boolean evil_op 'pg_catalog.numeric_ge(a, b::pg_catalog.numeric)')
$(sec_fn 'evil.plant_evt()' event_trigger evil_event '')
SQL
before=$(sec_fingerprint)

into_schema() {
  cat <<'SQL'
CREATE FUNCTION hitlai.hl_evil() RETURNS boolean LANGUAGE sql AS 'SELECT evil.plant_bool()'
CREATE FUNCTION hitlai.normalize_email(varchar) RETURNS text LANGUAGE sql AS 'SELECT evil.plant_bool()::text'
CREATE OR REPLACE FUNCTION hitlai.normalize_email(email text) RETURNS text LANGUAGE sql AS 'SELECT evil.plant_bool()::text'
CREATE OPERATOR hitlai.>= (LEFTARG = numeric, RIGHTARG = integer, FUNCTION = evil.hl_ge)
CREATE TABLE hitlai.hl_evil (x int)
CREATE VIEW hitlai.hl_evil_v AS SELECT evil.plant_bool() AS x
CREATE TYPE hitlai.hl_evil AS (x int)
CREATE DOMAIN hitlai.hl_evil_d AS int CHECK (evil.plant_bool())
CREATE SEQUENCE hitlai.hl_evil_s
CREATE COLLATION hitlai.hl_evil FROM "C"
CREATE TEXT SEARCH CONFIGURATION hitlai.hl_evil (COPY = pg_catalog.simple)
CREATE STATISTICS hitlai.hl_evil ON x, (x + 1) FROM evil.hl_t
CREATE EXTENSION citext SCHEMA hitlai
ALTER FUNCTION evil.plant_bool() SET SCHEMA hitlai
ALTER TABLE evil.hl_t SET SCHEMA hitlai
ALTER TYPE evil.ct SET SCHEMA hitlai
ALTER SCHEMA hitlai OWNER TO CURRENT_USER
ALTER SCHEMA hitlai RENAME TO hl_renamed
ALTER FUNCTION hitlai.uid() OWNER TO CURRENT_USER
ALTER FUNCTION hitlai.uid() SET search_path = evil
ALTER FUNCTION hitlai.uid() SECURITY DEFINER
ALTER FUNCTION hitlai.create_company(text, text) RESET ALL
ALTER TABLE hitlai.companies RENAME TO hl_renamed
ALTER EXTENSION hitlai DROP FUNCTION hitlai.uid()
ALTER EXTENSION hitlai SET SCHEMA evil
ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA hitlai GRANT ALL ON TABLES TO PUBLIC
ALTER DEFAULT PRIVILEGES FOR ROLE postgres GRANT EXECUTE ON FUNCTIONS TO PUBLIC
CREATE EVENT TRIGGER hl_evil ON ddl_command_end EXECUTE FUNCTION evil.plant_evt()
CREATE EVENT TRIGGER hl_evil_sql ON sql_drop EXECUTE FUNCTION evil.plant_evt()
SQL
}
for who in anon authenticated service_role owner; do
  sec_none "$(into_schema | sec_try $who)" "S7: $who can put nothing into schema hitlai nor take it, its functions or the extension over"
done
sec_same_catalog "$before" "S7: hitlai's catalog is unchanged by the attempts"
sec_no_gain "S7: the attempts on schema hitlai gained nothing"

# look-alikes before pg_catalog on the database's search_path
plants=$(sec_su_db "$SEC_REFDB" <<'SQL'
SELECT format('CREATE FUNCTION %s.%I(%s) RETURNS %s LANGUAGE plpgsql AS $p$ BEGIN PERFORM evil.plant_bool(); RETURN %s; END $p$;',
              s, p.proname, pg_get_function_identity_arguments(p.oid), pg_get_function_result(p.oid),
              CASE WHEN p.prorettype = 'void'::regtype THEN '' ELSE 'NULL' END)
  FROM pg_proc p, unnest(ARRAY['evil', 'public']) s
 WHERE p.pronamespace = 'hitlai'::regnamespace AND p.prokind = 'f' AND pg_get_function_result(p.oid) !~ '^(TABLE|SETOF)'
UNION ALL
SELECT format('CREATE FUNCTION evil.%I(%s) RETURNS %s LANGUAGE plpgsql AS $p$ BEGIN PERFORM evil.plant_bool(); RETURN NULL; END $p$;',
              f, a, r)
  FROM (VALUES ('now', '', 'timestamptz'), ('gen_random_uuid', '', 'uuid'), ('to_regclass', 'text', 'regclass'),
               ('to_regrole', 'text', 'regrole'), ('format', 'text, text', 'text'), ('current_setting', 'text, boolean', 'text'),
               ('nullif', 'text, text', 'text'), ('lower', 'text', 'text'), ('btrim', 'text', 'text'),
               ('array_position', 'uuid[], uuid', 'integer'), ('array_to_string', 'text[], text', 'text'),
               ('jsonb_typeof', 'jsonb', 'text'), ('date_trunc', 'text, timestamptz', 'timestamptz'),
               ('timezone', 'text, timestamptz', 'timestamp')) v(f, a, r)
UNION ALL
SELECT format('CREATE FUNCTION evil.hl_op_%s_%s(a %s, b %s) RETURNS %s LANGUAGE plpgsql AS $p$ BEGIN PERFORM evil.plant_bool(); RETURN NULL; END $p$;'
              || ' CREATE OPERATOR evil.%s (LEFTARG = %s, RIGHTARG = %s, FUNCTION = evil.hl_op_%s_%s);',
              n, replace(t, ' ', '_'), t, t, CASE WHEN o = '||' THEN t ELSE 'boolean' END, o, t, t, n, replace(t, ' ', '_'))
  FROM (VALUES ('=', 'eq'), ('<>', 'ne'), ('>=', 'ge'), ('<=', 'le'), ('>', 'gt'), ('<', 'lt'), ('||', 'cat')) ops(o, n),
       unnest(ARRAY['uuid', 'text', 'integer', 'numeric', 'bigint', 'smallint', 'timestamptz', 'date', 'boolean']) t
 WHERE o <> '||' OR t = 'text'
UNION ALL
SELECT format('CREATE VIEW %s.%I AS SELECT %s WHERE evil.plant_bool();', s, c.relname,
              string_agg(format('NULL::%s AS %I', format_type(a.atttypid, a.atttypmod), a.attname), ', ' ORDER BY a.attnum))
  FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped,
       unnest(ARRAY['evil', 'public']) s
 WHERE c.relnamespace = 'hitlai'::regnamespace AND c.relkind IN ('r', 'p', 'v')
 GROUP BY s, c.relname;
SQL
)
out=$(printf '%s\n' "$plants" | sec_owner -v ON_ERROR_STOP=0 2>&1 | grep ERROR | head -3)
[ -n "$out" ] && tap_diag "planting: $out"
sec_owner -c "ALTER DATABASE $SEC_DB SET search_path = evil, public, pg_catalog, hitlai" >/dev/null
err=$(sec_victim; sec_app)
sec_none "$err" "S7: with look-alikes before pg_catalog on the database's search_path, hitlai's paths run without error"
sec_no_gain "S7: look-alikes on the database's search_path never run with privilege"
sec_owner -c "ALTER DATABASE $SEC_DB RESET search_path" >/dev/null

# temporary look-alikes in the attackers' own sessions
temp=$(sec_temp_plants_sql)
err=$({ printf '%s\n' "$temp"; cat "$SEC_LIB/victim.sql"; } \
       | psql -X -q -A -t -v ON_ERROR_STOP=0 -U "$SEC_OWNER" -d "$SEC_DB" 2>&1 >/dev/null | grep ERROR)
sec_none "$err" "S7: hitlai's paths run without error for the owner in a session holding temporary look-alikes"
for who in anon authenticated; do
  err=$({ echo "SET ROLE $who;"; printf '%s\n' "$temp"; echo "RESET ROLE;"; cat "$SEC_LIB/app.sql"; } \
         | psql -X -q -A -t -v ON_ERROR_STOP=0 -U authenticator -d "$SEC_DB" 2>&1 >/dev/null | grep ERROR)
  sec_none "$err" "S7: hitlai's paths run without error for the application roles in a session where $who planted temporary look-alikes"
done
sec_no_gain "S7: temporary look-alikes of the owner, anon and authenticated never run with privilege"
