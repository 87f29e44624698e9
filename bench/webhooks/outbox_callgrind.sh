#!/usr/bin/env bash
# W1's "a company without active webhooks costs the write path under 3 %", counted in
# CPU instructions instead of timed: the insert scenario's statement (bench/scenarios/
# insert.sql, companies without webhooks) run N and 2N times in a single-user backend
# under callgrind, for two builds; instructions per insert = (I(2N) - I(N)) / N, so
# start-up and shutdown cancel out. Deterministic up to a fraction of a percent, so it
# answers a 3 % question that a shared 2-core machine's TPS cannot.
#
#   bench/webhooks/outbox_callgrind.sh BEFORE_BINDIR AFTER_BINDIR [N] [WORKDIR]
#
# Each BINDIR is a PostgreSQL 15 bin directory with its hitlai installed (bench/webhooks.sh
# leaves them: <work>/pg-before/... and <work>/pg/...). Needs valgrind.
set -euo pipefail
HL_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export HL_ROOT
# shellcheck source=scripts/lib.sh
source "$HL_ROOT/scripts/lib.sh"
[ $# -ge 2 ] || hl_die "usage: $0 BEFORE_BINDIR AFTER_BINDIR [N] [WORKDIR]"
before=$1 after=$2 n=${3:-1000} work=${4:-/tmp/hitlai-outbox-callgrind}
command -v valgrind >/dev/null || hl_die "valgrind is missing (apt-get install valgrind)"
rm -rf "$work" && mkdir -p "$work" && chmod 777 "$work"

statements() {  # statements COUNT: the scenario's INSERT for companies 1, 2, … in turn
  local i
  for ((i = 0; i < $1; i++)); do
    printf "INSERT INTO hitlai.test_runs (company_id, url, mission, test_type, persona, platform_details, ai_model_used) VALUES (md5('company' || %d)::uuid, 'https://shop.example.com/checkout', 'Buy the cheapest item and pay by card', 'ai', 'casual_user', '{\"type\": \"web\", \"browser\": \"chrome\", \"device\": \"desktop\", \"viewport\": {\"width\": 1920, \"height\": 1080}, \"os\": \"macos\", \"version\": \"120.0.6099.109\"}', 'gpt-4o');\n" $((i % 1000 + 1))
  done
}
statements "$n" >"$work/n.sql"
statements $((2 * n)) >"$work/2n.sql"
chmod 644 "$work"/*.sql

count() {  # count BINDIR SIDE FILE -> instructions of a single-user backend running FILE
  local bin=$1 side=$2 file=$3 dir=$work/$2 out
  hl_cluster_stop "$bin" "$dir" >/dev/null 2>&1 || true
  rm -rf "$dir"
  hl_cluster_start "$bin" "$dir" >/dev/null
  for r in anon authenticated service_role; do
    psql -X -q -d postgres -c "DO \$\$BEGIN CREATE ROLE $r NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END\$\$"
  done
  psql -X -q -d postgres -c "CREATE DATABASE hlw"
  psql -X -q -v ON_ERROR_STOP=1 -d hlw -c "CREATE EXTENSION hitlai" \
    -v companies=1000 -v testers=2000 -v docs=10 -f "$HL_ROOT/bench/sql/setup_write.sql" >/dev/null
  psql -X -q -d hlw -c "VACUUM ANALYZE" -c "CHECKPOINT"
  hl_cluster_stop "$bin" "$dir" >/dev/null
  out=$work/$side.$(basename "$file" .sql).callgrind
  hl_as_owner valgrind --tool=callgrind --callgrind-out-file="$out" \
    "$bin/postgres" --single -j -D "$dir/data" -c autovacuum=off hlw <"$file" >"$out.log" 2>&1
  grep -q "ERROR" "$out.log" && { grep -m3 ERROR "$out.log" >&2; hl_die "$side: a statement failed"; }
  sed -n 's/^summary: //p' "$out"
}
declare -A per
for side in before after; do
  bin=$before; [ "$side" = after ] && bin=$after
  i1=$(count "$bin" "$side" "$work/n.sql")
  i2=$(count "$bin" "$side" "$work/2n.sql")
  per[$side]=$(( (i2 - i1) / n ))
  echo "$side: $i1 instructions for $n inserts, $i2 for $((2 * n)): $(( (i2 - i1) / n )) per insert"
done
python3 -c "import sys; b, a = int(sys.argv[1]), int(sys.argv[2]); print('instructions per insert, after / before: %.4f (%+.2f %%)' % (a / b, (a / b - 1) * 100))" \
  "${per[before]}" "${per[after]}"
