-- Indexes for the row-level security policies (A2; measured with bench/ rls_read).
--
-- A member reads the newest runs of a company: `company_id = … ORDER BY created_at DESC
-- LIMIT n`, the company coming from an explicit filter or from test_runs_select
-- (`company_id = ANY (hitlai.member_company_ids('viewer'))`). With this index the first
-- is an ordered index scan that stops after n rows whatever the company's size, and
-- the second a bitmap scan of that company's runs only. The seed's indexes
-- (idx_test_runs_company_id, idx_test_runs_created_at) stay as they are.
-- The other policy look-ups already have theirs: company_members (user_id, company_id),
-- human_testers (user_id), test_runs (tester_id), tester_assignments (tester_id) and
-- (test_run_id, tester_id), issues (test_run_id), webhooks (company_id).
CREATE INDEX idx_test_runs_company_created_at
  ON @extschema@.test_runs (company_id, created_at DESC);
