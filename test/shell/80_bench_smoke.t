#!/usr/bin/env bash
# Smoke run of the benchmarks (bench/README.md): every scenario of bench/run.sh for about a
# second per side at a tiny scale (2,000 runs, 2,000-row bulk, 1 round) against the
# running test cluster, in databases of its own (created and dropped by the runner).
# One TAP line per scenario: ok when it produced its ratios, `ok ... # SKIP reason`
# when the feature it measures has not landed yet, not ok when it failed.
set -uo pipefail
source "$(dirname "$0")/lib/tap.sh"
: "${HL_ROOT:?run by scripts/test.sh}" "${PGHOST:?}"

scenarios=(insert lifecycle stats_point tester_point stats_full bulk validate rls_read assign training)
work=${HL_WORK:-/tmp}/bench-smoke
rm -rf "$work"
mkdir -p "$work"

tap_plan $(( ${#scenarios[@]} + 1 ))
start=$(date +%s)
"$HL_ROOT/bench/run.sh" --existing --work "$work" --db-prefix hlb_smoke_ \
  --runs 2000 --bulk-rows 2000 --companies 100 --testers 50 --docs 50 --training-rows 2000 \
  --rounds 1 --duration 1 --clients 1,8 --assign-testers 200,2000 --assign-runs 200 >"$work/out.md" 2>"$work/err.log"
rc=$?
elapsed=$(( $(date +%s) - start ))
[ "$rc" -eq 0 ] && [ -s "$work/results.csv" ]
tap_ok $? "bench/run.sh --existing finished in ${elapsed}s (rc=$rc) and wrote results.csv"
[ "$rc" -eq 0 ] || tail -30 "$work/err.log" | tap_diag_in

for s in "${scenarios[@]}"; do
  line=$(awk -F'\t' -v s="$s" '$1 == s' "$work/summary.tsv" 2>/dev/null)
  status=$(cut -f2 <<<"$line") ratios=$(cut -f3 <<<"$line") msg=$(cut -f4 <<<"$line")
  case "$status" in
    ok) tap_ok 0 "$s: $ratios ratio(s) produced" ;;
    skip) tap_skip "$s" "$msg" ;;
    *) tap_ok 1 "$s: ${status:-no result} ${msg}"
       grep -A3 "$s" "$work/err.log" | sed -n '1,8s/^/# /p' ;;
  esac
done
# Leave no database behind.
left=$(psql -X -At -d postgres -c "SELECT count(*) FROM pg_database WHERE datname LIKE 'hlb_smoke_%'")
[ "$left" = 0 ] || echo "# warning: $left smoke database(s) left behind"
sed -n '1,40s/^/# /p' "$work/out.md"
tap_done
