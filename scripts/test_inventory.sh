#!/usr/bin/env bash
# Lists every file under test/ that no runner executes or includes, one per line, and
# exits 1 if there is any. What runs what:
#   test/pgtap/*.sql          pg_prove (scripts/test.sh, make installcheck-pgtap)
#   test/pgtap/include/*.sql  \ir-included by a pgTAP suite
#   test/rls/*.sql            \ir-included by a pgTAP suite
#   test/shell/*.t            prove (scripts/test.sh); each must source lib/tap.sh
#   test/shell/lib/*          named by a shell suite or another lib file
#   test/lint/*               named by a shell suite (which runs it)
#   test/security/*.t         prove (scripts/test.sh); each must source test/shell/lib/tap.sh
#                             (directly or through test/security/lib/sec.sh)
#   test/security/lib/*       named by a security suite or another lib file
#   test/security/README.md   how the security suite works (documentation)
#   test/sql/X.sql            pg_regress (make installcheck), with test/expected/X.out
#   test/expected/X.out       the expected output of test/sql/X.sql
#   test/unit/*_test.cpp      GoogleTest, globbed by CMakeLists.txt (ctest)
#   test/fixtures/*           named by scripts/test.sh or a suite
# Usage: scripts/test_inventory.sh [DIR]   (DIR: a checkout, default this one)
set -euo pipefail
root=${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
cd "$root"
bad=0
orphan() { printf '%s: %s\n' "$1" "$2"; bad=1; }
# Does any of the files after $1 mention the string $1?
named_in() { local s=$1; shift; [ $# -gt 0 ] && grep -qsF -- "$s" "$@"; }

# The runners must still pick the files up the way this check assumes.
grep -qF 'test/pgtap/*.sql' scripts/test.sh || orphan scripts/test.sh "does not glob test/pgtap/*.sql"
grep -qF 'test/shell/*.t' scripts/test.sh || orphan scripts/test.sh "does not glob test/shell/*.t"
grep -qF 'test/security/*.t' scripts/test.sh || orphan scripts/test.sh "does not glob test/security/*.t"
grep -qF 'test/sql/*.sql' Makefile || orphan Makefile "REGRESS does not come from test/sql/*.sql"
grep -qF 'test/unit/*_test.cpp' CMakeLists.txt || orphan CMakeLists.txt "does not glob test/unit/*_test.cpp"

mapfile -t suites < <(ls test/pgtap/*.sql test/rls/*.sql 2>/dev/null)
mapfile -t shells < <(ls test/shell/*.t 2>/dev/null)
mapfile -t shlibs < <(ls test/shell/lib/* 2>/dev/null)
mapfile -t secs < <(ls test/security/*.t 2>/dev/null)
mapfile -t seclibs < <(ls test/security/lib/* 2>/dev/null)

while IFS= read -r f; do
  base=${f##*/}
  case "$f" in
    test/pgtap/include/*.sql) named_in "include/$base" "${suites[@]}" || orphan "$f" "not included by any pgTAP suite" ;;
    test/pgtap/*/*) orphan "$f" "not in a directory a runner reads" ;;
    test/pgtap/*.sql) ;;
    test/rls/*.sql) named_in "../rls/$base" "${suites[@]}" || orphan "$f" "not included by any pgTAP suite" ;;
    test/lint/*) named_in "test/lint/$base" "${shells[@]}" || orphan "$f" "not run by any shell suite" ;;
    test/shell/lib/*) named_in "$base" "${shells[@]}" "${shlibs[@]/$f}" || orphan "$f" "not used by any shell suite" ;;
    test/shell/*/*) orphan "$f" "not in a directory a runner reads" ;;
    test/shell/*.t) grep -qF 'lib/tap.sh' "$f" || orphan "$f" "does not report through test/shell/lib/tap.sh" ;;
    test/security/README.md) ;;
    test/security/lib/*) named_in "$base" "${secs[@]}" "${seclibs[@]/$f}" || orphan "$f" "not used by any security suite" ;;
    test/security/*/*) orphan "$f" "not in a directory a runner reads" ;;
    test/security/*.t) grep -qE 'lib/(tap|sec)\.sh' "$f" || orphan "$f" "does not report through test/shell/lib/tap.sh" ;;
    test/sql/*.sql) [ -f "test/expected/${base%.sql}.out" ] || orphan "$f" "has no test/expected/${base%.sql}.out" ;;
    test/expected/*.out) [ -f "test/sql/${base%.out}.sql" ] || orphan "$f" "has no test/sql/${base%.out}.sql" ;;
    test/unit/*_test.cpp) ;;
    test/fixtures/*) named_in "fixtures/$base" scripts/test.sh "${shells[@]}" "${suites[@]}" || orphan "$f" "not used by scripts/test.sh or any suite" ;;
    *) orphan "$f" "no runner executes this file" ;;
  esac
done < <(find test -type f | LC_ALL=C sort)
exit $bad
