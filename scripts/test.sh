#!/usr/bin/env bash
# Runs every hitlai suite on PostgreSQL 15, 17 and 18 (SPEC P1), each version in its own
# throwaway cluster:
#   1. installs missing Debian packages (apt, as root or with sudo); for 17 and 18 also
#      fetches their server headers (Debian) and servers (npm) into a cache that
#      survives between runs (scripts/lib.sh, docs/platforms.md)
#   2. builds and runs the C++ unit tests once with CMake (ctest; they use no PostgreSQL)
#   3. for each version: builds with PGXS (warnings are errors) and installs into a
#      private installation of that version (the system's PostgreSQL is untouched),
#      starts a cluster (Unix socket only) and runs
#        - the pg_regress suites (test/sql/*.sql vs test/expected/*.out, make installcheck)
#        - the pgTAP suites (test/pgtap/*.sql) with pg_prove
#        - the shell suites (test/shell/*.t, test/security/*.t) with prove; among them
#          01_build.t builds with CMake for the version and checks both builds agree
#      and fails if a backend died by a signal (server log)
#   4. prints one line per version and, last, "N passed, N failed" over all of them.
# A failure on any version fails the run (exit status 1).
#
# Usage: scripts/test.sh [--pg VERSION]… [FILE…]
#   --pg V  : run on PostgreSQL V only (repeatable); same as HITLAI_PG_VERSIONS=V
#   FILE…   : run only these pgTAP files (test/pgtap/x.sql) or shell suites (*.t) after
#             the build; pg_regress and the unit tests run only without FILE arguments.
# Env:    HITLAI_PG_VERSIONS  versions to run, e.g. "15" or "17 18" (default "15 17 18")
#         HITLAI_PG_CACHE     where the 17/18 downloads are kept (default
#                             /var/cache/hitlai-pg as root, else ~/.cache/hitlai-pg)
#         HITLAI_TEST_DIR     where the private installations and clusters live
#                             (default /tmp/hitlai-test-<uid>-<hash of the checkout path>)
#         HITLAI_KEEP=1       leave the clusters running afterwards (PGHOST is printed)
set -euo pipefail

HL_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export HL_ROOT
# shellcheck source=scripts/lib.sh
source "$HL_ROOT/scripts/lib.sh"
cd "$HL_ROOT"

versions=() only=()
while [ $# -gt 0 ]; do
  case "$1" in
    --pg) versions+=("${2:?--pg needs a version}"); shift 2 ;;
    --pg=*) versions+=("${1#--pg=}"); shift ;;
    *) only+=("$1"); shift ;;
  esac
done
if [ ${#versions[@]} -eq 0 ]; then
  read -r -a versions <<<"${HITLAI_PG_VERSIONS:-$HL_PG_VERSIONS_ALL}"
fi
for v in "${versions[@]}"; do
  [[ " $HL_PG_VERSIONS_ALL " == *" $v "* ]] || hl_die "unsupported PostgreSQL version '$v' (supported: $HL_PG_VERSIONS_ALL)"
done
for f in "${only[@]}"; do
  case "$f" in
    *.sql | *.t) [ -f "$f" ] || hl_die "no such file: $f" ;;
    *) hl_die "don't know how to run $f (expected test/pgtap/*.sql, test/shell/*.t or test/security/*.t)" ;;
  esac
done

newer=0
for v in "${versions[@]}"; do [ "$v" = "$HL_PG_MAJOR" ] || newer=1; done
if [ "$newer" = 1 ] && ! command -v npm >/dev/null; then HL_APT_PACKAGES+=(npm); fi
hl_install_deps

key=$(printf '%s' "$HL_ROOT" | md5sum | cut -c1-8)
WORK=${HITLAI_TEST_DIR:-/tmp/hitlai-test-$(id -u)-$key}
mkdir -p "$WORK"
chmod a+rx "$WORK"  # add rights only: HITLAI_TEST_DIR may be a shared directory
SUMMARY=$WORK/summary.txt
: >"$SUMMARY"

total_passed=0 total_failed=0 status=0
record() {  # record PASSED FAILED: adds to the totals
  total_passed=$((total_passed + $1)) total_failed=$((total_failed + $2))
  [ "$2" -eq 0 ] || status=1
}

# Counts of a prove / pg_prove run from its log: "passed failed". Failed = failed
# subtests, plus one for a file that failed without a failed subtest (bad plan, exit
# status, bail out) and one for a runner that failed without saying why.
prove_counts() {  # prove_counts LOG RC
  local log=$1 rc=$2 tests bad files
  tests=$(sed -n 's/^Files=[0-9]*, Tests=\([0-9]*\),.*/\1/p' "$log" | tail -1)
  bad=$(sed -n 's/.*Failed \([0-9]*\)\/[0-9]* subtests.*/\1/p' "$log" | paste -sd+ | bc)
  files=$(grep -cE '^[^ ].* \(Wstat: [1-9]|Parse errors:|Bad plan' "$log" || true)
  tests=${tests:-0} bad=${bad:-0}
  if [ "$bad" -eq 0 ] && [ "$files" -gt 0 ]; then bad=$files; fi
  if [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ]; then bad=1; fi
  echo "$((tests - (bad > tests ? tests : bad))) $bad"
}

# ---- C++ unit tests: once, they use no PostgreSQL -------------------------------------
unit=""
if [ ${#only[@]} -eq 0 ]; then
  v0=${versions[0]}
  hl_make_prefix_v "$v0" "$WORK/$v0/pg"
  hl_log "building the C++ unit tests with CMake (HITLAI_WERROR=ON) and running them"
  mkdir -p "$WORK/unit"
  cmake -S "$HL_ROOT" -B "$WORK/unit/cmake" -DPG_CONFIG="$(hl_prefix_bin_v "$v0" "$WORK/$v0/pg")/pg_config" \
    -DHITLAI_WERROR=ON >"$WORK/unit/cmake.log" 2>&1 || { cat "$WORK/unit/cmake.log"; exit 1; }
  cmake --build "$WORK/unit/cmake" -j"$(nproc)" --target hitlai_unit_tests >>"$WORK/unit/cmake.log" 2>&1 \
    || { cat "$WORK/unit/cmake.log"; exit 1; }
  set +e
  ctest --test-dir "$WORK/unit/cmake" --output-on-failure 2>&1 | tee "$WORK/unit/ctest.log"
  rc=${PIPESTATUS[0]}
  set -e
  up=$(sed -n 's/.* tests passed, \([0-9]*\) tests failed out of \([0-9]*\).*/\2 \1/p' "$WORK/unit/ctest.log" | tail -1)
  read -r ut uf <<<"${up:-0 1}"
  [ "$rc" -eq 0 ] || [ "$uf" -gt 0 ] || uf=1
  record $((ut - uf)) "$uf"
  unit="unit tests: $((ut - uf)) passed, $uf failed"
  echo "$unit" >>"$SUMMARY"
fi

# ---- one PostgreSQL version -------------------------------------------------------------
# Runs in a subshell (its own environment and cluster); writes "passed failed" to
# $WORK/$v/counts and a line to $SUMMARY.
run_version() {
  local v=$1 vw=$WORK/$1 start=$SECONDS
  local PREFIX=$vw/pg CLUSTER=$vw/cluster BIN PGC
  mkdir -p "$vw"
  chmod a+rx "$vw"
  hl_make_prefix_v "$v" "$PREFIX"
  BIN=$(hl_prefix_bin_v "$v" "$PREFIX")
  PGC=$BIN/pg_config
  export PATH="$BIN:$PATH" HL_PREFIX=$PREFIX HL_WORK=$vw HL_PG_CONFIG=$PGC HL_PG_VERSION=$v
  local server_version; server_version=$(hl_server_version "$BIN")
  hl_log "PostgreSQL $server_version: private installation in $PREFIX"

  hl_cluster_stop "$BIN" "$CLUSTER"   # a cluster left over by an interrupted run
  rm -rf "$CLUSTER"

  # PGXS builds in the source tree: objects of another major are removed first.
  if [ "$(cat build/pg-major 2>/dev/null)" != "$v" ]; then
    make -s PG_CONFIG="$PGC" clean >/dev/null 2>&1 || true
    mkdir -p build && echo "$v" >build/pg-major
  fi
  hl_log "PostgreSQL $v: building with PGXS (WERROR=1) and installing"
  hl_build_install_make "$PGC"
  chmod -R a+rX "$PREFIX"

  local passed=0 failed=0 parts=() p f rc
  add() { passed=$((passed + $2)) failed=$((failed + $3)); parts+=("$1 $2/$3"); }

  # (the CMake build for this version, its install and its library loading are
  # test/shell/01_build.t's, which compares them with the PGXS build's)

  hl_log "PostgreSQL $v: starting a throwaway cluster in $CLUSTER"
  hl_cluster_start "$BIN" "$CLUSTER"
  # shellcheck disable=SC2064
  trap "hl_version_cleanup '$BIN' '$CLUSTER'" EXIT

  if [ ${#only[@]} -eq 0 ]; then
    hl_log "PostgreSQL $v: pg_regress suites"
    local rdir=build/regress
    rm -rf "$rdir"; mkdir -p "$rdir"
    set +e
    if [ "$v" = "$HL_PG_MAJOR" ]; then
      make -s PG_CONFIG="$PGC" installcheck >"$rdir/make.log" 2>&1
    else
      # The pg_regress of 17/18's PGXS needs a newer C library: Debian 12's (15) runs
      # the same files against the newer server, with psql 15 as the client.
      mapfile -t tests < <(ls test/sql/*.sql | xargs -n1 basename | sed 's/\.sql$//' | sort)
      "/usr/lib/postgresql/$HL_PG_MAJOR/lib/pgxs/src/test/regress/pg_regress" --inputdir=test \
        --outputdir="$rdir" --bindir="$BIN" --dbname=contrib_regression "${tests[@]}" >"$rdir/make.log" 2>&1
    fi
    rc=$?
    set -e
    cat "$rdir/make.log"
    p=$(grep -cE '^(test | )? *[[:alnum:]_]+ +\.\.\. ok' "$rdir/make.log" || true)
    f=$(grep -cE '\.\.\. FAILED' "$rdir/make.log" || true)
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    [ -f "$rdir/regression.diffs" ] && [ "$f" -gt 0 ] && cat "$rdir/regression.diffs"
    echo "regress: $p passed, $f failed"
    add regress "$p" "$f"
  fi

  # Databases for the pgTAP suites: hitlai_test (vanilla PostgreSQL) and, when the
  # fixture exists, hitlai_supabase (Supabase roles and auth schema created first).
  psql -X -q -v ON_ERROR_STOP=1 -d postgres <<'SQL'
CREATE DATABASE hitlai_test;
\c hitlai_test
CREATE EXTENSION pgtap;
CREATE EXTENSION hitlai;
SQL
  if [ -f test/fixtures/supabase.sql ]; then
    psql -X -q -v ON_ERROR_STOP=1 -d postgres -c 'CREATE DATABASE hitlai_supabase'
    psql -X -q -v ON_ERROR_STOP=1 -d hitlai_supabase -f test/fixtures/supabase.sql
    psql -X -q -v ON_ERROR_STOP=1 -d hitlai_supabase -c 'CREATE EXTENSION pgtap; CREATE EXTENSION hitlai;'
  fi

  local pgtap_files=() shell_files=()
  if [ ${#only[@]} -eq 0 ]; then
    mapfile -t pgtap_files < <(ls test/pgtap/*.sql 2>/dev/null | sort)
    mapfile -t shell_files < <(ls test/shell/*.t test/security/*.t 2>/dev/null | sort)
  else
    for f in "${only[@]}"; do
      case "$f" in *.sql) pgtap_files+=("$f") ;; *.t) shell_files+=("$f") ;; esac
    done
  fi

  if [ ${#pgtap_files[@]} -gt 0 ]; then
    hl_log "PostgreSQL $v: pgTAP suites"
    set +e
    pg_prove -d hitlai_test -U postgres --pset tuples_only=1 "${pgtap_files[@]}" 2>&1 | tee "$vw/pgtap.log"
    rc=${PIPESTATUS[0]}
    set -e
    read -r p f <<<"$(prove_counts "$vw/pgtap.log" "$rc")"
    add pgTAP "$p" "$f"
  fi
  if [ ${#shell_files[@]} -gt 0 ]; then
    hl_log "PostgreSQL $v: shell suites"
    set +e
    prove "${shell_files[@]}" 2>&1 | tee "$vw/shell.log"
    rc=${PIPESTATUS[0]}
    set -e
    read -r p f <<<"$(prove_counts "$vw/shell.log" "$rc")"
    add shell "$p" "$f"
  fi

  if hl_log_has_crash "$CLUSTER/server.log"; then
    echo "FAILED: a backend died by a signal on PostgreSQL $v (see $CLUSTER/server.log)"
    add crash 0 1
  fi
  local took=$((SECONDS - start))
  echo "$passed $failed" >"$vw/counts"
  printf 'PostgreSQL %s: %d passed, %d failed (%s) in %dm%02ds\n' "$server_version" "$passed" "$failed" \
    "$(IFS=,; echo "${parts[*]}" | sed 's/,/, /g')" $((took / 60)) $((took % 60)) >>"$SUMMARY"
}

hl_version_cleanup() {
  if [ "${HITLAI_KEEP:-0}" = 1 ]; then
    hl_log "cluster left running: PGHOST=$PGHOST PGPORT=$PGPORT PGUSER=$PGUSER"
  else
    hl_cluster_stop "$1" "$2"
  fi
}

for v in "${versions[@]}"; do
  rm -f "$WORK/$v/counts"
  set +e
  (set -e; run_version "$v")
  rc=$?
  set -e
  if [ -f "$WORK/$v/counts" ]; then
    read -r p f <"$WORK/$v/counts"
  else
    p=0 f=1
    echo "PostgreSQL $v: the run stopped early (exit status $rc), counted as 1 failure" >>"$SUMMARY"
  fi
  record "$p" "$f"
done

echo
echo "Summary (SPEC P1: every version in its own cluster):"
sed 's/^/  /' "$SUMMARY"
echo "$total_passed passed, $total_failed failed"
exit $status
