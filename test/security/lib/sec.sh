# Helpers for the security suite (test/security/*.t, SPEC S7, S10, G1, A5). Sourced.
#
# Each file works in its own database, owned by a non-superuser "database owner" role
# made like Supabase's `postgres` (LOGIN, NOSUPERUSER, BYPASSRLS, CREATEDB, optionally
# CREATEROLE), beside the Supabase roles service_role (BYPASSRLS), authenticated and
# anon (reached as Supabase does: log in as `authenticator`, then SET ROLE). The owner
# installs hitlai as a trusted extension; the attackers then plant code and try to make
# hitlai's privileged code run it.
#
# Every piece of planted code is made by sec_plant_body: when it runs as any role other
# than an attacker's own (a superuser, or a role that owns hitlai's objects), it leaves
# evidence that survives a rollback (nextval of hl_probe.hits, a file written by
# server-side COPY, which only a superuser can do) and in hl_probe.marker, then tries
# ALTER ROLE <each attacker> SUPERUSER and GRANTs of pg_* roles. sec_no_gain fails when
# any of that happened or any attacker gained rolsuper or a role membership.
#
#   sec_init NAME [createrole]   database hl_sec_NAME, owner role hl_sec_NAME_owner
#   sec_su SQL…      psql as the bootstrap superuser on the test database (safe path)
#   sec_owner SQL…   psql as the database owner (args: psql options / -c / -f)
#   sec_as ROLE SQL… psql as authenticator, after SET ROLE ROLE (ROLE = service_role,
#                    authenticated, anon): stdin/-c SQL follows the SET ROLE
#   sec_fn NAME(ARGS) RETTYPE TAG RETEXPR   SQL of a planted plpgsql function
#   sec_plant_body TAG                       the planted statements (plpgsql)
#   sec_victim / sec_app   run hitlai's privileged paths as the superuser / as the
#                    application roles (lib/victim.sql, lib/app.sql); print psql errors
#   sec_no_gain DESC one TAP assertion: no attacker gained anything
#   sec_fingerprint  catalog snapshot of hitlai's objects (test/shell/lib/catalog.sql)
source "$(dirname "${BASH_SOURCE[0]}")/../../shell/lib/tap.sh"
SEC_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SEC_ROOT=${HL_ROOT:-$(cd "$SEC_LIB/../../.." && pwd)}
SEC_SAFE_OPTS="-c search_path=pg_catalog,pg_temp -c client_min_messages=warning"

sec_su() { PGOPTIONS="$SEC_SAFE_OPTS" psql -X -q -A -t -v ON_ERROR_STOP=1 -U postgres -d "$SEC_DB" "$@"; }
sec_su_db() { local db=$1; shift; PGOPTIONS="$SEC_SAFE_OPTS" psql -X -q -A -t -v ON_ERROR_STOP=1 -U postgres -d "$db" "$@"; }
sec_owner() { psql -X -q -A -t -v ON_ERROR_STOP=1 -U "$SEC_OWNER" -d "$SEC_DB" "$@"; }
# sec_as ROLE [psql args]: SQL from stdin, run after SET ROLE (like PostgREST).
sec_as() {
  local role=$1; shift
  { echo "SET ROLE $role;"; cat; } | psql -X -q -A -t -v ON_ERROR_STOP=1 -U authenticator -d "$SEC_DB" "$@"
}

sec_attackers() { echo "$SEC_OWNER service_role authenticated anon authenticator"; }

sec_plant_body() {  # TAG
  local tag=$1 r alter=""
  for r in $(sec_attackers); do
    alter+="    BEGIN EXECUTE 'ALTER ROLE $r SUPERUSER'; EXCEPTION WHEN OTHERS THEN NULL; END;"$'\n'
  done
  cat <<SQL
  IF NOT (CURRENT_USER::pg_catalog.text OPERATOR(pg_catalog.=) ANY ('{$(sec_attackers | tr ' ' ,)}'::pg_catalog.text[])
          OR pg_catalog.starts_with(CURRENT_USER::pg_catalog.text, 'hl_sec_'::pg_catalog.text)) THEN
    PERFORM pg_catalog.nextval('hl_probe.hits'::pg_catalog.regclass);
    RAISE WARNING 'hl_probe: planted code % runs as %', '$tag', CURRENT_USER;
    BEGIN
      INSERT INTO hl_probe.marker (tag, cur, sess) VALUES ('$tag', CURRENT_USER, SESSION_USER);
    EXCEPTION WHEN OTHERS THEN NULL; END;
    BEGIN EXECUTE 'COPY (SELECT 1) TO ''$SEC_PWNDIR/$tag'''; EXCEPTION WHEN OTHERS THEN NULL; END;
$alter    BEGIN EXECUTE 'GRANT pg_execute_server_program, pg_write_server_files, pg_read_all_data TO $SEC_OWNER';
    EXCEPTION WHEN OTHERS THEN NULL; END;
  END IF;
SQL
}

sec_fn() {  # sec_fn 'schema.name(args)' RETTYPE TAG RETEXPR
  cat <<SQL
CREATE FUNCTION $1 RETURNS $2 LANGUAGE plpgsql AS \$hl_plant\$
BEGIN
$(sec_plant_body "$3")
  RETURN $4;
END
\$hl_plant\$;
SQL
}

sec_memberships_sql() {  # memberships of attacker roles in roles outside the attackers' world
  echo "SELECT coalesce(string_agg(m.member::regrole::text || ' in ' || m.roleid::regrole::text, ', '
                                   ORDER BY 1), '')
          FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
                                 JOIN pg_roles r ON r.oid = m.member
         WHERE (r.rolname = ANY ('{$(sec_attackers | tr ' ' ,)}') OR starts_with(r.rolname, 'hl_sec_'))
           AND NOT (g.rolname = ANY ('{$(sec_attackers | tr ' ' ,)}') OR starts_with(g.rolname, 'hl_sec_'))"
}
sec_memberships() { sec_su -c "$(sec_memberships_sql)"; }

sec_init() {  # NAME [createrole]
  SEC_NAME=$1
  SEC_DB=hl_sec_$1
  SEC_OWNER=hl_sec_$1_owner
  SEC_PWNDIR=${HL_WORK:-/tmp}/security_pwn_$1
  rm -rf "$SEC_PWNDIR"; mkdir -p "$SEC_PWNDIR"; chmod 1777 "$SEC_PWNDIR"
  local cr=NOCREATEROLE
  [ "${2:-}" = createrole ] && cr=CREATEROLE
  sec_cleanup quiet
  PGOPTIONS="$SEC_SAFE_OPTS" psql -X -q -v ON_ERROR_STOP=1 -U postgres -d postgres >/dev/null <<SQL || return 1
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'anon') THEN CREATE ROLE anon NOLOGIN NOINHERIT; END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'authenticated') THEN CREATE ROLE authenticated NOLOGIN NOINHERIT; END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'service_role') THEN CREATE ROLE service_role NOLOGIN NOINHERIT BYPASSRLS; END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'authenticator') THEN CREATE ROLE authenticator LOGIN NOINHERIT; END IF;
END
\$\$;
GRANT anon, authenticated, service_role TO authenticator;
CREATE ROLE $SEC_OWNER LOGIN NOSUPERUSER $cr CREATEDB BYPASSRLS;
CREATE DATABASE $SEC_DB OWNER $SEC_OWNER STRATEGY FILE_COPY;
SQL
  # The probe: written only by planted code; usable by every role.
  sec_su >/dev/null <<SQL || return 1
CREATE SCHEMA hl_probe;
CREATE SEQUENCE hl_probe.hits;
CREATE TABLE hl_probe.marker (tag text, cur name, sess name, at timestamptz DEFAULT now());
GRANT USAGE ON SCHEMA hl_probe TO PUBLIC;
GRANT USAGE ON SEQUENCE hl_probe.hits TO PUBLIC;
GRANT INSERT ON hl_probe.marker TO PUBLIC;
SQL
  SEC_BASE_MEMBERSHIPS=$(sec_memberships)
  trap 'sec_cleanup' EXIT
}

# The Supabase auth schema (superuser-owned, as on Supabase) with the users the
# exercises use.
sec_supabase_auth() {
  sec_su -q -f "$SEC_ROOT/test/fixtures/supabase.sql" >/dev/null 2>&1 || return 1
  sec_su -c "INSERT INTO auth.users (id, email) SELECT ('a0000000-0000-4000-8000-00000000000' || i)::uuid,
                    'u' || i || '@users.test' FROM generate_series(1, 6) i" >/dev/null
}

sec_install() {  # as the owner; prints errors
  sec_owner -c "CREATE EXTENSION hitlai" 2>&1 >/dev/null
}

sec_cleanup() {
  [ -n "${SEC_DB:-}" ] || return 0
  local r
  PGOPTIONS="$SEC_SAFE_OPTS" psql -X -q -U postgres -d postgres >/dev/null 2>&1 <<SQL
DROP DATABASE IF EXISTS $SEC_DB WITH (FORCE);
DROP DATABASE IF EXISTS ${SEC_DB}_ref WITH (FORCE);
ALTER ROLE anon NOSUPERUSER; ALTER ROLE authenticated NOSUPERUSER;
ALTER ROLE service_role NOSUPERUSER; ALTER ROLE authenticator NOSUPERUSER;
REVOKE pg_execute_server_program, pg_write_server_files, pg_read_all_data
  FROM anon, authenticated, service_role, authenticator;
SQL
  for r in $(PGOPTIONS="$SEC_SAFE_OPTS" psql -X -q -A -t -U postgres -d postgres \
               -c "SELECT rolname FROM pg_roles WHERE starts_with(rolname, 'hl_sec_${SEC_NAME}_') OR starts_with(rolname, 'hl_sec_evil_${SEC_NAME}')" 2>/dev/null); do
    psql -X -q -U postgres -d postgres -c "DROP ROLE IF EXISTS \"$r\"" >/dev/null 2>&1
  done
  [ "${1:-}" = quiet ] || rm -rf "$SEC_PWNDIR"
}

# One assertion: nothing planted ran with privilege, no attacker became superuser or
# gained a membership in a role outside the attackers' own.
sec_no_gain() {  # DESC
  local hits marker supers members files why="" state
  state=$(sec_su -F '|' <<SQL 2>&1
SELECT (SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM hl_probe.hits),
       (SELECT coalesce(string_agg(DISTINCT tag || ' as ' || cur, ', '), '') FROM hl_probe.marker),
       (SELECT coalesce(string_agg(rolname, ', ' ORDER BY rolname), '') FROM pg_roles
         WHERE rolsuper AND (rolname = ANY ('{$(sec_attackers | tr ' ' ,)}') OR starts_with(rolname, 'hl_sec_'))),
       ($(sec_memberships_sql))
SQL
)
  IFS='|' read -r hits marker supers members <<<"$state"
  files=$(ls "$SEC_PWNDIR" 2>/dev/null | tr '\n' ' ')
  [ "$hits" = 0 ] || why+="planted code ran with privilege $hits time(s) [$marker]; "
  [ -z "$files" ] || why+="a superuser ran planted code (COPY TO file: $files); "
  [ -z "$supers" ] || why+="became superuser: $supers; "
  [ "$members" = "$SEC_BASE_MEMBERSHIPS" ] || why+="memberships now: $members (before: $SEC_BASE_MEMBERSHIPS); "
  if [ -z "$why" ]; then tap_ok 0 "$1"; else tap_ok 1 "$1"; tap_diag "$why"; fi
  # Undo a gain so that later assertions and files start clean.
  [ -z "$why" ] || sec_reset
}

sec_reset() {  # undo what planted code did (attackers back to NOSUPERUSER, probe emptied)
  PGOPTIONS="$SEC_SAFE_OPTS" psql -X -q -U postgres -d postgres >/dev/null 2>&1 <<SQL
ALTER ROLE $SEC_OWNER NOSUPERUSER; ALTER ROLE anon NOSUPERUSER; ALTER ROLE authenticated NOSUPERUSER;
ALTER ROLE service_role NOSUPERUSER; ALTER ROLE authenticator NOSUPERUSER;
REVOKE pg_execute_server_program, pg_write_server_files, pg_read_all_data
  FROM $SEC_OWNER, anon, authenticated, service_role, authenticator;
SQL
  sec_su -c "SELECT setval('hl_probe.hits', 1, false); TRUNCATE hl_probe.marker" >/dev/null 2>&1
  rm -f "$SEC_PWNDIR"/* 2>/dev/null
}

sec_fingerprint() { sec_su -f "$SEC_ROOT/test/shell/lib/catalog.sql" 2>&1; }

# hitlai's privileged paths, run by a victim: the superuser (back office, triggers,
# admin functions) and the application roles. Print psql's errors (one per line).
sec_victim() {
  psql -X -q -A -t -v ON_ERROR_STOP=0 -U postgres -d "$SEC_DB" -f "$SEC_LIB/victim.sql" 2>&1 >/dev/null \
    | grep -E 'ERROR' || true
}
sec_app() {
  psql -X -q -A -t -v ON_ERROR_STOP=0 -U authenticator -d "$SEC_DB" -f "$SEC_LIB/app.sql" 2>&1 >/dev/null \
    | grep -E 'ERROR' || true
}

# Privileges on hitlai's objects that G1 gives nobody but superusers, held by an
# attacker (or PUBLIC): TRIGGER, TRUNCATE, REFERENCES (any column), MAINTAIN (PG17+) on
# any relation, CREATE on the schema, any grant option, ownership of (or membership in
# the owner of) any object in the schema. One line per finding; empty when none.
sec_excess() {
  sec_su <<SQL
WITH att(r) AS (SELECT unnest('{$(sec_attackers | tr ' ' ,)}'::text[]) UNION SELECT 'public'),
att_roles AS (SELECT r, CASE WHEN r = 'public' THEN 0::oid ELSE r::regrole::oid END AS oid FROM att),
bad(p) AS (SELECT unnest(ARRAY['TRIGGER', 'TRUNCATE', 'REFERENCES']
                         || CASE WHEN current_setting('server_version_num')::int >= 170000
                                 THEN ARRAY['MAINTAIN'] ELSE '{}' END)),
rels AS (SELECT c.oid, c.relname, c.relowner FROM pg_class c
          WHERE c.relnamespace = 'hitlai'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')),
procs AS (SELECT p.oid, p.proowner, p.proacl FROM pg_proc p WHERE p.pronamespace = 'hitlai'::regnamespace),
owners AS (SELECT relowner AS o, 'relation ' || relname AS what FROM rels
           UNION ALL SELECT proowner, 'function ' || oid::regprocedure FROM procs
           UNION ALL SELECT typowner, 'type ' || typname FROM pg_type WHERE typnamespace = 'hitlai'::regnamespace
           UNION ALL SELECT oprowner, 'operator ' || oid::regoperator FROM pg_operator WHERE oprnamespace = 'hitlai'::regnamespace
           UNION ALL SELECT nspowner, 'schema hitlai' FROM pg_namespace WHERE nspname = 'hitlai')
SELECT line FROM (
  SELECT a.r || ' has ' || b.p || ' on ' || string_agg(c.relname, ',' ORDER BY c.relname) AS line
    FROM att_roles a, bad b, rels c
   WHERE CASE WHEN a.r = 'public'
              THEN EXISTS (SELECT FROM pg_class x, aclexplode(x.relacl) e
                            WHERE x.oid = c.oid AND e.grantee = 0 AND e.privilege_type = b.p)
              WHEN b.p = 'REFERENCES' THEN has_any_column_privilege(a.oid, c.oid, b.p)
              ELSE has_table_privilege(a.oid, c.oid, b.p) END
   GROUP BY a.r, b.p
  UNION ALL
  SELECT a.r || ' has CREATE on schema hitlai' FROM att_roles a
   WHERE CASE WHEN a.r = 'public'
              THEN EXISTS (SELECT FROM pg_namespace n, aclexplode(n.nspacl) e
                            WHERE n.nspname = 'hitlai' AND e.grantee = 0 AND e.privilege_type = 'CREATE')
              ELSE has_schema_privilege(a.oid, 'hitlai', 'CREATE') END
  UNION ALL
  SELECT a.r || ' holds grant options on ' || count(DISTINCT w.what) || ' objects, e.g. ' || min(e.privilege_type || ' on ' || w.what)
    FROM att_roles a,
         LATERAL (SELECT 'relation ' || c.relname AS what, c.relacl AS acl FROM pg_class c
                   WHERE c.relnamespace = 'hitlai'::regnamespace
                  UNION ALL SELECT 'column ' || c.relname || '.' || t.attname, t.attacl
                    FROM pg_attribute t JOIN pg_class c ON c.oid = t.attrelid
                   WHERE c.relnamespace = 'hitlai'::regnamespace AND t.attacl IS NOT NULL
                  UNION ALL SELECT 'function ' || p.oid::regprocedure, p.proacl FROM procs p
                  UNION ALL SELECT 'schema hitlai', n.nspacl FROM pg_namespace n WHERE n.nspname = 'hitlai') w,
         aclexplode(w.acl) e
   WHERE e.is_grantable AND e.grantee = a.oid
   GROUP BY a.r
  UNION ALL
  SELECT a.r || ' owns (or is a member of the owner of) ' || count(*) || ' objects in hitlai, e.g. '
         || min(o.what)
    FROM att_roles a, owners o
   WHERE a.r <> 'public' AND pg_has_role(a.oid, o.o, 'MEMBER')
   GROUP BY a.r
) s ORDER BY 1;
SQL
}

# Which privileges each role holds on hitlai's objects (for the record, and for G1).
sec_privilege_report() {
  sec_su <<SQL
WITH att(r) AS (SELECT unnest('{$(sec_attackers | tr ' ' ,)}'::text[])),
privs(p) AS (SELECT unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']
                           || CASE WHEN current_setting('server_version_num')::int >= 170000
                                   THEN ARRAY['MAINTAIN'] ELSE '{}' END)),
rels AS (SELECT c.oid, c.relname FROM pg_class c
          WHERE c.relnamespace = 'hitlai'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S'))
SELECT a.r || ': ' || string_agg(x, '; ' ORDER BY x) FROM att a,
  LATERAL (SELECT c.relname || ' ' || string_agg(CASE WHEN has_table_privilege(a.r, c.oid, p.p) THEN p.p
                                                      ELSE lower(p.p) || '(cols)' END, ',' ORDER BY p.p) AS x
             FROM rels c, privs p
            WHERE has_table_privilege(a.r, c.oid, p.p)
               OR (p.p IN ('SELECT', 'INSERT', 'UPDATE', 'REFERENCES') AND has_any_column_privilege(a.r, c.oid, p.p))
            GROUP BY c.relname
           UNION ALL
           SELECT 'EXECUTE ' || count(*) FILTER (WHERE has_function_privilege(a.r, p.oid, 'EXECUTE'))
                  || '/' || count(*) || ' functions'
             FROM pg_proc p WHERE p.pronamespace = 'hitlai'::regnamespace
           UNION ALL
           SELECT 'schema ' || concat_ws(',', CASE WHEN has_schema_privilege(a.r, 'hitlai', 'USAGE') THEN 'USAGE' END,
                                              CASE WHEN has_schema_privilege(a.r, 'hitlai', 'CREATE') THEN 'CREATE' END)) y(x)
 GROUP BY a.r ORDER BY a.r;
SQL
}

# The owner's toolbox: schema evil (usable and writable by every role, so that all the
# attackers share it) with planted functions: evil.plant_trg() (trigger),
# evil.plant_bool(), evil.plant_uuid(), and the composite type evil.ct with an implicit
# cast to uuid through planted code (runs wherever PostgreSQL casts an evil.ct).
sec_evil_schema() {
  sec_owner >/dev/null <<SQL
CREATE SCHEMA evil;
GRANT USAGE, CREATE ON SCHEMA evil TO PUBLIC;
$(sec_fn 'evil.plant_trg()' trigger evil_trigger NULL)
$(sec_fn 'evil.plant_bool()' boolean evil_bool true)
$(sec_fn 'evil.plant_uuid()' uuid evil_uuid 'pg_catalog.gen_random_uuid()')
CREATE TYPE evil.ct AS (u uuid);
$(sec_fn 'evil.ct_to_uuid(c evil.ct)' uuid evil_cast '(c).u')
CREATE CAST (evil.ct AS uuid) WITH FUNCTION evil.ct_to_uuid(evil.ct) AS IMPLICIT;
SQL
}

# sec_try ROLE < statements (one per line): runs each statement as ROLE in its own
# subtransaction, prints "gained: <statement>" for each that succeeded. A line starting
# with "undo " is rolled back after it succeeded (TRUNCATE).
sec_try() {
  local role=$1 stmts body="" line q
  while IFS= read -r line; do
    [ -z "$line" ] && continue
    local undo=false
    if [ "${line#undo }" != "$line" ]; then undo=true; line=${line#undo }; fi
    q=${line//\'/\'\'}
    body+="  BEGIN EXECUTE '$q'; RAISE WARNING 'gained: %', '$q';"
    $undo && body+=" RAISE EXCEPTION 'undo' USING ERRCODE = 'HLUND';"
    body+=" EXCEPTION WHEN OTHERS THEN NULL; END;"$'\n'
  done
  local sql="DO \$hl_try\$ BEGIN
$body
END \$hl_try\$;"
  if [ "$role" = owner ]; then
    printf '%s\n' "$sql" | sec_owner 2>&1 | sed -n 's/.*WARNING:  gained: //p'
  else
    printf '%s\n' "$sql" | sec_as "$role" 2>&1 | sed -n 's/.*WARNING:  gained: //p'
  fi
}

sec_hitlai_tables() { sec_su -c "SELECT c.relname FROM pg_class c WHERE c.relnamespace = 'hitlai'::regnamespace
                                   AND c.relkind IN ('r', 'p') ORDER BY 1"; }

# sec_none LINES DESC: passes when LINES is empty; else prints how many and the first few.
sec_none() {
  if [ -z "$1" ]; then tap_ok 0 "$2"; return; fi
  tap_ok 1 "$2"
  tap_diag "$(printf '%s\n' "$1" | wc -l) succeeded, e.g.:"
  tap_diag "$(printf '%s\n' "$1" | head -8)"
}

# sec_same_catalog BEFORE DESC: hitlai's catalog equals BEFORE; prints the differing lines.
sec_same_catalog() {
  local d
  d=$(diff <(printf '%s\n' "$1") <(sec_fingerprint) | grep '^[<>]')
  sec_none "$d" "$2"
}

# A reference database with hitlai installed by the superuser (names and column types
# for the look-alikes below). Dropped by sec_cleanup.
sec_refdb() {
  SEC_REFDB=${SEC_DB}_ref
  psql -X -q -U postgres -d postgres -c "DROP DATABASE IF EXISTS $SEC_REFDB" \
       -c "CREATE DATABASE $SEC_REFDB STRATEGY FILE_COPY" >/dev/null 2>&1 || return 1
  sec_su_db "$SEC_REFDB" -c "CREATE EXTENSION hitlai" >/dev/null || return 1
  SEC_TEMP_PLANTS=$(sec_temp_plants_sql_uncached)
}

# SQL that plants, in the current session's pg_temp, a look-alike of every hitlai
# relation and type name (a temporary view with the same columns whose rows come from
# planted code, with INSTEAD OF triggers running planted code), so that any unqualified
# relation or type name in code that runs in this session (pg_temp is searched first for
# relations and types, and explicitly in `pg_catalog, pg_temp`) is captured.
sec_temp_plants_sql() {
  if [ -z "${SEC_TEMP_PLANTS:-}" ]; then SEC_TEMP_PLANTS=$(sec_temp_plants_sql_uncached); fi
  printf '%s\n' "$SEC_TEMP_PLANTS"
}
sec_temp_plants_sql_uncached() {
  echo "CREATE FUNCTION pg_temp.hl_plant() RETURNS boolean LANGUAGE plpgsql AS \$hl_plant\$"
  echo "BEGIN"; sec_plant_body temp_relation; echo "  RETURN true; END \$hl_plant\$;"
  echo "CREATE FUNCTION pg_temp.hl_plant_trg() RETURNS trigger LANGUAGE plpgsql AS \$hl_plant\$"
  echo "BEGIN"; sec_plant_body temp_trigger; echo "  RETURN NULL; END \$hl_plant\$;"
  sec_su_db "$SEC_REFDB" <<'SQL'
SELECT format('CREATE TEMP VIEW %I AS SELECT %s WHERE pg_temp.hl_plant();', name, cols)
       || format(E'\nCREATE TRIGGER hl_evil INSTEAD OF INSERT OR UPDATE OR DELETE ON pg_temp.%I FOR EACH ROW EXECUTE FUNCTION pg_temp.hl_plant_trg();', name)
  FROM (SELECT c.relname AS name,
               string_agg(format('NULL::%s AS %I', format_type(a.atttypid, a.atttypmod), a.attname), ', '
                          ORDER BY a.attnum) AS cols
          FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
         WHERE c.relnamespace = 'hitlai'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm')
         GROUP BY c.relname
        UNION ALL
        SELECT t.typname, 'NULL::text AS x' FROM pg_type t
         WHERE t.typnamespace = 'hitlai'::regnamespace AND t.typtype IN ('e', 'd', 'c', 'r', 'm')
           AND t.typrelid NOT IN (SELECT c.oid FROM pg_class c WHERE c.relkind IN ('r', 'p', 'v', 'm'))) s;
SQL
}
