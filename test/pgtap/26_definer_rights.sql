-- A3: trigger side effects work for a role that can neither read nor write human_testers,
-- milestones or training_data.
--
-- Choice: a plain role (NOLOGIN, NOBYPASSRLS) granted only what it needs on test_runs,
-- companies and tester_assignments, plus temporary permissive policies on those three
-- tables created inside this transaction (RLS is on with no policies yet, which fails
-- closed, A6). It gets no privilege at all on human_testers, milestones, training_data.
-- So the test exercises exactly what A3 is about: the triggers, not the caller, write
-- the protected rows (SECURITY DEFINER trigger functions).
BEGIN;
SELECT plan(6);

CREATE ROLE hl_a3_member NOLOGIN NOBYPASSRLS;
GRANT USAGE ON SCHEMA hitlai TO hl_a3_member;
GRANT SELECT, INSERT, UPDATE ON hitlai.test_runs TO hl_a3_member;
GRANT SELECT ON hitlai.companies TO hl_a3_member;
GRANT SELECT ON hitlai.tester_assignments TO hl_a3_member;
-- CHECK constraints call these (900_grants.sql grants them to application roles)
GRANT EXECUTE ON FUNCTION hitlai.is_http_url(text) TO hl_a3_member;
CREATE POLICY a3_tmp ON hitlai.test_runs FOR ALL TO hl_a3_member USING (true) WITH CHECK (true);
CREATE POLICY a3_tmp ON hitlai.companies FOR SELECT TO hl_a3_member USING (true);
CREATE POLICY a3_tmp ON hitlai.tester_assignments FOR SELECT TO hl_a3_member USING (true);

INSERT INTO hitlai.milestones (phase, tests_required) VALUES ('a3', 1);
INSERT INTO hitlai.companies (id, name, email, monthly_test_quota) VALUES ('00000000-0000-0000-0000-0000000000c1', 'A3', 'a3@a.io', 5);
INSERT INTO hitlai.human_testers (id, user_id, email, display_name) VALUES
  ('00000000-0000-0000-0000-000000000001', gen_random_uuid(), 't@a.io', 'T');

SET LOCAL ROLE hl_a3_member;
SELECT throws_ok($$SELECT * FROM hitlai.human_testers$$, '42501', NULL, 'A3: the role cannot read human_testers');
INSERT INTO hitlai.test_runs (id, company_id, tester_id, url, mission, cost)
  VALUES ('00000000-0000-0000-0000-0000000000f1', '00000000-0000-0000-0000-0000000000c1',
          '00000000-0000-0000-0000-000000000001', 'https://a.io', 'm', 10);
UPDATE hitlai.test_runs SET status = 'completed', company_ai_rating = 5 WHERE id = '00000000-0000-0000-0000-0000000000f1';
SET CONSTRAINTS ALL IMMEDIATE;
RESET ROLE;

SELECT is((SELECT (tests_completed, total_earnings, average_rating)::text FROM hitlai.human_testers),
          '(1,7.00,5.00)', 'A3: the member completed a run and the tester''s stats moved');
SELECT is((SELECT tests_used_this_month FROM hitlai.companies), 1, 'A3: quota counted for the member');
SELECT is((SELECT (tests_completed, is_unlocked) FROM hitlai.milestones), (1, true), 'A3: milestone counted for the member');
SELECT is((SELECT count(*) FROM hitlai.training_data), 1::bigint, 'A3: training row captured for the member');
SELECT is((SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname = 'hitlai' AND p.prorettype = 'trigger'::regtype
              AND p.prosecdef AND NOT ('search_path=pg_catalog, pg_temp' = ANY (p.proconfig))), 0::bigint,
          'A3/S7: every SECURITY DEFINER trigger function has a fixed search_path');

SELECT * FROM finish();
ROLLBACK;
