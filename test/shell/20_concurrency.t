#!/usr/bin/env bash
# T7, Q1, Q4, T1, T3: real concurrent sessions. N clients x M transactions, each inserting
# a run for ONE company (quota N*M-K), assigning a second tester and completing the run
# (crediting both testers, one milestone set). Exactly K inserts must be rejected with
# HL001; every counter must equal the number of committed runs; no deadlock.
set -uo pipefail
source "$(dirname "$0")/lib/tap.sh"
BIN=$(dirname "$HL_PG_CONFIG")
DB=hl_conc_$$
N=8 M=25 K=5
PSQL=("$BIN/psql" -X -q -v ON_ERROR_STOP=1)
LOG=$HL_WORK/cluster/server.log
log_start=$(stat -c %s "$LOG" 2>/dev/null || echo 0)

tap_plan 9
"${PSQL[@]}" -d postgres -c "CREATE DATABASE $DB" || { echo "Bail out! cannot create database"; exit 1; }
trap '"${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1' EXIT

"${PSQL[@]}" -d "$DB" <<SQL
CREATE EXTENSION hitlai;
INSERT INTO hitlai.milestones (phase, tests_required) VALUES ('m1', 1), ('m100', 100), ('m1000', 1000);
INSERT INTO hitlai.companies (id, name, email, monthly_test_quota)
  VALUES ('00000000-0000-0000-0000-0000000000c1', 'Conc', 'c@c.io', $((N * M - K)));
INSERT INTO hitlai.human_testers (id, user_id, email, display_name) VALUES
  ('00000000-0000-0000-0000-000000000001', gen_random_uuid(), 'a@c.io', 'A'),
  ('00000000-0000-0000-0000-000000000002', gen_random_uuid(), 'b@c.io', 'B');
SQL

script=$HL_WORK/conc_$$.sql
for ((i = 0; i < M; i++)); do
  cat <<'SQL'
DO $$
DECLARE r uuid;
BEGIN
  INSERT INTO hitlai.test_runs (company_id, tester_id, url, mission, cost)
    VALUES ('00000000-0000-0000-0000-0000000000c1', '00000000-0000-0000-0000-000000000001',
            'https://a.io', 'm', 10.00) RETURNING id INTO r;
  INSERT INTO hitlai.tester_assignments (test_run_id, tester_id)
    VALUES (r, '00000000-0000-0000-0000-000000000002');
  UPDATE hitlai.test_runs SET status = 'running' WHERE id = r;
  UPDATE hitlai.test_runs SET status = 'completed', company_ai_rating = 5, sentiment_score = 0.5 WHERE id = r;
  INSERT INTO hitlai.issues (test_run_id, title) VALUES (r, 'x');
END $$;
SQL
done >"$script"
chmod a+r "$script"

pids=()
for ((c = 0; c < N; c++)); do
  "$BIN/psql" -X -q -d "$DB" -f "$script" >"$HL_WORK/conc_$$_$c.out" 2>&1 &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
rejected=$(cat "$HL_WORK"/conc_$$_*.out | grep -c 'monthly test quota of company "Conc" exceeded')
other=$(cat "$HL_WORK"/conc_$$_*.out | grep ERROR | grep -vc 'monthly test quota')
rm -f "$HL_WORK"/conc_$$_*.out "$script"

q() { "$BIN/psql" -X -At -d "$DB" -c "$1"; }
committed=$(q "SELECT count(*) FROM hitlai.test_runs")
tap_is "$rejected" "$K" "Q1/Q4: exactly $K of $((N * M)) concurrent inserts rejected with HL001 (quota $((N * M - K)))"
tap_is "$other" 0 "T7: no other error (no deadlock, no serialization failure)"
tap_is "$committed" "$((N * M - K))" "committed runs = N*M-K"
tap_is "$(q "SELECT tests_used_this_month || '/' || stats_run_count || '/' || stats_cost_sum || '/' || stats_sentiment_count FROM hitlai.companies")" \
  "$committed/$committed/$((committed * 10)).00/$committed" "Q1/V1: usage and company stats equal committed runs"
tap_is "$(q "SELECT string_agg(tests_completed || ':' || is_unlocked, ',' ORDER BY tests_required) FROM hitlai.milestones")" \
  "$committed:true,$committed:true,$committed:false" "T1: milestones counted exactly once per committed run"
# each run: cost 10.00, two credited testers at 70%: round(10*70/100/2, 2) = 3.50 each
earn=$(q "SELECT ($committed * 3.50)::numeric(12,2)")
tap_is "$(q "SELECT string_agg(tests_completed || '/' || total_earnings || '/' || average_rating || '/' || stats_active_assignments, ',' ORDER BY display_name) FROM hitlai.human_testers")" \
  "$committed/$earn/5.00/0,$committed/$earn/5.00/0" \
  "T3: both testers credited once per run, earnings to the cent, no lost update"
tap_is "$(q "SELECT count(*) FROM hitlai.test_runs WHERE issues_found <> 1")" 0 "T6: issues_found right under concurrency"
tap_is "$(q "SELECT count(*) FROM hitlai.training_data")" "$committed" "T2: one training row per completed run"
deadlocks=$(tail -c +"$((log_start + 1))" "$LOG" 2>/dev/null | grep -c 'deadlock detected')
tap_is "$deadlocks" 0 "T7: no deadlock in the server log"
tap_done
