#!/usr/bin/env bash
# T7, S10, A2: one global lock order. 8 sessions run, for about 20 seconds, thousands of
# mixed transactions on one shared pool of runs whose testers overlap (every run has its
# tester and two assigned testers out of 8):
#   - deletes of two runs at once (active and completed runs, cascading assignments),
#   - inserts of runs with their assignments,
#   - completions of two runs at once with a rating (T3 credit, rating state),
#   - demotions and promotions of the owners of two companies with two owners each
#     (A2: the last joined owner can't be demoted, HL004, caught by the caller).
# Afterwards: no deadlock (40P01) in the server log, none reported by pgbench, every
# company still has a joined owner, and the counters are exact (check_stats() empty,
# rebuild_stats() corrects nothing). The summary prints the 40P01 count.
source "$(dirname "$0")/lib/tap.sh"
DB=hl_tenant_conc
SECONDS_RUN=${HL_CONC_SECONDS:-20}
LOG=$HL_WORK/cluster/server.log
OUT=$HL_WORK/22_tenant_concurrency
rm -rf "$OUT"; mkdir -p "$OUT"; chmod 777 "$OUT"
trap 'hl_drop_db $DB' EXIT
hl_scratch_db $DB
tap_plan 7

hl_psql $DB >/dev/null <<'SQL'
CREATE EXTENSION hitlai;
CREATE FUNCTION public.rid(n int) RETURNS uuid IMMUTABLE LANGUAGE sql
  AS $$ SELECT ('00000000-0000-0000-0001-' || lpad(to_hex(n), 12, '0'))::uuid $$;
CREATE FUNCTION public.tid(n int) RETURNS uuid IMMUTABLE LANGUAGE sql
  AS $$ SELECT ('00000000-0000-0000-0002-' || lpad(to_hex(n), 12, '0'))::uuid $$;
CREATE FUNCTION public.cid(n int) RETURNS uuid IMMUTABLE LANGUAGE sql
  AS $$ SELECT ('00000000-0000-0000-0003-' || lpad(to_hex(n), 12, '0'))::uuid $$;
CREATE FUNCTION public.uid(c int, k int) RETURNS uuid IMMUTABLE LANGUAGE sql
  AS $$ SELECT ('00000000-0000-0000-0004-' || lpad(to_hex(c * 16 + k), 12, '0'))::uuid $$;
INSERT INTO hitlai.companies (id, name, email, monthly_test_quota)
  SELECT cid(c), 'C' || c, 'c' || c || '@t.io', NULL FROM generate_series(0, 3) c;
-- two joined owners and one admin per company
INSERT INTO hitlai.company_members (company_id, user_id, role, joined_at)
  SELECT cid(c), uid(c, k), CASE WHEN k < 2 THEN 'owner' ELSE 'admin' END, now()
    FROM generate_series(0, 3) c, generate_series(0, 2) k;
INSERT INTO hitlai.human_testers (id, user_id, email, display_name)
  SELECT tid(t), gen_random_uuid(), 't' || t || '@t.io', 'T' || t FROM generate_series(0, 7) t;
-- run n: company n%4, tester n%8, assignments of testers (n+1)%8 and (n+3)%8
CREATE FUNCTION public.add_run(n int) RETURNS void LANGUAGE sql AS $$
  WITH r AS (INSERT INTO hitlai.test_runs (id, company_id, tester_id, url, mission, cost)
             VALUES (rid(n), cid(n % 4), tid(n % 8), 'https://a.io', 'm', 10.00)
             ON CONFLICT (id) DO NOTHING RETURNING id)
  INSERT INTO hitlai.tester_assignments (test_run_id, tester_id)
  SELECT r.id, tid((n + d) % 8) FROM r, (VALUES (1), (3)) v(d)
$$;
CREATE TABLE public.hl004 (n int NOT NULL);
CREATE FUNCTION public.toggle_owner(c int, k int) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  UPDATE hitlai.company_members SET role = CASE role WHEN 'owner' THEN 'admin' ELSE 'owner' END
   WHERE company_id = cid(c) AND user_id = uid(c, k);
EXCEPTION WHEN SQLSTATE 'HL004' THEN INSERT INTO public.hl004 VALUES (1);
END $$;
SELECT add_run(n) FROM generate_series(1, 400) n;
SQL

cat >"$OUT/del.sql" <<'SQL'
\set a random(1, 400)
\set b random(1, 400)
DELETE FROM hitlai.test_runs WHERE id IN (rid(:a), rid(:b));
SQL
cat >"$OUT/ins.sql" <<'SQL'
\set a random(1, 400)
SELECT add_run(:a);
SQL
cat >"$OUT/done.sql" <<'SQL'
\set a random(1, 400)
\set b random(1, 400)
\set r random(1, 5)
UPDATE hitlai.test_runs SET status = 'completed', company_ai_rating = :r, sentiment_score = 0.5
 WHERE id IN (rid(:a), rid(:b)) AND status <> 'completed';
SQL
cat >"$OUT/role.sql" <<'SQL'
\set c random(0, 1)
\set k random(0, 2)
SELECT toggle_owner(:c, :k);
SQL
chmod a+r "$OUT"/*.sql

log_start=$(stat -c %s "$LOG" 2>/dev/null || echo 0)
pgbench -n -c 8 -j 4 -T "$SECONDS_RUN" --failures-detailed \
  -f "$OUT/del.sql@3" -f "$OUT/ins.sql@3" -f "$OUT/done.sql@3" -f "$OUT/role.sql@3" \
  "$DB" >"$OUT/pgbench.log" 2>&1
rc=$?
tap_ok $rc "pgbench ran 8 sessions for ${SECONDS_RUN}s without a client aborting (only 40P01 may fail, counted below)"
[ $rc -eq 0 ] || sed 's/^/# /' "$OUT/pgbench.log" | tail -20

done_tx=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$OUT/pgbench.log")
bench_deadlocks=$(sed -n 's/^number of deadlock failures: \([0-9]*\).*/\1/p' "$OUT/pgbench.log")
log_deadlocks=$(tail -c +"$((log_start + 1))" "$LOG" 2>/dev/null | grep -c 'deadlock detected')
hl004=$(hl_psql $DB -c "SELECT count(*) FROM public.hl004")
tap_ok "$([ "${done_tx:-0}" -ge 2000 ]; echo $?)" "thousands of mixed transactions ran (${done_tx:-0}, at least 2000)"
tap_is "$log_deadlocks/${bench_deadlocks:-?}" "0/0" \
  "T7: zero 40P01 in the server log and in pgbench's failures (deletes sharing testers, completions, owner demotions)"
tap_ok "$([ "$hl004" -gt 0 ]; echo $?)" "A2: concurrent demotions of a company's owners met HL004 ($hl004 times), never 40P01"
tap_is "$(hl_psql $DB -c "SELECT count(*) FROM hitlai.companies c WHERE NOT EXISTS (
          SELECT FROM hitlai.company_members m WHERE m.company_id = c.id AND m.role = 'owner'
             AND m.joined_at IS NOT NULL)")" 0 "A2: every company kept a joined owner"
tap_is "$(hl_psql $DB -c "SELECT count(*) FROM hitlai.check_stats()")" 0 \
  "V1-V3, T3: counters exact afterwards (check_stats() empty)"
tap_is "$(hl_psql $DB -c "SELECT hitlai.rebuild_stats()")" 0 "V3: rebuild_stats() corrects nothing"
echo "# summary: ${done_tx:-0} transactions in ${SECONDS_RUN}s by 8 sessions, 40P01 in server log: $log_deadlocks, HL004: $hl004"
exit $((TAP_FAILED > 0))
