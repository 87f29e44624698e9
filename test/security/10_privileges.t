#!/usr/bin/env bash
# G1/S7 exactly: after a trusted install by a non-superuser database owner into a
# Supabase-style database, which privileges each role holds on hitlai's tables, schema
# and functions (printed), compared with G1:
#   * the installing owner and service_role: SELECT, INSERT, UPDATE, DELETE on every
#     table and EXECUTE on every function, nothing more;
#   * nobody but superusers: TRIGGER, TRUNCATE, REFERENCES, MAINTAIN (PG17+) on any
#     relation, CREATE on the schema, a grant option, ownership of a hitlai object;
#   * the schema owned by a superuser; PUBLIC executes no hitlai function;
#   * anon: SELECT on milestones and INSERT on the two application tables only, and no
#     SECURITY DEFINER function (A5); authenticated: none of G1's admin functions.
source "$(dirname "$0")/lib/sec.sh"
tap_plan 9
sec_init privileges || exit 1
sec_supabase_auth
err=$(sec_install); tap_ok $? "S7: the database owner installs hitlai (trusted)"
[ -n "$err" ] && tap_diag "$err"
tap_diag "privileges held after the trusted install (lower case: on some columns only):"
tap_diag "$(sec_privilege_report | sed 's/; /\n    /g')"

sec_none "$(sec_excess)" \
  "S7/G1: no attacker or PUBLIC holds TRIGGER, TRUNCATE, REFERENCES, MAINTAIN, schema CREATE, a grant option or ownership"

got=$(sec_su <<SQL
SELECT coalesce(string_agg(r || ' on ' || relname || ': ' || coalesce(have, '-'), '; ' ORDER BY r, relname), '')
  FROM (SELECT a.r, c.relname,
               (SELECT string_agg(p, ',' ORDER BY p)
                  FROM unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']
                              || CASE WHEN current_setting('server_version_num')::int >= 170000
                                      THEN ARRAY['MAINTAIN'] ELSE '{}' END) p
                 WHERE has_table_privilege(a.r, c.oid, p)) AS have
          FROM unnest(ARRAY['$SEC_OWNER', 'service_role']) a(r), pg_class c
         WHERE c.relnamespace = 'hitlai'::regnamespace AND c.relkind IN ('r', 'p')) s
 WHERE have IS DISTINCT FROM 'DELETE,INSERT,SELECT,UPDATE'
SQL
)
tap_is "$got" "" "G1: the installing owner and service_role hold exactly SELECT, INSERT, UPDATE, DELETE on every table"

got=$(sec_su -c "SELECT coalesce(string_agg(a.r || ' lacks ' || p.oid::regprocedure, '; '), '')
                   FROM unnest(ARRAY['$SEC_OWNER', 'service_role']) a(r), pg_proc p
                  WHERE p.pronamespace = 'hitlai'::regnamespace AND NOT has_function_privilege(a.r, p.oid, 'EXECUTE')")
tap_is "$got" "" "G1: the installing owner and service_role execute every hitlai function"

got=$(sec_su -c "SELECT coalesce(string_agg(p.oid::regprocedure::text, ', '), '') FROM pg_proc p
                  WHERE p.pronamespace = 'hitlai'::regnamespace
                    AND (p.proacl IS NULL OR EXISTS (SELECT FROM aclexplode(p.proacl) e
                                                      WHERE e.grantee = 0 AND e.privilege_type = 'EXECUTE'))")
tap_is "$got" "" "G1: EXECUTE on every hitlai function is revoked from PUBLIC"

got=$(sec_su <<'SQL'
SELECT coalesce(string_agg(x, '; ' ORDER BY x), '') FROM (
  SELECT c.relname || ' ' || p AS x
    FROM pg_class c, unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']) p
   WHERE c.relnamespace = 'hitlai'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
     AND (has_table_privilege('anon', c.oid, p)
          OR (p IN ('SELECT', 'INSERT', 'UPDATE', 'REFERENCES') AND has_any_column_privilege('anon', c.oid, p)))
  UNION ALL
  SELECT 'EXECUTE ' || p.oid::regprocedure || ' (SECURITY DEFINER)' FROM pg_proc p
   WHERE p.pronamespace = 'hitlai'::regnamespace AND p.prosecdef AND has_function_privilege('anon', p.oid, 'EXECUTE')
) s
SQL
)
tap_is "$got" "early_adopter_apps INSERT; founding_tester_apps INSERT; milestones SELECT" \
  "G1/A5: anon may read milestones and insert the two application tables, nothing else, and executes no SECURITY DEFINER function"

got=$(sec_su -c "SELECT coalesce(string_agg(p.proname, ', ' ORDER BY p.proname), '') FROM pg_proc p
                  WHERE p.pronamespace = 'hitlai'::regnamespace
                    AND p.proname = ANY ('{reset_monthly_usage,rebuild_stats,check_stats,grant_app_role,grant_anon_role,deliver_webhooks,training_examples,create_fine_tuning_job,job_training_examples,review_early_adopter_app,review_founding_tester_app,training_jsonl,job_training_jsonl,attach_auth_users,security_check}')
                    AND (has_function_privilege('authenticated', p.oid, 'EXECUTE')
                         OR has_function_privilege('anon', p.oid, 'EXECUTE'))")
tap_is "$got" "" "G1: no application role executes an admin function"
tap_diag "SECURITY DEFINER functions authenticated may execute (A5: each must check its caller): $(sec_su -c \
  "SELECT coalesce(string_agg(p.proname, ', ' ORDER BY p.proname), 'none') FROM pg_proc p
    WHERE p.pronamespace = 'hitlai'::regnamespace AND p.prosecdef AND has_function_privilege('authenticated', p.oid, 'EXECUTE')")"

got=$(sec_su -c "SELECT r.rolsuper FROM pg_namespace n JOIN pg_roles r ON r.oid = n.nspowner WHERE n.nspname = 'hitlai'")
tap_is "$got" t "S7: schema hitlai belongs to a superuser (owner: $(sec_su -c "SELECT nspowner::regrole FROM pg_namespace WHERE nspname = 'hitlai'"))"

got=$(sec_su -c "SELECT coalesce(string_agg(r, ', '), '') FROM unnest(ARRAY['$SEC_OWNER', 'service_role', 'authenticated', 'anon']) r
                  WHERE NOT has_schema_privilege(r, 'hitlai', 'USAGE')")
tap_is "$got" "" "G1: the owner, service_role, authenticated and anon have USAGE on schema hitlai"
