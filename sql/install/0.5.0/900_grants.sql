-- Grants, 0.5.0 (G1). The final part: grant_role_privileges() is 0.4.0's, except that an
-- anonymous role now gets EXECUTE only on the functions its statements need. PostgreSQL
-- checks EXECUTE, for the role running a statement, on every function an expression of
-- the statement calls: the CHECK constraints, column defaults, policies, index
-- expressions and trigger conditions of the tables the role reads or inserts into
-- (milestones, early_adopter_apps, founding_tester_apps). Those functions are found in
-- pg_depend, so a later version's expressions are covered without a list; today it is
-- one CHECK of founding_tester_apps (check_text_list). 0.4.0 granted an anonymous role
-- every non-definer function (the validators, remaining_quota, uid, the webhook
-- signature helpers, ...), which nothing it may do calls.
--
-- The roles found in the old grants are granted again, as in 0.4.0's grants part: their
-- REVOKE ALL ON ALL FUNCTIONS takes the anonymous roles' extra grants away.

REVOKE ALL ON ALL TABLES IN SCHEMA @extschema@ FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA @extschema@ FROM PUBLIC;

CREATE OR REPLACE FUNCTION @extschema@.grant_role_privileges(role pg_catalog.regrole,
                                                             anonymous pg_catalog.bool)
  RETURNS pg_catalog.void
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  -- Functions no application role may execute (G1 admin functions, S8 restore switch).
  admin_functions constant pg_catalog.text[] := ARRAY[
    'reset_monthly_usage', 'rebuild_stats', 'check_stats', 'grant_app_role',
    'grant_anon_role', 'grant_role_privileges', 'restore_mode_active', 'deliver_webhooks',
    'training_examples', 'create_fine_tuning_job', 'job_training_examples',
    'review_early_adopter_app', 'review_founding_tester_app', 'security_check',
    'training_jsonl', 'job_training_jsonl', 'attach_auth_users'];
  -- SECURITY DEFINER functions meant for application roles: each answers only about
  -- the caller (hitlai.uid()) or checks it (docs/security.md says why each is safe).
  -- Any other SECURITY DEFINER function is not granted (test/rls/lint.sql checks the
  -- same list).
  definer_allowed constant pg_catalog.text[] := ARRAY[
    'member_company_ids', 'my_tester_id', 'tester_run_ids', 'create_company',
    'accept_invitation', 'claim_founding_tester_profile', 'assign_testers',
    'redeliver_webhook', 'rotate_webhook_secret'];
  -- Columns an application role may UPDATE (A2).
  tester_profile constant pg_catalog.text[] := ARRAY['email', 'display_name', 'age', 'gender',
    'occupation', 'education_level', 'location_country', 'tech_literacy', 'primary_device',
    'languages', 'years_of_testing_exp', 'previous_platforms'];
  run_update constant pg_catalog.text[] := ARRAY['tester_id', 'url', 'mission', 'test_type',
    'persona', 'platform_details', 'status', 'sentiment_score', 'recommendations',
    'positives', 'final_report', 'cost', 'ai_model_used', 'company_ai_rating',
    'execution_time_ms', 'completed_at'];
  nsp constant pg_catalog.regnamespace := '@extschema@'::pg_catalog.regnamespace;
  -- Tables an anonymous role may read or insert into (the grants below).
  anon_tables constant pg_catalog.regclass[] := ARRAY['@extschema@.milestones',
    '@extschema@.early_adopter_apps', '@extschema@.founding_tester_apps']::pg_catalog.regclass[];
  anon_functions pg_catalog.oid[];
  grantee pg_catalog.text;
  fn pg_catalog.regprocedure;
  v pg_catalog.regclass;
  r RECORD;
BEGIN
  IF role IS NULL THEN
    RAISE EXCEPTION 'role must not be NULL' USING ERRCODE = '22023';
  END IF;
  SELECT a.rolsuper, a.rolbypassrls,
         a.oid OPERATOR(pg_catalog.=) (SELECT e.extowner FROM pg_catalog.pg_extension e
                                        WHERE e.extname OPERATOR(pg_catalog.=) 'hitlai'::pg_catalog.name)
           AS owns_extension
    INTO r
    FROM pg_catalog.pg_authid a WHERE a.oid OPERATOR(pg_catalog.=) role::pg_catalog.oid;
  IF r.rolsuper OR r.rolbypassrls OR r.owns_extension THEN
    RAISE EXCEPTION 'role % is privileged and can''t be made an % role', role,
                    CASE WHEN anonymous THEN 'anonymous' ELSE 'application' END
      USING ERRCODE = '22023',
            DETAIL = CASE WHEN r.rolsuper THEN 'It is a superuser.'
                          WHEN r.rolbypassrls THEN 'It bypasses row-level security.'
                          ELSE 'It owns the extension hitlai.' END,
            HINT = 'Application roles are the roles signed-in users (or anonymous visitors) act '
                   'as; granting their privileges would first revoke this role''s own.';
  END IF;
  grantee := role::pg_catalog.text;   -- regrole's output is a quoted identifier

  EXECUTE pg_catalog.format('REVOKE ALL ON ALL TABLES IN SCHEMA @extschema@ FROM %s', grantee);
  EXECUTE pg_catalog.format('REVOKE ALL ON ALL FUNCTIONS IN SCHEMA @extschema@ FROM %s', grantee);
  EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA @extschema@ TO %s', grantee);

  -- The functions that expressions on the anonymous tables call (see the head comment):
  -- what the table's constraints, column defaults, policies, indexes and triggers, each
  -- recorded in pg_depend as depending on the table, themselves depend on.
  SELECT pg_catalog.array_agg(DISTINCT f.refobjid) INTO anon_functions
    FROM pg_catalog.pg_depend o
    JOIN pg_catalog.pg_depend f
      ON f.classid OPERATOR(pg_catalog.=) o.classid AND f.objid OPERATOR(pg_catalog.=) o.objid
   WHERE o.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass
     AND o.refobjid OPERATOR(pg_catalog.=) ANY (anon_tables::pg_catalog.oid[])
     AND o.classid OPERATOR(pg_catalog.=) ANY (ARRAY['pg_catalog.pg_constraint',
           'pg_catalog.pg_attrdef', 'pg_catalog.pg_policy', 'pg_catalog.pg_class',
           'pg_catalog.pg_trigger']::pg_catalog.regclass[]::pg_catalog.oid[])
     AND f.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_proc'::pg_catalog.regclass;

  -- Functions: all but the admin list and trigger functions; SECURITY DEFINER ones only
  -- from the allow-list (and never to anonymous roles); to an anonymous role only those
  -- its tables' expressions call.
  FOR fn IN
    SELECT p.oid::pg_catalog.regprocedure
      FROM pg_catalog.pg_proc p
     WHERE p.pronamespace OPERATOR(pg_catalog.=) nsp::pg_catalog.oid
       AND p.prokind OPERATOR(pg_catalog.=) 'f'::pg_catalog.char
       AND p.prorettype OPERATOR(pg_catalog.<>) ALL (ARRAY['pg_catalog.trigger'::pg_catalog.regtype,
                                                        'pg_catalog.event_trigger'::pg_catalog.regtype]::pg_catalog.oid[])
       AND p.proname::pg_catalog.text OPERATOR(pg_catalog.<>) ALL (admin_functions)
       AND (NOT p.prosecdef
            OR (NOT anonymous AND p.proname::pg_catalog.text OPERATOR(pg_catalog.=) ANY (definer_allowed)))
       AND (NOT anonymous OR p.oid OPERATOR(pg_catalog.=) ANY (anon_functions))  -- NULL (none): nothing
  LOOP
    EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO %s', fn, grantee);
  END LOOP;

  -- Anyone: read milestones, submit applications (status and review columns are forced
  -- to pending and NULL by the write guards; the INSERT policies check it).
  EXECUTE pg_catalog.format('GRANT SELECT ON @extschema@.milestones TO %s', grantee);
  EXECUTE pg_catalog.format('GRANT INSERT ON @extschema@.early_adopter_apps,'
                            ' @extschema@.founding_tester_apps TO %s', grantee);
  IF anonymous THEN
    RETURN;
  END IF;

  -- Signed-in users (rows limited by the policies; protected INSERT values by the
  -- write-guard triggers).
  EXECUTE pg_catalog.format('GRANT SELECT, DELETE ON @extschema@.companies,'
                 ' @extschema@.company_members, @extschema@.test_runs, @extschema@.issues,'
                 ' @extschema@.human_testers, @extschema@.tester_assignments,'
                 ' @extschema@.webhooks, @extschema@.milestones TO %s', grantee);
  EXECUTE pg_catalog.format('GRANT INSERT ON @extschema@.company_members, @extschema@.test_runs,'
                 ' @extschema@.issues, @extschema@.human_testers, @extschema@.tester_assignments,'
                 ' @extschema@.webhooks TO %s', grantee);
  EXECUTE pg_catalog.format('GRANT UPDATE (name, industry, company_size) ON @extschema@.companies TO %s',
                 grantee);
  EXECUTE pg_catalog.format('GRANT UPDATE (role) ON @extschema@.company_members TO %s', grantee);
  EXECUTE pg_catalog.format('GRANT UPDATE (%s) ON @extschema@.test_runs TO %s',
                 pg_catalog.array_to_string(run_update, ', '), grantee);
  EXECUTE pg_catalog.format('GRANT UPDATE (%s) ON @extschema@.human_testers TO %s',
                 pg_catalog.array_to_string(tester_profile, ', '), grantee);
  EXECUTE pg_catalog.format('GRANT UPDATE (status, started_at, completed_at)'
                 ' ON @extschema@.tester_assignments TO %s', grantee);
  EXECUTE pg_catalog.format('GRANT UPDATE (url, events, secret, is_active) ON @extschema@.webhooks TO %s',
                 grantee);
  -- Tables of 0.3.0 that signed-in users read (rows limited by their policies).
  FOR v IN
    SELECT c.oid::pg_catalog.regclass FROM pg_catalog.pg_class c
     WHERE c.relnamespace OPERATOR(pg_catalog.=) nsp::pg_catalog.oid
       AND c.relname::pg_catalog.text OPERATOR(pg_catalog.=) ANY ('{plan_tiers,webhook_deliveries}'::pg_catalog.text[])
  LOOP
    EXECUTE pg_catalog.format('GRANT SELECT ON %s TO %s', v, grantee);
  END LOOP;
  -- Views (V) are security_invoker: reading one is reading the rows the policies show.
  FOR v IN SELECT c.oid::pg_catalog.regclass FROM pg_catalog.pg_class c
            WHERE c.relnamespace OPERATOR(pg_catalog.=) nsp::pg_catalog.oid
              AND c.relkind OPERATOR(pg_catalog.=) ANY ('{v,m}'::pg_catalog.char[])
  LOOP
    EXECUTE pg_catalog.format('GRANT SELECT ON %s TO %s', v, grantee);
  END LOOP;
END
$$;
COMMENT ON FUNCTION @extschema@.grant_role_privileges(pg_catalog.regrole, pg_catalog.bool) IS
  'G1: body of grant_app_role (anonymous false) and grant_anon_role (anonymous true); refuses privileged roles; privileged only';
REVOKE ALL ON FUNCTION @extschema@.grant_role_privileges(pg_catalog.regrole, pg_catalog.bool) FROM PUBLIC;

DO $$
DECLARE
  ext_owner pg_catalog.oid := (SELECT e.extowner FROM pg_catalog.pg_extension e
                                WHERE e.extname OPERATOR(pg_catalog.=) 'hitlai'::pg_catalog.name);
  admins pg_catalog.regrole[] := '{}';
  a pg_catalog.regrole;
  r RECORD;
BEGIN
  -- G1: service_role (Supabase) and the installing owner of a trusted install.
  IF pg_catalog.to_regrole('service_role') IS NOT NULL THEN
    admins := admins OPERATOR(pg_catalog.||) pg_catalog.to_regrole('service_role');
  END IF;
  IF ext_owner IS NOT NULL
     AND NOT (SELECT o.rolsuper FROM pg_catalog.pg_authid o WHERE o.oid OPERATOR(pg_catalog.=) ext_owner) THEN
    admins := admins OPERATOR(pg_catalog.||) ext_owner::pg_catalog.regrole;
  END IF;
  FOREACH a IN ARRAY admins LOOP
    EXECUTE pg_catalog.format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA @extschema@ TO %s', a);
    EXECUTE pg_catalog.format('GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA @extschema@ TO %s', a);
  END LOOP;

  -- Application and anonymous roles: the roles holding INSERT on early_adopter_apps (an
  -- application privilege of every version), anonymous when they hold no INSERT on test_runs.
  FOR r IN
    SELECT g.oid::pg_catalog.regrole AS role,
           NOT EXISTS (SELECT FROM pg_catalog.pg_class t, pg_catalog.aclexplode(t.relacl) y
                        WHERE t.oid OPERATOR(pg_catalog.=) '@extschema@.test_runs'::pg_catalog.regclass::pg_catalog.oid
                          AND y.grantee OPERATOR(pg_catalog.=) g.oid
                          AND y.privilege_type OPERATOR(pg_catalog.=) 'INSERT') AS anonymous
      FROM pg_catalog.pg_authid g
     WHERE EXISTS (SELECT FROM pg_catalog.pg_class t, pg_catalog.aclexplode(t.relacl) y
                    WHERE t.oid OPERATOR(pg_catalog.=) '@extschema@.early_adopter_apps'::pg_catalog.regclass::pg_catalog.oid
                      AND y.grantee OPERATOR(pg_catalog.=) g.oid
                      AND y.privilege_type OPERATOR(pg_catalog.=) 'INSERT')
       AND NOT g.rolsuper AND NOT g.rolbypassrls
       AND g.oid OPERATOR(pg_catalog.<>) ALL (admins::pg_catalog.oid[])
       AND g.oid OPERATOR(pg_catalog.<>) ext_owner
     ORDER BY g.rolname
  LOOP
    PERFORM @extschema@.grant_role_privileges(r.role, r.anonymous);
  END LOOP;
END
$$;
