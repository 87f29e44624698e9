-- Grants (G1, S6). The final part of the install script: it runs after every other
-- part, so the function lists below, computed from pg_proc, cover every function the
-- script created.
--
-- Layers: grants say which commands and columns a role may use at all; the policies of
-- 410_policies.sql say which rows. INSERT and UPDATE are granted per column, on explicit
-- allow-lists: a column not listed -- including every stats_* column added by ALTER
-- TABLE, today or in a later version -- can't be written by an application role
-- (42501), even through an UPDATE the row's policy allows.

REVOKE ALL ON ALL TABLES IN SCHEMA @extschema@ FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA @extschema@ FROM PUBLIC;

-- G1: gives `role` the application privileges (Supabase's `authenticated`), or with
-- anonymous => true the anonymous ones (Supabase's `anon`: read milestones, submit
-- applications). Idempotent: it first revokes whatever the role had on hitlai's
-- objects. Privileged callers only (EXECUTE is granted to no application role);
-- SECURITY DEFINER so that a non-superuser who may call it (service_role, the owner
-- of a trusted install) can grant on objects owned by the installing superuser.
CREATE FUNCTION @extschema@.grant_app_role(role regrole, anonymous boolean DEFAULT false)
  RETURNS void
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  -- Functions no application role may execute (G1 admin functions, S8 restore switch).
  admin_functions constant text[] := ARRAY['reset_monthly_usage', 'rebuild_stats', 'check_stats',
                                           'grant_app_role', 'restore_mode_active'];
  -- SECURITY DEFINER functions meant for application roles: each answers only about
  -- the caller (hitlai.uid()) or checks it. Any other SECURITY DEFINER function is not
  -- granted (test/pgtap/59_lint.sql checks the same list).
  definer_allowed constant text[] := ARRAY['member_company_ids', 'my_tester_id', 'tester_run_ids',
                                           'create_company', 'accept_invitation'];
  -- Columns an application role may name in INSERT / UPDATE (A2).
  app_columns constant text[] := ARRAY['id', 'company_name', 'contact_name', 'email', 'phone',
    'website', 'company_size', 'industry', 'monthly_test_volume', 'current_approach',
    'why_interested', 'selected_tier'];
  tester_app_columns constant text[] := ARRAY['id', 'full_name', 'email', 'phone', 'location',
    'linkedin_url', 'portfolio_url', 'years_experience', 'specialties', 'platforms',
    'availability_hours', 'why_interested', 'relevant_experience', 'sample_work_url',
    'selected_tier'];
  tester_profile constant text[] := ARRAY['email', 'display_name', 'age', 'gender', 'occupation',
    'education_level', 'location_country', 'tech_literacy', 'primary_device', 'languages',
    'years_of_testing_exp', 'previous_platforms'];
  run_update constant text[] := ARRAY['tester_id', 'url', 'mission', 'test_type', 'persona',
    'platform_details', 'status', 'sentiment_score', 'recommendations', 'positives',
    'final_report', 'cost', 'ai_model_used', 'company_ai_rating', 'execution_time_ms',
    'completed_at'];
  grantee text := role::text;   -- regrole's output is a quoted identifier
  fn regprocedure;
  v regclass;
BEGIN
  IF role IS NULL THEN
    RAISE EXCEPTION 'grant_app_role: role must not be NULL' USING ERRCODE = '22023';
  END IF;

  EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA @extschema@ FROM %s', grantee);
  EXECUTE format('REVOKE ALL ON ALL FUNCTIONS IN SCHEMA @extschema@ FROM %s', grantee);
  EXECUTE format('GRANT USAGE ON SCHEMA @extschema@ TO %s', grantee);

  -- Functions: all but the admin list and trigger functions; SECURITY DEFINER ones only
  -- from the allow-list (and never to anonymous roles).
  FOR fn IN
    SELECT p.oid::regprocedure
      FROM pg_catalog.pg_proc p
     WHERE p.pronamespace = '@extschema@'::regnamespace
       AND p.prokind = 'f'
       AND p.prorettype <> 'pg_catalog.trigger'::regtype
       AND p.proname <> ALL (admin_functions)
       AND (NOT p.prosecdef OR (NOT anonymous AND p.proname = ANY (definer_allowed)))
  LOOP
    EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %s', fn, grantee);
  END LOOP;

  -- Anyone: read milestones, submit applications (status and review columns can't be
  -- named: they keep their defaults, pending and NULL).
  EXECUTE format('GRANT SELECT ON @extschema@.milestones TO %s', grantee);
  EXECUTE format('GRANT INSERT (%s) ON @extschema@.early_adopter_apps TO %s',
                 array_to_string(app_columns, ', '), grantee);
  EXECUTE format('GRANT INSERT (%s) ON @extschema@.founding_tester_apps TO %s',
                 array_to_string(tester_app_columns, ', '), grantee);
  IF anonymous THEN
    RETURN;
  END IF;

  -- Signed-in users (rows limited by the policies).
  EXECUTE format('GRANT SELECT ON @extschema@.companies, @extschema@.company_members,'
                 ' @extschema@.test_runs, @extschema@.issues, @extschema@.human_testers,'
                 ' @extschema@.tester_assignments, @extschema@.webhooks TO %s', grantee);
  EXECUTE format('GRANT UPDATE (name, industry, company_size) ON @extschema@.companies TO %s',
                 grantee);
  EXECUTE format('GRANT INSERT (id, company_id, user_id, role), UPDATE (role), DELETE'
                 ' ON @extschema@.company_members TO %s', grantee);
  EXECUTE format('GRANT INSERT (id, company_id, %s), UPDATE (%s) ON @extschema@.test_runs TO %s',
                 array_to_string(run_update, ', '), array_to_string(run_update, ', '), grantee);
  EXECUTE format('GRANT INSERT (id, test_run_id, title, description, severity, category,'
                 ' element_selector, screenshot_url, metadata) ON @extschema@.issues TO %s', grantee);
  EXECUTE format('GRANT INSERT (id, user_id, %s), UPDATE (%s) ON @extschema@.human_testers TO %s',
                 array_to_string(tester_profile, ', '), array_to_string(tester_profile, ', '),
                 grantee);
  EXECUTE format('GRANT INSERT (id, test_run_id, tester_id, status, started_at, completed_at),'
                 ' UPDATE (status, started_at, completed_at), DELETE'
                 ' ON @extschema@.tester_assignments TO %s', grantee);
  EXECUTE format('GRANT INSERT (id, company_id, url, events, secret, is_active),'
                 ' UPDATE (url, events, secret, is_active), DELETE ON @extschema@.webhooks TO %s',
                 grantee);
  -- Views (V) are security_invoker: reading one is reading the rows the policies show.
  FOR v IN SELECT c.oid::regclass FROM pg_catalog.pg_class c
            WHERE c.relnamespace = '@extschema@'::regnamespace AND c.relkind IN ('v', 'm')
  LOOP
    EXECUTE format('GRANT SELECT ON %s TO %s', v, grantee);
  END LOOP;
END
$$;
COMMENT ON FUNCTION @extschema@.grant_app_role(regrole, boolean) IS
  'G1/S6: grants the application privileges (or with anonymous => true the anonymous ones) on hitlai''s objects to a role';
REVOKE ALL ON FUNCTION @extschema@.grant_app_role(regrole, boolean) FROM PUBLIC;

-- G1/S6: Supabase's roles, when they exist at install time.
DO $$
DECLARE
  ext_owner oid := (SELECT e.extowner FROM pg_catalog.pg_extension e WHERE e.extname = 'hitlai');
  fn regprocedure;
BEGIN
  IF pg_catalog.to_regrole('anon') IS NOT NULL THEN
    PERFORM @extschema@.grant_app_role('anon', true);
  END IF;
  IF pg_catalog.to_regrole('authenticated') IS NOT NULL THEN
    PERFORM @extschema@.grant_app_role('authenticated', false);
  END IF;
  -- service_role (BYPASSRLS): everything, admin functions included.
  IF pg_catalog.to_regrole('service_role') IS NOT NULL THEN
    GRANT USAGE ON SCHEMA @extschema@ TO service_role;
    GRANT ALL ON ALL TABLES IN SCHEMA @extschema@ TO service_role;
    GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA @extschema@ TO service_role;
  END IF;
  -- Trusted install (S7) by a database owner who is not superuser: the objects belong to
  -- the bootstrap superuser, so the installing role gets the privileged role's rights
  -- (it is the database's administrator, as `postgres` is on Supabase).
  IF ext_owner IS NOT NULL AND ext_owner <> (SELECT r.oid FROM pg_catalog.pg_roles r
                                              WHERE r.rolname = current_user) THEN
    EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA @extschema@ TO %s', ext_owner::regrole);
    EXECUTE pg_catalog.format('GRANT ALL ON ALL TABLES IN SCHEMA @extschema@ TO %s', ext_owner::regrole);
    EXECUTE pg_catalog.format('GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA @extschema@ TO %s',
                              ext_owner::regrole);
  END IF;
END
$$;
