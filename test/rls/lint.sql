-- Shared body of the catalog lint (A5, S7, G1, D14): what Supabase's database linter
-- would flag on hitlai's objects. Included by test/pgtap/59_lint.sql (vanilla, own
-- roles) and 59_lint_supabase.sql; the includer set :app_role and :anon_role.
-- (the includer declares the number of tests: 18)

SELECT is(ARRAY(SELECT c.relname::text FROM pg_class c
                 WHERE c.relnamespace = 'hitlai'::regnamespace AND c.relkind IN ('r', 'p')
                   AND NOT c.relrowsecurity ORDER BY 1), '{}'::text[],
  'A5/A6: row-level security is enabled on every table');
SELECT is(ARRAY(SELECT p.oid::regprocedure::text FROM pg_proc p
                 WHERE p.pronamespace = 'hitlai'::regnamespace
                   AND NOT EXISTS (SELECT 1 FROM unnest(p.proconfig) s WHERE s LIKE 'search_path=%')
                 ORDER BY 1), '{}'::text[],
  'A5/S7: every function has a fixed search_path');
-- SECURITY DEFINER functions an application role may call: each must answer only about
-- the caller or check it. Keep this list in step with 900_grants.sql.
SELECT is(ARRAY(SELECT p.oid::regprocedure::text FROM pg_proc p
                 WHERE p.pronamespace = 'hitlai'::regnamespace AND p.prosecdef
                   AND (has_function_privilege(:'app_role', p.oid, 'EXECUTE')
                        OR has_function_privilege(:'anon_role', p.oid, 'EXECUTE'))
                   AND p.proname NOT IN ('member_company_ids', 'my_tester_id', 'tester_run_ids',
                                         'create_company', 'accept_invitation',
                                         'claim_founding_tester_profile', 'assign_testers',
                                         'redeliver_webhook', 'rotate_webhook_secret')
                 ORDER BY 1), '{}'::text[],
  'A5: no SECURITY DEFINER function outside the allow-list is executable by application roles');
SELECT is(ARRAY(SELECT p.oid::regprocedure::text FROM pg_proc p
                 WHERE p.pronamespace = 'hitlai'::regnamespace AND p.prosecdef
                   AND has_function_privilege(:'anon_role', p.oid, 'EXECUTE') ORDER BY 1), '{}'::text[],
  'A5: no SECURITY DEFINER function is executable by the anonymous role');
SELECT is(ARRAY(SELECT p.oid::regprocedure::text FROM pg_proc p
                 WHERE p.pronamespace = 'hitlai'::regnamespace
                   AND (p.proacl IS NULL OR EXISTS (SELECT 1 FROM aclexplode(p.proacl) a
                                                     WHERE a.grantee = 0 AND a.privilege_type = 'EXECUTE'))
                 ORDER BY 1), '{}'::text[],
  'G1: no hitlai function is executable by PUBLIC');
SELECT is(ARRAY(SELECT p.oid::regprocedure::text FROM pg_proc p
                 WHERE p.pronamespace = 'hitlai'::regnamespace
                   AND p.proname IN ('reset_monthly_usage', 'rebuild_stats', 'check_stats', 'grant_app_role',
                                     'grant_anon_role', 'grant_role_privileges', 'restore_mode_active')
                   AND (has_function_privilege(:'app_role', p.oid, 'EXECUTE')
                        OR has_function_privilege(:'anon_role', p.oid, 'EXECUTE'))
                 ORDER BY 1), '{}'::text[],
  'G1: admin functions are not executable by application roles');
SELECT is(ARRAY(SELECT c.relname::text FROM pg_class c
                 WHERE c.relnamespace = 'hitlai'::regnamespace AND c.relkind IN ('r', 'p')
                   AND (has_table_privilege(:'app_role', c.oid, 'TRUNCATE')
                        OR has_table_privilege(:'anon_role', c.oid, 'TRUNCATE'))
                 ORDER BY 1), '{}'::text[],
  'G1: no TRUNCATE for application roles');
SELECT is(ARRAY(SELECT c.relname || ':' || pr FROM pg_class c,
                       unnest('{SELECT,INSERT,UPDATE,DELETE}'::text[]) pr
                 WHERE c.relnamespace = 'hitlai'::regnamespace AND c.relkind IN ('r', 'p', 'v')
                   AND CASE pr WHEN 'DELETE' THEN has_table_privilege(:'anon_role', c.oid, pr)
                            ELSE has_any_column_privilege(:'anon_role', c.oid, pr) END
                 ORDER BY 1),
  ARRAY['early_adopter_apps:INSERT', 'founding_tester_apps:INSERT', 'milestones:SELECT'],
  'G1: the anonymous role reads milestones and inserts applications, nothing else');
-- The functions the anonymous role may execute: exactly those the expressions of its
-- three tables call (CHECK constraints, column defaults, policies, index expressions,
-- trigger conditions), which PostgreSQL checks EXECUTE on for the role running the
-- statement; today one CHECK of founding_tester_apps.
SELECT is(ARRAY(SELECT p.oid::regprocedure::text FROM pg_proc p
                 WHERE p.pronamespace = 'hitlai'::regnamespace
                   AND has_function_privilege(:'anon_role', p.oid, 'EXECUTE') ORDER BY 1),
  ARRAY['hitlai.check_text_list(text[],text,text)'],
  'G1: the anonymous role executes only what its statements need');
SELECT is(ARRAY(SELECT format('%s(%s)', c.conrelid::regclass, c.conkey) FROM pg_constraint c
                 WHERE c.contype = 'f' AND c.connamespace = 'hitlai'::regnamespace
                   AND NOT EXISTS (SELECT 1 FROM pg_index i
                                    WHERE i.indrelid = c.conrelid
                                      AND (i.indkey::int2[])[0:cardinality(c.conkey) - 1] @> c.conkey
                                      AND (i.indkey::int2[])[0:cardinality(c.conkey) - 1] <@ c.conkey)
                 ORDER BY 1), '{}'::text[],
  'A5/D14: every foreign key has an index leading with its columns');
SELECT is(ARRAY(SELECT c.relname::text FROM pg_class c
                 WHERE c.relnamespace = 'hitlai'::regnamespace AND c.relkind = 'v'
                   AND NOT coalesce('security_invoker=true' = ANY (c.reloptions)
                                    OR 'security_invoker=on' = ANY (c.reloptions), false)
                 ORDER BY 1), '{}'::text[],
  'A4/A5: every view is security_invoker');
SELECT is(ARRAY(SELECT tablename || '.' || policyname FROM pg_policies
                 WHERE schemaname = 'hitlai' AND cmd IN ('INSERT', 'UPDATE', 'DELETE', 'ALL')
                   AND (btrim(coalesce(with_check, ''), '() ') = 'true'
                        OR (cmd IN ('UPDATE', 'DELETE', 'ALL') AND btrim(coalesce(qual, ''), '() ') = 'true'))
                 ORDER BY 1), '{}'::text[],
  'A5: no write policy whose check is plain true');
SELECT is(ARRAY(SELECT format('%s %s %s', tablename, r, c) FROM (
                  SELECT p.tablename, r, c FROM pg_policies p, unnest(p.roles) r,
                         unnest(CASE p.cmd WHEN 'ALL' THEN '{SELECT,INSERT,UPDATE,DELETE}'::text[]
                                           ELSE ARRAY[p.cmd] END) c
                   WHERE p.schemaname = 'hitlai' AND p.permissive = 'PERMISSIVE') s
                 GROUP BY 1 HAVING count(*) > 1 ORDER BY 1), '{}'::text[],
  'A5: no table has two permissive policies for the same role and command');
SELECT is(ARRAY(SELECT format('%s.%s %s %s %s %s', tablename, policyname, cmd, roles, qual, with_check)
                   FROM pg_policies
                 WHERE schemaname = 'hitlai' AND permissive <> 'PERMISSIVE' ORDER BY 1),
  ARRAY['fine_tuning_job_examples.fine_tuning_job_examples_privileged_only ALL {public} false false',
        'fine_tuning_jobs.fine_tuning_jobs_privileged_only ALL {public} false false',
        'training_data.training_data_privileged_only ALL {public} false false'],
  'A2/A5: the only restrictive policies are the privileged-only ones, admitting no row');
SELECT is((SELECT count(*)::int FROM pg_policies WHERE schemaname = 'hitlai'), 30,
  'A2: the 25 policies of the matrix, plan_tiers_select (D17), webhook_deliveries_select (W6) and the 3 privileged-only ones are installed');
SELECT is(ARRAY(SELECT c.relname::text FROM pg_class c
                 WHERE c.relnamespace = 'hitlai'::regnamespace AND c.relkind IN ('r', 'p') AND c.relrowsecurity
                   AND NOT EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid)
                 ORDER BY 1), '{}'::text[],
  'A5: no table with RLS enabled and no policy (linter "RLS enabled, no policy")');
-- G1: table-level privileges of the application role (column-level UPDATE aside).
SELECT is(ARRAY(SELECT c.relname || ':' || pr FROM pg_class c,
                       unnest('{SELECT,INSERT,UPDATE,DELETE,TRUNCATE,REFERENCES,TRIGGER}'::text[]) pr
                 WHERE c.relnamespace = 'hitlai'::regnamespace AND c.relkind IN ('r', 'p')
                   AND has_table_privilege(:'app_role', c.oid, pr)
                 ORDER BY (c.relname || ':' || pr) COLLATE "C"),
  ARRAY['companies:DELETE', 'companies:SELECT',
        'company_members:DELETE', 'company_members:INSERT', 'company_members:SELECT',
        'early_adopter_apps:INSERT', 'founding_tester_apps:INSERT',
        'human_testers:DELETE', 'human_testers:INSERT', 'human_testers:SELECT',
        'issues:DELETE', 'issues:INSERT', 'issues:SELECT',
        'milestones:DELETE', 'milestones:SELECT', 'plan_tiers:SELECT',
        'test_runs:DELETE', 'test_runs:INSERT', 'test_runs:SELECT',
        'tester_assignments:DELETE', 'tester_assignments:INSERT', 'tester_assignments:SELECT',
        'webhook_deliveries:SELECT',
        'webhooks:DELETE', 'webhooks:INSERT', 'webhooks:SELECT'],
  'G1: the application role has table-level SELECT/INSERT/DELETE where A2 lets it (rows by policy)');
-- G1/A2: UPDATE only on the columns A2 names.
SELECT is(ARRAY(SELECT c.relname || '.' || a.attname FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
                 WHERE c.relnamespace = 'hitlai'::regnamespace AND c.relkind IN ('r', 'p')
                   AND a.attnum > 0 AND NOT a.attisdropped
                   AND has_column_privilege(:'app_role', c.oid, a.attnum, 'UPDATE')
                   AND c.relname IN ('companies', 'company_members', 'human_testers')
                 ORDER BY (c.relname || '.' || a.attname) COLLATE "C"),
  ARRAY['companies.company_size', 'companies.industry', 'companies.name', 'company_members.role',
        'human_testers.age', 'human_testers.display_name', 'human_testers.education_level',
        'human_testers.email', 'human_testers.gender', 'human_testers.languages',
        'human_testers.location_country', 'human_testers.occupation',
        'human_testers.previous_platforms', 'human_testers.primary_device',
        'human_testers.tech_literacy', 'human_testers.years_of_testing_exp'],
  'G1/A2: UPDATE of companies, company_members and human_testers only on the columns A2 names');
