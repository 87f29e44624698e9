#!/usr/bin/env bash
# S6/S8: the foreign keys from hitlai's user_id columns to Supabase's auth.users survive
# pg_dump / pg_restore. The source is made as Supabase makes it: schema auth and
# auth.users (test/fixtures/supabase.sql) exist before CREATE EXTENSION, so the install
# adds company_members_user_id_fkey and human_testers_user_id_fkey. Two facts lose them
# on a restore into a new database:
#   - pg_dump dumps no constraint of an extension's table, so the foreign keys are not
#     in the dump (test 3);
#   - the dump runs CREATE EXTENSION before it creates auth.users, and adds auth.users'
#     primary key only after the data (test 4), so the install script cannot add them.
# hitlai therefore adds the missing foreign keys when auth.users gets its unique key
# (event trigger), after every row is loaded. Checked for pg_restore (naive and with
# restore mode), the three-step parallel restore and a plain-format dump: each foreign
# key exists with the source's definition, the rows are identical, ON DELETE CASCADE
# works, and hitlai.security_check() is empty. Also: auth.users made after the install
# by a role that is not a superuser (as Supabase's auth admin does), and a database
# whose hitlai rows reference users missing from auth.users: DDL on auth.users still
# succeeds (with a WARNING), security_check() names the missing foreign keys, and
# hitlai.attach_auth_users() refuses loudly until the rows are fixed, then adds them.
# S7: an auth.users whose index calls code of its owner is never read as the superuser.
# The upgrade from 0.3.0 adds the foreign keys that a restore under 0.3.0 lost.
source "$(dirname "$0")/lib/tap.sh"
LIB=$(cd "$(dirname "$0")/lib" && pwd)
ROOT=${HL_ROOT:-$(cd "$LIB/../../.." && pwd)}
source "$LIB/pg_dump.sh"
skip=$(hl_pg_dump_skip_reason)
if [ -n "$skip" ]; then echo "1..0 # SKIP $skip"; exit 0; fi

SRC=hl_au_src FC=hl_au_fc NAIVE=hl_au_naive PAR=hl_au_par PLAIN=hl_au_plain
LATE=hl_au_late ORPH=hl_au_orphans EVIL=hl_au_planted UPG=hl_au_upgrade
ADMIN=hl_au_auth_admin
OUT=${HL_WORK:-/tmp}/63_auth_users_restore
rm -rf "$OUT"; mkdir -p "$OUT"; chmod 777 "$OUT"
cleanup() {
  local d
  for d in $SRC $FC $NAIVE $PAR $PLAIN $LATE $ORPH $EVIL $UPG; do hl_drop_db $d; done
  psql -X -q -d postgres -c "DROP ROLE IF EXISTS $ADMIN" >/dev/null 2>&1
}
cleanup
trap cleanup EXIT
[ -n "${HL_DEBUG:-}" ] && trap - EXIT

# Every foreign key that references auth.users, with its definition.
fks() {
  hl_psql "$1" -c "SELECT string_agg(format('%s %s %s', conrelid::regclass, conname, pg_get_constraintdef(oid)),
                                     ' / ' ORDER BY conrelid::regclass::text, conname)
                     FROM pg_constraint WHERE contype = 'f' AND confrelid = to_regclass('auth.users')"
}
# The rows of auth.users and of the two tables whose user_id references it.
rows() {
  hl_psql "$1" -c "SELECT concat_ws(' ',
    (SELECT count(*) || ':' || md5(string_agg(u::text, ',' ORDER BY id)) FROM auth.users u),
    (SELECT count(*) || ':' || md5(string_agg(m::text, ',' ORDER BY company_id, user_id)) FROM hitlai.company_members m),
    (SELECT count(*) || ':' || md5(string_agg(t::text, ',' ORDER BY id)) FROM hitlai.human_testers t))"
}
findings() {
  hl_psql "$1" -c "SELECT string_agg(finding || ': ' || object, ' / ' ORDER BY finding, object) FROM hitlai.security_check()"
}
u() { printf 'a0000000-0000-4000-8000-00000000000%s' "$1"; }
C1=c1000000-0000-4000-8000-000000000001 C2=c2000000-0000-4000-8000-000000000002

tap_plan 37

# ---- the source: Supabase's auth schema first, then hitlai, then rows -------------------
hl_scratch_db $SRC
{
  hl_psql $SRC -f "$ROOT/test/fixtures/supabase.sql" &&
  hl_psql $SRC -c "CREATE EXTENSION hitlai" &&
  hl_psql $SRC <<SQL
INSERT INTO auth.users (id, email)
  SELECT ('a0000000-0000-4000-8000-00000000000' || i)::uuid, 'u' || i || '@users.test' FROM generate_series(1, 6) i;
INSERT INTO hitlai.companies (id, name, email) VALUES ('$C1', 'Alpha', 'ops@alpha.test'), ('$C2', 'Beta', 'ops@beta.test');
INSERT INTO hitlai.company_members (company_id, user_id, role, joined_at) VALUES
  ('$C1', '$(u 1)', 'owner', now()), ('$C1', '$(u 2)', 'member', now()),
  ('$C2', '$(u 3)', 'owner', now()), ('$C2', '$(u 1)', 'viewer', NULL);
INSERT INTO hitlai.human_testers (user_id, email, display_name) VALUES
  ('$(u 4)', 't4@testers.test', 'Tess'), ('$(u 5)', 't5@testers.test', 'Theo');
SQL
} >"$OUT/src.log" 2>&1 || { echo "1..0 # SKIP building the source database failed"; tap_diag_in <"$OUT/src.log"; exit 1; }
src_fks=$(fks $SRC)
src_rows=$(rows $SRC)
want="hitlai.company_members company_members_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth.users(id) ON DELETE CASCADE / hitlai.human_testers human_testers_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth.users(id) ON DELETE CASCADE"
tap_is "$src_fks" "$want" \
  "S6: with auth.users made before CREATE EXTENSION, both user_id columns reference auth.users(id) ON DELETE CASCADE"

# ---- the dump ----------------------------------------------------------------------------
pg_dump -Fc -f "$OUT/db.dump" $SRC 2>"$OUT/dump.log"
tap_ok $? "S8: pg_dump -Fc of a Supabase-style database using hitlai"
pg_restore -l "$OUT/db.dump" >"$OUT/toc.txt"
tap_is "$(grep -c -E ' FK CONSTRAINT hitlai ' "$OUT/toc.txt")" 0 \
  "S8: the dump holds no foreign key of hitlai's tables (pg_dump dumps no constraint of an extension's table)"
ext=$(grep -n ' EXTENSION - hitlai ' "$OUT/toc.txt" | head -1 | cut -d: -f1)
tbl=$(grep -n ' TABLE auth users ' "$OUT/toc.txt" | head -1 | cut -d: -f1)
pk=$(grep -n ' CONSTRAINT auth users users_pkey ' "$OUT/toc.txt" | head -1 | cut -d: -f1)
data=$(grep -n ' TABLE DATA hitlai company_members ' "$OUT/toc.txt" | head -1 | cut -d: -f1)
[ -n "$ext" ] && [ -n "$tbl" ] && [ -n "$pk" ] && [ -n "$data" ] && [ "$ext" -lt "$tbl" ] && [ "$data" -lt "$pk" ]
tap_ok $? "S8: the dump creates hitlai (TOC line ${ext:-?}) before auth.users (${tbl:-?}) and adds auth.users' key (${pk:-?}) after hitlai's rows (${data:-?})"

# ---- pg_restore, the documented way and the naive way ------------------------------------
check_restored() {  # DB LOG HOW
  local db=$1 log=$2 how=$3
  tap_is "$(fks $db)" "$src_fks" "S6/S8: $how: every foreign key to auth.users is back, as in the source"
  tap_is "$(rows $db)" "$src_rows" "S8: $how: auth.users, company_members and human_testers identical row by row"
  tap_is "$(findings $db)" "" "S7/S8: $how: hitlai.security_check() finds nothing"
  tap_ok $(( $(wc -c <"$log") != 0 )) "S8: $how: nothing reported"
  [ -s "$log" ] && tap_diag "$(head -10 "$log")"
}

hl_scratch_db $FC
PGOPTIONS='-c hitlai.restore_mode=on' pg_restore -d $FC "$OUT/db.dump" >"$OUT/restore.log" 2>&1
tap_ok $? "S8: PGOPTIONS='-c hitlai.restore_mode=on' pg_restore -d new db.dump: exit 0"
check_restored $FC "$OUT/restore.log" "pg_restore in restore mode"
# the foreign keys are live: deleting a user deletes that user's memberships and profile
got=$(hl_psql $FC -c "DELETE FROM auth.users WHERE id IN ('$(u 2)', '$(u 4)');
                      SELECT (SELECT count(*) FROM hitlai.company_members) || ' ' || (SELECT count(*) FROM hitlai.human_testers)")
tap_is "$got" "3 1" "S6: after the restore, deleting users from auth.users cascades to their memberships and tester profiles"

hl_scratch_db $NAIVE
pg_restore -d $NAIVE "$OUT/db.dump" >"$OUT/restore_naive.log" 2>&1
tap_ok $? "S8: naive pg_restore -d new db.dump: exit 0"
check_restored $NAIVE "$OUT/restore_naive.log" "naive pg_restore"

# ---- the three-step parallel restore of docs/operations.md --------------------------------
hl_scratch_db $PAR
grep ' TABLE DATA hitlai ' "$OUT/toc.txt" >"$OUT/hitlai_data.list"
grep -v ' TABLE DATA hitlai ' "$OUT/toc.txt" >"$OUT/rest.list"
{
  PGOPTIONS='-c hitlai.restore_mode=on' pg_restore --section=pre-data -d $PAR "$OUT/db.dump" &&
  PGOPTIONS='-c hitlai.restore_mode=on' pg_restore -L "$OUT/hitlai_data.list" -d $PAR "$OUT/db.dump" &&
  PGOPTIONS='-c hitlai.restore_mode=on' pg_restore -j 2 --section=data --section=post-data \
    -L "$OUT/rest.list" -d $PAR "$OUT/db.dump"
} >"$OUT/restore_j2.log" 2>&1
tap_ok $? "S8: three-step restore (pre-data; hitlai's data serially; the rest with -j 2): exit 0"
check_restored $PAR "$OUT/restore_j2.log" "three-step parallel restore"

# ---- plain format through psql -------------------------------------------------------------
pg_dump -f "$OUT/db.sql" $SRC 2>>"$OUT/dump.log"
hl_scratch_db $PLAIN
PGOPTIONS='-c hitlai.restore_mode=on' psql -X -q -v ON_ERROR_STOP=1 -d $PLAIN -f "$OUT/db.sql" >"$OUT/plain.log" 2>&1
tap_ok $? "S8: a plain-format dump restored with psql -f: exit 0"
grep -E 'ERROR|WARNING' "$OUT/plain.log" >"$OUT/plain_problems.log"
check_restored $PLAIN "$OUT/plain_problems.log" "plain-format restore"

# ---- auth.users made after the install, by a role that is not a superuser ----------------
hl_scratch_db $LATE
psql -X -q -d postgres -c "CREATE ROLE $ADMIN NOLOGIN" >/dev/null 2>&1
hl_psql $LATE >"$OUT/late.log" 2>&1 <<SQL
CREATE EXTENSION hitlai;
INSERT INTO hitlai.companies (id, name, email) VALUES ('$C1', 'Alpha', 'ops@alpha.test');
CREATE SCHEMA auth AUTHORIZATION $ADMIN;
SET ROLE $ADMIN;
CREATE TABLE auth.users (id uuid NOT NULL, email text);
INSERT INTO auth.users (id, email) VALUES ('$(u 1)', 'u1@users.test');
ALTER TABLE auth.users ADD CONSTRAINT users_pkey PRIMARY KEY (id);
RESET ROLE;
INSERT INTO hitlai.company_members (company_id, user_id, role, joined_at) VALUES ('$C1', '$(u 1)', 'owner', now());
SQL
tap_ok $? "S6: auth.users made after CREATE EXTENSION by a role that is not a superuser: no error"
[ -s "$OUT/late.log" ] && tap_diag "$(head -5 "$OUT/late.log")"
tap_is "$(fks $LATE)" "$want" \
  "S6: once auth.users has its primary key, both user_id columns reference it, as when it exists at install time"
err=$(hl_psql $LATE -c "INSERT INTO hitlai.company_members (company_id, user_id, role) VALUES ('$C1', '$(u 9)', 'member')" 2>&1)
[[ "$err" == *company_members_user_id_fkey* ]]
tap_ok $? "S6: a membership of a user missing from auth.users is refused by the foreign key"

# ---- rows that reference missing users --------------------------------------------------
hl_scratch_db $ORPH
hl_psql $ORPH >/dev/null 2>&1 <<SQL
CREATE EXTENSION hitlai;
INSERT INTO hitlai.companies (id, name, email) VALUES ('$C1', 'Alpha', 'ops@alpha.test');
INSERT INTO hitlai.company_members (company_id, user_id, role, joined_at) VALUES
  ('$C1', '$(u 1)', 'owner', now()), ('$C1', '$(u 7)', 'member', now());
SQL
out=$(hl_psql $ORPH 2>&1 <<SQL
CREATE SCHEMA auth;
CREATE TABLE auth.users (id uuid PRIMARY KEY, email text);
INSERT INTO auth.users (id, email) VALUES ('$(u 1)', 'u1@users.test');
SQL
)
rc=$?
[ $rc -eq 0 ] && [[ "$out" == *WARNING*attach_auth_users* ]]
tap_ok $? "S6: DDL on auth.users succeeds when hitlai's rows keep the foreign keys from being added, with a WARNING naming hitlai.attach_auth_users()"
tap_diag "$out"
tap_is "$(findings $ORPH)" \
  "user_id without its foreign key to auth.users: hitlai.company_members.user_id / user_id without its foreign key to auth.users: hitlai.human_testers.user_id" \
  "S6/S7: hitlai.security_check() names each user_id column without its foreign key to auth.users"
err=$(hl_psql $ORPH -c "SELECT hitlai.attach_auth_users()" 2>&1)
rc=$?
[ $rc -ne 0 ] && [[ "$err" == *"$(u 7)"* ]] && [ -z "$(fks $ORPH)" ]
tap_ok $? "S6: hitlai.attach_auth_users() fails loudly, naming a missing user, and adds nothing"
tap_diag "$err"
hl_psql $ORPH -c "DELETE FROM hitlai.company_members WHERE user_id = '$(u 7)'"
tap_is "$(hl_psql $ORPH -c "SELECT hitlai.attach_auth_users()" 2>&1)" 2 \
  "S6: once the rows are fixed, hitlai.attach_auth_users() adds both foreign keys (returns 2)"
tap_is "$(fks $ORPH) | $(findings $ORPH) | $(hl_psql $ORPH -c "SELECT hitlai.attach_auth_users()" 2>&1)" "$want |  | 0" \
  "S6: ... with the install's definition; security_check() is then empty, and a second call adds nothing (returns 0)"

# ---- S7: an auth.users hitlai must not read with privilege ---------------------------------
# The role that owns auth.users adds a partial index whose predicate calls its own
# IMMUTABLE function (the planner folds it as whoever first plans a query on the table),
# then the primary key: the event trigger must refuse to add the foreign keys (which
# would plan a query on auth.users as the superuser), warn, and run nothing.
hl_scratch_db $EVIL
out=$(hl_psql $EVIL 2>&1 <<SQL
CREATE EXTENSION hitlai;
CREATE SCHEMA auth AUTHORIZATION $ADMIN;
SET ROLE $ADMIN;
CREATE FUNCTION auth.planted() RETURNS boolean LANGUAGE plpgsql IMMUTABLE
  AS \$\$ BEGIN RAISE NOTICE 'planted code ran as %', current_user; RETURN true; END \$\$;
CREATE TABLE auth.users (id uuid NOT NULL, email text);
CREATE INDEX users_planted ON auth.users (email) WHERE auth.planted();
ALTER TABLE auth.users ADD CONSTRAINT users_pkey PRIMARY KEY (id);
RESET ROLE;
SELECT count(*) FROM hitlai.company_members;
SQL
)
rc=$?
[ $rc -eq 0 ] && [[ "$out" == *WARNING*"outside pg_catalog"* ]] && [[ "$out" != *"planted code ran as $(hl_psql postgres -c 'SELECT current_user')"* ]] \
  && [ -z "$(fks $EVIL)" ]
tap_ok $? "S7: auth.users with a planted index predicate: no foreign key, a WARNING, and the planted code never runs as the superuser"
tap_diag "$out"
err=$(hl_psql $EVIL -c "SELECT hitlai.attach_auth_users()" 2>&1)
[[ "$err" == *"ERROR:"*"outside pg_catalog"* ]]
tap_ok $? "S7: hitlai.attach_auth_users() refuses that auth.users (42501) rather than read it"

# ---- the upgrade repairs a database restored under 0.3.0 ----------------------------------
# 0.3.0 had no event trigger: auth.users made after its install (as by a restore) left the
# user_id columns without foreign keys. ALTER EXTENSION hitlai UPDATE adds them.
hl_scratch_db $UPG
hl_psql $UPG >"$OUT/upgrade.log" 2>&1 <<SQL
CREATE EXTENSION hitlai VERSION '0.3.0';
INSERT INTO hitlai.companies (id, name, email) VALUES ('$C1', 'Alpha', 'ops@alpha.test');
INSERT INTO hitlai.company_members (company_id, user_id, role, joined_at) VALUES ('$C1', '$(u 1)', 'owner', now());
CREATE SCHEMA auth;
CREATE TABLE auth.users (id uuid PRIMARY KEY, email text);
INSERT INTO auth.users (id, email) VALUES ('$(u 1)', 'u1@users.test');
SQL
before=$(fks $UPG)
hl_psql $UPG -c "ALTER EXTENSION hitlai UPDATE" >>"$OUT/upgrade.log" 2>&1
tap_is "$before -> $(fks $UPG)" " -> $want" \
  "S6/S9: a 0.3.0 database whose auth.users came after the install has no foreign keys; ALTER EXTENSION hitlai UPDATE adds both"
tap_is "$(findings $UPG)" "" "S6/S7: ... and hitlai.security_check() finds nothing afterwards"

tap_done
