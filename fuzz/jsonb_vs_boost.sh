#!/usr/bin/env bash
# Differential check of the two readers of the same rules (see fuzz/README.md):
#   fuzz/jsonb_vs_boost.sh DB [CORPUS_DIR…]
# DB must have the hitlai extension; runs as a superuser (binds the benchmark-only C
# entry point hitlai_json_bench in pg_temp). Prints disagreements; exit 1 if any.
set -euo pipefail
db=${1:?usage: $0 DB [CORPUS_DIR...]}
shift
dirs=("$@")
[ ${#dirs[@]} -gt 0 ] || dirs=(build/fuzz/corpus fuzz/corpus)
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
# one line per input: <selector byte as decimal> TAB <base64 of the document>
for d in "${dirs[@]}"; do
  [ -d "$d" ] || continue
  for f in "$d"/*; do
    [ -f "$f" ] || continue
    sel=$(head -c1 "$f" | od -An -tu1 | tr -d ' ')
    [ -n "$sel" ] || continue
    printf '%s\t%s\n' "$sel" "$(tail -c +2 "$f" | base64 -w0)" >>"$tmp"
  done
done
psql -X -q -v ON_ERROR_STOP=1 -d "$db" <<SQL
CREATE TEMP TABLE inputs (sel int, b64 text);
\copy inputs FROM '$tmp'
CREATE FUNCTION pg_temp.jb(jsonb, int4, text) RETURNS bool
  LANGUAGE c STRICT AS 'hitlai', 'hitlai_json_bench';
CREATE FUNCTION pg_temp.try_jsonb(t text) RETURNS jsonb LANGUAGE plpgsql AS \$\$
BEGIN RETURN t::jsonb; EXCEPTION WHEN OTHERS THEN RETURN NULL; END \$\$;
CREATE TEMP TABLE docs AS
  SELECT sel % 6 AS doc, pg_temp.try_jsonb(convert_from(decode(b64, 'base64'), 'UTF8')) AS j
  FROM inputs WHERE sel % 6 < 5 AND pg_temp.try_jsonb(convert_from(decode(b64, 'base64'), 'UTF8')) IS NOT NULL;
SELECT count(*) AS json_inputs,
       count(*) FILTER (WHERE pg_temp.jb(j, doc, 'jsonb')) AS valid
FROM docs;
CREATE TEMP TABLE diff AS
  SELECT doc, j, pg_temp.jb(j, doc, 'jsonb') AS via_jsonb, pg_temp.jb(j, doc, 'boost') AS via_boost
  FROM docs WHERE pg_temp.jb(j, doc, 'jsonb') IS DISTINCT FROM pg_temp.jb(j, doc, 'boost');
SELECT doc, via_jsonb, via_boost, left(j::text, 200) AS document FROM diff;
SELECT CASE WHEN count(*) = 0 THEN 'no disagreement' ELSE count(*) || ' disagreements' END FROM diff \gset
\echo :case
SQL
