#!/usr/bin/env bash
# Delivery throughput of the hitlai webhook worker to a loopback receiver that answers
# 200 at once, and the worker's memory (RSS) after N1 and N2 deliveries. Its own cluster.
# Usage: HL_PG_CONFIG=... HL_ROOT=... bash bench/webhooks.sh [N1] [N2]
set -uo pipefail
N1=${1:-10000}; N2=${2:-30000}
. "$HL_ROOT/test/shell/lib/tap.sh" >/dev/null
. "$HL_ROOT/scripts/lib.sh"
BIN=$(dirname "$HL_PG_CONFIG")
W=$(mktemp -d /tmp/hitlai-wbench.XXXX); chmod 777 "$W"; C=$W/cluster
trap 'kill $RPID 2>/dev/null; hl_as_owner "$BIN/pg_ctl" -D "$C/data" -m immediate -w stop >/dev/null 2>&1; rm -rf "$W"' EXIT
hl_cluster_start "$BIN" "$C"
psql -X -q -d postgres -c "CREATE DATABASE wb" && psql -X -q -d wb -c "CREATE EXTENSION hitlai"
python3 "$HL_ROOT/test/shell/lib/webhook_receiver.py" --port 0 --port-file "$W/port" --log /dev/null --max-seconds 900 >/dev/null 2>&1 </dev/null &
RPID=$!
for _ in $(seq 1 100); do [ -s "$W/port" ] && break; sleep 0.05; done
PORT=$(cat "$W/port")
cat >>"$C/data/postgresql.conf" <<CONF
shared_preload_libraries = 'hitlai'
hitlai.webhook_worker_database = 'wb'
hitlai.webhook_allow_private_addresses = on
CONF
hl_as_owner "$BIN/pg_ctl" -D "$C/data" -l "$C/server.log" -w restart >/dev/null
psql -X -q -d wb <<SQL
INSERT INTO hitlai.companies (id, name, email, monthly_test_quota) VALUES ('00000000-0000-0000-0000-0000000000a1', 'A', 'a@b.test', NULL);
INSERT INTO hitlai.webhooks (company_id, url, events) VALUES ('00000000-0000-0000-0000-0000000000a1', 'http://127.0.0.1:$PORT/ok', '{test_run.created}');
SQL
wpid() { psql -X -A -t -d postgres -c "SELECT pid FROM pg_stat_activity WHERE backend_type = 'hitlai webhook worker'"; }
run() {  # run N: insert N runs in one statement, time until all are delivered
  local n=$1 t0 t1
  t0=$(psql -X -A -t -d wb -c "INSERT INTO hitlai.test_runs (company_id, url, mission) SELECT '00000000-0000-0000-0000-0000000000a1', 'https://app', 'b' FROM generate_series(1, $n) RETURNING 0" | wc -l; date +%s.%N)
  t0=$(echo "$t0" | tail -1)
  until [ "$(psql -X -A -t -d wb -c "SELECT count(*) FROM hitlai.webhook_deliveries WHERE status <> 'succeeded'")" = 0 ]; do sleep 0.1; done
  t1=$(date +%s.%N)
  echo "$n deliveries in $(echo "$t1 - $t0" | bc) s: $(echo "$n / ($t1 - $t0)" | bc) /s; worker RssAnon (private memory) $(awk '/RssAnon/ {print $2, $3}' /proc/$(wpid)/status), RSS $(awk '/VmRSS/ {print $2, $3}' /proc/$(wpid)/status)"
}
run "$N1"
run "$N2"
