#!/usr/bin/env bash
# W2-W5: hitlai.deliver_webhooks() against a real receiver on 127.0.0.1 (its own port,
# bounded run time): 2xx, 410, 429/503 with Retry-After, 500, redirect (not followed),
# a receiver hanging past hitlai.webhook_timeout, one that is down then up, 500s then
# 200 (same webhook-id, a timestamp per attempt), SSRF refusals with the setting off,
# every received signature checked with Python's hmac, no secret in the server log.
set -uo pipefail
. "$(dirname "$0")/lib/tap.sh"
LIB=$(cd "$(dirname "$0")/lib" && pwd)
DB=hl_wdeliv_$$
W=$HL_WORK/wdeliv_$$
mkdir -p "$W" && chmod 777 "$W"
LOG=$HL_WORK/cluster/server.log
log_start=$(stat -c %s "$LOG" 2>/dev/null || echo 0)
tap_plan 30
hl_scratch_db "$DB"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; hl_drop_db "$DB"; rm -rf "$W"; }
trap cleanup EXIT

start_receiver() {  # start_receiver PORT LOGFILE; sets RECEIVER_PORT
  rm -f "$W/port"
  python3 "$LIB/webhook_receiver.py" --port "$1" --port-file "$W/port" --log "$2" \
    --max-seconds 240 >"$W/receiver.out" 2>&1 </dev/null &
  pids+=($!)
  for _ in $(seq 1 100); do [ -s "$W/port" ] && break; sleep 0.05; done
  RECEIVER_PORT=$(cat "$W/port" 2>/dev/null)
}
start_receiver 0 "$W/requests.jsonl"
PORT=$RECEIVER_PORT
[ -n "$PORT" ] || { echo "Bail out! receiver did not start"; exit 1; }
# a port with nothing listening (yet): the receiver that comes up later takes it
DOWN_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

SQL() { hl_psql "$DB" -c "SET hitlai.webhook_allow_private_addresses = on; SET hitlai.webhook_timeout = 2;" -c "$@"; }
hl_psql "$DB" <<SQL >/dev/null || { echo "Bail out! setup failed"; exit 1; }
CREATE EXTENSION hitlai;
INSERT INTO hitlai.companies (id, name, email, monthly_test_quota)
  VALUES ('00000000-0000-0000-0000-0000000000a1', 'A', 'a@w3.test', NULL);
INSERT INTO hitlai.webhooks (company_id, url, events)
SELECT '00000000-0000-0000-0000-0000000000a1', u, '{test_run.created}' FROM unnest(ARRAY[
  'http://127.0.0.1:$PORT/ok', 'http://127.0.0.1:$PORT/gone', 'http://127.0.0.1:$PORT/error',
  'http://127.0.0.1:$PORT/redirect', 'http://127.0.0.1:$PORT/ratelimit?ra=120',
  'http://127.0.0.1:$PORT/unavailable?ra=2', 'http://127.0.0.1:$PORT/hang?s=5',
  'http://127.0.0.1:$PORT/flaky?n=2', 'http://127.0.0.1:$DOWN_PORT/ok']) u;
UPDATE hitlai.webhooks SET secret = 'plain-secret-without-prefix' WHERE url LIKE '%/error';
INSERT INTO hitlai.test_runs (company_id, url, mission) VALUES ('00000000-0000-0000-0000-0000000000a1', 'https://app', 'one');
SQL
# state URL-SUFFIX [DELAY] -> status|attempts|code|last_error|retry, where retry is '-'
# when nothing is due, "DELAY" when the next attempt lies DELAY..DELAY+4 s after this
# attempt started (the delay counts from the recorded outcome), else the seconds.
state() {
  hl_psql "$DB" -c "SELECT d.status, d.attempts, coalesce(d.last_status_code::text, '-'),
      coalesce(d.last_error, '-'),
      CASE WHEN d.next_attempt_at IS NULL THEN '-'
           WHEN extract(epoch FROM d.next_attempt_at - d.last_attempt_at)
                BETWEEN ${2:-0} AND ${2:-0} + 4 THEN '${2:-0}'
           ELSE round(extract(epoch FROM d.next_attempt_at - d.last_attempt_at))::text END
    FROM hitlai.webhook_deliveries d JOIN hitlai.webhooks w ON w.id = d.webhook_id
   WHERE w.url LIKE '%$1'"
}

t0=$(date +%s.%N)
n=$(SQL "SELECT hitlai.deliver_webhooks(100)")
t1=$(date +%s.%N)
tap_is "$n" "9" "W3: one pass attempts every due delivery (9)"
tap_ok $(echo "$t1 - $t0 < 4.5" | bc | grep -q 1; echo $?) "W3/W8: requests run concurrently: the pass took $(echo "$t1 - $t0" | bc) s with a 2 s hang among them"
tap_is "$(state "$PORT/ok")" "succeeded|1|200|-|-" "W4: 2xx: succeeded"
tap_is "$(hl_psql "$DB" -c "SELECT count(*) FROM hitlai.webhook_deliveries d JOIN hitlai.webhooks w ON w.id = d.webhook_id WHERE w.url LIKE '%$PORT/ok' AND d.delivered_at IS NOT NULL AND d.next_attempt_at IS NULL")" "1" \
  "W4: delivered_at set on success"
tap_is "$(state /gone)" "cancelled|1|410|HTTP 410: the webhook was disabled|-" "W4: 410: the delivery is cancelled"
tap_is "$(hl_psql "$DB" -c "SELECT is_active FROM hitlai.webhooks WHERE url LIKE '%/gone'")" "f" "W4: 410: the webhook is disabled"
tap_is "$(state /error 5)" "pending|1|500|HTTP 500|5" "W4: 500: retried after 5 s"
tap_is "$(state '/redirect' 5)" "pending|1|302|HTTP 302 (redirect not followed)|5" "W4: a redirect is not followed, retried after 5 s"
tap_is "$(state '/ratelimit?ra=120' 120)" "pending|1|429|HTTP 429|120" "W4: 429 with Retry-After: 120 moves the retry to 120 s"
tap_is "$(state '/unavailable?ra=2' 5)" "pending|1|503|HTTP 503|5" "W4: 503 with Retry-After: 2 never moves it earlier than 5 s"
hang=$(state '/hang?s=5' 5)
tap_ok $([[ "$hang" == pending\|1\|-\|Timeout*\|5 ]]; echo $?) "W4: a receiver hanging past hitlai.webhook_timeout: no status, timeout error, retried ($hang)"
down=$(state "127.0.0.1:$DOWN_PORT/ok" 5)
tap_ok $([[ "$down" == pending\|1\|-\|*onnect*\|5 ]]; echo $?) "W4: a receiver that is down: connection error, retried ($down)"
tap_is "$(grep -c '"path": "/ok"' "$W/requests.jsonl")" "1" "W4: the redirect target was never requested"

# retries: make everything due again, the down receiver comes up; flaky answers 500 twice
start_receiver "$DOWN_PORT" "$W/requests.jsonl"
for round in 2 3; do
  sleep 1.1
  hl_psql "$DB" -c "UPDATE hitlai.webhook_deliveries SET next_attempt_at = now() WHERE status = 'pending'" >/dev/null
  SQL "SELECT hitlai.deliver_webhooks(100)" >/dev/null
done
tap_is "$(state "127.0.0.1:$DOWN_PORT/ok")" "succeeded|2|200|-|-" "W7: a receiver down for a while gets the delivery once it is up"
tap_is "$(state '/flaky?n=2')" "succeeded|3|200|-|-" "W4: 500, 500, then 200: succeeded on the third attempt"
ids=$(python3 -c "
import json
rs=[json.loads(l) for l in open('$W/requests.jsonl') if json.loads(l)['path']=='/flaky']
print(len(rs), len({r['id'] for r in rs}), len({r['timestamp'] for r in rs}))")
tap_is "$ids" "3 1 3" "W2: three attempts, one webhook-id, a timestamp per attempt"
tap_is "$(hl_psql "$DB" -c "SELECT d.id FROM hitlai.webhook_deliveries d JOIN hitlai.webhooks w ON w.id = d.webhook_id WHERE w.url LIKE '%/flaky%'")" \
  "$(python3 -c "import json; print([json.loads(l) for l in open('$W/requests.jsonl') if json.loads(l)['path']=='/flaky'][0]['id'])")" \
  "W2/D15: webhook-id is the delivery's id"
body_ok=$(python3 - "$W/requests.jsonl" <<'PY'
import base64, json, sys
rs = [json.loads(l) for l in open(sys.argv[1]) if json.loads(l)["path"] == "/flaky"]
b = json.loads(base64.b64decode(rs[0]["body"]))
print(b["type"], b["data"]["mission"], sorted(b["data"].keys()) == sorted(["id", "company_id", "status", "test_type", "url", "mission", "sentiment_score", "issues_found", "cost", "created_at", "completed_at"]))
PY
)
tap_is "$body_ok" "test_run.created one True" "W1/W2: the body is the payload (type, data with the run's fields)"

# last retry: attempts 8 -> failed
hl_psql "$DB" -c "UPDATE hitlai.webhook_deliveries d SET attempts = 7, next_attempt_at = now() FROM hitlai.webhooks w
                   WHERE w.id = d.webhook_id AND w.url LIKE '%/error'" >/dev/null
SQL "SELECT hitlai.deliver_webhooks(100)" >/dev/null
tap_is "$(state /error)" "failed|8|500|HTTP 500|-" "W4: after the 8th attempt (7 retries) the delivery has failed"

# every signature, checked independently (Python hmac); secrets by path
hl_psql "$DB" -c "SELECT regexp_replace(url, '^http://[^/]+(/[^?]*).*$', '\1') || E'\t' || secret FROM hitlai.webhooks" >"$W/secrets.tsv"
read -r total good bad < <(python3 "$LIB/webhook_verify.py" "$W/requests.jsonl" "$W/secrets.tsv" | head -1)
tap_ok $([ "$total" -ge 14 ] && [ "$good" = "$total" ] && [ "$bad" = 0 ]; echo $?) \
  "W2: every received request ($total) carries a valid signature (Python hmac), content-type application/json"

# W5: SSRF refusals with the setting off (the default)
hl_psql "$DB" <<SQL >/dev/null
INSERT INTO hitlai.companies (id, name, email, monthly_test_quota)
  VALUES ('00000000-0000-0000-0000-0000000000b1', 'B', 'b@w5.test', NULL);
INSERT INTO hitlai.webhooks (company_id, url, events)
SELECT '00000000-0000-0000-0000-0000000000b1', u, '{test_run.created}' FROM unnest(ARRAY[
  'http://127.0.0.1:$PORT/ok?ssrf', 'http://[::1]:$PORT/ok?ssrf', 'https://10.1.2.3/ok?ssrf',
  'https://169.254.169.254/ok?ssrf', 'http://localhost:$PORT/ok?ssrf', 'https://192.168.0.10/ok?ssrf']) u;
INSERT INTO hitlai.test_runs (company_id, url, mission) VALUES ('00000000-0000-0000-0000-0000000000b1', 'https://app', 'ssrf');
SQL
before=$(wc -l <"$W/requests.jsonl")
hl_psql "$DB" -c "SELECT hitlai.deliver_webhooks(100)" >/dev/null
tap_is "$(hl_psql "$DB" -c "SELECT string_agg(DISTINCT status || ':' || last_error, ',') FROM hitlai.webhook_deliveries WHERE company_id = '00000000-0000-0000-0000-0000000000b1'")" \
  "pending:address not allowed" "W5: 127.0.0.1, ::1, 10.x, 169.254.x, 192.168.x and localhost are refused (a failed attempt, address not allowed)"
tap_is "$(hl_psql "$DB" -c "SELECT count(*) FROM hitlai.webhook_deliveries WHERE company_id = '00000000-0000-0000-0000-0000000000b1' AND attempts = 1")" \
  "6" "W5: each refusal counts as an attempt"
tap_is "$(wc -l <"$W/requests.jsonl")" "$before" "W5: the receiver got nothing"

# privileges
hl_psql "$DB" -c "CREATE ROLE hl_w3_plain LOGIN" >/dev/null 2>&1
hl_psql "$DB" -c "GRANT EXECUTE ON FUNCTION hitlai.deliver_webhooks(integer) TO hl_w3_plain; GRANT USAGE ON SCHEMA hitlai TO hl_w3_plain" >/dev/null
err=$(psql -X -q -d "$DB" -U hl_w3_plain -c "SELECT hitlai.deliver_webhooks()" 2>&1)
tap_ok $([[ "$err" == *"only for privileged roles"* ]]; echo $?) "W3: deliver_webhooks refuses a role that is neither superuser nor BYPASSRLS"
# (the library is loaded by the first call, so the setting is defined when SET runs)
err=$(psql -X -q -d "$DB" -U hl_w3_plain -c "SELECT hitlai.deliver_webhooks()" \
        -c "SET hitlai.webhook_allow_private_addresses = on" 2>&1)
tap_ok $([[ "$err" == *"permission denied"* ]]; echo $?) "W5: only superusers may set hitlai.webhook_allow_private_addresses"
hl_psql "$DB" -c "DROP OWNED BY hl_w3_plain; DROP ROLE hl_w3_plain" >/dev/null 2>&1
err=$(hl_psql "$DB" -c "SELECT hitlai.deliver_webhooks(0)" 2>&1)
tap_ok $([[ "$err" == *"max_deliveries"* ]]; echo $?) "W3: max_deliveries out of range is an invalid argument"
tap_is "$(SQL "SELECT hitlai.deliver_webhooks(100)")" "0" "W3: nothing due: a pass attempts nothing"
# A pass that attempted deliveries, then, in the same session once its transaction has
# ended, the locks on webhook_deliveries held by client sessions of this database: its
# own session-level locks and any other session's (autovacuum, which may be analysing
# the table just then, is no client session and is not counted).
hl_psql "$DB" -c "UPDATE hitlai.webhook_deliveries SET next_attempt_at = now() WHERE status = 'pending'" >/dev/null
tap_is "$(SQL "SELECT hitlai.deliver_webhooks(100) > 0" -c "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
   WHERE l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
     AND l.relation = 'hitlai.webhook_deliveries'::regclass AND a.backend_type = 'client backend'")" \
  "$(printf 't\n0')" "W3: no lock on webhook_deliveries is left behind"

# W5: no secret in the server log, nor in any last_error
leaks=0
while IFS=$'\t' read -r _ secret; do
  [ -n "$secret" ] || continue
  tail -c +"$((log_start + 1))" "$LOG" | grep -qF -- "$secret" && leaks=$((leaks + 1))
done <"$W/secrets.tsv"
tap_is "$leaks" "0" "W5: no webhook secret appears in the server log"
tap_is "$(hl_psql "$DB" -c "SELECT count(*) FROM hitlai.webhook_deliveries d JOIN hitlai.webhooks w ON w.id = d.webhook_id WHERE strpos(coalesce(d.last_error, ''), w.secret) > 0 OR strpos(d.payload::text, w.secret) > 0")" \
  "0" "W5: no secret in last_error or a payload"
exit $((TAP_FAILED > 0))
