#!/usr/bin/env bash
# S8/A2/A6: policies survive pg_dump -Fc / pg_restore exactly once. Measured: pg_dump 15
# dumps no policy of an extension member table (test 2 fails loudly if that changes),
# so the install script creates them unconditionally and the restored database gets
# each one once, from its CREATE EXTENSION (run by pg_restore with
# PGOPTIONS='-c hitlai.restore_mode=on', the documented procedure).
set -uo pipefail
source "$(dirname "$0")/lib/tap.sh"
BIN=$(dirname "$HL_PG_CONFIG")
source "$(dirname "$0")/lib/pg_dump.sh"
skip=$(hl_pg_dump_skip_reason)
if [ -n "$skip" ]; then echo "1..0 # SKIP $skip"; exit 0; fi
src=hl_rls_restore_src dst=hl_rls_restore_dst
dump=$HL_WORK/hl_rls_restore.dump
q() { "$BIN/psql" -X -q -At -v ON_ERROR_STOP=1 -d "$@"; }
cleanup() {
  for d in $src $dst; do "$BIN/psql" -X -q -d postgres -c "DROP DATABASE IF EXISTS $d" >/dev/null 2>&1; done
  "$BIN/psql" -X -q -d postgres -c "DROP ROLE IF EXISTS hl_rls_restore_app" >/dev/null 2>&1
  rm -f "$dump"
}
cleanup
trap cleanup EXIT
[ -n "${HL_DEBUG:-}" ] && trap - EXIT
tap_plan 9

policies="SELECT string_agg(format('%s.%s %s %s %s', tablename, policyname, cmd, qual, with_check), E'\n'
                           ORDER BY tablename, policyname) FROM pg_policies WHERE schemaname = 'hitlai'"

"$BIN/psql" -X -q -d postgres -c "CREATE ROLE hl_rls_restore_app NOLOGIN" >/dev/null
q postgres -c "CREATE DATABASE $src" && q $src >/dev/null <<'SQL'
CREATE EXTENSION hitlai;
SELECT hitlai.grant_app_role('hl_rls_restore_app');
INSERT INTO hitlai.companies (id, name, email) VALUES ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'Alpha', 'ops@alpha.test');
INSERT INTO hitlai.company_members (company_id, user_id, role, joined_at)
VALUES ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', '10000000-0000-4000-8000-0000000000a1', 'owner', now());
INSERT INTO hitlai.test_runs (company_id, url, mission) VALUES ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'https://alpha.test', 'm');
SQL
src_policies=$(q $src -c "$policies")
"$BIN/pg_dump" -Fc -f "$dump" $src
tap_ok $? "S8: pg_dump -Fc of a database using hitlai"
toc=$("$BIN/pg_restore" -l "$dump" | grep -c ' POLICY ')
[ "$toc" = 0 ]
tap_ok $? "S8: the dump carries no CREATE POLICY for hitlai's tables (found $toc): CREATE EXTENSION must create them"

q postgres -c "CREATE DATABASE $dst"
out=$(PGOPTIONS='-c hitlai.restore_mode=on' "$BIN/pg_restore" --exit-on-error -d $dst "$dump" 2>&1)
rc=$?
[ -n "$out" ] && printf '# %s\n' "$out"
tap_ok $rc "S8: pg_restore with PGOPTIONS='-c hitlai.restore_mode=on' runs without error"
dst_policies=$(q $dst -c "$policies")
[ -n "$src_policies" ] && [ "$src_policies" = "$dst_policies" ]
tap_ok $? "S8/A2: the restored database has the same policies as the dumped one"
dup=$(q $dst -c "SELECT count(*) FROM (SELECT 1 FROM pg_policies WHERE schemaname = 'hitlai'
                   GROUP BY tablename, policyname HAVING count(*) > 1) s")
total=$(q $dst -c "SELECT count(*) FROM pg_policies WHERE schemaname = 'hitlai'")
[ "$dup" = 0 ] && [ "$total" = 30 ]
tap_ok $? "S8: each of the 30 policies (A2 matrix 25, plan_tiers_select of D17, webhook_deliveries_select 1, privileged-only 3) exists exactly once (got $total, $dup duplicated)"
norls=$(q $dst -c "SELECT count(*) FROM pg_class WHERE relnamespace = 'hitlai'::regnamespace AND relkind = 'r' AND NOT relrowsecurity")
[ "$norls" = 0 ]
tap_ok $? "A6/S8: row-level security is enabled on every restored table"
seen=$(q $dst <<'SQL'
BEGIN;
SET LOCAL ROLE hl_rls_restore_app;
SET LOCAL request.jwt.claims = '{"sub":"10000000-0000-4000-8000-0000000000a1"}';
SELECT count(*) FROM hitlai.test_runs;
ROLLBACK;
SQL
)
[ "$seen" = 1 ]
tap_ok $? "S8/G1: grants and policies work after the restore (owner reads its run: $seen)"

# A6: without policies (all dropped inside a transaction) RLS fails closed.
seen=$(q $dst <<'SQL'
BEGIN;
DO $$ DECLARE p record; BEGIN
  FOR p IN SELECT * FROM pg_policies WHERE schemaname = 'hitlai' LOOP
    EXECUTE format('DROP POLICY %I ON hitlai.%I', p.policyname, p.tablename);
  END LOOP; END $$;
SET LOCAL ROLE hl_rls_restore_app;
SET LOCAL request.jwt.claims = '{"sub":"10000000-0000-4000-8000-0000000000a1"}';
SELECT (SELECT count(*) FROM hitlai.companies) + (SELECT count(*) FROM hitlai.test_runs)
     + (SELECT count(*) FROM hitlai.company_members);
ROLLBACK;
SQL
)
[ "$seen" = 0 ]
tap_ok $? "A6: without policies an application role sees no rows, not all rows (saw $seen)"
restored=$(q $dst -c "SELECT (SELECT count(*) FROM hitlai.companies) || '/' || (SELECT count(*) FROM hitlai.company_members) || '/' || (SELECT count(*) FROM hitlai.test_runs)")
[ "$restored" = "1/1/1" ]
tap_ok $? "S8: the rows came back (companies/members/runs: $restored)"
tap_done
