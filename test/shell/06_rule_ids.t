#!/usr/bin/env bash
# Every rule id the code, SQL, tests, scripts and README cite is defined in docs/
# (scripts/rule_ids.sh), and the check does catch an undefined one.
set -uo pipefail
source "$(dirname "$0")/lib/tap.sh"
root=${HL_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
tap_plan 3

out=$(bash "$root/scripts/rule_ids.sh" "$root" 2>&1)
rc=$?; [ $rc -eq 0 ] || tap_diag "$out"
tap_ok $rc "every cited rule id is defined in docs/README.md"

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/docs" "$tmp/src" "$tmp/test"
cp "$root/docs/README.md" "$tmp/docs/"
fake=T$((90 + 9))   # an id nobody defined (spelled out, this file would cite it)
printf '// T4 and %s: a rule nobody wrote down\n' "$fake" >"$tmp/src/x.cpp"
printf "SELECT ok(true, 'Q1-Q4, grep -A8 is no citation, nor the name ''F7''');\n" >"$tmp/test/x.sql"
out=$(bash "$root/scripts/rule_ids.sh" "$tmp" 2>&1)
[ $? -ne 0 ]
tap_ok $? "the check fails on an undefined id"
tap_is "$out" "$fake: cited in src/x.cpp, not defined in docs/README.md" \
  "it names exactly the undefined id (T4, Q1, Q4 are defined; -A8 and 'F7' are not citations)"
tap_done
