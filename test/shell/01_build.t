#!/usr/bin/env bash
# S4/S5/S7 build and packaging (issue 2): the CMake and PGXS builds install the same
# files; the CMake-built hitlai.so loads and reports the control file's version;
# META.json and hitlai.control say what SPEC asks.
# Needs (from scripts/test.sh): HL_ROOT, HL_WORK, HL_PREFIX, HL_PG_CONFIG, PGHOST/PGPORT/PGUSER.
set -uo pipefail

n=0 failed=0
ok() {  # ok CONDITION-EXIT-CODE DESCRIPTION
  n=$((n + 1))
  if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi
}
diag() { sed 's/^/# /' >&2; }

echo "1..19"
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
rc=$?; [ $rc -eq 0 ] || tail -30 "$HL_WORK/cmake-check.log" | diag
ok $rc "S4: CMake configures (-DPG_CONFIG), builds and installs into a staging dir"

make -C "$HL_ROOT" -s install DESTDIR="$stage_mk" PG_CONFIG="$HL_PG_CONFIG" >"$HL_WORK/make-check.log" 2>&1
rc=$?; [ $rc -eq 0 ] || tail -30 "$HL_WORK/make-check.log" | diag
ok $rc "S4: PGXS make install DESTDIR=... installs into a staging dir"

list() { (cd "$1" 2>/dev/null && find . \( -type f -o -type l \) | LC_ALL=C sort); }
list "$stage_cm" >"$HL_WORK/files-cmake.txt"; list "$stage_mk" >"$HL_WORK/files-make.txt"
diff -u "$HL_WORK/files-make.txt" "$HL_WORK/files-cmake.txt" >"$HL_WORK/files.diff"
rc=$?; [ $rc -eq 0 ] || diag <"$HL_WORK/files.diff"
[ -s "$HL_WORK/files-make.txt" ] || rc=1
ok $rc "S4: both builds install the same list of files ($(wc -l <"$HL_WORK/files-make.txt") files)"

rel_ext=$(cd "$stage_mk" && find . -path '*/extension/hitlai.control' | head -1)
rel_ext=${rel_ext%/hitlai.control}
rel_lib=.${pkglibdir}
rc=0
[ -n "$rel_ext" ] || rc=1
for f in "$stage_mk/$rel_ext"/hitlai*.sql "$stage_mk/$rel_ext"/hitlai.control; do
  [ -f "$f" ] || { rc=1; continue; }
  cmp -s "$f" "$stage_cm/$rel_ext/$(basename "$f")" || { echo "differs: $(basename "$f")" | diag; rc=1; }
done
ok $rc "S4: the installed SQL scripts and hitlai.control are byte-identical"

names=$(bash "$HL_ROOT/scripts/assemble_sql.sh" --list | LC_ALL=C sort | tr '\n' ' ')
have=$(cd "$stage_mk/$rel_ext" 2>/dev/null && ls hitlai--*.sql | LC_ALL=C sort | tr '\n' ' ')
[ "$names" = "$have" ]
rc=$?; [ $rc -eq 0 ] || echo "want: $names / have: $have" | diag
ok $rc "S5: the installed scripts are exactly hitlai--<version>.sql and the upgrade scripts ($names)"

[ -f "$stage_cm/$rel_lib/hitlai.so" ] && [ -f "$stage_mk/$rel_lib/hitlai.so" ]
ok $? "S4: both builds install hitlai.so into pkglibdir ($pkglibdir)"

syms() { nm -D --defined-only "$1" 2>/dev/null | awk '$3 ~ /^(pg_finfo_|hitlai_|Pg_magic_func$|_PG_init$)/ {print $3}' | LC_ALL=C sort; }
syms "$stage_mk/$rel_lib/hitlai.so" >"$HL_WORK/syms-make.txt"; syms "$stage_cm/$rel_lib/hitlai.so" >"$HL_WORK/syms-cmake.txt"
diff -u "$HL_WORK/syms-make.txt" "$HL_WORK/syms-cmake.txt" | diag
[ "${PIPESTATUS[0]}" -eq 0 ] && grep -q '^Pg_magic_func$' "$HL_WORK/syms-make.txt" && grep -q '^pg_finfo_hitlai_version$' "$HL_WORK/syms-make.txt"
ok $? "S4: both hitlai.so export the same PostgreSQL entry points ($(wc -l <"$HL_WORK/syms-make.txt") symbols: Pg_magic_func, pg_finfo_*, hitlai_*)"

# --- (2) the CMake-built hitlai.so loads and matches the SQL (S4, issue 2) --------------
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
ok $? "S4: the CMake-built hitlai.so is installed in the private prefix"
out=$(check_load hl_build_cmake 2>"$HL_WORK/load-cmake.err")
[ "$out" = "$default_version|$default_version" ]
rc=$?; [ $rc -eq 0 ] || { echo "got: $out"; cat "$HL_WORK/load-cmake.err"; } | diag
ok $rc "S4: with the CMake-built hitlai.so, CREATE EXTENSION hitlai works and hitlai.version() = default_version ($default_version)"
out=$("${PSQL[@]}" -d hl_build_cmake -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'hitlai'" 2>&1)
[ "$out" = 13 ]
ok $? "S1: the CMake build's CREATE EXTENSION creates thirteen tables in schema hitlai (D1-D12, D15) (got $out)"
"${PSQL[@]}" -d postgres -c 'DROP DATABASE hl_build_cmake' >/dev/null 2>&1

restore
cmp -s "$installed" "$stage_mk/$rel_lib/hitlai.so"
ok $? "S4: the PGXS-built hitlai.so is back in place afterwards"
out=$(check_load hl_build_pgxs 2>"$HL_WORK/load-pgxs.err")
[ "$out" = "$default_version|$default_version" ]
rc=$?; [ $rc -eq 0 ] || { echo "got: $out"; cat "$HL_WORK/load-pgxs.err"; } | diag
ok $rc "S4: with the PGXS-built hitlai.so, hitlai.version() = default_version too"
"${PSQL[@]}" -d postgres -c 'DROP DATABASE hl_build_pgxs' >/dev/null 2>&1

# --- (3) META.json (S5) -------------------------------------------------------------------
meta=$HL_ROOT/META.json
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$meta" 2>&1 | diag
ok "${PIPESTATUS[0]}" "S5: META.json is valid JSON"
metaq() { python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."):
    d = d.get(k) if isinstance(d, dict) else None
print("" if d is None else d)' "$meta" "$1" 2>/dev/null; }
[ "$(metaq meta-spec.version)" = "1.0.0" ]
ok $? "S5: META.json follows meta-spec 1.0.0"
[ "$(metaq version)" = "$default_version" ] && [ "$(metaq provides.hitlai.version)" = "$default_version" ]
ok $? "S5: META.json version and provides.hitlai.version equal hitlai.control's default_version ($default_version)"
req=$(metaq prereqs.runtime.requires.PostgreSQL)
[[ "$req" =~ 15 ]]
ok $? "S5: META.json requires PostgreSQL at runtime, version 15 ($req)"
for k in name abstract maintainer license provides; do [ -n "$(metaq $k)" ] || { echo "missing $k" | diag; false; }; done
ok $? "S5: META.json has the meta-spec's required keys (name, abstract, maintainer, license, provides)"

# --- (4) hitlai.control (S1, S7) ----------------------------------------------------------
ctl() { sed -n "s/^$1 *= *'\{0,1\}\([^']*\)'\{0,1\} *$/\1/p" "$control"; }
[ "$(ctl schema)" = hitlai ] && [ "$(ctl relocatable)" = false ]
ok $? "S1: hitlai.control says schema = hitlai, relocatable = false"
[ "$(ctl trusted)" = true ]
ok $? "S7: hitlai.control says trusted = true"

[ "$n" -eq 19 ] || echo "# ran $n tests, planned 19"
exit $((failed > 0))
