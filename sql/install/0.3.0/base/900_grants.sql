-- Grants as 0.2.0 made them (G1, S6); sql/install/0.2.0/900_grants.sql explains the
-- layers. The last part of the base: 0.3.0's own 900_grants.sql then replaces
-- grant_role_privileges and regrants, exactly as on an upgrade from 0.2.0.

REVOKE ALL ON ALL TABLES IN SCHEMA @extschema@ FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA @extschema@ FROM PUBLIC;

-- G1: the one body behind grant_app_role and grant_anon_role (0.2.0's rules; 0.3.0
-- replaces it). Privileged callers only.
CREATE FUNCTION @extschema@.grant_role_privileges(role pg_catalog.regrole, anonymous boolean)
  RETURNS pg_catalog.void
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  -- Functions no application role may execute (G1 admin functions, S8 restore switch).
  admin_functions constant pg_catalog.text[] := ARRAY['reset_monthly_usage', 'rebuild_stats',
    'check_stats', 'grant_app_role', 'grant_anon_role', 'grant_role_privileges',
    'restore_mode_active'];
  -- SECURITY DEFINER functions meant for application roles.
  definer_allowed constant pg_catalog.text[] := ARRAY['member_company_ids', 'my_tester_id',
    'tester_run_ids', 'create_company', 'accept_invitation'];
  -- Columns an application role may UPDATE (A2).
  tester_profile constant pg_catalog.text[] := ARRAY['email', 'display_name', 'age', 'gender',
    'occupation', 'education_level', 'location_country', 'tech_literacy', 'primary_device',
    'languages', 'years_of_testing_exp', 'previous_platforms'];
  run_update constant pg_catalog.text[] := ARRAY['tester_id', 'url', 'mission', 'test_type',
    'persona', 'platform_details', 'status', 'sentiment_score', 'recommendations',
    'positives', 'final_report', 'cost', 'ai_model_used', 'company_ai_rating',
    'execution_time_ms', 'completed_at'];
  nsp constant pg_catalog.regnamespace := '@extschema@'::pg_catalog.regnamespace;
  grantee pg_catalog.text;
  fn pg_catalog.regprocedure;
  v pg_catalog.regclass;
BEGIN
  IF role IS NULL THEN
    RAISE EXCEPTION 'role must not be NULL' USING ERRCODE = '22023';
  END IF;
  grantee := role::pg_catalog.text;   -- regrole's output is a quoted identifier

  EXECUTE pg_catalog.format('REVOKE ALL ON ALL TABLES IN SCHEMA @extschema@ FROM %s', grantee);
  EXECUTE pg_catalog.format('REVOKE ALL ON ALL FUNCTIONS IN SCHEMA @extschema@ FROM %s', grantee);
  EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA @extschema@ TO %s', grantee);

  -- Functions: all but the admin list and trigger functions; SECURITY DEFINER ones only
  -- from the allow-list (and never to anonymous roles).
  FOR fn IN
    SELECT p.oid::pg_catalog.regprocedure
      FROM pg_catalog.pg_proc p
     WHERE p.pronamespace OPERATOR(pg_catalog.=) nsp::pg_catalog.oid
       AND p.prokind OPERATOR(pg_catalog.=) 'f'::pg_catalog.char
       AND p.prorettype OPERATOR(pg_catalog.<>) 'pg_catalog.trigger'::pg_catalog.regtype::pg_catalog.oid
       AND p.proname::pg_catalog.text OPERATOR(pg_catalog.<>) ALL (admin_functions)
       AND (NOT p.prosecdef
            OR (NOT anonymous AND p.proname::pg_catalog.text OPERATOR(pg_catalog.=) ANY (definer_allowed)))
  LOOP
    EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO %s', fn, grantee);
  END LOOP;

  -- Anyone: read milestones, submit applications.
  EXECUTE pg_catalog.format('GRANT SELECT ON @extschema@.milestones TO %s', grantee);
  EXECUTE pg_catalog.format('GRANT INSERT ON @extschema@.early_adopter_apps,'
                            ' @extschema@.founding_tester_apps TO %s', grantee);
  IF anonymous THEN
    RETURN;
  END IF;

  -- Signed-in users.
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
                 pg_catalog.array_to_string(run_update, ', '::pg_catalog.text), grantee);
  EXECUTE pg_catalog.format('GRANT UPDATE (%s) ON @extschema@.human_testers TO %s',
                 pg_catalog.array_to_string(tester_profile, ', '::pg_catalog.text), grantee);
  EXECUTE pg_catalog.format('GRANT UPDATE (status, started_at, completed_at)'
                 ' ON @extschema@.tester_assignments TO %s', grantee);
  EXECUTE pg_catalog.format('GRANT UPDATE (url, events, secret, is_active) ON @extschema@.webhooks TO %s',
                 grantee);
  -- Views (V) are security_invoker: reading one is reading the rows the policies show.
  FOR v IN SELECT c.oid::pg_catalog.regclass FROM pg_catalog.pg_class c
            WHERE c.relnamespace OPERATOR(pg_catalog.=) nsp::pg_catalog.oid
              AND c.relkind OPERATOR(pg_catalog.=) ANY ('{v,m}'::pg_catalog.char[])
  LOOP
    EXECUTE pg_catalog.format('GRANT SELECT ON %s TO %s', v, grantee);
  END LOOP;
END
$$;
COMMENT ON FUNCTION @extschema@.grant_role_privileges(pg_catalog.regrole, boolean) IS
  'G1: body of grant_app_role (anonymous false) and grant_anon_role (anonymous true); privileged only';
REVOKE ALL ON FUNCTION @extschema@.grant_role_privileges(pg_catalog.regrole, boolean) FROM PUBLIC;

-- G1/S6: the application privileges (what Supabase's `authenticated` gets).
CREATE FUNCTION @extschema@.grant_app_role(role pg_catalog.regrole) RETURNS pg_catalog.void
  LANGUAGE sql VOLATILE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$ SELECT @extschema@.grant_role_privileges($1, false) $$;
COMMENT ON FUNCTION @extschema@.grant_app_role(pg_catalog.regrole) IS
  'G1/S6: grants the application privileges on hitlai''s objects to a role (revoking what it had); privileged only';
REVOKE ALL ON FUNCTION @extschema@.grant_app_role(pg_catalog.regrole) FROM PUBLIC;

-- G1: the anonymous privileges (what Supabase's `anon` gets): read milestones, insert
-- applications.
CREATE FUNCTION @extschema@.grant_anon_role(role pg_catalog.regrole) RETURNS pg_catalog.void
  LANGUAGE sql VOLATILE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$ SELECT @extschema@.grant_role_privileges($1, true) $$;
COMMENT ON FUNCTION @extschema@.grant_anon_role(pg_catalog.regrole) IS
  'G1: grants the anonymous privileges (read milestones, insert applications) on hitlai''s objects to a role (revoking what it had); privileged only';
REVOKE ALL ON FUNCTION @extschema@.grant_anon_role(pg_catalog.regrole) FROM PUBLIC;

-- G1/S6: Supabase's roles, when they exist at install time.
DO $$
DECLARE
  ext_owner pg_catalog.oid := (SELECT e.extowner FROM pg_catalog.pg_extension e
                                WHERE e.extname OPERATOR(pg_catalog.=) 'hitlai'::pg_catalog.name);
BEGIN
  IF pg_catalog.to_regrole('anon'::pg_catalog.text) IS NOT NULL THEN
    PERFORM @extschema@.grant_anon_role('anon'::pg_catalog.regrole);
  END IF;
  IF pg_catalog.to_regrole('authenticated'::pg_catalog.text) IS NOT NULL THEN
    PERFORM @extschema@.grant_app_role('authenticated'::pg_catalog.regrole);
  END IF;
  -- service_role (BYPASSRLS): everything, admin functions included.
  IF pg_catalog.to_regrole('service_role'::pg_catalog.text) IS NOT NULL THEN
    GRANT USAGE ON SCHEMA @extschema@ TO service_role;
    GRANT ALL ON ALL TABLES IN SCHEMA @extschema@ TO service_role;
    GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA @extschema@ TO service_role;
  END IF;
  -- Trusted install (S7) by a database owner who is not superuser: the installing role
  -- gets the privileged role's rights.
  IF ext_owner IS NOT NULL
     AND ext_owner OPERATOR(pg_catalog.<>) (SELECT r.oid FROM pg_catalog.pg_roles r
                                             WHERE r.rolname OPERATOR(pg_catalog.=) CURRENT_USER) THEN
    EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA @extschema@ TO %s', ext_owner::pg_catalog.regrole);
    EXECUTE pg_catalog.format('GRANT ALL ON ALL TABLES IN SCHEMA @extschema@ TO %s',
                              ext_owner::pg_catalog.regrole);
    EXECUTE pg_catalog.format('GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA @extschema@ TO %s',
                              ext_owner::pg_catalog.regrole);
  END IF;
END
$$;
