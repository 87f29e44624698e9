-- Row-level security policies (A2, A5, A6, S8), as 0.2.0 created them
-- (sql/install/0.2.0/410_policies.sql and 430_privileged_only.sql explain the design).
--
-- Shape: one permissive policy per table and command, for PUBLIC. Who may try a command
-- at all is decided by the grants (900_grants.sql); which rows is decided here. Identity
-- is always taken once per statement: `(SELECT hitlai.uid())` or a
-- `(SELECT hitlai.helper(…))` that calls it (400_identity.sql). Array helpers are
-- compared as `col OPERATOR(pg_catalog.=) ANY ((SELECT hitlai.f(…))::uuid[])`: the cast
-- makes ANY take the array (not a subquery), the sub-SELECT makes it an init plan run
-- once, and `= ANY (array)` can use the column's index. Tables without a policy for a
-- command are closed to every role that doesn't bypass RLS (A6).
--
-- S8: pg_dump does not dump the policies of extension member tables, so they are created
-- here unconditionally, also under hitlai.restore_mode.

-- companies: members read; owner/admin update (columns: see grants); create through
-- hitlai.create_company; delete privileged.
CREATE POLICY companies_select ON @extschema@.companies FOR SELECT
  USING (id OPERATOR(pg_catalog.=) ANY
         ((SELECT @extschema@.member_company_ids('viewer'::pg_catalog.text))::pg_catalog.uuid[]));
CREATE POLICY companies_update ON @extschema@.companies FOR UPDATE
  USING (id OPERATOR(pg_catalog.=) ANY
         ((SELECT @extschema@.member_company_ids('admin'::pg_catalog.text))::pg_catalog.uuid[]))
  WITH CHECK (id OPERATOR(pg_catalog.=) ANY
              ((SELECT @extschema@.member_company_ids('admin'::pg_catalog.text))::pg_catalog.uuid[]));

-- company_members: joined members read their company's members (invitations
-- included); owner/admin invite, change and remove; only an owner touches owners.
-- An invitee (joined_at NULL) sees nothing; joins with hitlai.accept_invitation.
CREATE POLICY company_members_select ON @extschema@.company_members FOR SELECT
  USING (company_id OPERATOR(pg_catalog.=) ANY
         ((SELECT @extschema@.member_company_ids('viewer'::pg_catalog.text))::pg_catalog.uuid[]));
CREATE POLICY company_members_insert ON @extschema@.company_members FOR INSERT
  WITH CHECK (company_id OPERATOR(pg_catalog.=) ANY
                ((SELECT @extschema@.member_company_ids('admin'::pg_catalog.text))::pg_catalog.uuid[])
              AND joined_at IS NULL
              AND (role OPERATOR(pg_catalog.<>) 'owner'::pg_catalog.text
                   OR company_id OPERATOR(pg_catalog.=) ANY
                        ((SELECT @extschema@.member_company_ids('owner'::pg_catalog.text))::pg_catalog.uuid[])));
CREATE POLICY company_members_update ON @extschema@.company_members FOR UPDATE
  USING (company_id OPERATOR(pg_catalog.=) ANY
           ((SELECT @extschema@.member_company_ids('admin'::pg_catalog.text))::pg_catalog.uuid[])
         AND (role OPERATOR(pg_catalog.<>) 'owner'::pg_catalog.text
              OR company_id OPERATOR(pg_catalog.=) ANY
                   ((SELECT @extschema@.member_company_ids('owner'::pg_catalog.text))::pg_catalog.uuid[])))
  WITH CHECK (company_id OPERATOR(pg_catalog.=) ANY
                ((SELECT @extschema@.member_company_ids('admin'::pg_catalog.text))::pg_catalog.uuid[])
              AND (role OPERATOR(pg_catalog.<>) 'owner'::pg_catalog.text
                   OR company_id OPERATOR(pg_catalog.=) ANY
                        ((SELECT @extschema@.member_company_ids('owner'::pg_catalog.text))::pg_catalog.uuid[])));
CREATE POLICY company_members_delete ON @extschema@.company_members FOR DELETE
  USING (company_id OPERATOR(pg_catalog.=) ANY
           ((SELECT @extschema@.member_company_ids('admin'::pg_catalog.text))::pg_catalog.uuid[])
         AND (role OPERATOR(pg_catalog.<>) 'owner'::pg_catalog.text
              OR company_id OPERATOR(pg_catalog.=) ANY
                   ((SELECT @extschema@.member_company_ids('owner'::pg_catalog.text))::pg_catalog.uuid[])));

-- human_testers: the tester's own row; protected columns by grants.
CREATE POLICY human_testers_select ON @extschema@.human_testers FOR SELECT
  USING (user_id OPERATOR(pg_catalog.=) (SELECT @extschema@.uid()));
CREATE POLICY human_testers_insert ON @extschema@.human_testers FOR INSERT
  WITH CHECK (user_id OPERATOR(pg_catalog.=) (SELECT @extschema@.uid()));
CREATE POLICY human_testers_update ON @extschema@.human_testers FOR UPDATE
  USING (user_id OPERATOR(pg_catalog.=) (SELECT @extschema@.uid()))
  WITH CHECK (user_id OPERATOR(pg_catalog.=) (SELECT @extschema@.uid()));

-- test_runs: members of the company read, members other than viewers insert and
-- update; testers read the runs they test and update live ones (columns limited by
-- the trigger a_guard_tester_columns). No DELETE policy: deleting runs is privileged.
-- The read policy is written with array_position(…) IS NOT NULL, which means exactly
-- `= ANY (…)` here, because the planner estimates it as nearly always true and can't
-- use it as an index condition (sql/install/0.2.0/410_policies.sql says why).
CREATE POLICY test_runs_select ON @extschema@.test_runs FOR SELECT
  USING (pg_catalog.array_position((SELECT @extschema@.member_company_ids('viewer'::pg_catalog.text)),
                                   company_id) IS NOT NULL
         OR pg_catalog.array_position((SELECT @extschema@.tester_run_ids(false)), id) IS NOT NULL);
CREATE POLICY test_runs_insert ON @extschema@.test_runs FOR INSERT
  WITH CHECK (company_id OPERATOR(pg_catalog.=) ANY
              ((SELECT @extschema@.member_company_ids('member'::pg_catalog.text))::pg_catalog.uuid[]));
CREATE POLICY test_runs_update ON @extschema@.test_runs FOR UPDATE
  USING (company_id OPERATOR(pg_catalog.=) ANY
           ((SELECT @extschema@.member_company_ids('member'::pg_catalog.text))::pg_catalog.uuid[])
         OR id OPERATOR(pg_catalog.=) ANY
              ((SELECT @extschema@.tester_run_ids(true))::pg_catalog.uuid[]))
  WITH CHECK (company_id OPERATOR(pg_catalog.=) ANY
                ((SELECT @extschema@.member_company_ids('member'::pg_catalog.text))::pg_catalog.uuid[])
              OR id OPERATOR(pg_catalog.=) ANY
                   ((SELECT @extschema@.tester_run_ids(true))::pg_catalog.uuid[]));

-- issues: readable by whoever can read the run (test_runs' own policy applies inside
-- the EXISTS); members (not viewers) and the run's live testers insert.
CREATE POLICY issues_select ON @extschema@.issues FOR SELECT
  USING (EXISTS (SELECT 1 FROM @extschema@.test_runs r
                  WHERE r.id OPERATOR(pg_catalog.=) test_run_id));
CREATE POLICY issues_insert ON @extschema@.issues FOR INSERT
  WITH CHECK (EXISTS (SELECT 1 FROM @extschema@.test_runs r
                       WHERE r.id OPERATOR(pg_catalog.=) test_run_id
                         AND (r.company_id OPERATOR(pg_catalog.=) ANY
                                ((SELECT @extschema@.member_company_ids('member'::pg_catalog.text))::pg_catalog.uuid[])
                              OR r.id OPERATOR(pg_catalog.=) ANY
                                   ((SELECT @extschema@.tester_run_ids(true))::pg_catalog.uuid[]))));

-- tester_assignments: the assigned tester and the run company's members read;
-- owner/admin write; the tester moves an own assignment assigned -> started
-- (with started_at) | declined.
CREATE POLICY tester_assignments_select ON @extschema@.tester_assignments FOR SELECT
  USING (tester_id OPERATOR(pg_catalog.=) (SELECT @extschema@.my_tester_id())
         OR EXISTS (SELECT 1 FROM @extschema@.test_runs r
                     WHERE r.id OPERATOR(pg_catalog.=) test_run_id
                       AND r.company_id OPERATOR(pg_catalog.=) ANY
                             ((SELECT @extschema@.member_company_ids('viewer'::pg_catalog.text))::pg_catalog.uuid[])));
CREATE POLICY tester_assignments_insert ON @extschema@.tester_assignments FOR INSERT
  WITH CHECK (EXISTS (SELECT 1 FROM @extschema@.test_runs r
                       WHERE r.id OPERATOR(pg_catalog.=) test_run_id
                         AND r.company_id OPERATOR(pg_catalog.=) ANY
                               ((SELECT @extschema@.member_company_ids('admin'::pg_catalog.text))::pg_catalog.uuid[])));
CREATE POLICY tester_assignments_update ON @extschema@.tester_assignments FOR UPDATE
  USING (EXISTS (SELECT 1 FROM @extschema@.test_runs r
                  WHERE r.id OPERATOR(pg_catalog.=) test_run_id
                    AND r.company_id OPERATOR(pg_catalog.=) ANY
                          ((SELECT @extschema@.member_company_ids('admin'::pg_catalog.text))::pg_catalog.uuid[]))
         OR (tester_id OPERATOR(pg_catalog.=) (SELECT @extschema@.my_tester_id())
             AND status OPERATOR(pg_catalog.=) 'assigned'::pg_catalog.text))
  WITH CHECK (EXISTS (SELECT 1 FROM @extschema@.test_runs r
                       WHERE r.id OPERATOR(pg_catalog.=) test_run_id
                         AND r.company_id OPERATOR(pg_catalog.=) ANY
                               ((SELECT @extschema@.member_company_ids('admin'::pg_catalog.text))::pg_catalog.uuid[]))
              OR (tester_id OPERATOR(pg_catalog.=) (SELECT @extschema@.my_tester_id())
                  AND completed_at IS NULL
                  AND (status OPERATOR(pg_catalog.=) 'declined'::pg_catalog.text
                       OR (status OPERATOR(pg_catalog.=) 'started'::pg_catalog.text
                           AND started_at IS NOT NULL))));
CREATE POLICY tester_assignments_delete ON @extschema@.tester_assignments FOR DELETE
  USING (EXISTS (SELECT 1 FROM @extschema@.test_runs r
                  WHERE r.id OPERATOR(pg_catalog.=) test_run_id
                    AND r.company_id OPERATOR(pg_catalog.=) ANY
                          ((SELECT @extschema@.member_company_ids('admin'::pg_catalog.text))::pg_catalog.uuid[])));

-- milestones: everyone reads (anonymous included); writes are privileged.
CREATE POLICY milestones_select ON @extschema@.milestones FOR SELECT
  USING (true);

-- applications: anyone inserts a pending, unreviewed application; nobody but
-- privileged roles reads them. status/reviewed_* can't even be named (grants), so
-- they take their defaults; the check below states it once more.
CREATE POLICY early_adopter_apps_insert ON @extschema@.early_adopter_apps FOR INSERT
  WITH CHECK (status OPERATOR(pg_catalog.=) 'pending'::pg_catalog.text
              AND reviewed_by IS NULL AND reviewed_at IS NULL);
CREATE POLICY founding_tester_apps_insert ON @extschema@.founding_tester_apps FOR INSERT
  WITH CHECK (status OPERATOR(pg_catalog.=) 'pending'::pg_catalog.text
              AND reviewed_by IS NULL AND reviewed_at IS NULL);

-- webhooks: owner/admin of the company, for everything.
CREATE POLICY webhooks_select ON @extschema@.webhooks FOR SELECT
  USING (company_id OPERATOR(pg_catalog.=) ANY
         ((SELECT @extschema@.member_company_ids('admin'::pg_catalog.text))::pg_catalog.uuid[]));
CREATE POLICY webhooks_insert ON @extschema@.webhooks FOR INSERT
  WITH CHECK (company_id OPERATOR(pg_catalog.=) ANY
              ((SELECT @extschema@.member_company_ids('admin'::pg_catalog.text))::pg_catalog.uuid[]));
CREATE POLICY webhooks_update ON @extschema@.webhooks FOR UPDATE
  USING (company_id OPERATOR(pg_catalog.=) ANY
         ((SELECT @extschema@.member_company_ids('admin'::pg_catalog.text))::pg_catalog.uuid[]))
  WITH CHECK (company_id OPERATOR(pg_catalog.=) ANY
              ((SELECT @extschema@.member_company_ids('admin'::pg_catalog.text))::pg_catalog.uuid[]));
CREATE POLICY webhooks_delete ON @extschema@.webhooks FOR DELETE
  USING (company_id OPERATOR(pg_catalog.=) ANY
         ((SELECT @extschema@.member_company_ids('admin'::pg_catalog.text))::pg_catalog.uuid[]));

-- A2/A5: training_data and fine_tuning_jobs are for privileged roles only: one
-- RESTRICTIVE policy for every command and role that admits no row (it can never widen
-- access, whatever permissive policy is added later). Privileged roles (owner,
-- superuser, BYPASSRLS such as service_role) bypass RLS.
CREATE POLICY training_data_privileged_only ON @extschema@.training_data
  AS RESTRICTIVE FOR ALL TO PUBLIC USING (false) WITH CHECK (false);
CREATE POLICY fine_tuning_jobs_privileged_only ON @extschema@.fine_tuning_jobs
  AS RESTRICTIVE FOR ALL TO PUBLIC USING (false) WITH CHECK (false);
