#!/usr/bin/env bash
# W3/W7: the background worker, in a cluster of its own started with
# shared_preload_libraries = 'hitlai' and hitlai.webhook_worker_database set: it
# delivers by itself within a second of the commit; `pg_ctl stop -m immediate` while
# requests are in flight and a SIGKILL of the worker lose nothing (every recorded
# delivery reaches the receiver; a repeat only ever has the same webhook-id); W8:
# reloaded settings take effect, and an endpoint with its full share is served again
# as soon as it has room.
set -uo pipefail
. "$(dirname "$0")/lib/tap.sh"
# shellcheck source=scripts/lib.sh
. "$HL_ROOT/scripts/lib.sh"
LIB=$(cd "$(dirname "$0")/lib" && pwd)
BIN=$(dirname "$HL_PG_CONFIG")
W=$HL_WORK/wworker_$$
C=$W/cluster
mkdir -p "$W" && chmod 777 "$W"
tap_plan 14
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  hl_as_owner "$BIN/pg_ctl" -D "$C/data" -m immediate -w stop >/dev/null 2>&1
  rm -rf "$W"
}
trap cleanup EXIT

hl_cluster_start "$BIN" "$C" || { echo "Bail out! cluster"; exit 1; }
DB=hl_worker
psql -X -q -d postgres -c "CREATE DATABASE $DB" && hl_psql "$DB" -c "CREATE EXTENSION hitlai" >/dev/null \
  || { echo "Bail out! database"; exit 1; }
python3 "$LIB/webhook_receiver.py" --port 0 --port-file "$W/port" --log "$W/requests.jsonl" \
  --max-seconds 600 >"$W/receiver.out" 2>&1 </dev/null &
pids+=($!)
for _ in $(seq 1 100); do [ -s "$W/port" ] && break; sleep 0.05; done
PORT=$(cat "$W/port")
# synchronous_commit back on (hl_cluster_start turns it off for speed): the crash
# restarts below discard WAL still in shared memory, and with it the runs the test
# committed just before; the test is about deliveries the worker loses, not those.
cat >>"$C/data/postgresql.conf" <<CONF
synchronous_commit = on
shared_preload_libraries = 'hitlai'
hitlai.webhook_worker_database = '$DB'
hitlai.webhook_allow_private_addresses = on
hitlai.webhook_timeout = 8
hitlai.webhook_max_in_flight = 200
hitlai.webhook_worker_batch = 200
CONF
restart() { hl_as_owner "$BIN/pg_ctl" -D "$C/data" -l "$C/server.log" -m "$1" -w -t 60 restart >/dev/null 2>&1 \
              || hl_as_owner "$BIN/pg_ctl" -D "$C/data" -l "$C/server.log" -w -t 60 start >/dev/null 2>&1; }
restart fast
worker_pid() { psql -X -A -t -d postgres -c "SELECT pid FROM pg_stat_activity WHERE backend_type = 'hitlai webhook worker'" 2>/dev/null; }
for _ in $(seq 1 50); do [ -n "$(worker_pid)" ] && break; sleep 0.2; done
tap_ok $([ -n "$(worker_pid)" ]; echo $?) "W3: with shared_preload_libraries the postmaster starts the webhook worker"

hl_psql "$DB" >/dev/null <<SQL
INSERT INTO hitlai.companies (id, name, email, monthly_test_quota)
  VALUES ('00000000-0000-0000-0000-0000000000a1', 'A', 'a@w7.test', NULL);
INSERT INTO hitlai.webhooks (id, company_id, url, events) VALUES
  ('00000000-0000-0000-0000-00000000aa01', '00000000-0000-0000-0000-0000000000a1', 'http://127.0.0.1:$PORT/ok', '{test_run.created}'),
  ('00000000-0000-0000-0000-00000000aa02', '00000000-0000-0000-0000-0000000000a1', 'http://127.0.0.1:$PORT/hang?s=1.5', '{test_run.completed}');
SQL
received() {  # received PATH -> number of requests at PATH
  [ -f "$W/requests.jsonl" ] || { echo 0; return; }
  grep -c "\"path\": \"$1\"" "$W/requests.jsonl"
}
wait_for() {  # wait_for SECONDS COMMAND...: polls every 0.05 s
  local end=$(( $(date +%s%N) + ${1%.*} * 1000000000 )); shift
  until "$@"; do [ "$(date +%s%N)" -lt "$end" ] || return 1; sleep 0.05; done
}

diag_deliveries() {  # on failure: where the deliveries stand, and the worker's log lines
  hl_psql "$DB" -c "SELECT event_type, status, attempts, last_status_code, left(last_error, 80), count(*),
                             count(DISTINCT payload -> 'data' ->> 'id') AS runs
                      FROM hitlai.webhook_deliveries GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3" 2>&1 | sed 's/^/# /' >&2
  hl_psql "$DB" -c "SELECT split_part(mission, ' ', 1), status, count(*) FROM hitlai.test_runs GROUP BY 1, 2 ORDER BY 1, 2" 2>&1 | sed 's/^/# runs: /' >&2
  grep -i "webhook" "$C/server.log" 2>/dev/null | tail -20 | sed 's/^/# /' >&2
}

# latency: commit -> receipt
lat=()
for i in 1 2 3 4 5; do
  before=$(received /ok)
  # t0: the clock at the end of the inserting transaction, just before its commit
  t0=$(hl_psql "$DB" -c "INSERT INTO hitlai.test_runs (company_id, url, mission) VALUES ('00000000-0000-0000-0000-0000000000a1', 'https://app', 'lat $i') RETURNING extract(epoch FROM clock_timestamp())")
  ok_more() { [ "$(received /ok)" -gt "$before" ]; }
  wait_for 5 ok_more
  t1=$(python3 -c "import json; print([json.loads(l) for l in open('$W/requests.jsonl')][-1]['received'])")
  lat+=("$(echo "$t1 - $t0" | bc)")
done
max_lat=$(printf '%s\n' "${lat[@]}" | sort -n | tail -1)
tap_ok $(echo "$max_lat < 1.0" | bc | grep -q 1; echo $?) "W3: the worker delivers within a second of the commit (latencies: ${lat[*]} s)"
tap_is "$(hl_psql "$DB" -c "SELECT string_agg(DISTINCT status, ',') FROM hitlai.webhook_deliveries")" "succeeded" "W3: those deliveries are recorded succeeded"

# crash while requests are in flight: 150 completions to the slow endpoint (1.5 s each)
hl_psql "$DB" >/dev/null <<SQL
INSERT INTO hitlai.test_runs (company_id, url, mission, status)
  SELECT '00000000-0000-0000-0000-0000000000a1', 'https://app', 'crash ' || g, 'completed' FROM generate_series(1, 150) g;
SQL
hang_started() { [ "$(received /hang)" -gt 0 ]; }
wait_for 10 hang_started
inflight=$(hl_psql "$DB" -c "SELECT count(*) FROM hitlai.webhook_deliveries WHERE status = 'delivering'")
restart immediate
tap_ok $([ "$inflight" -gt 0 ]; echo $?) "W7: the cluster was stopped with -m immediate while $inflight deliveries were in flight"
for _ in $(seq 1 50); do [ -n "$(worker_pid)" ] && break; sleep 0.2; done
tap_ok $([ -n "$(worker_pid)" ]; echo $?) "W7: after the restart the worker runs again"
done_crash() { [ "$(hl_psql "$DB" -c "SELECT count(*) FROM hitlai.webhook_deliveries WHERE event_type = 'test_run.completed' AND status = 'succeeded'" 2>/dev/null)" = 150 ]; }
wait_for 180 done_crash
rc=$?; [ $rc -eq 0 ] || diag_deliveries
tap_ok $rc "W7: all 150 deliveries recorded before the crash succeeded afterwards (lease expiry made the lost ones due again)"

# SIGKILL of the worker: the postmaster restarts it (after resetting the cluster)
hl_psql "$DB" >/dev/null <<SQL
INSERT INTO hitlai.test_runs (company_id, url, mission, status)
  SELECT '00000000-0000-0000-0000-0000000000a1', 'https://app', 'kill ' || g, 'completed' FROM generate_series(1, 100) g;
SQL
delivering() { [ "$(hl_psql "$DB" -c "SELECT count(*) FROM hitlai.webhook_deliveries WHERE status = 'delivering'" 2>/dev/null || echo 0)" -gt 0 ]; }
wait_for 10 delivering
wpid=$(worker_pid)
kill -9 "$wpid" 2>/dev/null
tap_ok $? "W7: the worker (pid $wpid) was killed with SIGKILL while delivering"
sleep 2
for _ in $(seq 1 100); do newpid=$(worker_pid); [ -n "$newpid" ] && [ "$newpid" != "$wpid" ] && break; sleep 0.2; done
tap_ok $([ -n "$newpid" ] && [ "$newpid" != "$wpid" ]; echo $?) "W7: the postmaster restarted the worker (pid $newpid)"
done_kill() { [ "$(hl_psql "$DB" -c "SELECT count(*) FROM hitlai.webhook_deliveries WHERE event_type = 'test_run.completed' AND status = 'succeeded'" 2>/dev/null)" = 250 ]; }
wait_for 180 done_kill
rc=$?; [ $rc -eq 0 ] || diag_deliveries
tap_ok $rc "W7: every delivery recorded before the kill succeeded afterwards"

# nothing lost, duplicates only with the same webhook-id
check=$(hl_psql "$DB" -c "SELECT d.id || ' ' || (d.payload -> 'data' ->> 'id') FROM hitlai.webhook_deliveries d" >"$W/deliveries.txt"; python3 - "$W/requests.jsonl" "$W/deliveries.txt" <<'PY'
import base64, json, sys
reqs = [json.loads(l) for l in open(sys.argv[1])]
want = dict(line.split() for line in open(sys.argv[2]) if line.strip())
got = {}
for r in reqs:
    body = json.loads(base64.b64decode(r["body"]))
    got.setdefault(r["id"], set()).add((body["type"], body["data"]["id"]))
missing = [i for i in want if i not in got]
# every event (type, run) arrived under exactly one id
by_event = {}
for i, evs in got.items():
    for e in evs:
        by_event.setdefault(e, set()).add(i)
two_ids = [e for e, ids in by_event.items() if len(ids) > 1]
dups = len(reqs) - len(got)
print(len(missing), len(two_ids), dups)
PY
)
read -r missing two_ids dups <<<"$check"
tap_is "$missing" "0" "W7: every recorded delivery reached the receiver"
tap_is "$two_ids" "0" "W7: no event arrived under two webhook-ids (repeats: $dups, each with its own id)"
hl_psql "$DB" -c "SELECT 'ok' || E'\t' || secret FROM hitlai.webhooks WHERE url LIKE '%/ok'
                  UNION ALL SELECT 'hang' || E'\t' || secret FROM hitlai.webhooks WHERE url LIKE '%/hang%'" \
  | sed 's/^ok/\/ok/; s/^hang/\/hang/' >"$W/secrets.tsv"
read -r total good bad < <(python3 "$LIB/webhook_verify.py" "$W/requests.jsonl" "$W/secrets.tsv" | head -1)
tap_ok $([ "$good" = "$total" ] && [ "$bad" = 0 ]; echo $?) "W2: all $total received requests carry a valid signature (Python hmac)"

# W8 after a reload (SIGHUP): at most 4 requests in flight to the endpoint, claims of at
# most 2 (fewer than half the in-flight slots: the worker still claims), and a 5 s
# naptime. 8 completions to the slow endpoint (1.5 s each) go in two waves of 4; the
# second starts when the first ends, not after the naptime (a claim that finds nothing
# because the only due webhook has its full share is repeated as soon as it has room).
hl_psql "$DB" -c "UPDATE hitlai.webhooks SET is_active = false WHERE url LIKE '%/ok'" >/dev/null
cat >>"$C/data/postgresql.conf" <<CONF
hitlai.webhook_max_in_flight = 8
hitlai.webhook_max_in_flight_per_endpoint = 4
hitlai.webhook_worker_naptime = 5000
hitlai.webhook_worker_batch = 2
CONF
hl_as_owner "$BIN/pg_ctl" -D "$C/data" reload >/dev/null 2>&1
sleep 1
before_hang=$(received /hang)
hl_psql "$DB" >/dev/null <<SQL
INSERT INTO hitlai.test_runs (company_id, url, mission, status)
  SELECT '00000000-0000-0000-0000-0000000000a1', 'https://app', 'wave ' || g, 'completed' FROM generate_series(1, 8) g;
SQL
waves_done() { [ "$(received /hang)" -ge $((before_hang + 8)) ]; }
wait_for 30 waves_done
read -r gap5 gap8 < <(python3 - "$W/requests.jsonl" "$before_hang" <<'PY'
import json, sys
t = [json.loads(l)["received"] for l in open(sys.argv[1]) if '"path": "/hang"' in l][int(sys.argv[2]):]
t.sort()
print("%.2f %.2f" % (t[4] - t[0], t[7] - t[0]) if len(t) >= 8 else "0 99")
PY
)
tap_ok $(echo "$gap5 >= 1.3" | bc | grep -q 1; echo $?) \
  "W8: after a reload, at most 4 requests in flight to the endpoint (the 5th arrived $gap5 s after the 1st, each takes 1.5 s)"
tap_ok $(echo "$gap8 < 4.0" | bc | grep -q 1; echo $?) \
  "W8: the second wave started when the first ended, not after the 5 s naptime (the 8th arrived $gap8 s after the 1st)"
exit $((TAP_FAILED > 0))
