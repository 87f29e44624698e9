#!/usr/bin/env bash
# P1: the suites really run on the PostgreSQL version scripts/test.sh asked for, the
# version differences stay in src/pg/compat.hpp (and compat.cpp), and the library
# built with this version's headers resolves every symbol on this server
# (docs/platforms.md, heap_datum_check).
source "$(dirname "$0")/lib/tap.sh"
ROOT=${HL_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
pkglibdir=$("$HL_PG_CONFIG" --pkglibdir)
incdir=$("$HL_PG_CONFIG" --includedir-server)
so=$pkglibdir/hitlai.so
postgres=$(dirname "$HL_PG_CONFIG")/postgres

tap_plan 5
# failures also go to stderr, so that prove shows them without -v
is() { tap_is "$@" || true; [ "$1" = "$2" ] || echo "03_platform: $3: got '$1', expected '$2'" >&2; }

major=$(hl_psql postgres -c "SELECT current_setting('server_version_num')::int / 10000")
is "$major" "${HL_PG_VERSION:-$major}" "P1: the cluster runs PostgreSQL ${HL_PG_VERSION:-$major} (server_version_num)"

hdr=$(sed -n 's/^#define PG_VERSION_NUM \([0-9]*\)/\1/p' "$incdir/pg_config.h")
is "$(( ${hdr:-0} / 10000 ))" "$major" "P1: hitlai.so was compiled with headers of the server's major (PG_VERSION_NUM $hdr)"

others=$(cd "$ROOT" && grep -l 'PG_VERSION_NUM' src/pg/*.[ch]pp src/core/*.[ch]pp | grep -v '^src/pg/compat\.\(hpp\|cpp\)$')
is "$others" "" "P1: no file but src/pg/compat.hpp tests PG_VERSION_NUM"

# Every symbol hitlai.so needs is exported by this server's executable or by a library
# it links (Boost.JSON, libstdc++, libc): nothing that only a newer minor has.
{ nm -D --defined-only "$postgres"
  ldd "$so" | awk '$3 ~ /^\// {print $3}' | xargs -r nm -D --defined-only; } 2>/dev/null |
  awk '{print $NF}' | sed 's/@.*//' | sort -u >"$HL_WORK/postgres.syms"
missing=$(nm -D --undefined-only "$so" | awk '$1 == "U" {print $2}' | sed 's/@.*//' | sort -u |
          comm -23 - "$HL_WORK/postgres.syms")
is "$missing" "" "P1: hitlai.so needs no symbol that this server lacks"

# (nm's output is read whole: grep -q would close the pipe early, and with pipefail
# nm's SIGPIPE would fail the check at random)
datum_check=$(nm -D "$so" | grep 'heap_datum_check$')
if grep -q 'VersionedDatumOffsetNumber' "$incdir/storage/itemptr.h" 2>/dev/null; then
  [[ "$datum_check" =~ \ W\ heap_datum_check$ ]]
  rc=$?; [ $rc -eq 0 ] || echo "03_platform: nm -D $so: '$datum_check'" >&2
  tap_ok $rc "P1: headers with versioned datums: hitlai.so defines heap_datum_check weak (the server's, when it has one, wins)"
else
  [ -z "$datum_check" ]
  tap_ok $? "P1: headers without versioned datums: hitlai.so neither needs nor defines heap_datum_check"
fi
exit $((TAP_FAILED > 0))
