#!/usr/bin/env bash
# T1 under concurrency: 8 sessions, each inserting runs for a company of its own (so they
# meet only on the milestones), under READ COMMITTED and then REPEATABLE READ. Some
# transactions insert two runs, some roll back, some roll back a savepoint, some count
# after every statement (SET CONSTRAINTS ALL IMMEDIATE). Afterwards every milestone
# counts exactly the committed runs, the ones whose threshold was reached are unlocked
# (with unlocked_at), the others are not; no session saw an error (no deadlock, no
# serialization failure: one company's inserts never make another's fail, S10), and the
# server log shows no deadlock.
set -uo pipefail
source "$(dirname "$0")/lib/tap.sh"
BIN=$(dirname "$HL_PG_CONFIG")
DB=hl_msconc_$$
N=8 M=30
PSQL=("$BIN/psql" -X -q -v ON_ERROR_STOP=1)
LOG=$HL_WORK/cluster/server.log
log_start=$(stat -c %s "$LOG" 2>/dev/null || echo 0)

tap_plan 10
"${PSQL[@]}" -d postgres -c "CREATE DATABASE $DB" || { echo "Bail out! cannot create database"; exit 1; }
trap '"${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1' EXIT
q() { "$BIN/psql" -X -At -d "$DB" -c "$1"; }

# Per session and pass: M transactions; transaction i inserts 2 runs when i % 5 = 0,
# rolls back when i % 7 = 3, rolls back a savepoint holding one extra run when i % 4 = 1,
# and counts after every statement (SET CONSTRAINTS ALL IMMEDIATE) when i % 6 = 2. So
# each session commits the same known number of runs per pass.
per_session=0
for ((i = 0; i < M; i++)); do
  if ((i % 7 == 3)); then continue; fi
  if ((i % 5 == 0)); then per_session=$((per_session + 2)); else per_session=$((per_session + 1)); fi
done
per_pass=$((N * per_session))

"${PSQL[@]}" -d "$DB" <<SQL
CREATE EXTENSION hitlai;
-- thresholds: reached early, exactly at the end of pass 1, in the middle of pass 2,
-- exactly at the end of pass 2, one past the end (never)
INSERT INTO hitlai.milestones (phase, tests_required) VALUES
  ('first', 1), ('pass1', $per_pass), ('mid2', $((per_pass + per_pass / 2 + 1))),
  ('pass2', $((2 * per_pass))), ('never', $((2 * per_pass + 1)));
INSERT INTO hitlai.companies (id, name, email, monthly_test_quota)
  SELECT ('00000000-0000-0000-0000-0000000000' || lpad(c::text, 2, '0'))::uuid,
         'Tenant ' || c, 't' || c || '@ms.test', NULL
    FROM generate_series(1, $N) c;
SQL

# run_pass LEVEL: N concurrent sessions; prints the number of ERROR lines they saw.
run_pass() {
  local level=$1 c i pids=() script
  for ((c = 1; c <= N; c++)); do
    script=$HL_WORK/msconc_$$_$c.sql
    local company
    company=$(printf '00000000-0000-0000-0000-0000000000%02d' "$c")
    for ((i = 0; i < M; i++)); do
      echo "BEGIN ISOLATION LEVEL $level;"
      # counted after every statement (the flush inside the transaction and inside the
      # savepoint, then rolled back with it when the transaction or savepoint is)
      if ((i % 6 == 2)); then echo "SET CONSTRAINTS ALL IMMEDIATE;"; fi
      echo "INSERT INTO hitlai.test_runs (company_id, url, mission) VALUES ('$company', 'https://ms.test', 'm');"
      if ((i % 5 == 0)); then
        echo "INSERT INTO hitlai.test_runs (company_id, url, mission) VALUES ('$company', 'https://ms.test', 'm2');"
      fi
      if ((i % 4 == 1)); then
        echo "SAVEPOINT s;"
        echo "INSERT INTO hitlai.test_runs (company_id, url, mission) VALUES ('$company', 'https://ms.test', 'gone');"
        echo "ROLLBACK TO SAVEPOINT s;"
      fi
      if ((i % 7 == 3)); then echo "ROLLBACK;"; else echo "COMMIT;"; fi
    done >"$script"
    chmod a+r "$script"
    "$BIN/psql" -X -q -d "$DB" -f "$script" >"$HL_WORK/msconc_$$_$c.out" 2>&1 &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p"; done
  cat "$HL_WORK"/msconc_$$_*.out | grep -c ERROR
  cat "$HL_WORK"/msconc_$$_*.out | grep ERROR | sort | uniq -c | head -5 >&2
  rm -f "$HL_WORK"/msconc_$$_*.out "$HL_WORK"/msconc_$$_*.sql
}

state() {
  q "SELECT string_agg(tests_completed || ':' || is_unlocked || ':' || (unlocked_at IS NOT NULL), ',' ORDER BY tests_required) FROM hitlai.milestones"
}

errors=$(run_pass "READ COMMITTED")
tap_is "$errors" 0 "T1/S10: 8 READ COMMITTED sessions on one milestone set: no error (no deadlock, no serialization failure)"
tap_is "$(q "SELECT count(*) FROM hitlai.test_runs")" "$per_pass" "READ COMMITTED: $per_pass runs committed"
n=$per_pass
tap_is "$(state)" "$n:true:true,$n:true:true,$n:false:false,$n:false:false,$n:false:false" \
  "T1: READ COMMITTED: every milestone counts exactly the committed runs; the threshold reached by the last commit unlocked"

errors=$(run_pass "REPEATABLE READ")
tap_is "$errors" 0 "T1/S10: 8 REPEATABLE READ sessions on one milestone set: no error (no deadlock, no serialization failure)"
tap_is "$(q "SELECT count(*) FROM hitlai.test_runs")" "$((2 * per_pass))" "REPEATABLE READ: $per_pass more runs committed"
n=$((2 * per_pass))
tap_is "$(state)" "$n:true:true,$n:true:true,$n:true:true,$n:true:true,$n:false:false" \
  "T1: REPEATABLE READ: every milestone counts exactly the committed runs; thresholds reached mid-pass and by the last commit unlocked, one past not"

# unlocked_at of the thresholds crossed in pass 2 falls within pass 2, after pass 1's unlocks
tap_is "$(q "SELECT bool_and(m2.unlocked_at >= m1.unlocked_at) FROM hitlai.milestones m1, hitlai.milestones m2 WHERE m1.phase = 'pass1' AND m2.phase IN ('mid2', 'pass2')")" \
  "t" "T1: milestones unlock in the order of their thresholds"
# Totals agree with the company stats (V1) and nothing is left to repair.
tap_is "$(q "SELECT sum(stats_run_count) FROM hitlai.companies")" "$n" "V1: company stats agree with the committed runs"
tap_is "$(q "SELECT count(*) FROM hitlai.check_stats()")" 0 "V1-V3: check_stats() finds nothing to repair"
deadlocks=$(tail -c +"$((log_start + 1))" "$LOG" 2>/dev/null | grep -c 'deadlock detected')
tap_is "$deadlocks" 0 "T7: no deadlock in the server log"
tap_done
