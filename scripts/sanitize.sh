#!/usr/bin/env bash
# Runs the hitlai suites against a backend that checks memory and undefined behaviour,
# and counts the reports. Slow, not part of CI; see README "Sanitizers and valgrind".
#
# Default mode (AddressSanitizer + UndefinedBehaviorSanitizer, gcc):
#   1. copies the checkout (without .git, build/ and objects) to $DIR/src and builds it
#      there with PGXS, adding -fsanitize=address,undefined -fno-omit-frame-pointer
#      -fno-wrapv -O1 (the checkout's own objects are untouched: a normal `make` is not
#      affected), and installs it into a private copy of the system's PostgreSQL ($DIR/pg)
#   2. starts a throwaway cluster ($DIR/cluster, jit = off) whose postmaster runs with
#      LD_PRELOAD=libasan.so (PostgreSQL itself is not instrumented: the ASan runtime must
#      be loaded first). ASan writes one report file per process ($DIR/reports/asan.PID),
#      UBSan writes to the server log. Leak detection is off (backends exit without
#      freeing their memory contexts: LSan would report every backend). ASan stops the
#      backend at its first report, UBSan reports and goes on.
#      A canary module with one heap overflow and one signed overflow must produce one
#      report of each kind first, or the run stops: "0 reports" then means something.
#   3. runs the pgTAP suites (test/pgtap/*.sql, pg_prove) and the shell suites that
#      exercise the server (test/shell/2*.t concurrency and bulk, 5*.t policies and
#      trusted install, 6*.t restore, upgrade, version check).
#
# --valgrind mode: a normal build (-O1 -g) in $DIR/valgrind, the postmaster and every
# backend under `valgrind --tool=memcheck --track-origins=yes` with
# scripts/valgrind-postgres.supp (logs in $DIR/valgrind/logs/PID.log), the canary's
# heap overflow must be seen, then by default the pgTAP suites of the error bridge (01),
# the triggers (2x) and JSON validation (4x). About 10 minutes.
#
# Both print, last:
#   sanitize: N passed, N failed (tests), N sanitizer reports (…)
# and every report; exit status 0 only if no test failed, there is no report and no
# backend died.
#
# Usage: scripts/sanitize.sh [--valgrind] [FILE…]  (FILE: test/pgtap/x.sql, test/shell/x.t)
# Env:   HITLAI_SANITIZE_DIR  work directory (default /tmp/hitlai-sanitize-<uid>-<hash>)
#        HITLAI_KEEP=1        leave the cluster running afterwards
set -euo pipefail

HL_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/lib.sh
source "$HL_ROOT/scripts/lib.sh"
cd "$HL_ROOT"

MODE=asan
if [ "${1:-}" = --valgrind ]; then MODE=valgrind; shift; fi
hl_install_deps
[ $MODE = asan ] || command -v valgrind >/dev/null || hl_die "valgrind is not installed"

key=$(printf '%s' "$HL_ROOT" | md5sum | cut -c1-8)
DIR=${HITLAI_SANITIZE_DIR:-/tmp/hitlai-sanitize-$(id -u)-$key}
mkdir -p "$DIR"
chmod a+rx "$DIR"  # add rights only: DIR may be a shared directory
if [ $MODE = valgrind ]; then DIR=$DIR/valgrind; mkdir -p "$DIR"; chmod a+rx "$DIR"; fi
PREFIX=$DIR/pg CLUSTER=$DIR/cluster SRC=$DIR/src REPORTS=$DIR/reports
mkdir -p "$SRC"
hl_make_prefix "$PREFIX"
BIN=$(hl_prefix_bin "$PREFIX")
PGC=$BIN/pg_config
# The suites find the build tree, the scratch directory and the binaries here.
export PATH="$BIN:$PATH" HL_ROOT HL_PREFIX=$PREFIX HL_WORK=$DIR HL_PG_CONFIG=$PGC

hl_cluster_stop "$BIN" "$CLUSTER"
rm -rf "$CLUSTER" "$REPORTS"
mkdir -p "$REPORTS"
[ "$(id -u)" -eq 0 ] && chown postgres: "$REPORTS"
chmod 777 "$REPORTS"

# --- 1. build --------------------------------------------------------------------------------
if [ $MODE = asan ]; then
  # -fno-wrapv (after PGXS's -fwrapv): UBSan then also reports signed overflow in hitlai's
  # code, which -fwrapv would silently define as wrapping.
  FLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-wrapv -O1 -g"
  LDFLAGS_SAN="-fsanitize=address,undefined"
else
  FLAGS="-O1 -g -fno-omit-frame-pointer"
  LDFLAGS_SAN=""
fi
hl_log "building hitlai.so with $FLAGS in $SRC"
tar -C "$HL_ROOT" --exclude=./.git --exclude=./build --exclude='*.o' --exclude='*.so' \
  --exclude='*.bc' -cf - . | tar -C "$SRC" -xf -
# Different flags than the last build there: rebuild everything.
if [ "$(cat "$SRC/.san_flags" 2>/dev/null)" != "$FLAGS" ]; then
  make -C "$SRC" -s PG_CONFIG="$PGC" clean >/dev/null 2>&1 || true
  echo "$FLAGS" >"$SRC/.san_flags"
fi
# PG_CXXFLAGS on the command line replaces the Makefile's value: keep HITLAI_CXXFLAGS
# (expanded by make). PG_LDFLAGS links libasan/libubsan into hitlai.so.
make -C "$SRC" -s -j"$(nproc)" PG_CONFIG="$PGC" WERROR=1 \
  PG_CXXFLAGS="\$(HITLAI_CXXFLAGS) $FLAGS" PG_LDFLAGS="$LDFLAGS_SAN" all
make -C "$SRC" -s PG_CONFIG="$PGC" install >/dev/null
if [ $MODE = asan ]; then
  ldd "$("$PGC" --pkglibdir)/hitlai.so" | grep -q libasan || hl_die "hitlai.so is not linked with libasan"
fi
chmod -R a+rX "$PREFIX"

# --- 2. cluster ------------------------------------------------------------------------------
hl_cluster_start "$BIN" "$CLUSTER"        # initdb (+ a plain start) with the usual settings
hl_cluster_stop "$BIN" "$CLUSTER"
# JIT would run hitlai's bitcode instead of the checked code (and LLVM under valgrind is
# slow and noisy); autovacuum only adds processes to watch.
printf 'jit = off\nautovacuum = off\n' | hl_as_owner tee -a "$CLUSTER/data/postgresql.conf" >/dev/null
if [ $MODE = asan ]; then
  # PostgreSQL links libgpg-error (through libldap/gnutls), whose constructor runs before
  # libasan's and calls bindtextdomain(), which mallocs while holding glibc's
  # _nl_state_lock. That first malloc initialises ASan lazily, and ASan's init calls
  # dlsym(RTLD_DEFAULT, "swift_demangle") + dlerror(); dlerror() translates its message
  # with dcgettext(), which takes and releases the same non-recursive lock: the lock is
  # left corrupted and the next bindtextdomain() (gnutls's constructor) waits forever,
  # so even `postgres -V` hangs. A preloaded stub defining swift_demangle makes that
  # dlsym succeed (no dlerror text, no gettext); it returns NULL, so ASan falls back to
  # the C++ demangler.
  cat >"$DIR/swift_demangle_stub.c" <<'C'
#include <stddef.h>
#include <stdint.h>
char *swift_demangle(const char *m, size_t n, char *out, size_t *out_n, uint32_t flags) {
  (void)m; (void)n; (void)out; (void)out_n; (void)flags;
  return NULL;
}
C
  gcc -shared -fPIC -O2 -o "$DIR/libswift_demangle_stub.so" "$DIR/swift_demangle_stub.c"
  chmod a+r "$DIR/libswift_demangle_stub.so"
  PRELOAD="$(gcc -print-file-name=libasan.so) $(gcc -print-file-name=libubsan.so) $DIR/libswift_demangle_stub.so"
  hl_as_owner env LD_PRELOAD="$PRELOAD" \
    ASAN_OPTIONS="detect_leaks=0:abort_on_error=0:halt_on_error=0:detect_stack_use_after_return=1:log_path=$REPORTS/asan" \
    UBSAN_OPTIONS="print_stacktrace=1" \
    "$BIN/pg_ctl" -D "$CLUSTER/data" -l "$CLUSTER/server.log" -w -t 120 start >/dev/null
else
  # Every process forked by the postmaster stays under valgrind (PostgreSQL forks without
  # exec). --trace-children also covers what the server execs (archive/restore commands:
  # none here).
  hl_as_owner bash -c 'exec "$@" >>"'"$CLUSTER/server.log"'" 2>&1 </dev/null &' vg \
    valgrind --tool=memcheck --trace-children=yes --track-origins=yes --leak-check=no \
    --num-callers=40 --read-var-info=yes --error-markers=VALGRINDERROR-BEGIN,VALGRINDERROR-END \
    --suppressions="$HL_ROOT/scripts/valgrind-postgres.supp" --gen-suppressions=all \
    --log-file="$REPORTS/%p.log" \
    "$BIN/postgres" -D "$CLUSTER/data"
  for _ in $(seq 1 240); do
    "$BIN/pg_isready" -q -h "$CLUSTER/sock" -p 5432 && break
    sleep 0.5
  done
  "$BIN/pg_isready" -q -h "$CLUSTER/sock" -p 5432 || hl_die "the server under valgrind did not start"
fi
cleanup() {
  if [ "${HITLAI_KEEP:-0}" = 1 ]; then
    hl_log "cluster left running: PGHOST=$PGHOST PGPORT=$PGPORT PGUSER=$PGUSER"
  else
    hl_cluster_stop "$BIN" "$CLUSTER"
  fi
}
trap cleanup EXIT

# Canary: a throwaway module reading one byte past a malloc'd block (ASan: compiled with
# -fsanitize-recover=address, so with halt_on_error=0 the backend goes on; valgrind:
# "Invalid read") and adding 1 to INT_MAX (UBSan). These reports must arrive, or the
# setup sees nothing and "0 reports" would mean nothing. They are not counted.
cat >"$DIR/sanitize_canary.c" <<'C'
#include "postgres.h"
#include "fmgr.h"
#include <stdlib.h>
#include <string.h>
PG_MODULE_MAGIC;
PG_FUNCTION_INFO_V1(sanitize_canary);
Datum sanitize_canary(PG_FUNCTION_ARGS) {
  int32 n = PG_GETARG_INT32(0), big = PG_GETARG_INT32(1);
  char *volatile p = malloc(n);
  memset(p, 1, n);
  int32 v = p[n]; /* one byte past the end: heap-buffer-overflow */
  free(p);
  PG_RETURN_INT32(v + (big + 1)); /* big = INT_MAX: signed integer overflow */
}
C
canary_flags=(-O0 -g)
[ $MODE = asan ] && canary_flags+=(-fsanitize=address,undefined -fsanitize-recover=address)
gcc -shared -fPIC "${canary_flags[@]}" -I"$("$PGC" --includedir-server)" \
  -o "$DIR/sanitize_canary.so" "$DIR/sanitize_canary.c"
chmod a+r "$DIR/sanitize_canary.so"
psql -X -q -At -v ON_ERROR_STOP=1 -d postgres >/dev/null <<SQL
BEGIN;
CREATE FUNCTION pg_temp.sanitize_canary(int4, int4) RETURNS int4 LANGUAGE c STRICT
  AS '$DIR/sanitize_canary.so', 'sanitize_canary';
SELECT pg_temp.sanitize_canary(16, 2147483647);
ROLLBACK;
SQL
if [ $MODE = asan ]; then
  mkdir -p "$REPORTS/canary"
  mv "$REPORTS"/asan.* "$REPORTS/canary/" 2>/dev/null || true
  grep -q 'ERROR: AddressSanitizer: heap-buffer-overflow' "$REPORTS"/canary/* 2>/dev/null \
    || hl_die "canary: no ASan report in $REPORTS (backends are not sanitized?)"
  grep -q 'sanitize_canary.c:.*runtime error: signed integer overflow' "$CLUSTER/server.log" \
    || hl_die "canary: no UBSan report in the server log (backends are not sanitized?)"
else
  sleep 1
  grep -l 'Invalid read of size 1' "$REPORTS"/*.log 2>/dev/null | xargs -r grep -l sanitize_canary \
    | grep -q . || hl_die "canary: valgrind saw no invalid read (backends not under valgrind?)"
fi
hl_log "canary: the backends' errors are reported"

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

# --- 3. suites -------------------------------------------------------------------------------
pgtap_files=() shell_files=()
if [ $# -eq 0 ] && [ $MODE = asan ]; then
  mapfile -t pgtap_files < <(ls test/pgtap/*.sql | sort)
  mapfile -t shell_files < <(ls test/shell/[256]*.t | sort)
elif [ $# -eq 0 ]; then
  mapfile -t pgtap_files < <(ls test/pgtap/01_*.sql test/pgtap/2*.sql test/pgtap/4*.sql | sort)
else
  for f in "$@"; do
    case "$f" in
      *.sql) pgtap_files+=("$f") ;;
      *.t) shell_files+=("$f") ;;
      *) hl_die "don't know how to run $f" ;;
    esac
  done
fi

out=$DIR/prove.log
: >"$out"
set +e
if [ ${#pgtap_files[@]} -gt 0 ]; then
  hl_log "pgTAP suites"
  pg_prove -d hitlai_test -U postgres --pset tuples_only=1 "${pgtap_files[@]}" 2>&1 | tee -a "$out"
fi
if [ ${#shell_files[@]} -gt 0 ]; then
  hl_log "shell suites"
  prove "${shell_files[@]}" 2>&1 | tee -a "$out"
fi
set -e

# Counts from the harness summaries ("Files=…, Tests=N" and "Failed X/Y subtests"); a
# suite that died before its plan counts as one failure.
total=$(sed -n 's/^Files=[0-9]*, Tests=\([0-9]*\),.*/\1/p' "$out" | paste -sd+ | bc)
failed=$(sed -n 's/^Failed [0-9]*\/[0-9]* test programs\. \([0-9]*\)\/[0-9]* subtests failed\./\1/p' "$out" \
  | paste -sd+ | bc)
failed=${failed:-0}
dubious=$(grep -c 'Dubious\|Parse errors\|No subtests run\|Bad plan' "$out" || true)
[ "$failed" -eq 0 ] && [ "$dubious" -gt 0 ] && failed=$dubious
passed=$(( ${total:-0} - failed ))

status=0
if [ $MODE = asan ]; then
  # A report is one "ERROR: AddressSanitizer" block or one UBSan "runtime error" line.
  # UBSan ignores log_path when libasan is loaded too (gcc's libubsan then leaves the
  # common flags to ASan's copy of sanitizer_common): its reports go to stderr, which is
  # the server log.
  asan=$(cat "$REPORTS"/asan.* 2>/dev/null | grep -c 'ERROR: AddressSanitizer' || true)
  ubsan=$(grep -v 'sanitize_canary\.c' "$CLUSTER/server.log" | grep -c 'runtime error:' || true)
  reports=$((asan + ubsan))
  detail="$asan ASan, $ubsan UBSan"
  if [ "$reports" -gt 0 ]; then
    hl_log "sanitizer reports (ASan: $REPORTS/asan.*, UBSan: $CLUSTER/server.log):"
    for f in "$REPORTS"/asan.*; do
      [ -f "$f" ] || continue
      echo "--- $f"
      grep -E 'ERROR: AddressSanitizer|^    #[0-9] ' "$f" | head -12
    done
    grep -v 'sanitize_canary\.c' "$CLUSTER/server.log" | grep -A8 'runtime error:' || true
  fi
else
  hl_cluster_stop "$BIN" "$CLUSTER"   # flush the logs of every process
  # One report = one VALGRINDERROR-BEGIN … END block not about the canary.
  reports=$(cat "$REPORTS"/*.log 2>/dev/null | awk '
    /VALGRINDERROR-BEGIN/ { blk = ""; inb = 1 }
    inb { blk = blk $0 "\n" }
    /VALGRINDERROR-END/ { inb = 0; if (blk !~ /sanitize_canary/) { n++; printf "%s", blk > "/dev/stderr" } }
    END { print n + 0 }' 2>"$DIR/valgrind-reports.txt")
  detail="valgrind memcheck, $(ls "$REPORTS"/*.log 2>/dev/null | wc -l) processes"
  if [ "$reports" -gt 0 ]; then
    hl_log "valgrind reports ($DIR/valgrind-reports.txt, per process in $REPORTS):"
    head -80 "$DIR/valgrind-reports.txt"
  fi
fi
[ "$reports" -eq 0 ] || status=1
if hl_log_has_crash "$CLUSTER/server.log"; then
  echo "FAILED: a backend died (see $CLUSTER/server.log)"
  status=1
fi
echo "sanitize: $passed passed, $failed failed (tests), $reports sanitizer reports ($detail)"
[ "$failed" -eq 0 ] || status=1
exit $status
