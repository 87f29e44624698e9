# Fingerprints of a hitlai database for comparisons (sourced after tap.sh).
#
#   hl_table_fingerprints DB   one line per table and view of schema hitlai:
#                              name|rows|md5 of all rows as text, sorted
#   hl_shape_fingerprints DB   the same without the columns that differ between two
#                              databases given the same writes: every column named id,
#                              every timestamp, webhooks.secret,
#                              webhook_deliveries.payload (it holds ids and event times)
#   hl_policy_list DB          pg_policies of schema hitlai, one line each
#   hl_security_list DB        RLS flags and ACLs of hitlai's relations, columns,
#                              functions and schema, plus pg_extension.extconfig
#   hl_fk_pairs DB             child|parent of every foreign key between hitlai tables
#   hl_check_stats DB          rows of hitlai.check_stats(), or "absent" when it does not exist

hl_relations() {  # hl_relations DB: tables and views of schema hitlai
  hl_psql "$1" -c "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname = 'hitlai' AND c.relkind IN ('r', 'p', 'v', 'm')
                    ORDER BY c.relname"
}

hl_table_fingerprints() {
  local db=$1 q="" r
  for r in $(hl_relations "$db"); do
    [ -n "$q" ] && q+=" UNION ALL "
    q+="SELECT '$r', count(*), coalesce(md5(string_agg(t::text, ',' ORDER BY t::text)), '-')
          FROM hitlai.\"$r\" t"
  done
  hl_psql "$db" -c "$q ORDER BY 1"
}

# (execution_time_ms is derived from timestamps too: completed_at - created_at)
hl_shape_fingerprints() {
  local db=$1 q="" r
  for r in $(hl_relations "$db"); do
    [ -n "$q" ] && q+=" UNION ALL "
    q+="SELECT '$r', count(*), coalesce(md5(string_agg(x, ',' ORDER BY x)), '-')
          FROM (SELECT (to_jsonb(t) - ARRAY(
                          SELECT a.attname::text FROM pg_attribute a
                           WHERE a.attrelid = 'hitlai.\"$r\"'::regclass AND a.attnum > 0
                             AND (a.attname IN ('id', 'secret', 'execution_time_ms', 'payload')
                                  OR a.atttypid IN ('timestamptz'::regtype, 'timestamp'::regtype))))::text AS x
                  FROM hitlai.\"$r\" t) s"
  done
  hl_psql "$db" -c "$q ORDER BY 1"
}

hl_policy_list() {
  hl_psql "$1" -c "SELECT concat_ws('|', tablename, policyname, permissive, roles::text, cmd,
                                    coalesce(qual, '-'), coalesce(with_check, '-'))
                     FROM pg_policies WHERE schemaname = 'hitlai' ORDER BY 1"
}

hl_security_list() {
  hl_psql "$1" <<'SQL'
SELECT concat_ws('|', 'rel', c.relname, c.relkind, c.relrowsecurity, c.relforcerowsecurity,
                 coalesce(c.relacl::text, '-'), coalesce(c.reloptions::text, '-'))
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = 'hitlai' AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
UNION ALL
SELECT concat_ws('|', 'col', c.relname, a.attname, a.attacl::text)
  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = 'hitlai' AND a.attacl IS NOT NULL
UNION ALL
SELECT concat_ws('|', 'fn', p.oid::regprocedure::text, coalesce(p.proacl::text, '-'))
  FROM pg_proc p WHERE p.pronamespace = 'hitlai'::regnamespace
UNION ALL
SELECT concat_ws('|', 'schema', n.nspname, coalesce(n.nspacl::text, '-'))
  FROM pg_namespace n WHERE n.nspname = 'hitlai'
UNION ALL
SELECT concat_ws('|', 'extconfig', x.cfg::regclass::text, coalesce(x.cond, '-'))
  FROM pg_extension e, unnest(e.extconfig, e.extcondition) x(cfg, cond)
 WHERE e.extname = 'hitlai'
ORDER BY 1;
SQL
}

hl_fk_pairs() {
  hl_psql "$1" -c "SELECT DISTINCT c.relname || '|' || p.relname
                     FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
                     JOIN pg_class p ON p.oid = k.confrelid
                    WHERE k.contype = 'f' AND k.connamespace = 'hitlai'::regnamespace
                      AND p.relnamespace = 'hitlai'::regnamespace AND c.oid <> p.oid
                    ORDER BY 1"
}

hl_check_stats() {
  if [ "$(hl_psql "$1" -c "SELECT to_regproc('hitlai.check_stats') IS NOT NULL")" = t ]; then
    hl_psql "$1" -c "SELECT t::text FROM hitlai.check_stats() t"
  else
    echo absent
  fi
}
