#!/usr/bin/env bash
# How much of the write path's loss with more clients is the milestone queue (T1)?
# Runs the insert scenario on three databases of a kept benchmark cluster, interleaved:
#   hlb_hitlai   hitlai as installed
#   hlb_nomile   a copy of hlb_hitlai with the commit-time milestone flush switched off
#                (ALTER TABLE hitlai.companies DISABLE TRIGGER milestone_progress_at_commit):
#                the ceiling of any milestone design without a platform-wide queue
#   hlb_bare     the bare schema
# and prints TPS per round and the median ratios (bench/README.md, "Write path").
#
#   HITLAI_BENCH_DIR=/tmp/b bench/run.sh --keep --scenarios insert   # loads the databases
#   bench/milestone_queue.sh /tmp/b on 3 5      # DIR  synchronous_commit  rounds  seconds
#
# The cluster is left running (stop it with pg_ctl -D DIR/cluster/data stop).
set -euo pipefail
W=${1:?usage: milestone_queue.sh BENCH_DIR on|off [ROUNDS] [SECONDS]}
SYNC=${2:?synchronous_commit: on or off}
ROUNDS=${3:-3} DUR=${4:-5}
case "$SYNC" in on|off) ;; *) echo "synchronous_commit must be on or off" >&2; exit 1 ;; esac
BIN=$(ls -d "$W"/pg/lib/postgresql/*/bin | head -1)
export PGHOST=$W/cluster/sock PGPORT=5432 PGUSER=postgres
export PGOPTIONS="-c synchronous_commit=$SYNC"
psql() { "$BIN/psql" -X -q -v ON_ERROR_STOP=1 "$@"; }
if [ "$(psql -At -d postgres -c "SELECT count(*) FROM pg_database WHERE datname = 'hlb_nomile'")" = 0 ]; then
  psql -d postgres -c "CREATE DATABASE hlb_nomile TEMPLATE hlb_hitlai"
  psql -d hlb_nomile -c "ALTER TABLE hitlai.companies DISABLE TRIGGER milestone_progress_at_commit"
fi
script=$W/results/scripts/insert.sql
[ -f "$script" ] || { echo "no $script: run bench/run.sh --keep --scenarios insert first" >&2; exit 1; }
out=$(mktemp)
dbs=(hlb_hitlai hlb_nomile hlb_bare)
for c in 1 8; do
  for r in $(seq 1 "$ROUNDS"); do
    k=$(((r - 1) % 3))
    for db in "${dbs[@]:$k}" "${dbs[@]:0:$k}"; do
      tps=$("$BIN/pgbench" -n -M prepared -c "$c" -j "$((c < 2 ? c : 2))" -T "$DUR" \
              -D companies=1000 -D testers=2000 -f "$script" "$db" 2>&1 |
            sed -n 's/^tps = \([0-9.]*\) (without.*/\1/p')
      echo "$c $r $db ${tps:-0}" | tee -a "$out"
    done
  done
done
python3 - "$out" "$SYNC" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    c, r, db, tps = line.split()
    rows.setdefault((int(c), int(r)), {})[db] = float(tps)
print("\nsynchronous_commit = %s: median over rounds (min..max)" % sys.argv[2])
for a, b in (("hlb_nomile", "hlb_hitlai"), ("hlb_hitlai", "hlb_bare"), ("hlb_nomile", "hlb_bare")):
    for c in (1, 8):
        v = [d[a] / d[b] for (cc, _), d in rows.items() if cc == c and d.get(b)]
        if v:
            print("  %d clients  %s / %s: %.2f (%.2f..%.2f)" % (c, a[4:], b[4:], statistics.median(v), min(v), max(v)))
for db in ("hlb_hitlai", "hlb_nomile", "hlb_bare"):
    m = {c: statistics.median([d[db] for (cc, _), d in rows.items() if cc == c]) for c in (1, 8)}
    print("  %s: 8 clients / 1 client = %.2f" % (db[4:], m[8] / m[1]))
PY
rm -f "$out"
