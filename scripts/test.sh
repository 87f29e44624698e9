#!/usr/bin/env bash
# Runs every hitlai suite against a throwaway PostgreSQL 15 cluster:
#   1. installs missing Debian packages (apt, as root or with sudo)
#   2. builds with PGXS (warnings are errors) and installs into a private copy of the
#      system's PostgreSQL installation (the system's extension directory is untouched)
#   3. builds with CMake (warnings are errors) and runs the C++ unit tests with ctest
#   4. starts a throwaway cluster (Unix socket only) and runs
#        - the pg_regress suites (test/sql/*.sql vs test/expected/*.out, make installcheck)
#                                                               -> "regress: N passed, N failed"
#        - the pgTAP suites (test/pgtap/*.sql) with pg_prove (make installcheck-pgtap)
#        - the shell suites (test/shell/*.t: CMake install, concurrency, restore, …) with prove
#        - the security suite (test/security/*.t: attacks on a trusted install) with prove
#   5. fails if any backend died by a signal (server log)
#
# Usage: scripts/test.sh [FILE…]
#   FILE… : run only these pgTAP files (test/pgtap/x.sql) or shell suites (test/shell/x.t,
#           test/security/x.t)
#           after the build; pg_regress and the unit tests run only without arguments.
# Env:    HITLAI_TEST_DIR  where the private installation and cluster live
#                          (default /tmp/hitlai-test-<uid>-<hash of the checkout path>)
#         HITLAI_KEEP=1    leave the cluster running afterwards (PGHOST is printed)
set -euo pipefail

HL_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export HL_ROOT
# shellcheck source=scripts/lib.sh
source "$HL_ROOT/scripts/lib.sh"
cd "$HL_ROOT"

only=("$@")

hl_install_deps

key=$(printf '%s' "$HL_ROOT" | md5sum | cut -c1-8)
WORK=${HITLAI_TEST_DIR:-/tmp/hitlai-test-$(id -u)-$key}
mkdir -p "$WORK"
chmod 755 "$WORK"
PREFIX=$WORK/pg
CLUSTER=$WORK/cluster
hl_make_prefix "$PREFIX"
BIN=$(hl_prefix_bin "$PREFIX")
PGC=$BIN/pg_config
export PATH="$BIN:$PATH" HL_PREFIX=$PREFIX HL_WORK=$WORK HL_PG_CONFIG=$PGC

hl_cluster_stop "$BIN" "$CLUSTER"   # a cluster left over by an interrupted run
rm -rf "$CLUSTER"

hl_log "building with PGXS (WERROR=1)"
hl_build_install_make "$PGC"
chmod -R a+rX "$PREFIX"

status=0
if [ ${#only[@]} -eq 0 ]; then
  hl_log "building with CMake (HITLAI_WERROR=ON) and running the C++ unit tests"
  cmake -S "$HL_ROOT" -B "$WORK/cmake" -DPG_CONFIG="$PGC" -DHITLAI_WERROR=ON >"$WORK/cmake.log" 2>&1 \
    || { cat "$WORK/cmake.log"; exit 1; }
  cmake --build "$WORK/cmake" -j"$(nproc)" >>"$WORK/cmake.log" 2>&1 \
    || { cat "$WORK/cmake.log"; exit 1; }
  ctest --test-dir "$WORK/cmake" --output-on-failure || status=1
fi

hl_log "starting a throwaway cluster in $CLUSTER"
hl_cluster_start "$BIN" "$CLUSTER"
cleanup() {
  if [ "${HITLAI_KEEP:-0}" = 1 ]; then
    hl_log "cluster left running: PGHOST=$PGHOST PGPORT=$PGPORT PGUSER=$PGUSER"
  else
    hl_cluster_stop "$BIN" "$CLUSTER"
  fi
}
trap cleanup EXIT

if [ ${#only[@]} -eq 0 ]; then
  hl_log "pg_regress suites"
  rm -rf build/regress
  mkdir -p build/regress
  set +e
  make -s PG_CONFIG="$PGC" installcheck >build/regress/make.log 2>&1
  rc=$?
  set -e
  cat build/regress/make.log
  passed=$(grep -cE '^(test | )? *[[:alnum:]_]+ +\.\.\. ok' build/regress/make.log || true)
  failed=$(grep -cE '\.\.\. FAILED' build/regress/make.log || true)
  if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
  [ -f build/regress/regression.diffs ] && [ "$failed" -gt 0 ] && cat build/regress/regression.diffs
  echo "regress: $passed passed, $failed failed"
  [ "$failed" -eq 0 ] || status=1
fi

# Databases for the pgTAP suites: hitlai_test (vanilla PostgreSQL) and, when the fixture
# exists, hitlai_supabase (Supabase roles and auth schema created before the extension).
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

pgtap_files=() shell_files=()
if [ ${#only[@]} -eq 0 ]; then
  mapfile -t pgtap_files < <(ls test/pgtap/*.sql 2>/dev/null | sort)
  mapfile -t shell_files < <(ls test/shell/*.t 2>/dev/null | sort)
  mapfile -t -O ${#shell_files[@]} shell_files < <(ls test/security/*.t 2>/dev/null | sort)
else
  for f in "${only[@]}"; do
    case "$f" in
      *.sql) pgtap_files+=("$f") ;;
      *.t) shell_files+=("$f") ;;
      *) hl_die "don't know how to run $f (expected test/pgtap/*.sql or test/shell/*.t)" ;;
    esac
  done
fi

if [ ${#pgtap_files[@]} -gt 0 ]; then
  hl_log "pgTAP suites"
  make -s PG_CONFIG="$PGC" installcheck-pgtap PGTAP_DB=hitlai_test PGTAP_TESTS="${pgtap_files[*]}" || status=1
fi
if [ ${#shell_files[@]} -gt 0 ]; then
  hl_log "shell suites"
  prove "${shell_files[@]}" || status=1
fi

if hl_log_has_crash "$CLUSTER/server.log"; then
  echo "FAILED: a backend died by a signal (see $CLUSTER/server.log)"
  status=1
fi
exit $status
