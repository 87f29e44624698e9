#!/usr/bin/env bash
# Webhook benchmarks (SPEC W1, W8; bench/README.md, section "Webhooks"), one run, ratios
# side by side:
#
#   1. outbox: pgbench's insert scenario (bench/scenarios/insert.sql) on companies
#      without webhooks, hitlai as built here / hitlai as built from the commit before
#      the webhooks were merged (--before); and on companies that each have one
#      active webhook for test_run.created, hitlai / bare (triggers disabled);
#   2. delivery: N deliveries committed at once, sent by hitlai's background worker
#      to a loopback nginx that answers 200 at once, against pg_net (Supabase's HTTP
#      extension) sending N POSTs to the same nginx at pg_net.batch_size 200 and
#      5000: deliveries/s and commit-to-receipt latency (p50, p99), burst and paced;
#   3. memory: the worker's memory (memory contexts, RssAnon, private pages) after
#      MEM1 and after MEM2 deliveries.
#
#   bench/webhooks.sh [options]
#
# Options:
#   --quick           smoke sizes: N 2000, memory 1000,5000, 2 rounds of 3 s, paced 40
#   --parts LIST      outbox,delivery,memory (all)
#   --n N             deliveries per delivery side (20000)
#   --delivery-rounds N  bursts per delivery side, interleaved (1)
#   --mem N1,N2       deliveries after which the worker's memory is read (10000,100000)
#   --paced K         paced latency: K one-delivery transactions at 20/s per side (200)
#   --rounds N        rounds of the outbox comparison (5)
#   --duration S      seconds per pgbench run (10)
#   --clients LIST    pgbench clients of the outbox comparison (1,8)
#   --before REV      the "before" build of the outbox comparison (default: the first
#                     parent of the main-line commit that added src/pg/webhook_outbox.cpp)
#   --pg-net DIR      a directory holding a pg_net build for PostgreSQL 15 (pg_net.so,
#                     pg_net.control, pg_net--*.sql anywhere below it), copied into the
#                     private prefix; default $HITLAI_BENCH_PG_NET or
#                     /var/cache/hitlai-bench/pg_net. Without one, the pg_net sides
#                     are skipped (the project never builds or ships pg_net).
#   --nofile N        soft open-files limit of the servers and nginx (default: the
#                     hard limit, at most 20000; pg_net needs one per request in flight)
#   --worker-setting NAME=VALUE
#                     a postgresql.conf line for the cluster of hitlai's worker (repeat
#                     the option for several), e.g. hitlai.webhook_max_in_flight=512
#   --bin DIR         use the PostgreSQL (and the hitlai already installed) of DIR, no
#                     build (the smoke test: scripts/test.sh's private prefix); with
#                     --parts delivery,memory only
#   --work DIR        work directory (default $HITLAI_BENCH_DIR/webhooks, HITLAI_BENCH_DIR
#                     defaulting to /tmp/hitlai-bench-<uid>)
#
# Everything runs on this machine: four throwaway clusters on Unix sockets, one nginx
# on 127.0.0.1 (installed with apt-get when missing and running as root), no other
# traffic. Results: <work>/results/webhooks.md, webhooks.csv.
set -euo pipefail

HL_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export HL_ROOT
# shellcheck source=scripts/lib.sh
source "$HL_ROOT/scripts/lib.sh"

parts=outbox,delivery,memory n=20000 delivery_rounds=1 mem=10000,100000 paced=200 rounds=5 duration=10
clients=1,8 before="" work="" nofile="" bin="" worker_settings=() pg_net=${HITLAI_BENCH_PG_NET:-/var/cache/hitlai-bench/pg_net}
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) n=2000 mem=1000,5000 paced=40 rounds=2 duration=3 ;;
    --parts) parts=$2; shift ;;
    --n) n=$2; shift ;;
    --delivery-rounds) delivery_rounds=$2; shift ;;
    --mem) mem=$2; shift ;;
    --paced) paced=$2; shift ;;
    --rounds) rounds=$2; shift ;;
    --duration) duration=$2; shift ;;
    --clients) clients=$2; shift ;;
    --before) before=$2; shift ;;
    --pg-net) pg_net=$2; shift ;;
    --work) work=$2; shift ;;
    --nofile) nofile=$2; shift ;;
    --bin) bin=$2; shift ;;
    --worker-setting) worker_settings+=("${2%%=*} = '${2#*=}'"); shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) hl_die "unknown option $1 (see bench/webhooks.sh --help)" ;;
  esac
  shift
done
hard=$(ulimit -Hn); [ "$hard" = unlimited ] && hard=20000
nofile=${nofile:-$(( hard < 20000 ? hard : 20000 ))}
has_part() { case ",$parts," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }

hl_install_deps
if ! command -v nginx >/dev/null && [ -x /usr/sbin/nginx ]; then PATH=$PATH:/usr/sbin; fi
if { has_part delivery || has_part memory; } && ! command -v nginx >/dev/null; then
  [ "$(id -u)" -eq 0 ] || hl_die "nginx is missing (Debian package nginx-light); install it or run as root"
  hl_log "installing nginx-light (Debian)"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx-light >/dev/null
  PATH=$PATH:/usr/sbin
fi

WORK=${work:-${HITLAI_BENCH_DIR:-/tmp/hitlai-bench-$(id -u)}/webhooks}
mkdir -p "$WORK/results"
# Add read and search rights only (the cluster runs as postgres when we are root): a mode
# set outright would take the sticky bit and world write from a shared parent like /tmp.
chmod a+rx "$WORK" "$(dirname "$WORK")" 2>/dev/null || true

# ---- builds: hitlai as it is here (and pg_net, if given) in one private prefix -------
if [ -n "$bin" ]; then
  BIN=$bin
  ! has_part outbox || hl_die "--bin works with --parts delivery,memory only"
else
  PREFIX=$WORK/pg
  hl_make_prefix "$PREFIX"
  BIN=$(hl_prefix_bin "$PREFIX")
  hl_log "building hitlai (PGXS) into $PREFIX"
  # PGXS builds in the source tree: objects of another major (scripts/test.sh) go first.
  if [ "$(cat "$HL_ROOT/build/pg-major" 2>/dev/null)" != "$HL_PG_MAJOR" ]; then
    make -C "$HL_ROOT" -s PG_CONFIG="$BIN/pg_config" clean >/dev/null 2>&1 || true
    mkdir -p "$HL_ROOT/build" && echo "$HL_PG_MAJOR" >"$HL_ROOT/build/pg-major"
  fi
  hl_build_install_make "$BIN/pg_config"
fi
have_pg_net=0
if has_part delivery && [ -z "$bin" ]; then
  so=$(find "$pg_net" -name pg_net.so -type f 2>/dev/null | head -1 || true)
  # the control file next to the install script of its default version (a source tree
  # has a control file but only the upgrade scripts; its build's staging area has both)
  ctl=""
  while IFS= read -r c; do
    v=$(sed -n "s/^default_version *= *'\(.*\)'/\1/p" "$c")
    if [ -f "$(dirname "$c")/pg_net--$v.sql" ]; then ctl=$c; break; fi
  done < <(find "$pg_net" -name pg_net.control -type f 2>/dev/null)
  if [ -n "$so" ] && [ -n "$ctl" ]; then
    cp "$so" "$("$BIN/pg_config" --pkglibdir)/"
    cp "$(dirname "$ctl")"/pg_net* "$("$BIN/pg_config" --sharedir)/extension/"
    have_pg_net=1
    hl_log "pg_net from $(dirname "$so") copied into $PREFIX"
  else
    hl_log "no pg_net build under $pg_net: the pg_net sides are skipped"
  fi
  chmod -R a+rX "$PREFIX"
fi

# ---- the "before" build: hitlai at the commit before the webhooks, its own prefix ----
if has_part outbox; then
  if [ -z "$before" ]; then
    added=$(git -C "$HL_ROOT" log --first-parent --diff-filter=A --format=%H -- src/pg/webhook_outbox.cpp | tail -1)
    [ -n "$added" ] || hl_die "cannot find the commit that added src/pg/webhook_outbox.cpp; pass --before REV"
    before="$added^1"
  fi
  before_sha=$(git -C "$HL_ROOT" rev-parse --verify "$before^{commit}")
  PREFIX_B=$WORK/pg-before
  SRC_B=$WORK/src-before
  hl_make_prefix "$PREFIX_B"
  BIN_B=$(hl_prefix_bin "$PREFIX_B")
  if [ "$(cat "$PREFIX_B/.hitlai-commit" 2>/dev/null)" != "$before_sha" ]; then
    hl_log "building hitlai at $before_sha (the outbox comparison's before) into $PREFIX_B"
    rm -rf "$SRC_B" && mkdir -p "$SRC_B"
    git -C "$HL_ROOT" archive "$before_sha" | tar -x -C "$SRC_B"
    make -C "$SRC_B" -s -j"$(nproc)" PG_CONFIG="$BIN_B/pg_config" WERROR=1 all
    make -C "$SRC_B" -s PG_CONFIG="$BIN_B/pg_config" install >/dev/null
    echo "$before_sha" >"$PREFIX_B/.hitlai-commit"
  fi
  chmod -R a+rX "$PREFIX_B"
fi

# ---- clusters and nginx ---------------------------------------------------------------
clusters=() NGINX_PID=""
cleanup() {
  local c
  [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null
  for c in "${clusters[@]}"; do
    hl_as_owner "${c%%|*}/pg_ctl" -D "${c#*|}/data" -m fast -w stop >/dev/null 2>&1 || true
  done
  return 0
}
trap cleanup EXIT
start_cluster() {  # start_cluster BIN DIR [postgresql.conf lines...]
  local bin=$1 dir=$2; shift 2
  rm -rf "$dir"
  hl_cluster_start "$bin" "$dir" >/dev/null
  clusters+=("$bin|$dir")
  "$bin/psql" -X -q -h "$dir/sock" -U postgres -d postgres \
    -c "ALTER SYSTEM SET max_wal_size = '8GB'" -c "ALTER SYSTEM SET checkpoint_timeout = '30min'" >/dev/null
  if [ $# -gt 0 ]; then printf '%s\n' "$@" | hl_as_owner tee -a "$dir/data/postgresql.conf" >/dev/null; fi
  # The soft open-files limit of the server (runuser starts it at 1024): pg_net opens
  # one socket per request of a batch, so batch_size 5000 needs more than 1024.
  hl_as_owner bash -c 'ulimit -n "$1" && exec "$2/pg_ctl" -D "$3/data" -l "$3/server.log" -w -t 60 restart' \
    _ "$nofile" "$bin" "$dir" >/dev/null
}
args=(--bin "$BIN" --work "$WORK" --parts "$parts" --n "$n" --delivery-rounds "$delivery_rounds" --mem "$mem" --paced "$paced"
      --rounds "$rounds" --duration "$duration" --clients "$clients")
if has_part outbox; then
  start_cluster "$BIN" "$WORK/c-after"
  start_cluster "$BIN_B" "$WORK/c-before"
  args+=(--after-host "$WORK/c-after/sock" --before-host "$WORK/c-before/sock"
         --before-bin "$BIN_B" --before-rev "$before_sha")
fi
if has_part delivery || has_part memory; then
  start_cluster "$BIN" "$WORK/c-deliver" "shared_preload_libraries = 'hitlai'" \
    "hitlai.webhook_worker_database = 'wb'" "hitlai.webhook_allow_private_addresses = on" \
    ${worker_settings[@]+"${worker_settings[@]}"}
  args+=(--deliver-host "$WORK/c-deliver/sock" --deliver-log "$WORK/c-deliver/server.log")
  if [ "$have_pg_net" = 1 ]; then
    start_cluster "$BIN" "$WORK/c-pgnet" "shared_preload_libraries = 'pg_net'" \
      "pg_net.database_name = 'pn'"
    args+=(--pgnet-host "$WORK/c-pgnet/sock")
  fi
  # nginx on 127.0.0.1, its own prefix: answers 200 at once, keeps connections alive,
  # logs the receipt time ($msec), the path and the webhook-id header of each request.
  NG=$WORK/nginx
  rm -rf "$NG" && mkdir -p "$NG/tmp" && chmod 777 "$NG" "$NG/tmp"
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  cat >"$NG/nginx.conf" <<CONF
daemon off;
worker_processes 1;
worker_rlimit_nofile $nofile;
pid $NG/nginx.pid;
error_log $NG/error.log warn;
events { worker_connections $(( nofile - 100 )); }
http {
  access_log off;
  log_format bench '\$msec \$uri \$http_webhook_id \$status \$request_length \$content_length';
  client_body_temp_path $NG/tmp; proxy_temp_path $NG/tmp; fastcgi_temp_path $NG/tmp;
  uwsgi_temp_path $NG/tmp; scgi_temp_path $NG/tmp;
  keepalive_timeout 120s;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$port backlog=8192;
    access_log $NG/access.log bench buffer=256k flush=1s;
    location / { return 200; }
  }
}
CONF
  ( ulimit -n "$nofile" 2>/dev/null || true; exec nginx -p "$NG" -c "$NG/nginx.conf" -e "$NG/error.log" ) &
  NGINX_PID=$!
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.05
  done
  args+=(--port "$port" --nginx-log "$NG/access.log" --nofile "$nofile")
fi

python3 "$HL_ROOT/bench/webhooks/driver.py" "${args[@]}"
for c in "${clusters[@]}"; do
  if hl_log_has_crash "${c#*|}/server.log"; then hl_die "a backend died by a signal (see ${c#*|}/server.log)"; fi
done
