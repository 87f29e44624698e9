#!/usr/bin/env bash
# Every file under test/ is run or included by a runner (scripts/test_inventory.sh):
# pg_prove, prove, pg_regress, ctest, or a suite that includes it. A test file that no
# runner picks up would pass silently forever.
set -uo pipefail
source "$(dirname "$0")/lib/tap.sh"
root=${HL_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
tap_plan 3

out=$(bash "$root/scripts/test_inventory.sh" "$root" 2>&1)
rc=$?; [ $rc -eq 0 ] || tap_diag "$out"
tap_ok $rc "every file under test/ is executed or included by a runner"

# A copy of the runners and tests with one stray file of each kind.
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/scripts"
cp "$root/scripts/test.sh" "$tmp/scripts/"; cp "$root/Makefile" "$root/CMakeLists.txt" "$tmp/"
cp -r "$root/test" "$tmp/test"
echo 'SELECT 1;' >"$tmp/test/pgtap/include/unused.sql"
echo 'echo 1..0' >"$tmp/test/shell/99_own_tap.t"
echo 'int main() {}' >"$tmp/test/unit/helper.cpp"
echo 'x' >"$tmp/test/expected/ghost.out"
mkdir -p "$tmp/test/pgtap/sub"; echo 'SELECT 1;' >"$tmp/test/pgtap/sub/x.sql"
out=$(bash "$root/scripts/test_inventory.sh" "$tmp" 2>&1)
[ $? -ne 0 ]
tap_ok $? "the check fails when a stray test file exists"
got=$(echo "$out" | cut -d: -f1 | LC_ALL=C sort | tr '\n' ' ')
tap_is "$got" "test/expected/ghost.out test/pgtap/include/unused.sql test/pgtap/sub/x.sql test/shell/99_own_tap.t test/unit/helper.cpp " \
  "each stray file is named (unused include, suite without tap.sh, non-test source, output without input, subdirectory)"
tap_done
