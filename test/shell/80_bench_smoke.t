#!/usr/bin/env bash
# Smoke run of the benchmarks (issue 8): every scenario of bench/run.sh for about a
# second per side at a tiny scale (2,000 runs, 2,000-row bulk, 1 round) against the
# running test cluster, in databases of its own (created and dropped by the runner).
# One TAP line per scenario: ok when it produced its ratios, `ok ... # SKIP reason`
# when the feature it measures has not landed yet, not ok when it failed.
set -uo pipefail
: "${HL_ROOT:?run by scripts/test.sh}" "${PGHOST:?}"

scenarios=(insert lifecycle stats_point tester_point stats_full bulk validate rls_read training)
work=${HL_WORK:-/tmp}/bench-smoke
rm -rf "$work"
mkdir -p "$work"

echo "1..$(( ${#scenarios[@]} + 1 ))"
start=$(date +%s)
"$HL_ROOT/bench/run.sh" --existing --work "$work" --db-prefix hlb_smoke_ \
  --runs 2000 --bulk-rows 2000 --companies 100 --testers 50 --docs 50 --training-rows 2000 \
  --rounds 1 --duration 1 --clients 1,8 >"$work/out.md" 2>"$work/err.log"
rc=$?
elapsed=$(( $(date +%s) - start ))
if [ "$rc" -eq 0 ] && [ -s "$work/results.csv" ]; then
  echo "ok 1 - bench/run.sh --existing finished in ${elapsed}s and wrote results.csv"
else
  echo "not ok 1 - bench/run.sh --existing failed (rc=$rc, ${elapsed}s)"
  sed 's/^/# /' "$work/err.log" | tail -30
fi

n=1
for s in "${scenarios[@]}"; do
  n=$((n + 1))
  line=$(awk -F'\t' -v s="$s" '$1 == s' "$work/summary.tsv" 2>/dev/null)
  status=$(cut -f2 <<<"$line") ratios=$(cut -f3 <<<"$line") msg=$(cut -f4 <<<"$line")
  case "$status" in
    ok) echo "ok $n - $s: $ratios ratio(s) produced (issue 8)" ;;
    skip) echo "ok $n - $s # SKIP $msg" ;;
    *) echo "not ok $n - $s: ${status:-no result} ${msg}"
       grep -A3 "$s" "$work/err.log" | sed -n '1,8s/^/# /p' ;;
  esac
done
# Leave no database behind.
left=$(psql -X -At -d postgres -c "SELECT count(*) FROM pg_database WHERE datname LIKE 'hlb_smoke_%'")
[ "$left" = 0 ] || echo "# warning: $left smoke database(s) left behind"
sed -n '1,40s/^/# /p' "$work/out.md"
exit 0
