#!/usr/bin/env bash
# S4/S5 release packaging: `make dist` writes the PGXN zip of the committed tree
# (git archive), and what it holds is a complete source release: unpacked elsewhere, it
# builds with PGXS, installs into the private prefix, and CREATE EXTENSION works with it.
# The prefix's own hitlai files are put back afterwards (by rename, as a running server
# needs), so the suites after this one test the checkout's build.
# Needs (from scripts/test.sh): HL_ROOT, HL_WORK, HL_PG_CONFIG, PGHOST/PGPORT/PGUSER.
set -uo pipefail
source "$(dirname "$0")/lib/tap.sh"
tap_plan 7

version=$(sed -n "s/^default_version *= *'\([^']*\)'.*/\1/p" "$HL_ROOT/hitlai.control")
zip=$HL_ROOT/build/dist/hitlai-$version.zip
out=$HL_WORK/dist
rm -rf "$out" "$zip"
mkdir -p "$out"

make -C "$HL_ROOT" -s dist >"$out/dist.log" 2>&1
rc=$?; [ $rc -eq 0 ] || tap_diag_in <"$out/dist.log"
[ $rc -eq 0 ] && [ -s "$zip" ]
tap_ok $? "S5: make dist writes build/dist/hitlai-$version.zip"

# Unpack with Python (unzip is not part of a bare Debian); keep the file modes.
python3 - "$zip" "$out/src" >"$out/unzip.log" 2>&1 <<'PY'
import os, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    for info in z.infolist():
        path = z.extract(info, sys.argv[2])
        mode = info.external_attr >> 16
        if mode and not info.is_dir():
            os.chmod(path, mode & 0o7777)
PY
tree=$out/src/hitlai-$version
[ -f "$tree/META.json" ] && [ -f "$tree/hitlai.control" ] && [ -f "$tree/Makefile" ] && [ -f "$tree/LICENSE" ]
rc=$?; [ $rc -eq 0 ] || { tap_diag_in <"$out/unzip.log"; ls "$out/src" | tap_diag_in; }
tap_ok $rc "S5: every file sits under hitlai-$version/ (META.json, hitlai.control, Makefile, LICENSE)"

pfile=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["provides"]["hitlai"]["file"])' "$tree/META.json" 2>/dev/null)
extra=$( (cd "$tree" && ls -d .ci sql/hitlai--*.sql hitlai.so 2>/dev/null) )
[ -n "$pfile" ] && [ -f "$tree/$pfile" ] && [ -z "$extra" ]
tap_ok $? "S5: META.json's provides.file ($pfile) is in the zip; no CI files or build products are ($extra)"

make -C "$tree" -s -j2 PG_CONFIG="$HL_PG_CONFIG" >"$out/build.log" 2>&1
rc=$?; [ $rc -eq 0 ] || tail -30 "$out/build.log" | tap_diag_in
tap_ok $rc "S4: the unpacked release builds with PGXS"

# Install into the private prefix, keeping the checkout's files to put back afterwards.
pkglibdir=$("$HL_PG_CONFIG" --pkglibdir) extdir=$("$HL_PG_CONFIG" --sharedir)/extension
saved=$out/saved
mkdir -p "$saved/ext"
cp -p "$pkglibdir/hitlai.so" "$saved/hitlai.so"
cp -p "$extdir"/hitlai.control "$extdir"/hitlai--*.sql "$extdir"/hitlai--*.control "$saved/ext/" 2>/dev/null
restore() {
  cp -p "$saved/hitlai.so" "$pkglibdir/.hitlai.so.tmp" && mv -f "$pkglibdir/.hitlai.so.tmp" "$pkglibdir/hitlai.so"
  rm -f "$extdir"/hitlai--*.sql "$extdir"/hitlai--*.control
  cp -p "$saved"/ext/* "$extdir/"
}
trap restore EXIT
make -C "$tree" -s PG_CONFIG="$HL_PG_CONFIG" install >"$out/install.log" 2>&1
rc=$?; [ $rc -eq 0 ] || tail -30 "$out/install.log" | tap_diag_in
cmp -s "$tree/hitlai.so" "$pkglibdir/hitlai.so" || rc=1
tap_ok $rc "S4: make install puts the release's hitlai.so and scripts into the private prefix"

# A new backend loads the installed library.
db=hl_dist_check
hl_scratch_db $db
got=$(hl_psql $db -c 'CREATE EXTENSION hitlai' \
      -c "SELECT hitlai.version() || '|' || extversion FROM pg_extension WHERE extname = 'hitlai'" 2>&1)
tap_is "$got" "$version|$version" "S1: CREATE EXTENSION hitlai works with the release build (version() = extversion = $version)"
got=$(hl_psql $db -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'hitlai'" 2>&1)
tap_ok "$([ "$got" -ge 12 ] 2>/dev/null; echo $?)" "S1: the release build's schema has its tables ($got)"
hl_drop_db $db
restore
trap - EXIT
tap_done
