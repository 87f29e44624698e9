-- Closing part of the install script: row-level security, pg_dump registration, and
-- the baseline of privileges. Later parts (policies, grants) build on this.

-- A2/A6: RLS on every table. Until policies exist, a role that does not bypass RLS
-- sees no rows (fails closed).
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['companies', 'company_members', 'human_testers', 'test_runs',
                           'issues', 'tester_assignments', 'milestones',
                           'early_adopter_apps', 'founding_tester_apps', 'training_data',
                           'fine_tuning_jobs', 'webhooks']
  LOOP
    EXECUTE pg_catalog.format('ALTER TABLE @extschema@.%I ENABLE ROW LEVEL SECURITY', t);
    -- S8: every table holds user data: pg_dump dumps all its rows.
    PERFORM pg_catalog.pg_extension_config_dump(
      pg_catalog.format('@extschema@.%I', t)::pg_catalog.regclass, '');
  END LOOP;
END
$$;

-- G1: nothing for PUBLIC. Functions are granted explicitly to the roles meant to call them.
REVOKE ALL ON ALL TABLES IN SCHEMA @extschema@ FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA @extschema@ FROM PUBLIC;
