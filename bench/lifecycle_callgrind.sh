#!/usr/bin/env bash
# Instructions per statement of each lifecycle step (bench/scenarios/lifecycle.sql), for
# the write databases of a kept benchmark cluster, counted with callgrind in a
# single-user backend: deterministic, so it shows what a change of the write path saves
# where a shared 2-core machine's TPS cannot.
#
#   bench/run.sh --keep --scenarios lifecycle --clients 1 --rounds 1 --duration 1
#   bench/lifecycle_callgrind.sh BINDIR DATADIR [N] [WORKDIR] [DATABASE ...]
#
# BINDIR: the kept cluster's PostgreSQL bin directory (with the hitlai build to count
# installed); DATADIR: its data directory, the cluster stopped. DATABASEs default to
# hlb_hitlai hlb_plpgsql hlb_bare. For each database, phase k (k = 0..5) runs steps
# 1..k of N lifecycles (all N runs' step 1, then all step 2, ...; each statement its own
# transaction, as in the scenario) on a fresh copy of DATADIR; step k costs
# (I(k) - I(k-1)) / N instructions a statement, so start-up and shutdown cancel out.
# Needs valgrind; about a minute per phase and database at N = 100.
set -euo pipefail
HL_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export HL_ROOT
# shellcheck source=scripts/lib.sh
source "$HL_ROOT/scripts/lib.sh"
[ $# -ge 2 ] || hl_die "usage: $0 BINDIR DATADIR [N] [WORKDIR] [DATABASE ...]"
bin=$1 data=$2 n=${3:-100} work=${4:-/tmp/hitlai-lifecycle-callgrind}
shift $(($# < 4 ? $# : 4))
dbs=("$@")
[ ${#dbs[@]} -gt 0 ] || dbs=(hlb_hitlai hlb_plpgsql hlb_bare)
command -v valgrind >/dev/null || hl_die "valgrind is missing (apt-get install valgrind)"
[ -f "$data/PG_VERSION" ] || hl_die "$data is not a data directory"
[ ! -f "$data/postmaster.pid" ] || hl_die "$data: stop the cluster first"
rm -rf "$work" && mkdir -p "$work" && chmod a+rwx "$work"

# The five steps of the scenario for runs 1..N (run i: company 1 + i % 1000, tester
# 1 + i % 2000), one statement a line.
step() {
  local k=$1 i run
  for ((i = 1; i <= n; i++)); do
    run="md5('callgrind-run' || $i)::uuid"
    case $k in
      1) printf "INSERT INTO hitlai.test_runs (id, company_id, url, mission, test_type, persona, platform_details, ai_model_used) VALUES (%s, md5('company' || %d)::uuid, 'https://shop.example.com/checkout', 'Buy the cheapest item and pay by card', 'hybrid', 'casual_user', '{\"type\": \"mobile\", \"device\": \"mobile\", \"viewport\": {\"width\": 390, \"height\": 844}, \"os\": \"ios\", \"version\": \"17.2\"}', 'gpt-4o')\n" "$run" $((1 + i % 1000)) ;;
      2) printf "UPDATE hitlai.test_runs SET status = 'running' WHERE id = %s\n" "$run" ;;
      3) printf "UPDATE hitlai.test_runs SET status = 'completed', tester_id = md5('tester' || %d)::uuid, cost = 25.00, sentiment_score = 0.72, recommendations = '{\"Show a loading state on pay\",\"Keep the cart visible\"}', positives = '{\"Fast page load\",\"Clear prices\"}', final_report = 'Checkout works; payment feedback is slow.' WHERE id = %s\n" $((1 + i % 2000)) "$run" ;;
      4) printf "UPDATE hitlai.test_runs SET company_ai_rating = 5 WHERE id = %s\n" "$run" ;;
      5) printf "INSERT INTO hitlai.issues (test_run_id, title, description, severity, category, element_selector, metadata) VALUES (%s, 'Payment form validation broken', 'Card number accepted with 15 digits', 'critical', 'functional', '#card-number', '{\"reproduction_steps\": [\"Open checkout\", \"Type 15 digits\", \"Press pay\"], \"expected_behavior\": \"Error under the field\", \"actual_behavior\": \"Spinner forever\"}'), (%s, 'No loading state', NULL, 'medium', 'ux', 'button.pay', '{\"expected_behavior\": \"Spinner on the button\"}'), (%s, 'Low contrast price', NULL, 'low', 'accessibility', '.price', '{\"reproduction_steps\": [\"Open cart\"]}')\n" "$run" "$run" "$run" ;;
    esac
  done
}
: >"$work/phase0.sql"
for k in 1 2 3 4 5; do
  { cat "$work/phase$((k - 1)).sql"; step "$k"; } >"$work/phase$k.sql"
done
chmod a+r "$work"/*.sql

count() {  # count DATABASE K -> instructions of a single-user backend running phase K
  local db=$1 k=$2 dir=$work/run out
  rm -rf "$dir" && cp -a "$data" "$dir"
  out=$work/$db.$k.callgrind
  hl_as_owner valgrind --tool=callgrind --callgrind-out-file="$out" \
    "$bin/postgres" --single -D "$dir" -c autovacuum=off "$db" <"$work/phase$k.sql" \
    >"$out.log" 2>&1
  if grep -q "ERROR" "$out.log"; then
    grep -m3 ERROR "$out.log" >&2
    hl_die "$db phase $k: a statement failed"
  fi
  sed -n 's/^summary: //p' "$out"
}

names=(insert running completed rated issues)
printf "| step (instructions a statement) |"
for db in "${dbs[@]}"; do printf " %s |" "$db"; done
printf "\n|---|"
for db in "${dbs[@]}"; do printf "%s" "---|"; done
printf "\n"
declare -A per
for db in "${dbs[@]}"; do
  prev=$(count "$db" 0)
  total=0
  for k in 1 2 3 4 5; do
    cur=$(count "$db" "$k")
    per[$db.$k]=$(((cur - prev) / n))
    total=$((total + per[$db.$k]))
    prev=$cur
  done
  per[$db.all]=$total
done
for k in 1 2 3 4 5 all; do
  if [ "$k" = all ]; then label="lifecycle (sum)"; else label=${names[k - 1]}; fi
  printf "| %s |" "$label"
  for db in "${dbs[@]}"; do printf " %s |" "${per[$db.$k]}"; done
  printf "\n"
done
