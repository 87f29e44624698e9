# TAP helpers for the shell suites (sourced). Needs PGHOST/PGPORT/PGUSER and, from
# scripts/test.sh, HL_ROOT, HL_WORK and HL_PG_CONFIG.
#
# Every shell suite (test/shell/*.t) sources this file and reports through it, so the
# TAP it prints is the same everywhere; test/shell/05_test_inventory.t checks that.
#
#   tap_plan N            print the plan (tap_done checks it)
#   tap_skip_all WHY      print the plan of a suite that can't run (1..0 # SKIP WHY)
#   tap_ok COND DESC      COND is a shell status (0 = pass)
#   tap_is GOT WANT DESC  string equality; prints both on failure
#   tap_todo COND DESC WHY   like tap_ok, but a failure is a TODO (does not fail the suite)
#   tap_skip DESC WHY     a test that was not run (counts as passed)
#   tap_diag TEXT…        diagnostics (each line prefixed with '# ')
#   tap_diag_in           the same for standard input (cmd | tap_diag_in)
#   tap_done              exit: 1 if a test failed or the count differs from the plan
#   hl_psql DB ARGS…      psql -X -q -A -t -v ON_ERROR_STOP=1 -d DB ARGS…
#   hl_scratch_db NAME    (re)creates database NAME; hl_drop_db NAME drops it
set -uo pipefail

HL_BIN=${HL_PG_CONFIG:+$(dirname "$HL_PG_CONFIG")}
if [ -n "${HL_BIN:-}" ]; then export PATH="$HL_BIN:$PATH"; fi
TAP_N=0
TAP_FAILED=0

TAP_PLANNED=

tap_plan() { TAP_PLANNED=$1; echo "1..$1"; }
tap_skip_all() { TAP_PLANNED=0; echo "1..0 # SKIP $*"; }
tap_diag() { local l; while IFS= read -r l; do printf '# %s\n' "$l"; done <<<"$*"; }
tap_diag_in() { sed 's/^/# /'; }
tap_ok() {
  local cond=$1 desc=$2
  TAP_N=$((TAP_N + 1))
  if [ "$cond" -eq 0 ]; then echo "ok $TAP_N - $desc"
  else echo "not ok $TAP_N - $desc"; TAP_FAILED=$((TAP_FAILED + 1)); fi
}
tap_is() {
  local got=$1 want=$2 desc=$3
  if [ "$got" = "$want" ]; then tap_ok 0 "$desc"
  else
    tap_ok 1 "$desc"
    tap_diag "     got: $got"
    tap_diag "expected: $want"
  fi
}
tap_todo() {
  local cond=$1 desc=$2 why=$3
  TAP_N=$((TAP_N + 1))
  if [ "$cond" -eq 0 ]; then echo "ok $TAP_N - $desc # TODO $why"
  else echo "not ok $TAP_N - $desc # TODO $why"; fi
}

tap_skip() {
  TAP_N=$((TAP_N + 1))
  echo "ok $TAP_N - $1 # SKIP $2"
}
tap_done() {
  if [ -n "$TAP_PLANNED" ] && [ "$TAP_N" -ne "$TAP_PLANNED" ]; then
    tap_diag "ran $TAP_N tests, planned $TAP_PLANNED"
    exit 1
  fi
  exit $((TAP_FAILED > 0))
}

hl_psql() {
  local db=$1; shift
  psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$db" "$@"
}
hl_drop_db() { psql -X -q -d postgres -c "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)" >/dev/null 2>&1; }
hl_scratch_db() {
  hl_drop_db "$1"
  psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE \"$1\"" >/dev/null
}
