-- Grants (G1, S6). The final part of the install script: it runs after every other
-- part, so the function lists below, computed from pg_proc, cover every function the
-- script created.
--
-- Layers: grants say which commands and columns a role may use at all; the policies of
-- 410_policies.sql / 430_privileged_only.sql say which rows; the row triggers of
-- 440_write_guards.sql say which values a non-privileged INSERT may choose.
--  * SELECT, INSERT and DELETE are granted at table level (G1): rows are limited by the
--    policies. A table without an INSERT policy refuses every insert (42501); a table
--    without a DELETE policy deletes nothing (A2: "a denied UPDATE or DELETE of a row
--    the caller can't see affects no rows").
--  * UPDATE is granted per column, on explicit allow-lists (A2 names the columns): a
--    column not listed -- including every stats_* column added by ALTER TABLE, today or
--    in a later version -- can't be changed by an application role (42501, PostgreSQL's
--    own error), even through an UPDATE the row's policy allows.

REVOKE ALL ON ALL TABLES IN SCHEMA @extschema@ FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA @extschema@ FROM PUBLIC;

-- G1: the one body behind grant_app_role and grant_anon_role. Gives `role` the
-- application privileges (Supabase's `authenticated`), or with anonymous the anonymous
-- ones (Supabase's `anon`: read milestones, submit applications). Idempotent: it first
-- revokes whatever the role had on hitlai's objects. Privileged callers only (EXECUTE
-- is granted to no application role); SECURITY DEFINER so that a non-superuser who may
-- call it (service_role, the owner of a trusted install) can grant on objects owned by
-- the installing superuser.
CREATE FUNCTION @extschema@.grant_role_privileges(role regrole, anonymous boolean)
  RETURNS void
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  -- Functions no application role may execute (G1 admin functions, S8 restore switch).
  admin_functions constant text[] := ARRAY['reset_monthly_usage', 'rebuild_stats', 'check_stats',
                                           'grant_app_role', 'grant_anon_role',
                                           'grant_role_privileges', 'restore_mode_active'];
  -- SECURITY DEFINER functions meant for application roles: each answers only about
  -- the caller (hitlai.uid()) or checks it. Any other SECURITY DEFINER function is not
  -- granted (test/rls/lint.sql checks the same list).
  definer_allowed constant text[] := ARRAY['member_company_ids', 'my_tester_id', 'tester_run_ids',
                                           'create_company', 'accept_invitation'];
  -- Columns an application role may UPDATE (A2).
  tester_profile constant text[] := ARRAY['email', 'display_name', 'age', 'gender', 'occupation',
    'education_level', 'location_country', 'tech_literacy', 'primary_device', 'languages',
    'years_of_testing_exp', 'previous_platforms'];
  run_update constant text[] := ARRAY['tester_id', 'url', 'mission', 'test_type', 'persona',
    'platform_details', 'status', 'sentiment_score', 'recommendations', 'positives',
    'final_report', 'cost', 'ai_model_used', 'company_ai_rating', 'execution_time_ms',
    'completed_at'];
  grantee text;
  fn regprocedure;
  v regclass;
BEGIN
  IF role IS NULL THEN
    RAISE EXCEPTION 'role must not be NULL' USING ERRCODE = '22023';
  END IF;
  grantee := role::text;   -- regrole's output is a quoted identifier

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

  -- Anyone: read milestones, submit applications (status and review columns are forced
  -- to pending and NULL by 440_write_guards.sql; the INSERT policies check it).
  EXECUTE format('GRANT SELECT ON @extschema@.milestones TO %s', grantee);
  EXECUTE format('GRANT INSERT ON @extschema@.early_adopter_apps, @extschema@.founding_tester_apps'
                 ' TO %s', grantee);
  IF anonymous THEN
    RETURN;
  END IF;

  -- Signed-in users (rows limited by the policies; protected INSERT values by the
  -- triggers of 440_write_guards.sql).
  EXECUTE format('GRANT SELECT, DELETE ON @extschema@.companies, @extschema@.company_members,'
                 ' @extschema@.test_runs, @extschema@.issues, @extschema@.human_testers,'
                 ' @extschema@.tester_assignments, @extschema@.webhooks, @extschema@.milestones'
                 ' TO %s', grantee);
  EXECUTE format('GRANT INSERT ON @extschema@.company_members, @extschema@.test_runs,'
                 ' @extschema@.issues, @extschema@.human_testers, @extschema@.tester_assignments,'
                 ' @extschema@.webhooks TO %s', grantee);
  EXECUTE format('GRANT UPDATE (name, industry, company_size) ON @extschema@.companies TO %s',
                 grantee);
  EXECUTE format('GRANT UPDATE (role) ON @extschema@.company_members TO %s', grantee);
  EXECUTE format('GRANT UPDATE (%s) ON @extschema@.test_runs TO %s',
                 array_to_string(run_update, ', '), grantee);
  EXECUTE format('GRANT UPDATE (%s) ON @extschema@.human_testers TO %s',
                 array_to_string(tester_profile, ', '), grantee);
  EXECUTE format('GRANT UPDATE (status, started_at, completed_at)'
                 ' ON @extschema@.tester_assignments TO %s', grantee);
  EXECUTE format('GRANT UPDATE (url, events, secret, is_active) ON @extschema@.webhooks TO %s',
                 grantee);
  -- Views (V) are security_invoker: reading one is reading the rows the policies show.
  FOR v IN SELECT c.oid::regclass FROM pg_catalog.pg_class c
            WHERE c.relnamespace = '@extschema@'::regnamespace AND c.relkind IN ('v', 'm')
  LOOP
    EXECUTE format('GRANT SELECT ON %s TO %s', v, grantee);
  END LOOP;
END
$$;
COMMENT ON FUNCTION @extschema@.grant_role_privileges(regrole, boolean) IS
  'G1: body of grant_app_role (anonymous false) and grant_anon_role (anonymous true); privileged only';
REVOKE ALL ON FUNCTION @extschema@.grant_role_privileges(regrole, boolean) FROM PUBLIC;

-- G1/S6: the application privileges (what Supabase's `authenticated` gets).
CREATE FUNCTION @extschema@.grant_app_role(role regrole) RETURNS void
  LANGUAGE sql VOLATILE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$ SELECT @extschema@.grant_role_privileges($1, false) $$;
COMMENT ON FUNCTION @extschema@.grant_app_role(regrole) IS
  'G1/S6: grants the application privileges on hitlai''s objects to a role (revoking what it had); privileged only';
REVOKE ALL ON FUNCTION @extschema@.grant_app_role(regrole) FROM PUBLIC;

-- G1: the anonymous privileges (what Supabase's `anon` gets): read milestones, insert
-- applications.
CREATE FUNCTION @extschema@.grant_anon_role(role regrole) RETURNS void
  LANGUAGE sql VOLATILE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$ SELECT @extschema@.grant_role_privileges($1, true) $$;
COMMENT ON FUNCTION @extschema@.grant_anon_role(regrole) IS
  'G1: grants the anonymous privileges (read milestones, insert applications) on hitlai''s objects to a role (revoking what it had); privileged only';
REVOKE ALL ON FUNCTION @extschema@.grant_anon_role(regrole) FROM PUBLIC;

-- G1/S6: Supabase's roles, when they exist at install time.
DO $$
DECLARE
  ext_owner oid := (SELECT e.extowner FROM pg_catalog.pg_extension e WHERE e.extname = 'hitlai');
  fn regprocedure;
BEGIN
  IF pg_catalog.to_regrole('anon') IS NOT NULL THEN
    PERFORM @extschema@.grant_anon_role('anon');
  END IF;
  IF pg_catalog.to_regrole('authenticated') IS NOT NULL THEN
    PERFORM @extschema@.grant_app_role('authenticated');
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
