#!/usr/bin/env bash
# T7, T1, Q1: a 100k-row INSERT ... SELECT into test_runs (one company, testers on a
# tenth of the runs) finishes with exact counters, and costs a handful of company and
# milestone updates. Prints the time next to the same statement with hitlai's triggers
# disabled (ALTER TABLE hitlai.test_runs DISABLE TRIGGER USER), same session, best of 3.
set -uo pipefail
source "$(dirname "$0")/lib/tap.sh"
BIN=$(dirname "$HL_PG_CONFIG")
DB=hl_bulk_$$
ROWS=${HITLAI_BULK_ROWS:-100000}
PSQL=("$BIN/psql" -X -q -v ON_ERROR_STOP=1)
tap_plan 4
"${PSQL[@]}" -d postgres -c "CREATE DATABASE $DB" || { echo "Bail out! cannot create database"; exit 1; }
trap '"${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1' EXIT

# One timed INSERT ... SELECT of the bulk rows into an empty test_runs, with ($1 = with)
# or without ($1 = without) hitlai's triggers.
timed_round() {
  local toggle=ENABLE
  [ "$1" = without ] && toggle=DISABLE
  cat <<ROUND
ALTER TABLE hitlai.test_runs $toggle TRIGGER USER;
TRUNCATE hitlai.test_runs CASCADE;
\echo ${1}_triggers
\timing on
INSERT INTO hitlai.test_runs (company_id, tester_id, url, mission, cost, sentiment_score)
  SELECT company_id, tester_id, url, mission, cost, sentiment_score FROM public.bulk_runs;
\timing off
ROUND
}

out=$("${PSQL[@]}" -d "$DB" 2>&1 <<SQL
CREATE EXTENSION hitlai;
INSERT INTO hitlai.milestones (phase, tests_required) VALUES ('a', 1000), ('b', 1000000);
INSERT INTO hitlai.companies (id, name, email, monthly_test_quota)
  VALUES ('00000000-0000-0000-0000-0000000000c1', 'Bulk', 'b@b.io', NULL);
INSERT INTO hitlai.human_testers (id, user_id, email, display_name)
  VALUES ('00000000-0000-0000-0000-000000000001', gen_random_uuid(), 't@b.io', 'T');
CREATE TABLE public.bulk_runs AS
  SELECT '00000000-0000-0000-0000-0000000000c1'::uuid AS company_id,
         CASE WHEN g % 10 = 0 THEN '00000000-0000-0000-0000-000000000001'::uuid END AS tester_id,
         'https://app.example.com/' || g AS url, 'mission ' || g AS mission,
         ((g % 100)::numeric / 10)::numeric(10,2) AS cost,
         CASE WHEN g % 3 = 0 THEN NULL ELSE ((g % 100)::numeric / 100)::numeric(3,2) END AS sentiment_score
    FROM generate_series(1, $ROWS) g;
VACUUM ANALYZE public.bulk_runs;
\echo with_triggers
\timing on
INSERT INTO hitlai.test_runs (company_id, tester_id, url, mission, cost, sentiment_score)
  SELECT company_id, tester_id, url, mission, cost, sentiment_score FROM public.bulk_runs;
\timing off
SELECT 'counters', (SELECT tests_used_this_month || '/' || stats_run_count || '/' || stats_cost_sum || '/' || stats_sentiment_count FROM hitlai.companies),
       (SELECT string_agg(tests_completed || ':' || is_unlocked, ',' ORDER BY phase) FROM hitlai.milestones),
       (SELECT stats_active_assignments FROM hitlai.human_testers),
       (SELECT count(*) || '/' || sum(cost) || '/' || count(sentiment_score) FROM public.bulk_runs);
$(for i in 1 2 3; do timed_round without; timed_round with; done)
SQL
)
rc=$?
tap_ok $rc "$ROWS-row INSERT ... SELECT with triggers succeeds"
[ $rc -eq 0 ] || { echo "$out" | tap_diag_in; tap_done; }
counters=$(echo "$out" | grep '^ counters' | tr -d ' ')
exp_cost=$("$BIN/psql" -X -At -d "$DB" -c "SELECT sum(cost) FROM public.bulk_runs")
exp_sc=$("$BIN/psql" -X -At -d "$DB" -c "SELECT count(sentiment_score) FROM public.bulk_runs")
want="counters|$ROWS/$ROWS/$exp_cost/$exp_sc|$ROWS:true,$ROWS:$([ "$ROWS" -ge 1000000 ] && echo true || echo false)|$((ROWS / 10))|$ROWS/$exp_cost/$exp_sc"
tap_is "$counters" "$want" "Q1/V1/T1/V2: counters exact after the bulk insert"
best() { echo "$out" | awk -v tag="$1" '
  /^with_triggers$|^without_triggers$/ { if (cur != "" && v != "") print cur, v; cur = $0; v = "" }
  /^Time:/ { v = $2 }
  END { if (cur != "" && v != "") print cur, v }' | awk -v tag="$1" '$1 == tag' | sort -k2 -n | head -1 | awk '{print $2}'; }
w=$(best with_triggers) o=$(best without_triggers)
echo "# INSERT ... SELECT of $ROWS rows: with triggers ${w} ms, triggers disabled ${o} ms (best of runs), ratio $(echo "scale=2; $w / $o" | bc)"
[ -n "$w" ] && [ -n "$o" ]
tap_ok $? "timings measured"
# a handful of milestone/company updates, not one per row: n_tup_upd of the shared tables
sleep 1  # statistics of the finished session are flushed at its exit
upd=$("$BIN/psql" -X -At -d "$DB" -c "SELECT sum(n_tup_upd) FROM pg_stat_user_tables WHERE schemaname = 'hitlai' AND relname IN ('companies', 'milestones')")
[ "${upd:-0}" -le 20 ]
tap_ok $? "T1/T7: bulk inserts made $upd company+milestone row updates in total (not one per row)"
tap_done
