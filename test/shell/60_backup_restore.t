#!/usr/bin/env bash
# S8: backup and restore by the README's procedure, standard tools only:
#   pg_dump -Fc -f hitlai.dump src
#   createdb new && PGOPTIONS='-c hitlai.restore_mode=on' pg_restore -d new hitlai.dump
# as a privileged role. A database filled with a realistic mix (lib/realistic_mix.sql,
# application writes only) is dumped and restored that way (serially, with -j 2, and as a
# plain-format script through psql); then every table and view is compared row by row,
# hitlai.check_stats() must be empty (when it exists), the policies, RLS flags and ACLs
# must equal the source's with each policy once, pg_restore must report nothing, and the
# restored database must answer the same writes exactly as the source does.
# The naive `pg_restore -d new dump` (no PGOPTIONS) must be just as correct: a privileged
# pg_restore session is recognised as a restore (README "Backup and restore").
source "$(dirname "$0")/lib/tap.sh"
source "$(dirname "$0")/lib/fingerprint.sh"
LIB=$(cd "$(dirname "$0")/lib" && pwd)
source "$LIB/pg_dump.sh"
skip=$(hl_pg_dump_skip_reason)
if [ -n "$skip" ]; then echo "1..0 # SKIP $skip"; exit 0; fi

SRC=hl_br_src DOC=hl_br_restored PAR=hl_br_parallel PLAIN=hl_br_plain NAIVE=hl_br_naive
OUT=${HL_WORK:-/tmp}/60_backup_restore
rm -rf "$OUT"; mkdir -p "$OUT"; chmod 777 "$OUT"
cleanup() { local d; for d in $SRC $DOC $PAR $PLAIN $NAIVE; do hl_drop_db $d; done; }
trap cleanup EXIT

hl_scratch_db $SRC
hl_psql $SRC -c "CREATE EXTENSION hitlai" >/dev/null
hl_psql $SRC -f "$LIB/realistic_mix.sql" >"$OUT/mix.log" 2>&1 \
  || { echo "1..0 # SKIP building the realistic mix failed"; cat "$OUT/mix.log" | sed 's/^/# /'; exit 1; }
# an application table outside hitlai that references it (restored after hitlai's data)
hl_psql $SRC >/dev/null <<'SQL'
CREATE TABLE public.invoices (id serial PRIMARY KEY,
                              company_id uuid NOT NULL REFERENCES hitlai.companies ON DELETE CASCADE,
                              amount numeric(10,2) NOT NULL);
INSERT INTO public.invoices (company_id, amount)
  SELECT id, 99.00 FROM hitlai.companies CROSS JOIN generate_series(1, 3);
SQL
mapfile -t relations < <(hl_relations $SRC)
invoices() { hl_psql "$1" -c "SELECT count(*) || '|' || md5(string_agg(t::text, ',' ORDER BY id)) FROM public.invoices t"; }

tap_plan $(( ${#relations[@]} + 22 ))

# ---- dump ---------------------------------------------------------------------------
pg_dump -Fc -f "$OUT/hitlai.dump" $SRC 2>"$OUT/dump.log"
tap_ok $? "S8: pg_dump -Fc of a database using hitlai succeeds"
pg_restore -l "$OUT/hitlai.dump" >"$OUT/toc.txt"
mapfile -t tables < <(hl_psql $SRC -c "SELECT tablename FROM pg_tables WHERE schemaname = 'hitlai' ORDER BY 1")
missing=()
for t in "${tables[@]}"; do grep -q " TABLE DATA hitlai $t " "$OUT/toc.txt" || missing+=("$t"); done
tap_is "${missing[*]:-none}" none \
  "S8: the dump holds the rows of every one of the ${#tables[@]} hitlai tables (pg_extension_config_dump with '' filter)"
# serial pg_restore follows the TOC order: every parent's data must come before its children's
bad=()
while IFS='|' read -r child parent; do
  [ -z "$child" ] && continue
  pc=$(grep -n " TABLE DATA hitlai $parent " "$OUT/toc.txt" | cut -d: -f1)
  cc=$(grep -n " TABLE DATA hitlai $child " "$OUT/toc.txt" | cut -d: -f1)
  [ -n "$pc" ] && [ -n "$cc" ] && [ "$pc" -lt "$cc" ] || bad+=("$child->$parent")
done < <(hl_fk_pairs $SRC)
tap_is "${bad[*]:-none}" none "S8: the dump orders table data by foreign key (parents before children)"

# ---- the documented procedure -------------------------------------------------------
hl_scratch_db $DOC
PGOPTIONS='-c hitlai.restore_mode=on' pg_restore -d $DOC "$OUT/hitlai.dump" >"$OUT/restore.log" 2>&1
rc=$?
tap_ok $(( rc != 0 || $(wc -c <"$OUT/restore.log") != 0 )) \
  "S8: PGOPTIONS='-c hitlai.restore_mode=on' pg_restore: exit 0 and nothing reported (no error, no warning)"
[ -s "$OUT/restore.log" ] && tap_diag "$(head -20 "$OUT/restore.log")"

src_fp=$(hl_table_fingerprints $SRC)
doc_fp=$(hl_table_fingerprints $DOC)
for r in "${relations[@]}"; do
  tap_is "$(grep "^$r|" <<<"$doc_fp")" "$(grep "^$r|" <<<"$src_fp")" \
    "S8: hitlai.$r is identical row by row after the restore (rows|md5)"
done
cs=$(hl_check_stats $DOC)
if [ "$cs" = absent ]; then
  tap_ok 0 "S8: hitlai.check_stats() is empty after the restore # SKIP check_stats() does not exist in this version"
else
  tap_is "$cs" "" "S8: hitlai.check_stats() is empty after the restore (no counter counted twice)"
fi
tap_is "$(invoices $DOC)" "$(invoices $SRC)" \
  "S8: an application table referencing hitlai.companies is restored too (its FK after hitlai's data)"
src_pol=$(hl_policy_list $SRC)
tap_is "$(hl_policy_list $DOC)" "$src_pol" \
  "S8: the restored policies are exactly the source's ($(grep -c . <<<"$src_pol") policies)"
dups=$(hl_psql $DOC -c "SELECT tablename || ' ' || cmd FROM pg_policies WHERE schemaname = 'hitlai'
                          GROUP BY tablename, cmd, permissive, roles, qual, with_check HAVING count(*) > 1")
tap_is "$dups" "" "S8: every policy exists once (no table has two policies with the same definition)"
tap_is "$(hl_security_list $DOC)" "$(hl_security_list $SRC)" \
  "S8: RLS flags, ACLs of relations/columns/functions/schema and extconfig equal the source's"
tap_is "$(hl_psql $DOC -c "SELECT count(*) FILTER (WHERE NOT relrowsecurity) FROM pg_class
                             WHERE relnamespace = 'hitlai'::regnamespace AND relkind = 'r'")" 0 \
  "S8: row-level security is enabled on every restored table (A6: fails closed)"

# the restored database is live: the same writes give the same results as in the source
hl_psql $SRC -v ON_ERROR_STOP=0 -f "$LIB/after_restore.sql" >"$OUT/after_src.log" 2>&1
hl_psql $DOC -v ON_ERROR_STOP=0 -f "$LIB/after_restore.sql" >"$OUT/after_doc.log" 2>&1
tap_is "$(sed 's/^psql:[^:]*:[0-9]*: //' "$OUT/after_doc.log")" "$(sed 's/^psql:[^:]*:[0-9]*: //' "$OUT/after_src.log")" \
  "S8: writes after the restore succeed or fail exactly as in the source (triggers, quota, checks live again)"
tap_is "$(hl_shape_fingerprints $DOC)" "$(hl_shape_fingerprints $SRC)" \
  "S8: after those writes both databases hold the same data (ids and timestamps aside)"
cs=$(hl_check_stats $DOC)
[ "$cs" = absent ] && cs=""
tap_is "$cs" "" "S8: hitlai.check_stats() is still empty after writes on the restored database"

# ---- large databases: parallel restore, hitlai's data serially --------------------------
# pg_restore -j restores the data of extension tables in parallel, ignoring the foreign
# keys between them (COPY of test_runs can run before companies is committed: FK
# violations, found by this suite). The README's variant for -j: schema first, then
# hitlai's table data serially (FK order), then everything else in parallel.
hl_scratch_db $PAR
grep ' TABLE DATA hitlai ' "$OUT/toc.txt" >"$OUT/hitlai_data.list"
grep -v ' TABLE DATA hitlai ' "$OUT/toc.txt" >"$OUT/rest.list"
{
  PGOPTIONS='-c hitlai.restore_mode=on' pg_restore --section=pre-data -d $PAR "$OUT/hitlai.dump" &&
  PGOPTIONS='-c hitlai.restore_mode=on' pg_restore -L "$OUT/hitlai_data.list" -d $PAR "$OUT/hitlai.dump" &&
  PGOPTIONS='-c hitlai.restore_mode=on' pg_restore -j 2 --section=data --section=post-data \
    -L "$OUT/rest.list" -d $PAR "$OUT/hitlai.dump"
} >"$OUT/restore_j2.log" 2>&1
rc=$?
tap_ok $(( rc != 0 || $(wc -c <"$OUT/restore_j2.log") != 0 )) \
  "S8: three-step restore (pre-data; hitlai data serially; rest with -j 2): nothing reported"
[ -s "$OUT/restore_j2.log" ] && tap_diag "$(head -10 "$OUT/restore_j2.log")"
tap_is "$(hl_table_fingerprints $PAR)" "$src_fp" "S8: three-step restore: every table and view identical"
tap_is "$(hl_policy_list $PAR)" "$src_pol" "S8: three-step restore: policies equal the source's"

# ---- plain format through psql ----------------------------------------------------------
pg_dump -f "$OUT/hitlai.sql" $SRC 2>>"$OUT/dump.log"
hl_scratch_db $PLAIN
PGOPTIONS='-c hitlai.restore_mode=on' psql -X -q -v ON_ERROR_STOP=1 -d $PLAIN -f "$OUT/hitlai.sql" >"$OUT/restore_plain.log" 2>&1
rc=$?
tap_ok $(( rc != 0 || $(grep -c -E 'ERROR|WARNING' "$OUT/restore_plain.log") != 0 )) \
  "S8: a plain-format dump restored with PGOPTIONS='-c hitlai.restore_mode=on' psql -f: no error"
# (the plain dump is taken after the writes of after_restore.sql: compare with the source now)
tap_is "$(hl_table_fingerprints $PLAIN)" "$(hl_table_fingerprints $SRC)" \
  "S8: plain format: every table and view identical"

# ---- the naive restore (no restore mode) ---------------------------------------------
hl_scratch_db $NAIVE
pg_restore -d $NAIVE "$OUT/hitlai.dump" >"$OUT/restore_naive.log" 2>&1
rc=$?
tap_is "$(hl_policy_list $NAIVE)" "$src_pol" \
  "S8: naive pg_restore -d new dump: policies equal the source's (pg_dump >= 15.6 dumps no extension policies; CREATE EXTENSION makes them)"
naive_fp=$(hl_table_fingerprints $NAIVE)
diff_tables=$(diff <(echo "$src_fp") <(echo "$naive_fp") | sed -n 's/^> \([^|]*\)|.*/\1/p' | tr '\n' ' ')
# (src_fp is the source before after_restore.sql, as dumped)
# A privileged session of pg_restore itself (application_name pg_restore, row_security
# off) is in restore mode without PGOPTIONS (src/pg/settings.cpp), so the naive restore
# is correct too.
tap_ok $(( rc != 0 || $(wc -c <"$OUT/restore_naive.log") != 0 )) \
  "S8: naive pg_restore -d new dump: nothing reported"
[ -s "$OUT/restore_naive.log" ] && tap_diag "$(grep -m5 -E 'error|ERROR|DETAIL' "$OUT/restore_naive.log")"
tap_ok $([ -z "$diff_tables" ]; echo $?) \
  "S8: naive pg_restore: every table and view identical (no counter counted twice)"
[ -n "$diff_tables" ] && tap_diag "tables that differ after the naive restore: $diff_tables"
cs=$(hl_check_stats $NAIVE)
tap_ok $([ "$cs" = "" ] || [ "$cs" = absent ]; echo $?) "S8: naive pg_restore: hitlai.check_stats() is empty"

[ "$TAP_FAILED" -eq 0 ]
