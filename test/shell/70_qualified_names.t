#!/usr/bin/env bash
# S7: the lint that keeps privileged SQL schema-qualified, run with PostgreSQL's own
# parser (libpg_query as WebAssembly, npm package libpg-query; test/lint/qualified_names.mjs
# says what it flags). Checked:
#   * sql/install/guard.sql and every part of versions not yet released (including a
#     base/ rewrite): install and upgrade SQL, SQL and PL/pgSQL function bodies, DO blocks;
#   * the SQL string literals of src/pg/*.cpp after the C preprocessor (what C++ sends
#     through SPI).
# Released versions' parts are frozen (02_release_frozen.t) and run only after the guard
# has made the schema superuser-owned and free of planted objects.
set -uo pipefail
source "$(dirname "$0")/lib/tap.sh"
ROOT=${HL_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
PGC=${HL_PG_CONFIG:-pg_config}
CACHE=${HITLAI_CACHE:-/var/cache/hitlai}/npm-libpg-query-18.1.5
WORK=${HL_WORK:-/tmp}/70_qualified_names
rm -rf "$WORK"; mkdir -p "$WORK"

fail() { tap_skip_all "$*"; exit 1; }
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  { [ "$(id -u)" -eq 0 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm; } \
    >"$WORK/apt.log" 2>&1 || fail "node/npm missing and not installable (see $WORK/apt.log)"
fi
if [ ! -f "$CACHE/node_modules/libpg-query/package.json" ]; then
  mkdir -p "$CACHE"
  (cd "$CACHE" && npm install --no-audit --no-fund --silent libpg-query@18.1.5) >"$WORK/npm.log" 2>&1 \
    || fail "npm install libpg-query failed (see $WORK/npm.log)"
fi
# ESM resolves packages from the script's own directory: run a copy inside the cache.
cp "$ROOT/test/lint/qualified_names.mjs" "$CACHE/"

sql=("$ROOT/sql/install/guard.sql")
released=$(grep -Eo '^[0-9]+\.[0-9]+\.[0-9]+' "$ROOT/sql/install/RELEASED")
for d in "$ROOT"/sql/install/*/; do
  v=$(basename "$d")
  grep -qx "$v" <<<"$released" && continue
  for f in "$d"base/*.sql "$d"*.sql; do [ -f "$f" ] && sql+=("$f"); done
done
cpp=()
for f in "$ROOT"/src/pg/*.cpp; do
  out=$WORK/$(basename "$f").i
  g++ -std=c++17 -E -I"$ROOT/src" -I"$("$PGC" --includedir-server)" -DHITLAI_VERSION='"lint"' \
    "$f" -o "$out" 2>>"$WORK/cpp.log" || fail "preprocessing $f failed (see $WORK/cpp.log)"
  cpp+=("$out")
done
cd "$ROOT" && node "$CACHE/qualified_names.mjs" --sql "${sql[@]#"$ROOT/"}" --cpp "${cpp[@]}" \
  --transitions sql/install/*/*.sql
