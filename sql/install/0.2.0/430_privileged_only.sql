-- A2/A5: training_data and fine_tuning_jobs are for privileged roles only. Without a
-- policy, RLS already shuts every other role out (A6), but Supabase's linter flags
-- "RLS enabled, no policy"; this states the rule as a policy: one RESTRICTIVE policy for
-- every command and role that admits no row (restrictive: it can never widen access,
-- whatever permissive policy is added later). Privileged roles (owner, superuser,
-- BYPASSRLS such as service_role) bypass RLS. Created unconditionally, like the policies
-- of 410_policies.sql (PostgreSQL 15's pg_dump does not dump policies of extension
-- tables, S8).
CREATE POLICY training_data_privileged_only ON @extschema@.training_data
  AS RESTRICTIVE FOR ALL TO PUBLIC USING (false) WITH CHECK (false);
CREATE POLICY fine_tuning_jobs_privileged_only ON @extschema@.fine_tuning_jobs
  AS RESTRICTIVE FOR ALL TO PUBLIC USING (false) WITH CHECK (false);
