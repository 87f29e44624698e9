#!/usr/bin/env bash
# W2/W6 against a real receiver on 127.0.0.1: after hitlai.rotate_webhook_secret() a
# delivery carries two v1 signatures (one with the new secret, one with the replaced
# one), checked with Python's hmac; once the replaced secret has expired only the new
# one signs; hitlai.redeliver_webhook() of a succeeded delivery makes the receiver get
# it again with the same webhook-id, the same body and a new webhook-timestamp.
set -uo pipefail
. "$(dirname "$0")/lib/tap.sh"
LIB=$(cd "$(dirname "$0")/lib" && pwd)
DB=hl_wrot_$$
W=$HL_WORK/wrot_$$
mkdir -p "$W" && chmod 777 "$W"
LOG=$HL_WORK/cluster/server.log
log_start=$(stat -c %s "$LOG" 2>/dev/null || echo 0)
tap_plan 18
hl_scratch_db "$DB"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; hl_drop_db "$DB"; rm -rf "$W"; }
trap cleanup EXIT

python3 "$LIB/webhook_receiver.py" --port 0 --port-file "$W/port" --log "$W/requests.jsonl" \
  --max-seconds 120 >"$W/receiver.out" 2>&1 </dev/null &
pids+=($!)
for _ in $(seq 1 100); do [ -s "$W/port" ] && break; sleep 0.05; done
PORT=$(cat "$W/port" 2>/dev/null)
[ -n "$PORT" ] || { echo "Bail out! receiver did not start"; exit 1; }
touch "$W/requests.jsonl"

SQL() { hl_psql "$DB" -c "SET hitlai.webhook_allow_private_addresses = on; SET hitlai.webhook_timeout = 5;" -c "$1"; }
hl_psql "$DB" <<SQL >/dev/null || { echo "Bail out! setup failed"; exit 1; }
CREATE EXTENSION hitlai;
INSERT INTO hitlai.companies (id, name, email, monthly_test_quota)
  VALUES ('00000000-0000-0000-0000-0000000000a1', 'A', 'a@w6.test', NULL);
INSERT INTO hitlai.webhooks (id, company_id, url, events)
  VALUES ('00000000-0000-0000-0000-00000000aa01', '00000000-0000-0000-0000-0000000000a1',
          'http://127.0.0.1:$PORT/ok', '{test_run.created}');
SQL
HOOK=00000000-0000-0000-0000-00000000aa01
OLD=$(hl_psql "$DB" -c "SELECT secret FROM hitlai.webhooks WHERE id = '$HOOK'")
NEW=$(hl_psql "$DB" -c "SELECT hitlai.rotate_webhook_secret('$HOOK')")
tap_ok $([[ "$NEW" =~ ^whsec_[A-Za-z0-9+/]{32}$ ]] && [ "$NEW" != "$OLD" ]; echo $?) \
  "W6: rotate_webhook_secret returns a new whsec_ secret"
tap_is "$(hl_psql "$DB" -c "SELECT secret = '$NEW' AND stats_previous_secret = '$OLD' FROM hitlai.webhooks WHERE id = '$HOOK'")" \
  "t" "W6: the new secret is stored, the old one kept as the previous secret"

# verify LOG N SECRET… -> for request N (1-based) of the log: its webhook-id, timestamp,
# the number of signatures in its header, then for each SECRET whether exactly one of
# them is its valid v1 signature (Python hmac, independent of hitlai)
verify() {
  python3 - "$@" <<'PY'
import base64, hashlib, hmac, json, sys
r = [json.loads(l) for l in open(sys.argv[1])][int(sys.argv[2]) - 1]
body = base64.b64decode(r["body"])
content = ("%s.%s." % (r["id"], r["timestamp"])).encode() + body
sigs = (r["signature"] or "").split(" ")
out = [r["id"], r["timestamp"], str(len(sigs))]
for s in sys.argv[3:]:
    want = "v1," + base64.b64encode(hmac.new(base64.b64decode(s[6:]), content, hashlib.sha256).digest()).decode()
    out.append(str(sum(hmac.compare_digest(want, x) for x in sigs) == 1))
print(" ".join(out))
PY
}
requests() { wc -l <"$W/requests.jsonl" | tr -d ' '; }

# 1. a delivery made while both secrets are valid
hl_psql "$DB" -c "INSERT INTO hitlai.test_runs (company_id, url, mission) VALUES ('00000000-0000-0000-0000-0000000000a1', 'https://app', 'first')" >/dev/null
DLV=$(hl_psql "$DB" -c "SELECT id FROM hitlai.webhook_deliveries")
tap_is "$(SQL "SELECT hitlai.deliver_webhooks(100)")" "1" "W3: the pass attempts the one delivery"
tap_is "$(requests)" "1" "W3: the receiver got it"
read -r id1 ts1 n1 new1 old1 < <(verify "$W/requests.jsonl" 1 "$NEW" "$OLD")
tap_is "$id1" "$DLV" "W2: webhook-id is the delivery's id"
tap_ok $(python3 -c "
import json, re, sys
sig = [json.loads(l) for l in open('$W/requests.jsonl')][0]['signature']
sys.exit(0 if re.fullmatch(r'v1,[A-Za-z0-9+/]{43}= v1,[A-Za-z0-9+/]{43}=', sig) else 1)"; echo $?) \
  "W2: webhook-signature holds two space-separated v1 signatures"
tap_is "$n1 $new1 $old1" "2 True True" "W2/W6: one signature verifies with the new secret, the other with the replaced one (Python hmac)"
printf '/ok\t%s\t%s\n' "$NEW" "$OLD" >"$W/secrets.tsv"
read -r total good bad < <(python3 "$LIB/webhook_verify.py" "$W/requests.jsonl" "$W/secrets.tsv" | head -1)
tap_is "$total $good $bad" "1 1 0" "W2: webhook_verify.py accepts it for both secrets"
tap_is "$(hl_psql "$DB" -c "SELECT status || '|' || attempts FROM hitlai.webhook_deliveries WHERE id = '$DLV'")" \
  "succeeded|1" "W4: the delivery succeeded"

# 2. redelivery of the succeeded delivery: same id and body, a new timestamp
sleep 1.1   # webhook-timestamp counts seconds
hl_psql "$DB" -c "SELECT hitlai.redeliver_webhook('$DLV')" >/dev/null
tap_is "$(hl_psql "$DB" -c "SELECT status || '|' || attempts || '|' || (next_attempt_at <= now()) || '|' || (delivered_at IS NULL) FROM hitlai.webhook_deliveries WHERE id = '$DLV'")" \
  "pending|0|true|true" "W6: redeliver_webhook makes it pending, attempts 0, due now, delivered_at NULL"
tap_is "$(SQL "SELECT hitlai.deliver_webhooks(100)")" "1" "W6/W3: the next pass attempts it again"
tap_is "$(requests)" "2" "W6: the receiver got it a second time"
read -r id2 ts2 n2 new2 old2 < <(verify "$W/requests.jsonl" 2 "$NEW" "$OLD")
tap_ok $([ "$id2" = "$DLV" ] && [ -n "$ts2" ] && [ -n "$ts1" ] && [ "$ts2" -gt "$ts1" ]; echo $?) \
  "W2/W6: the same webhook-id ($id2), a new webhook-timestamp ($ts1 -> $ts2)"
tap_is "$(python3 -c "
import json
rs = [json.loads(l) for l in open('$W/requests.jsonl')]
print(rs[0]['body'] == rs[1]['body'])")" "True" "W6: the same body"
tap_is "$n2 $new2 $old2" "2 True True" "W2: the redelivery is signed with both secrets too"
tap_is "$(hl_psql "$DB" -c "SELECT status || '|' || attempts || '|' || (delivered_at IS NOT NULL) FROM hitlai.webhook_deliveries WHERE id = '$DLV'")" \
  "succeeded|1|true" "W4/W6: the redelivery succeeded"

# 3. once the replaced secret has expired, only the new one signs
hl_psql "$DB" -c "UPDATE hitlai.webhooks SET stats_previous_secret_expires_at = now() - interval '1 second' WHERE id = '$HOOK';
                  INSERT INTO hitlai.test_runs (company_id, url, mission) VALUES ('00000000-0000-0000-0000-0000000000a1', 'https://app', 'second')" >/dev/null
SQL "SELECT hitlai.deliver_webhooks(100)" >/dev/null
read -r _ _ n3 new3 old3 < <(verify "$W/requests.jsonl" 3 "$NEW" "$OLD")
tap_is "$n3 $new3 $old3" "1 True False" "W2/W6: after the 24 hours only the new secret signs"

# W5: neither secret in the server log
leaks=0
for s in "$OLD" "$NEW"; do tail -c +"$((log_start + 1))" "$LOG" | grep -qF -- "$s" && leaks=$((leaks + 1)); done
tap_is "$leaks" "0" "W5: no webhook secret (old or new) appears in the server log"
tap_done
