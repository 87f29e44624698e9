#!/usr/bin/env bash
# The main job: install what is missing, build, install hitlai into the system's
# PostgreSQL 15, start a throwaway cluster in a local folder, create the extension, load a
# small realistic sample (companies, testers, runs, issues) and show what hitlai does.
# Idempotent: every run rebuilds and recreates the demo cluster. The cluster is left
# running; the last lines say how to connect and how to stop it.
#
# Usage: bash scripts/demo.sh                 (fresh Debian 12, as root or a user with sudo)
# Env:   HITLAI_DEMO_DIR  the cluster's folder (default: .demo in the checkout, or a folder
#                         under /tmp when the postgres OS user can't reach the checkout)
set -euo pipefail
HL_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export HL_ROOT
# shellcheck source=scripts/lib.sh
source "$HL_ROOT/scripts/lib.sh"
cd "$HL_ROOT"

hl_install_deps

hl_log "building hitlai (PGXS) and installing it into PostgreSQL $HL_PG_MAJOR"
PGC=$(hl_system_pg_config)
make -s PG_CONFIG="$PGC" all
hl_sudo make -s PG_CONFIG="$PGC" install >/dev/null

DEMO=${HITLAI_DEMO_DIR:-$HL_ROOT/.demo}
if [ "$(id -u)" -eq 0 ] && [ -z "${HITLAI_DEMO_DIR:-}" ] \
   && ! runuser -u postgres -- test -x "$HL_ROOT"; then
  DEMO=/tmp/hitlai-demo-$(printf '%s' "$HL_ROOT" | md5sum | cut -c1-8)
  hl_log "the postgres OS user can't reach $HL_ROOT; the demo cluster lives in $DEMO"
fi
BIN=/usr/lib/postgresql/$HL_PG_MAJOR/bin
hl_cluster_stop "$BIN" "$DEMO"
rm -rf "$DEMO"
hl_log "starting a throwaway cluster in $DEMO"
hl_cluster_start "$BIN" "$DEMO"

psql -X -q -v ON_ERROR_STOP=1 -d postgres -c 'CREATE DATABASE hitlai_demo'
psql -X -v ON_ERROR_STOP=1 -d hitlai_demo -f "$HL_ROOT/scripts/demo.sql"

# Webhooks (W1-W3): a receiver on loopback verifies the signature of the delivery that a
# new test run records (deliver_webhooks() runs one pass; docs/webhooks.md shows the
# background worker that does it by itself).
echo
echo "== webhooks (W1-W3): a signed delivery to a receiver on 127.0.0.1"
portfile=$(mktemp)
secret=$(psql -X -At -d hitlai_demo -c "SELECT hitlai.new_webhook_secret()")
HITLAI_DEMO_SECRET=$secret python3 "$HL_ROOT/scripts/demo_receiver.py" --port-file "$portfile" \
  --count 1 --max-seconds 30 &
receiver=$!
for _ in $(seq 1 100); do [ -s "$portfile" ] && break; sleep 0.05; done
port=$(cat "$portfile"); rm -f "$portfile"
psql -X -q -v ON_ERROR_STOP=1 -d hitlai_demo <<SQL
-- the company with the most quota left
SELECT id AS cid FROM hitlai.companies
 ORDER BY monthly_test_quota IS NULL DESC, monthly_test_quota - tests_used_this_month DESC, name
 LIMIT 1 \\gset
INSERT INTO hitlai.webhooks (company_id, url, events, secret)
  VALUES (:'cid', 'http://127.0.0.1:$port/hitlai', '{test_run.created}', '$secret');
INSERT INTO hitlai.test_runs (company_id, url, mission)
  VALUES (:'cid', 'https://shop.example/checkout', 'Buy a gift card as a first-time visitor');
-- the receiver is on loopback, which W5 refuses unless a superuser allows it
SET hitlai.webhook_allow_private_addresses = on;
SELECT hitlai.deliver_webhooks(10) AS attempted;
\\x on
SELECT event_type, status, attempts, last_status_code, delivered_at IS NOT NULL AS delivered
  FROM hitlai.webhook_deliveries ORDER BY created_at DESC LIMIT 1;
SQL
wait "$receiver" 2>/dev/null

if [ "$(id -u)" -eq 0 ]; then
  stop_cmd="runuser -u postgres -- $BIN/pg_ctl -D $DEMO/data stop"
else
  stop_cmd="$BIN/pg_ctl -D $DEMO/data stop"
fi
cat <<MSG

The demo cluster is running.
  connect:  psql -h $DEMO/sock -U postgres hitlai_demo
  stop:     $stop_cmd
MSG
