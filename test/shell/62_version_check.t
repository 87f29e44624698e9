#!/usr/bin/env bash
# S9: a library / SQL version mismatch is a clear error (src/pg/version_check.hpp).
#   - SQL newer than the loaded hitlai.so (old library on disk, or a session that loaded
#     the library before another session upgraded the SQL): 55000 at the first hitlai
#     call of a transaction, "hitlai library version X does not match the installed
#     extension version Y"; hitlai.version() still answers.
#   - SQL older than the library: served (old SQL only reaches old entry points), except
#     entry points that need a newer schema (require_extension_version): 55000 with
#     HINT "Run ALTER EXTENSION hitlai UPDATE".
# The "SQL newer" states are simulated by editing pg_extension.extversion as superuser
# (inside rolled-back transactions, or restored at once) in a scratch database.
source "$(dirname "$0")/lib/tap.sh"

DB=hl_version_check
hl_scratch_db $DB
trap 'hl_drop_db $DB' EXIT
hl_psql $DB -c "CREATE EXTENSION hitlai" >/dev/null
lib_version=$(hl_psql $DB -c "SELECT hitlai.version()")

# try(SQL…): runs the statements in one session; the last one's outcome is printed as
# "ok:<value>" or "<sqlstate>|<message>|<hint>".
prelude="
CREATE FUNCTION pg_temp.try(q text) RETURNS text LANGUAGE plpgsql AS \$\$
DECLARE r text; st text; m text; h text;
BEGIN
  EXECUTE q INTO r;
  RETURN 'ok:' || coalesce(r, 'NULL');
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, m = MESSAGE_TEXT, h = PG_EXCEPTION_HINT;
  RETURN st || '|' || m || '|' || h;
END \$\$;
CREATE FUNCTION pg_temp.cmp(text, text) RETURNS int LANGUAGE c STRICT
  AS 'hitlai', 'hitlai_test_compare_versions';
CREATE FUNCTION pg_temp.req(text) RETURNS text LANGUAGE c STRICT
  AS 'hitlai', 'hitlai_test_require_version';
"
q() { local db=$1; shift; hl_psql "$db" -c "$prelude" "$@" | tail -n 1; }

tap_plan 16

# version ordering used by the check
got=$(q $DB -c "SELECT string_agg(pg_temp.cmp(a, b)::text, ',' ORDER BY n) FROM (VALUES
  (1, '0.2.0', '0.2.0'), (2, '0.10.0', '0.9.1'), (3, '0.1.0', '0.2.0'), (4, '1.0', '1.0.0'),
  (5, '0.2.0-dev', '0.2.0'), (6, '0.02.0', '0.2.0'), (7, '2', '10'), (8, '1.0.1', '1.0')) v(n, a, b)")
tap_is "$got" "0,1,-1,0,1,0,-1,1" "S9: versions compare numerically component by component"

# matched versions
tap_is "$(q $DB -c "SELECT pg_temp.try(\$\$SELECT hitlai.is_http_url('https://a.test/')::text\$\$)")" \
  "ok:true" "S9: with matching library and SQL, hitlai functions run"
tap_is "$(hl_psql $DB -c "SELECT extversion FROM pg_extension WHERE extname = 'hitlai'")" \
  "$lib_version" "S9: a fresh install's SQL version is the library's version ($lib_version)"

# SQL newer than the library
newer="BEGIN; UPDATE pg_extension SET extversion = '99.0.0' WHERE extname = 'hitlai';"
tap_is "$(q $DB -c "$newer" -c "SELECT pg_temp.try(\$\$SELECT hitlai.is_http_url('https://a.test/')::text\$\$)")" \
  "55000|hitlai library version $lib_version does not match the installed extension version 99.0.0|Install hitlai.so of version 99.0.0 (make install of the matching release), then reconnect: a session keeps the library it loaded before an upgrade." \
  "S9: SQL newer than the library: 55000, message names both versions, HINT says what to install"
tap_is "$(q $DB -c "$newer" -c "SELECT pg_temp.try(\$\$SELECT hitlai.normalize_email(' A@B.test ')\$\$)")" \
  "55000|hitlai library version $lib_version does not match the installed extension version 99.0.0|Install hitlai.so of version 99.0.0 (make install of the matching release), then reconnect: a session keeps the library it loaded before an upgrade." \
  "S9: every checked entry point refuses (normalize_email too)"
tap_is "$(q $DB -c "$newer" -c "SELECT pg_temp.try(\$\$SELECT hitlai.version()\$\$)")" \
  "ok:$lib_version" "S9: hitlai.version() still answers during a mismatch (to diagnose it)"
tap_is "$(q $DB -c "$newer" -c "SELECT pg_temp.try(\$\$INSERT INTO hitlai.test_runs (company_id, url, mission) VALUES (gen_random_uuid(), 'https://a.test/', 'm') RETURNING 1\$\$)")" \
  "55000|hitlai library version $lib_version does not match the installed extension version 99.0.0|Install hitlai.so of version 99.0.0 (make install of the matching release), then reconnect: a session keeps the library it loaded before an upgrade." \
  "S9: a write whose CHECK calls hitlai refuses too (nothing is written by a mismatched library)"

# a session that loaded the library before another session upgraded the SQL notices
# it at its next transaction (the upgrade's catalog invalidations reach the session at
# that transaction's start, and make it look pg_extension up again)
got=$(hl_psql $DB -c "$prelude" \
  -c "SELECT pg_temp.try(\$\$SELECT hitlai.is_http_url('https://a.test/')::text\$\$)" \
  -c "\\! psql -X -q -d $DB -c \"UPDATE pg_extension SET extversion = '99.0.0' WHERE extname = 'hitlai'\"" \
  -c "SELECT split_part(pg_temp.try(\$\$SELECT hitlai.is_http_url('https://a.test/')::text\$\$), '|', 1)" \
  -c "\\! psql -X -q -d $DB -c \"UPDATE pg_extension SET extversion = '$lib_version' WHERE extname = 'hitlai'\"" \
  -c "SELECT pg_temp.try(\$\$SELECT hitlai.is_http_url('https://a.test/')::text\$\$)" | tr '\n' ' ')
tap_is "$got" "ok:true 55000 ok:true " \
  "S9: a long-lived session notices an upgrade made by another session at its next transaction, and recovers when versions agree again"

# ... and a quiet session does not read pg_extension again in every transaction: the
# check is redone only after the backend received catalog invalidations (an upgrade
# sends some). Of three consecutive transactions after a first check, at least one
# scans pg_extension's name index zero times at its first hitlai call (the difference
# of pg_stat_get_xact_numscans around the call; another session's catalog change could
# make one of them read it again).
block="BEGIN;
SELECT pg_stat_get_xact_numscans('pg_catalog.pg_extension_name_index'::regclass) AS before \\gset
SELECT hitlai.is_http_url('https://a.test/') \\g /dev/null
SELECT pg_stat_get_xact_numscans('pg_catalog.pg_extension_name_index'::regclass) - :before;
COMMIT;"
first="SELECT hitlai.is_http_url('https://a.test/') \\g /dev/null"
got=$(printf '%s\n' "$first" "$block" "$block" "$block" \
  | hl_psql $DB | tr '\n' ' ')
tap_ok "$([[ " $got" == *" 0 "* ]] && echo 0 || echo 1)" \
  "S9: later transactions of a quiet session skip the pg_extension lookup (lookups: $got)"

# ... and a look made inside a transaction (or savepoint) that changed pg_extension and
# rolled back is forgotten: the next call reads the committed version again, though the
# rollback sent no invalidation to other backends or to the session's counter.
tap_is "$(q $DB -c "BEGIN; UPDATE pg_extension SET extversion = '0.3.0' WHERE extname = 'hitlai';" \
            -c "SELECT pg_temp.req('0.1.0')" -c "ROLLBACK" \
            -c "BEGIN; SAVEPOINT s; UPDATE pg_extension SET extversion = '0.2.0' WHERE extname = 'hitlai';" \
            -c "SELECT pg_temp.req('0.1.0')" -c "ROLLBACK TO SAVEPOINT s; COMMIT" \
            -c "SELECT pg_temp.req('0.1.0') || '/' || pg_temp.req('0.1.0')")" \
  "$lib_version/$lib_version" \
  "S9: a version seen inside a rolled-back transaction or savepoint is not kept"

# SQL older than the oldest version the library serves
tap_is "$(q $DB -c "BEGIN; UPDATE pg_extension SET extversion = '0.0.1' WHERE extname = 'hitlai';" \
            -c "SELECT pg_temp.try(\$\$SELECT hitlai.is_http_url('https://a.test/')::text\$\$)")" \
  "55000|hitlai library version $lib_version does not match the installed extension version 0.0.1|Run ALTER EXTENSION hitlai UPDATE." \
  "S9: SQL older than the oldest served version: 55000 with HINT Run ALTER EXTENSION hitlai UPDATE"

# old SQL served by the newest library; entry points needing newer SQL refuse
DB1=hl_version_check_old
hl_scratch_db $DB1
trap 'hl_drop_db $DB; hl_drop_db $DB1' EXIT
hl_psql $DB1 -c "CREATE EXTENSION hitlai VERSION '0.1.0'" >/dev/null
tap_is "$(q $DB1 -c "SELECT pg_temp.try(\$\$SELECT hitlai.is_http_url('https://a.test/')::text || hitlai.version()\$\$)")" \
  "ok:true$lib_version" "S9: extension 0.1.0's functions run on library $lib_version (old SQL is served)"
tap_is "$(q $DB1 -c "SELECT pg_temp.try(\$\$SELECT pg_temp.req('0.1.0')\$\$)")" \
  "ok:0.1.0" "S9: an entry point needing 0.1.0 runs on SQL 0.1.0"
tap_is "$(q $DB1 -c "SELECT pg_temp.try(\$\$SELECT pg_temp.req('$lib_version')\$\$)")" \
  "55000|hitlai library version $lib_version does not match the installed extension version 0.1.0|Run ALTER EXTENSION hitlai UPDATE." \
  "S9: an entry point needing SQL $lib_version on SQL 0.1.0: 55000, HINT Run ALTER EXTENSION hitlai UPDATE"
hl_psql $DB1 -c "ALTER EXTENSION hitlai UPDATE" >/dev/null
tap_is "$(q $DB1 -c "SELECT pg_temp.try(\$\$SELECT pg_temp.req('$lib_version')\$\$)")" \
  "ok:$lib_version" "S9: after ALTER EXTENSION hitlai UPDATE the same entry point runs"

# no extension in the database: functions bound by hand to the library are not checked
DB2=hl_version_check_none
hl_scratch_db $DB2
trap 'hl_drop_db $DB; hl_drop_db $DB1; hl_drop_db $DB2' EXIT
tap_is "$(q $DB2 -c "SELECT pg_temp.try(\$\$SELECT pg_temp.req('0.1.0')\$\$)")" \
  "ok:NULL" "S9: without the extension in the database there is nothing to compare (no error)"

[ "$TAP_FAILED" -eq 0 ]
