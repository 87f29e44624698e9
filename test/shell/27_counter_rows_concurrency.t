#!/usr/bin/env bash
# T3, V1, V2, M1, T6, T7, T2: the rows hitlai writes without the executor
# (src/pg/counter_rows.cpp: company stats of a run update, tester credit and the
# completed assignment it inserts, ratings, active runs, the assignment counters of one
# inserted assignment, issues_found of the runs of a few-issue statement, the training
# row of one run) under 8 concurrent
# sessions, in READ COMMITTED and in REPEATABLE READ. Every session works on the same
# company and the same two testers. READ COMMITTED: no error at all, every counter
# exact. REPEATABLE READ: a session whose row changed since its snapshot gets 40001
# (pgbench retries it, --max-tries), never a lost update: the counters are exact too.
set -uo pipefail
source "$(dirname "$0")/lib/tap.sh"
BIN=$(dirname "$HL_PG_CONFIG")
N=8 M=20
LOG=$HL_WORK/cluster/server.log
log_start=$(stat -c %s "$LOG" 2>/dev/null || echo 0)

tap_plan 28

# One transaction: a run with tester A and an assignment of B, moved to running, then
# completed with a rating, a sentiment and a cost, then an issue; then A's run is given
# back (tester B, still completed: an active-run move of nobody) and a pending run of
# B moves to A (V2 deltas on both testers). Every transaction also adds an issue to one
# shared run (T6: issues_found of a row all sessions write; the run is completed and
# rated 4, so each issue also rewrites its training_data row, T2).
script=$HL_WORK/counter_rows_$$.sql
cat >"$script" <<'SQL'
BEGIN;
INSERT INTO hitlai.test_runs (company_id, tester_id, url, mission, cost)
  VALUES ('00000000-0000-0000-0000-0000000000c1', '00000000-0000-0000-0000-000000000001',
          'https://a.io', 'm', 10.00) RETURNING id AS r \gset
INSERT INTO hitlai.tester_assignments (test_run_id, tester_id)
  VALUES (:r, '00000000-0000-0000-0000-000000000002');
UPDATE hitlai.test_runs SET status = 'running' WHERE id = :r;
UPDATE hitlai.test_runs SET status = 'completed', company_ai_rating = 4, sentiment_score = 0.5, cost = 20.00
 WHERE id = :r;
INSERT INTO hitlai.issues (test_run_id, title) VALUES (:r, 'x');
INSERT INTO hitlai.issues (test_run_id, title) VALUES ('00000000-0000-0000-0000-0000000000e0', 's');
INSERT INTO hitlai.test_runs (company_id, tester_id, url, mission, status)
  VALUES ('00000000-0000-0000-0000-0000000000c1', '00000000-0000-0000-0000-000000000002',
          'https://a.io', 'm', 'pending') RETURNING id AS p \gset
UPDATE hitlai.test_runs SET tester_id = '00000000-0000-0000-0000-000000000001' WHERE id = :p;
COMMIT;
SQL
chmod a+r "$script"

q() { hl_psql "$DB" -c "$1"; }
# new_db NAME: database NAME with hitlai, company c1 and testers A and B.
new_db() {
  DB=$1
  hl_scratch_db "$DB"
  hl_psql "$DB" >/dev/null <<SQL
CREATE EXTENSION hitlai;
INSERT INTO hitlai.companies (id, name, email, monthly_test_quota)
  VALUES ('00000000-0000-0000-0000-0000000000c1', 'Rows', 'r@c.io', NULL);
INSERT INTO hitlai.human_testers (id, user_id, email, display_name) VALUES
  ('00000000-0000-0000-0000-000000000001', gen_random_uuid(), 'a@c.io', 'A'),
  ('00000000-0000-0000-0000-000000000002', gen_random_uuid(), 'b@c.io', 'B');
INSERT INTO hitlai.test_runs (id, company_id, url, mission)
  VALUES ('00000000-0000-0000-0000-0000000000e0', '00000000-0000-0000-0000-0000000000c1',
          'https://a.io', 'shared');
UPDATE hitlai.test_runs SET status = 'running' WHERE id = '00000000-0000-0000-0000-0000000000e0';
UPDATE hitlai.test_runs SET status = 'completed', company_ai_rating = 4
 WHERE id = '00000000-0000-0000-0000-0000000000e0';
SQL
}
for iso in "read committed" "repeatable read"; do
  new_db "hl_counter_rows_${iso// /_}_$$"
  hl_psql "$DB" -c "ALTER DATABASE $DB SET default_transaction_isolation = '$iso'" >/dev/null
  out=$("$BIN/pgbench" -n -M prepared -d "$DB" \
    -f "$script" -c "$N" -j 2 -t "$M" --max-tries=10000 2>&1)
  [ -n "$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' <<<"$out")" ] || tap_diag "$out"
  failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' <<<"$out")
  retried=$(sed -n 's/^number of transactions retried: \([0-9]*\).*/\1/p' <<<"$out")
  tap_is "${failed:-missing}" 0 "$iso: every transaction of $N sessions x $M committed (pgbench: ${retried:-0} retried)"
  if [ "$iso" = "read committed" ]; then
    tap_is "${retried:-0}" 0 "read committed: no serialization failure, no deadlock (nothing retried)"
  else
    tap_ok $([ "${retried:-0}" -gt 0 ] && echo 0 || echo 1) \
      "repeatable read: concurrent changes of a counter row raise 40001 (${retried:-0} transactions retried)"
  fi
  runs=$((N * M))
  # two runs per transaction and the shared run; cost 20.00 per completed run, 2
  # credited testers at 70 %: 7.00 each
  tap_is "$(q "SELECT stats_run_count || '/' || stats_cost_sum || '/' || stats_sentiment_sum || '/' || stats_sentiment_count FROM hitlai.companies")" \
    "$((2 * runs + 1))/$((20 * runs)).00/$((runs / 2)).00/$runs" \
    "$iso: V1 company stats exact (runs, cost deltas, sentiment)"
  tap_is "$(q "SELECT string_agg(tests_completed || '/' || total_earnings || '/' || average_rating || '/' || stats_rating_count || '/' || stats_active_assignments, ',' ORDER BY display_name) FROM hitlai.human_testers")" \
    "$runs/$((7 * runs)).00/4.00/$runs/$runs,$runs/$((7 * runs)).00/4.00/$runs/0" \
    "$iso: T3 credit, ratings and V2 active runs exact for both testers"
  tap_is "$(q "SELECT issues_found || '/' || (SELECT count(*) FROM hitlai.issues i WHERE i.test_run_id = r.id) FROM hitlai.test_runs r WHERE r.id = '00000000-0000-0000-0000-0000000000e0'")" \
    "$runs/$runs" "$iso: T6 issues_found of the shared run exact ($runs issues from $N sessions)"
  tap_is "$(q "SELECT count(*) || '/' || min(jsonb_array_length(output_data -> 'issues')) FROM hitlai.training_data WHERE test_run_id = '00000000-0000-0000-0000-0000000000e0'")" \
    "1/$runs" "$iso: T2 the shared run's training row lists all $runs issues (rewritten by every session)"
  if [ "$iso" = "repeatable read" ]; then
    tap_is "$(q "SELECT count(*) FROM hitlai.check_stats()")" 0 \
      "$iso: check_stats() finds no counter that differs from the tables"
  fi
  hl_drop_db "$DB"
done
# REPEATABLE READ, one step at a time: a counter row that another session changed after
# this transaction's snapshot raises 40001 at the write without the executor (a run's
# cost change, and Q1 of a one-run insert, update its company; one inserted assignment
# updates its tester), as an UPDATE statement would, instead of overwriting the other
# session's change. The error's LOCATION (VERBOSITY verbose) shows it comes from that
# write (src/pg/counter_rows.cpp), not from an SQL statement before it.
new_db "hl_counter_rows_rr_$$"
hl_psql "$DB" >/dev/null <<SQL
INSERT INTO hitlai.test_runs (id, company_id, url, mission) VALUES
  ('00000000-0000-0000-0000-0000000000f1', '00000000-0000-0000-0000-0000000000c1', 'https://a.io', 'm'),
  ('00000000-0000-0000-0000-0000000000f2', '00000000-0000-0000-0000-0000000000c1', 'https://a.io', 'm'),
  ('00000000-0000-0000-0000-0000000000f3', '00000000-0000-0000-0000-0000000000c1', 'https://a.io', 'm');
INSERT INTO hitlai.test_runs (id, company_id, tester_id, url, mission) VALUES
  ('00000000-0000-0000-0000-0000000000f4', '00000000-0000-0000-0000-0000000000c1',
   '00000000-0000-0000-0000-000000000001', 'https://a.io', 'm');
INSERT INTO hitlai.tester_assignments (test_run_id, tester_id)
  VALUES ('00000000-0000-0000-0000-0000000000f4', '00000000-0000-0000-0000-000000000002');
SQL
# A second session that holds a transaction open while the main session runs a command:
# psql fed through a fifo runs OPEN and then creates a marker file; once the marker is
# there, the main session runs the rest of the arguments (their output passes through),
# then the second session runs CLOSE and ends. With SHOW = show, the second session's
# output follows. Nothing here depends on timing: every step waits for a condition.
eventually() {  # eventually CMD...: CMD succeeds within 60 s (polled)
  local end=$(($(date +%s) + 60))
  until "$@"; do [ "$(date +%s)" -lt "$end" ] || return 1; sleep 0.05; done
}
side_session() {
  local open=$1 close=$2 show=$3
  shift 3
  local fifo=$HL_WORK/side_$$.fifo out=$HL_WORK/side_$$.out mark=$HL_WORK/side_$$.ready
  rm -f "$fifo" "$mark" && mkfifo "$fifo"
  "$BIN/psql" -X -q -d "$DB" <"$fifo" >"$out" 2>&1 &
  local pid=$!
  exec 3>"$fifo"
  printf '%s\n\\! touch %s\n' "$open" "$mark" >&3
  eventually test -e "$mark" || echo "side session did not run: $open" >&2
  "$@"
  echo "$close" >&3
  exec 3>&-
  wait "$pid"
  if [ "$show" = show ]; then cat "$out"; fi
  rm -f "$fifo" "$out" "$mark"
}
# blocked SQL: runs SQL in a session of its own in the background and returns once that
# session waits for a lock (pg_stat_activity); finish_blocked waits for the session to
# end and prints what it printed.
blocked() {
  printf '%s\n' "$1" | "$BIN/psql" -X -q -d "$DB" >"$HL_WORK/blocked_$$.out" 2>&1 &
  echo $! >"$HL_WORK/blocked_$$.pid"
  eventually waiting_for_lock || echo "never waited for a lock: $1" >&2
}
waiting_for_lock() {
  [ "$(q "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend' AND wait_event_type = 'Lock'")" -gt 0 ]
}
finish_blocked() {
  local pid
  pid=$(cat "$HL_WORK/blocked_$$.pid")
  eventually bash -c "! kill -0 $pid 2>/dev/null"
  cat "$HL_WORK/blocked_$$.out"
  rm -f "$HL_WORK/blocked_$$.pid" "$HL_WORK/blocked_$$.out"
}
quiet() { "$@" >/dev/null; }
# A REPEATABLE READ transaction takes its snapshot, the main session commits $1, then the
# transaction runs $2: prints what the transaction printed.
rr_step() {
  side_session "\set VERBOSITY verbose
BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT 1;" "$2
COMMIT;" show quiet hl_psql "$DB" -c "$1"
}
got=$(rr_step "UPDATE hitlai.test_runs SET cost = 1 WHERE id = '00000000-0000-0000-0000-0000000000f1'" \
              "UPDATE hitlai.test_runs SET cost = 2 WHERE id = '00000000-0000-0000-0000-0000000000f2';")
tap_is "$(grep -c '40001: could not serialize access due to concurrent update' <<<"$got")/$(grep -c 'counter_rows.cpp' <<<"$got")/$(q "SELECT stats_cost_sum FROM hitlai.companies")" \
  "1/1/1.00" "repeatable read: a company changed since the snapshot: 40001 at a run's cost change, the other change kept"
got=$(rr_step "INSERT INTO hitlai.test_runs (company_id, url, mission) VALUES ('00000000-0000-0000-0000-0000000000c1', 'https://a.io', 'other')" \
              "INSERT INTO hitlai.test_runs (company_id, url, mission) VALUES ('00000000-0000-0000-0000-0000000000c1', 'https://a.io', 'mine');")
tap_is "$(grep -c '40001: could not serialize access due to concurrent update' <<<"$got")/$(grep -c 'counter_rows.cpp' <<<"$got")/$(q "SELECT ((SELECT stats_run_count FROM hitlai.companies) = (SELECT count(*) FROM hitlai.test_runs)) || '/' || (SELECT count(*) FROM hitlai.test_runs WHERE mission = 'mine')")" \
  "1/1/true/0" "repeatable read: a company changed since the snapshot: 40001 at a one-run insert's quota write, the other insert kept"
got=$(rr_step "INSERT INTO hitlai.tester_assignments (test_run_id, tester_id) VALUES ('00000000-0000-0000-0000-0000000000f1', '00000000-0000-0000-0000-000000000001')" \
              "INSERT INTO hitlai.tester_assignments (test_run_id, tester_id) VALUES ('00000000-0000-0000-0000-0000000000f3', '00000000-0000-0000-0000-000000000001');")
tap_is "$(grep -c '40001: could not serialize access due to concurrent update' <<<"$got")/$(grep -c 'counter_rows.cpp' <<<"$got")/$(q "SELECT stats_open_assignments FROM hitlai.human_testers WHERE display_name = 'A'")" \
  "1/1/1" "repeatable read: a tester changed since the snapshot: 40001 at one assignment's insert, the other kept"
got=$(rr_step "INSERT INTO hitlai.issues (test_run_id, title) VALUES ('00000000-0000-0000-0000-0000000000f2', 'other')" \
              "INSERT INTO hitlai.issues (test_run_id, title) VALUES ('00000000-0000-0000-0000-0000000000f2', 'mine');")
tap_is "$(grep -c '40001: could not serialize access due to concurrent update' <<<"$got")/$(q "SELECT issues_found || '/' || (SELECT count(*) FROM hitlai.issues WHERE test_run_id = '00000000-0000-0000-0000-0000000000f2') FROM hitlai.test_runs WHERE id = '00000000-0000-0000-0000-0000000000f2'")" \
  "1/1/1" "repeatable read: a run whose issues changed since the snapshot: 40001 at an issue insert, the other issue counted"
# T2's one-run refresh rewrites the training_data row directly: a row that another
# session changed after the snapshot raises 40001 there, as the upsert's DO UPDATE did.
q "UPDATE hitlai.test_runs SET status = 'running' WHERE id = '00000000-0000-0000-0000-0000000000f3';
   UPDATE hitlai.test_runs SET status = 'completed', company_ai_rating = 5 WHERE id = '00000000-0000-0000-0000-0000000000f3'" >/dev/null
got=$(rr_step "UPDATE hitlai.training_data SET model_type = 'other' WHERE test_run_id = '00000000-0000-0000-0000-0000000000f3'" \
              "INSERT INTO hitlai.issues (test_run_id, title) VALUES ('00000000-0000-0000-0000-0000000000f3', 'mine');")
tap_is "$(grep -c '40001: could not serialize access due to concurrent update' <<<"$got")/$(grep -c 'counter_rows.cpp' <<<"$got")/$(q "SELECT model_type || '/' || jsonb_array_length(output_data -> 'issues') FROM hitlai.training_data WHERE test_run_id = '00000000-0000-0000-0000-0000000000f3'")" \
  "1/1/other/0" "repeatable read: a training row changed since the snapshot: 40001 at the refresh of an issue insert, the other change kept"
# ... and a row another session deleted after the snapshot is written anew, as the
# upsert's insert did (its arbiter does not see a deleted row): no 40001.
got=$(rr_step "DELETE FROM hitlai.training_data WHERE test_run_id = '00000000-0000-0000-0000-0000000000f3'" \
              "INSERT INTO hitlai.issues (test_run_id, title) VALUES ('00000000-0000-0000-0000-0000000000f3', 'mine');")
tap_is "$(grep -c 'ERROR' <<<"$got")/$(q "SELECT count(*) || '/' || min(jsonb_array_length(output_data -> 'issues')) FROM hitlai.training_data WHERE test_run_id = '00000000-0000-0000-0000-0000000000f3'")" \
  "0/1/1" "repeatable read: a training row deleted since the snapshot is inserted anew at the refresh, without 40001"
# T2's first capture inserts the row directly as INSERT ... ON CONFLICT does: a row of
# the same run that another session is inserting is waited for, and then updated (the
# upsert runs), not duplicated and no error.
q "UPDATE hitlai.test_runs SET status = 'running' WHERE id = '00000000-0000-0000-0000-0000000000f2'" >/dev/null
side_session "BEGIN;
INSERT INTO hitlai.training_data (id, test_run_id, input_data, output_data)
  VALUES ('00000000-0000-0000-0000-0000000000d1', '00000000-0000-0000-0000-0000000000f2',
          '{\"url\": \"https://side.io\", \"mission\": \"m\", \"persona\": null, \"platform\": \"web\"}',
          '{\"sentiment_score\": null, \"issues\": [], \"recommendations\": [], \"positives\": []}');" \
  "COMMIT;" hide blocked "UPDATE hitlai.test_runs SET status = 'completed', company_ai_rating = 4 WHERE id = '00000000-0000-0000-0000-0000000000f2'"
quiet finish_blocked
tap_is "$(q "SELECT count(*) || '/' || min(id::text) || '/' || min(rating) || '/' || min(input_data ->> 'url') FROM hitlai.training_data WHERE test_run_id = '00000000-0000-0000-0000-0000000000f2'")" \
  "1/00000000-0000-0000-0000-0000000000d1/4/https://a.io" \
  "T2: a first capture waits for another session inserting the run's row, then updates that row"
# READ COMMITTED: a counter row that another session is changing is written as an
# UPDATE writes it. The write waits for that session, then is made from the row's newest
# version: the other change is kept and the count is exact. Q1's company write of a
# one-run insert, and T1's flush of the milestone rows at that insert's commit.
q "INSERT INTO hitlai.milestones (phase, tests_required) VALUES ('rc-phase', 1000)" >/dev/null
ins_c1="INSERT INTO hitlai.test_runs (company_id, url, mission) VALUES ('00000000-0000-0000-0000-0000000000c1', 'https://a.io', 'waited')"
side_session "BEGIN; UPDATE hitlai.companies SET name = 'Renamed' WHERE id = '00000000-0000-0000-0000-0000000000c1';" \
  "COMMIT;" hide blocked "$ins_c1"
quiet finish_blocked
tap_is "$(q "SELECT name || '/' || (stats_run_count = (SELECT count(*) FROM hitlai.test_runs)) || '/' || (tests_used_this_month = (SELECT count(*) FROM hitlai.test_runs)) FROM hitlai.companies")" \
  "Renamed/true/true" "read committed: a one-run insert's company write waits for a session changing the company, then counts from its version"
side_session "BEGIN; UPDATE hitlai.milestones SET tests_required = 999 WHERE phase = 'rc-phase';" \
  "COMMIT;" hide blocked "$ins_c1"
quiet finish_blocked
tap_is "$(q "SELECT tests_required || '/' || tests_completed FROM hitlai.milestones WHERE phase = 'rc-phase'")" \
  "999/2" "read committed: T1's flush waits for a session changing a milestone, then counts from its version"
# ... a session that changes the company and then rolls back: the write waits for it,
# then writes over the version it found.
side_session "BEGIN; UPDATE hitlai.companies SET name = 'Rolled back' WHERE id = '00000000-0000-0000-0000-0000000000c1';" \
  "ROLLBACK;" hide blocked "$ins_c1"
quiet finish_blocked
tap_is "$(q "SELECT name || '/' || (stats_run_count = (SELECT count(*) FROM hitlai.test_runs)) || '/' || (SELECT tests_completed FROM hitlai.milestones WHERE phase = 'rc-phase') FROM hitlai.companies")" \
  "Renamed/true/3" "read committed: after a concurrent change of the company is rolled back, the waiting write counts from the version it found"
# REPEATABLE READ: the company is being changed by a session that commits while the
# write waits for it: 40001 once it has waited, as an UPDATE raises it.
side_session "BEGIN; UPDATE hitlai.companies SET name = 'Changed' WHERE id = '00000000-0000-0000-0000-0000000000c1';" \
  "COMMIT;" hide blocked "\set VERBOSITY verbose
BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT 1;
$ins_c1;
COMMIT;"
got=$(finish_blocked)
tap_is "$(grep -c '40001: could not serialize access due to concurrent update' <<<"$got")/$(grep -c 'counter_rows.cpp' <<<"$got")/$(q "SELECT name || '/' || (stats_run_count = (SELECT count(*) FROM hitlai.test_runs)) FROM hitlai.companies")" \
  "1/1/Changed/true" "repeatable read: a one-run insert's company write waits for a session changing the company, then 40001 when it commits"
# T3's tester locks of a one-run UPDATE (taken by primary key, in id order, without a
# query): while a transaction holds them, another session's SKIP LOCKED read of testers
# A and B returns the ones left free. Rating run f4 (tester A, an assignment of B)
# locks the assigned tester B only; completing it locks A and B.
# held SQL_OF_HOLDER QUERY -> QUERY's output while the holder's transaction is open
held() {
  side_session "BEGIN; $1" "ROLLBACK;" hide q "$2"
}
free_testers="SELECT coalesce(string_agg(display_name, ',' ORDER BY display_name), '-') FROM (SELECT display_name FROM hitlai.human_testers WHERE display_name IN ('A', 'B') FOR NO KEY UPDATE SKIP LOCKED) t"
tap_is "$(held "UPDATE hitlai.test_runs SET company_ai_rating = 3 WHERE id = '00000000-0000-0000-0000-0000000000f4';" "$free_testers")/$(held "UPDATE hitlai.test_runs SET status = 'completed' WHERE id = '00000000-0000-0000-0000-0000000000f4';" "$free_testers")" \
  "A/-" "T3: a one-run rating locks the run's assigned testers; completing it also locks its tester"
# ... with the table lock SELECT ... FOR NO KEY UPDATE takes (RowShareLock), not an
# UPDATE's: a rating with no completed assignment writes no tester row.
tap_is "$(held "UPDATE hitlai.test_runs SET company_ai_rating = 2 WHERE id = '00000000-0000-0000-0000-0000000000f4';" \
  "SELECT string_agg(DISTINCT mode, ',') FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.relation = 'hitlai.human_testers'::regclass AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) AND a.backend_type = 'client backend' AND l.pid <> pg_backend_pid()")" \
  "RowShareLock" "T3: the one-run tester lock holds RowShareLock on human_testers, as FOR NO KEY UPDATE does"
got=$(rr_step "UPDATE hitlai.human_testers SET display_name = 'B' WHERE id = '00000000-0000-0000-0000-000000000002'" \
              "UPDATE hitlai.test_runs SET company_ai_rating = 5 WHERE id = '00000000-0000-0000-0000-0000000000f4';")
tap_is "$(grep -c '40001: could not serialize access due to concurrent update' <<<"$got")/$(grep -c 'counter_rows.cpp' <<<"$got")/$(q "SELECT coalesce(company_ai_rating::text, 'none') FROM hitlai.test_runs WHERE id = '00000000-0000-0000-0000-0000000000f4'")" \
  "1/1/none" "repeatable read: a tester changed since the snapshot: 40001 at a one-run rating's tester lock"
hl_drop_db "$DB"

deadlocks=$(tail -c +"$((log_start + 1))" "$LOG" 2>/dev/null | grep -c 'deadlock detected')
tap_is "$deadlocks" 0 "T7: no deadlock in the server log"
rm -f "$script"
tap_done
