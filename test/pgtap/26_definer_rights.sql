-- A3: trigger side effects work for a plain member, who can neither read nor write
-- human_testers, milestones or training_data.
--
-- The member is an application role as a real deployment has it: hitlai.grant_app_role()
-- privileges, the real policies (A2), and a JWT claim naming a joined 'member' of the
-- company. It can't see any human_testers row (not its own profile), can't read
-- training_data at all, and can't write milestones; the SECURITY DEFINER triggers, not
-- the caller, write those rows.
BEGIN;
SELECT plan(7);

CREATE ROLE hl_a3_member NOLOGIN NOBYPASSRLS;
SELECT hitlai.grant_app_role('hl_a3_member');

INSERT INTO hitlai.milestones (phase, tests_required) VALUES ('a3', 1);
INSERT INTO hitlai.companies (id, name, email, monthly_test_quota) VALUES ('00000000-0000-0000-0000-0000000000c1', 'A3', 'a3@a.io', 5);
INSERT INTO hitlai.company_members (company_id, user_id, role, joined_at) VALUES
  ('00000000-0000-0000-0000-0000000000c1', '00000000-0000-0000-0000-0000000000a1', 'member', now());
INSERT INTO hitlai.human_testers (id, user_id, email, display_name) VALUES
  ('00000000-0000-0000-0000-000000000001', gen_random_uuid(), 't@a.io', 'T');

SET LOCAL ROLE hl_a3_member;
SELECT set_config('request.jwt.claims', '{"sub": "00000000-0000-0000-0000-0000000000a1"}', true);
SELECT is((SELECT count(*) FROM hitlai.human_testers), 0::bigint,
          'A3: the member sees no human_testers row');
SELECT throws_ok($$SELECT * FROM hitlai.training_data$$, '42501', NULL,
                 'A3: the member cannot read training_data');
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
