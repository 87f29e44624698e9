#!/usr/bin/env bash
# W8: a slow endpoint never delays another endpoint's deliveries. Two receivers on
# 127.0.0.1, each its own endpoint (port): one hangs past hitlai.webhook_timeout, the
# other answers at once. With 8 requests in flight in all and at most 4 per endpoint,
# the 12 older deliveries to the hanging endpoint hold 4 slots; the 12 newer ones to
# the other endpoint all arrive before the first hanging request times out (an order of
# arrivals at the two receivers, not a timing).
set -uo pipefail
. "$(dirname "$0")/lib/tap.sh"
LIB=$(cd "$(dirname "$0")/lib" && pwd)
DB=hl_wfair_$$
W=$HL_WORK/wfair_$$
mkdir -p "$W" && chmod 777 "$W"
tap_plan 5
hl_scratch_db "$DB"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; hl_drop_db "$DB"; rm -rf "$W"; }
trap cleanup EXIT

start_receiver() {  # start_receiver NAME; prints its port
  python3 "$LIB/webhook_receiver.py" --port 0 --port-file "$W/$1.port" --log "$W/$1.jsonl" \
    --max-seconds 120 >"$W/$1.out" 2>&1 </dev/null &
  pids+=($!)
  for _ in $(seq 1 100); do [ -s "$W/$1.port" ] && break; sleep 0.05; done
  cat "$W/$1.port" 2>/dev/null
}
SLOW=$(start_receiver slow)
FAST=$(start_receiver fast)
[ -n "$SLOW" ] && [ -n "$FAST" ] || { echo "Bail out! receivers did not start"; exit 1; }

hl_psql "$DB" <<SQL >/dev/null || { echo "Bail out! setup failed"; exit 1; }
CREATE EXTENSION hitlai;
INSERT INTO hitlai.companies (id, name, email, monthly_test_quota) VALUES
  ('00000000-0000-0000-0000-0000000000f1', 'Slow', 'slow@w8.test', NULL),
  ('00000000-0000-0000-0000-0000000000f2', 'Fast', 'fast@w8.test', NULL);
INSERT INTO hitlai.webhooks (company_id, url, events) VALUES
  ('00000000-0000-0000-0000-0000000000f1', 'http://127.0.0.1:$SLOW/hang?s=20', '{test_run.created}'),
  ('00000000-0000-0000-0000-0000000000f2', 'http://127.0.0.1:$FAST/ok', '{test_run.created}');
INSERT INTO hitlai.test_runs (company_id, url, mission)
  SELECT '00000000-0000-0000-0000-0000000000f1', 'https://app', 'slow ' || g FROM generate_series(1, 12) g;
SQL
sleep 0.2  # the fast company's deliveries are due after the slow one's
hl_psql "$DB" -c "INSERT INTO hitlai.test_runs (company_id, url, mission)
  SELECT '00000000-0000-0000-0000-0000000000f2', 'https://app', 'fast ' || g FROM generate_series(1, 12) g" >/dev/null
tap_is "$(hl_psql "$DB" -c "SELECT count(*) FILTER (WHERE w.url LIKE '%/hang%') || ' ' || count(*) FILTER (WHERE w.url LIKE '%/ok')
                              FROM hitlai.webhook_deliveries d JOIN hitlai.webhooks w ON w.id = d.webhook_id")" "12 12" \
  "W8 setup: 12 deliveries to the hanging endpoint, then 12 to the fast one"

n=$(hl_psql "$DB" -c "SET hitlai.webhook_allow_private_addresses = on; SET hitlai.webhook_timeout = 3;
                      SET hitlai.webhook_max_in_flight = 8; SET hitlai.webhook_max_in_flight_per_endpoint = 4;" \
                  -c "SELECT hitlai.deliver_webhooks(100)")
tap_is "$n" "24" "W3: one pass attempts all 24 deliveries"
got=$(python3 -c "import json; print(sum(1 for l in open('$W/fast.jsonl')))" 2>/dev/null || echo 0)
tap_is "$got" "12" "W8: the fast endpoint received its 12 deliveries"
# Ordering, not a stopwatch: the hanging endpoint gets its 5th request only when one of
# its first 4 timed out (3 s); every fast delivery must have arrived before that.
read -r fast_last slow_fifth < <(python3 - "$W/fast.jsonl" "$W/slow.jsonl" <<'PY'
import json, sys
fast = [json.loads(l)["received"] for l in open(sys.argv[1])]
slow = sorted(json.loads(l)["received"] for l in open(sys.argv[2]))
print(max(fast) if fast else 1e12, slow[4] if len(slow) > 4 else 0)
PY
)
tap_ok $(python3 -c "import sys; sys.exit(0 if $fast_last < $slow_fifth else 1)"; echo $?) \
  "W8: the fast endpoint got all 12 before the hanging one got its 5th request, i.e. before its first timeout (last fast $(python3 -c "print(round($fast_last - $slow_fifth, 2))") s from it)"
tap_is "$(hl_psql "$DB" -c "SELECT string_agg(DISTINCT d.status || ':' || coalesce(d.last_status_code::text, 'none'), ',' ORDER BY d.status || ':' || coalesce(d.last_status_code::text, 'none'))
                              FROM hitlai.webhook_deliveries d")" "pending:none,succeeded:200" \
  "W4/W8: the fast endpoint's deliveries succeeded; the hanging ones timed out and wait for their retry"
tap_done
