#!/usr/bin/env bash
# S4/S5/S7 build and packaging: the CMake and PGXS builds install the same
# files; the CMake-built hitlai.so loads and reports the control file's version;
# META.json and hitlai.control say what SPEC asks.
# Needs (from scripts/test.sh): HL_ROOT, HL_WORK, HL_PREFIX, HL_PG_CONFIG, PGHOST/PGPORT/PGUSER.
set -uo pipefail
source "$(dirname "$0")/lib/tap.sh"

tap_plan 22
BIN=$(dirname "$HL_PG_CONFIG")
PSQL=("$BIN/psql" -X -q -A -t -v ON_ERROR_STOP=1)
control=$HL_ROOT/hitlai.control
default_version=$(sed -n "s/^default_version *= *'\([^']*\)'.*/\1/p" "$control")
pkglibdir=$("$HL_PG_CONFIG" --pkglibdir)

# --- (1) CMake and PGXS install the same files (S4) -------------------------------------
cm=$HL_WORK/cmake-check stage_cm=$HL_WORK/stage-cmake stage_mk=$HL_WORK/stage-make
rm -rf "$stage_cm" "$stage_mk"
{
  cmake -S "$HL_ROOT" -B "$cm" -DPG_CONFIG="$HL_PG_CONFIG" -DHITLAI_TESTS=OFF -DHITLAI_WERROR=ON &&
  cmake --build "$cm" -j"$(nproc)" &&
  DESTDIR=$stage_cm cmake --install "$cm"
} >"$HL_WORK/cmake-check.log" 2>&1
rc=$?; [ $rc -eq 0 ] || tail -30 "$HL_WORK/cmake-check.log" | tap_diag_in
tap_ok $rc "S4: CMake configures (-DPG_CONFIG), builds and installs into a staging dir"

make -C "$HL_ROOT" -s install DESTDIR="$stage_mk" PG_CONFIG="$HL_PG_CONFIG" >"$HL_WORK/make-check.log" 2>&1
rc=$?; [ $rc -eq 0 ] || tail -30 "$HL_WORK/make-check.log" | tap_diag_in
tap_ok $rc "S4: PGXS make install DESTDIR=... installs into a staging dir"

list() { (cd "$1" 2>/dev/null && find . \( -type f -o -type l \) | LC_ALL=C sort); }
list "$stage_cm" >"$HL_WORK/files-cmake.txt"; list "$stage_mk" >"$HL_WORK/files-make.txt"
diff -u "$HL_WORK/files-make.txt" "$HL_WORK/files-cmake.txt" >"$HL_WORK/files.diff"
rc=$?; [ $rc -eq 0 ] || tap_diag_in <"$HL_WORK/files.diff"
[ -s "$HL_WORK/files-make.txt" ] || rc=1
tap_ok $rc "S4: both builds install the same list of files ($(wc -l <"$HL_WORK/files-make.txt") files)"

rel_ext=$(cd "$stage_mk" && find . -path '*/extension/hitlai.control' | head -1)
rel_ext=${rel_ext%/hitlai.control}
rel_lib=.${pkglibdir}
rc=0
[ -n "$rel_ext" ] || rc=1
for f in "$stage_mk/$rel_ext"/hitlai*.sql "$stage_mk/$rel_ext"/hitlai*.control; do
  [ -f "$f" ] || { rc=1; continue; }
  cmp -s "$f" "$stage_cm/$rel_ext/$(basename "$f")" || { echo "differs: $(basename "$f")" | tap_diag_in; rc=1; }
done
tap_ok $rc "S4: the installed SQL scripts and hitlai.control are byte-identical"

names=$(bash "$HL_ROOT/scripts/assemble_sql.sh" --list | LC_ALL=C sort | tr '\n' ' ')
have=$(cd "$stage_mk/$rel_ext" 2>/dev/null && ls hitlai--*.sql hitlai--*.control 2>/dev/null | LC_ALL=C sort | tr '\n' ' ')
[ "$names" = "$have" ]
rc=$?; [ $rc -eq 0 ] || echo "want: $names / have: $have" | tap_diag_in
tap_ok $rc "S5: the installed scripts are exactly hitlai--<version>.sql, the upgrade scripts and the older versions' control files ($names)"

[ -f "$stage_cm/$rel_lib/hitlai.so" ] && [ -f "$stage_mk/$rel_lib/hitlai.so" ]
tap_ok $? "S4: both builds install hitlai.so into pkglibdir ($pkglibdir)"

syms() { nm -D --defined-only "$1" 2>/dev/null | awk '$3 ~ /^(pg_finfo_|hitlai_|Pg_magic_func$|_PG_init$)/ {print $3}' | LC_ALL=C sort; }
syms "$stage_mk/$rel_lib/hitlai.so" >"$HL_WORK/syms-make.txt"; syms "$stage_cm/$rel_lib/hitlai.so" >"$HL_WORK/syms-cmake.txt"
diff -u "$HL_WORK/syms-make.txt" "$HL_WORK/syms-cmake.txt" | tap_diag_in
[ "${PIPESTATUS[0]}" -eq 0 ] && grep -q '^Pg_magic_func$' "$HL_WORK/syms-make.txt" && grep -q '^pg_finfo_hitlai_version$' "$HL_WORK/syms-make.txt"
tap_ok $? "S4: both hitlai.so export the same PostgreSQL entry points ($(wc -l <"$HL_WORK/syms-make.txt") symbols: Pg_magic_func, pg_finfo_*, hitlai_*)"

# Only the entry points are exported (-fvisibility=hidden, HITLAI_EXPORT and the version
# script src/pg/hitlai.map): every defined dynamic symbol is one PostgreSQL looks up,
# and heap_datum_check, the weak fallback of src/pg/compat.cpp (P1, docs/platforms.md),
# which must stay preemptible so that a server that has the function replaces it.
rc=0
for b in make cmake; do
  so=$stage_mk/$rel_lib/hitlai.so; [ $b = cmake ] && so=$stage_cm/$rel_lib/hitlai.so
  extra=$(nm -D --defined-only "$so" 2>&1 | awk '{print $NF}' |
          grep -vE '^(Pg_magic_func|_PG_init|pg_finfo_hitlai_[a-z0-9_]+|hitlai_[a-z0-9_]+|heap_datum_check)$')
  [ -z "$extra" ] || { rc=1; printf '%s exports: %s\n' "$b" "$(echo "$extra" | head -5 | tr '\n' ' ')" | tap_diag_in; }
  # Background-worker entry points (W3: hitlai_webhook_*_main, found by the postmaster by
  # name) are exported without a pg_finfo_ record: they are not SQL-callable.
  nf=$(grep -c '^pg_finfo_' "$HL_WORK/syms-$b.txt")
  nh=$(grep '^hitlai_' "$HL_WORK/syms-$b.txt" | grep -cvE '^hitlai_webhook_[a-z]+_main$')
  [ "$nf" -gt 0 ] && [ "$nf" -eq "$nh" ] || { rc=1; echo "$b: $nf pg_finfo_ for $nh functions" | tap_diag_in; }
done
tap_ok $rc "S4: both hitlai.so export nothing but Pg_magic_func, _PG_init and the SQL functions with their pg_finfo_ records (nm -D)"

# Hardened like Debian's own builds: full RELRO with immediate binding, stack protector,
# fortified libc calls.
rc=0
for so in "$stage_mk/$rel_lib/hitlai.so" "$stage_cm/$rel_lib/hitlai.so"; do
  readelf -d "$so" | grep -E 'BIND_NOW|Flags:.* NOW' >/dev/null || { rc=1; echo "no BIND_NOW: $so" | tap_diag_in; }
  readelf -lW "$so" | grep GNU_RELRO >/dev/null || { rc=1; echo "no GNU_RELRO: $so" | tap_diag_in; }
  nm -D --undefined-only "$so" | grep '__stack_chk_fail' >/dev/null || { rc=1; echo "no stack protector: $so" | tap_diag_in; }
  nm -D --undefined-only "$so" | grep -E '__[a-z]+_chk' >/dev/null || { rc=1; echo "no _FORTIFY_SOURCE calls: $so" | tap_diag_in; }
done
tap_ok $rc "S4: both hitlai.so are hardened (-z relro -z now, -fstack-protector-strong, -D_FORTIFY_SOURCE=2)"

m_mk=$(stat -c %a "$stage_mk/$rel_lib/hitlai.so" 2>/dev/null) m_cm=$(stat -c %a "$stage_cm/$rel_lib/hitlai.so" 2>/dev/null)
[ "$m_mk" = 755 ] && [ "$m_cm" = 755 ]
tap_ok $? "S4: both builds install hitlai.so with mode 755 (PGXS $m_mk, CMake $m_cm)"

# --- (2) the CMake-built hitlai.so loads and matches the SQL (S4) -----------------------
installed=$pkglibdir/hitlai.so backup=$HL_WORK/hitlai.so.pgxs-backup
cp -p "$installed" "$backup"
# Replace by rename (new inode): overwriting in place could corrupt the library mapped
# into running backends.
swap_in() { cp "$1" "$pkglibdir/.hitlai.so.tmp" && chmod 755 "$pkglibdir/.hitlai.so.tmp" &&
            mv -f "$pkglibdir/.hitlai.so.tmp" "$installed"; }
restore() { [ -f "$backup" ] && swap_in "$backup" && rm -f "$backup"; }
trap restore EXIT

check_load() {  # check_load DBNAME -> prints hitlai.version()|extversion
  "${PSQL[@]}" -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" >/dev/null &&
  "${PSQL[@]}" -d "$1" -c 'CREATE EXTENSION hitlai' \
    -c "SELECT hitlai.version() || '|' || extversion FROM pg_extension WHERE extname = 'hitlai'"
}
swap_in "$stage_cm/$rel_lib/hitlai.so"
cmp -s "$installed" "$stage_cm/$rel_lib/hitlai.so"
tap_ok $? "S4: the CMake-built hitlai.so is installed in the private prefix"
out=$(check_load hl_build_cmake 2>"$HL_WORK/load-cmake.err")
[ "$out" = "$default_version|$default_version" ]
rc=$?; [ $rc -eq 0 ] || { echo "got: $out"; cat "$HL_WORK/load-cmake.err"; } | tap_diag_in
tap_ok $rc "S4: with the CMake-built hitlai.so, CREATE EXTENSION hitlai works and hitlai.version() = default_version ($default_version)"
out=$("${PSQL[@]}" -d hl_build_cmake -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'hitlai'" 2>&1)
[ "$out" = 15 ]
tap_ok $? "S1: the CMake build's CREATE EXTENSION creates fifteen tables (D1-D12, D15-D17) in schema hitlai (got $out)"
"${PSQL[@]}" -d postgres -c 'DROP DATABASE hl_build_cmake' >/dev/null 2>&1

restore
cmp -s "$installed" "$stage_mk/$rel_lib/hitlai.so"
tap_ok $? "S4: the PGXS-built hitlai.so is back in place afterwards"
out=$(check_load hl_build_pgxs 2>"$HL_WORK/load-pgxs.err")
[ "$out" = "$default_version|$default_version" ]
rc=$?; [ $rc -eq 0 ] || { echo "got: $out"; cat "$HL_WORK/load-pgxs.err"; } | tap_diag_in
tap_ok $rc "S4: with the PGXS-built hitlai.so, hitlai.version() = default_version too"
"${PSQL[@]}" -d postgres -c 'DROP DATABASE hl_build_pgxs' >/dev/null 2>&1

# --- (3) META.json (S5) -------------------------------------------------------------------
meta=$HL_ROOT/META.json
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$meta" 2>&1 | tap_diag_in
tap_ok "${PIPESTATUS[0]}" "S5: META.json is valid JSON"
metaq() { python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."):
    d = d.get(k) if isinstance(d, dict) else None
print("" if d is None else d)' "$meta" "$1" 2>/dev/null; }
[ "$(metaq meta-spec.version)" = "1.0.0" ]
tap_ok $? "S5: META.json follows meta-spec 1.0.0"
[ "$(metaq version)" = "$default_version" ] && [ "$(metaq provides.hitlai.version)" = "$default_version" ]
tap_ok $? "S5: META.json version and provides.hitlai.version equal hitlai.control's default_version ($default_version)"
req=$(metaq prereqs.runtime.requires.PostgreSQL)
[[ "$req" =~ (^|[^0-9])15 ]] && [[ "$req" =~ (^|[^0-9])19 ]]
tap_ok $? "S5/P1: META.json requires PostgreSQL at runtime, from 15 up to (not including) 19 ($req)"
for k in name abstract maintainer license provides; do [ -n "$(metaq $k)" ] || { echo "missing $k" | tap_diag_in; false; }; done
tap_ok $? "S5: META.json has the meta-spec's required keys (name, abstract, maintainer, license, provides)"

# --- (4) hitlai.control (S1, S7) ----------------------------------------------------------
ctl() { sed -n "s/^$1 *= *'\{0,1\}\([^']*\)'\{0,1\} *$/\1/p" "$control"; }
[ "$(ctl schema)" = hitlai ] && [ "$(ctl relocatable)" = false ]
tap_ok $? "S1: hitlai.control says schema = hitlai, relocatable = false"
[ "$(ctl trusted)" = true ]
tap_ok $? "S7: hitlai.control says trusted = true"

tap_done
