#!/usr/bin/env bash
# hitlai benchmarks (bench/README.md): hitlai against its PL/pgSQL equivalent and against the
# bare schema, side by side. See bench/README.md.
#
#   bench/run.sh [options]
#
# Builds hitlai (PGXS) into a private copy of the system's PostgreSQL 15, starts a
# throwaway cluster under $HITLAI_BENCH_DIR (default /tmp/hitlai-bench-<uid>), loads
# each variant into its own database, runs the pgbench scenarios interleaved for
# several rounds and prints a Markdown report (also results.md, results.csv with every
# round, ratios.csv in the work directory). The cluster is stopped at the end.
#
# Options (defaults are the issue's full size):
#   --runs N          runs in the read database (1000000; companies = N/100, testers = N/500)
#   --bulk-rows N     rows of the bulk INSERT ... SELECT (100000)
#   --rounds N        rounds per comparison (5)
#   --duration S      seconds per pgbench run (10)
#   --clients LIST    client counts of insert/lifecycle (1,8)
#   --read-clients L  client counts of the read scenarios (1)
#   --scenarios LIST  insert,lifecycle,stats_point,tester_point,stats_full,bulk,validate,rls_read,assign,training
#   --assign-testers SMALL,LARGE  tester pools of the assign scenario (10000,100000)
#   --assign-runs N   pending runs of the assign scenario (5000)
#   --training-rows N training_data rows of the training scenario (1000000; 10 % exported
#                     as the 100k case, create_fine_tuning_job over those)
#   --companies N     companies of the write databases (1000)
#   --testers N       testers of the write databases (2000)
#   --synchronous-commit on|off
#                     synchronous_commit of every benchmark session (the cluster's
#                     default is off, see below; the write path is measured with both)
#   --existing        use the running cluster of PGHOST/PGPORT/PGUSER (no build, no
#                     initdb); pgbench/psql from $HL_PG_CONFIG's directory or PATH
#   --db-prefix P     database name prefix (hlb_)
#   --keep            keep the databases (and the cluster) afterwards
#   --work DIR        work directory for scripts and results
set -euo pipefail

HL_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export HL_ROOT
# shellcheck source=scripts/lib.sh
source "$HL_ROOT/scripts/lib.sh"

existing=0 keep=0 work="" py_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --existing) existing=1 ;;
    --synchronous-commit)
      case "${2:-}" in on|off) ;; *) hl_die "--synchronous-commit takes on or off" ;; esac
      export PGOPTIONS="${PGOPTIONS:+$PGOPTIONS }-c synchronous_commit=$2"; shift ;;
    --keep) keep=1; py_args+=(--keep-dbs) ;;
    --work) work=$2; shift ;;
    --runs|--bulk-rows|--rounds|--duration|--clients|--read-clients|--scenarios|--companies|--testers|--db-prefix|--docs|--assign-testers|--assign-runs|--training-rows)
      py_args+=("$1" "$2"); shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) hl_die "unknown option $1 (see bench/run.sh --help)" ;;
  esac
  shift
done

if [ "$existing" = 1 ]; then
  : "${PGHOST:?--existing needs PGHOST (and PGPORT, PGUSER) of a running cluster}"
  if [ -n "${HL_PG_CONFIG:-}" ]; then BIN=$(dirname "$HL_PG_CONFIG"); else BIN=$(dirname "$(command -v pgbench)"); fi
  work=${work:-${HL_WORK:-/tmp}/hitlai-bench-existing}
  mkdir -p "$work"
  # In a shared test cluster, roles we had to create are dropped again.
  exec python3 "$HL_ROOT/bench/bench.py" --bindir "$BIN" --work "$work" --drop-created-roles "${py_args[@]}"
fi

hl_install_deps
WORK=${HITLAI_BENCH_DIR:-/tmp/hitlai-bench-$(id -u)}
work=${work:-$WORK/results}
mkdir -p "$WORK" "$work"
chmod a+rx "$WORK"  # add rights only: HITLAI_BENCH_DIR may be a shared directory
PREFIX=$WORK/pg
CLUSTER=$WORK/cluster
hl_make_prefix "$PREFIX"
BIN=$(hl_prefix_bin "$PREFIX")
export PATH="$BIN:$PATH"

hl_log "building hitlai (PGXS) into $PREFIX"
hl_build_install_make "$BIN/pg_config"
chmod -R a+rX "$PREFIX"

hl_cluster_stop "$BIN" "$CLUSTER"
rm -rf "$CLUSTER"
hl_log "starting a throwaway cluster in $CLUSTER"
hl_cluster_start "$BIN" "$CLUSTER"
cleanup() {
  if [ "$keep" = 1 ]; then
    hl_log "cluster left running: PGHOST=$PGHOST PGPORT=$PGPORT PGUSER=$PGUSER"
  else
    hl_cluster_stop "$BIN" "$CLUSTER"
  fi
}
trap cleanup EXIT
# Benchmark settings on top of lib.sh's (fsync off, synchronous_commit off,
# shared_buffers 256MB): fewer checkpoints during the loads, everything else default.
psql -X -q -d postgres -c "ALTER SYSTEM SET max_wal_size = '8GB'" \
  -c "ALTER SYSTEM SET checkpoint_timeout = '30min'" -c "SELECT pg_reload_conf()" >/dev/null

python3 "$HL_ROOT/bench/bench.py" --bindir "$BIN" --work "$work" "${py_args[@]}"
if hl_log_has_crash "$CLUSTER/server.log"; then
  hl_die "a backend died by a signal (see $CLUSTER/server.log)"
fi
