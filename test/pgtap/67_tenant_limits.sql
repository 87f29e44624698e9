-- S10: free companies per user are limited (create_company), and a tester can't rewrite
-- what T2 captured once the company rated the completed run.
BEGIN;
SELECT plan(13);
CREATE ROLE hl_tl_app NOLOGIN;
DO $$ BEGIN PERFORM hitlai.grant_app_role('hl_tl_app'); END $$;
CREATE PROCEDURE pg_temp.become(r text, k text) LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('SET LOCAL ROLE %I', r);
  PERFORM set_config('request.jwt.claims',
    CASE WHEN k IS NULL THEN '' ELSE json_build_object('sub', '10000000-0000-4000-8000-0000000000' || k)::text END,
    true);
END $$;

-- ---- free companies per user (hitlai.max_free_companies_per_user, default 3)
SELECT is(hitlai.free_company_limit(), 3, 'S10: the default limit (hitlai.max_free_companies_per_user) is 3 free companies per user');
CALL pg_temp.become('hl_tl_app', 'a1');
SELECT lives_ok($$SELECT hitlai.create_company('One', 'one@tl.test'), hitlai.create_company('Two', 'two@tl.test'),
                         hitlai.create_company('Three', 'three@tl.test')$$,
  'S10: a user creates three free companies');
SELECT throws_ok($$SELECT hitlai.create_company('Four', 'four@tl.test')$$, '53400',
  'user 10000000-0000-4000-8000-0000000000a1 already owns 3 companies on the free plan',
  'S10: the fourth free company is refused (53400)');
CALL pg_temp.become('hl_tl_app', 'a2');
SELECT lives_ok($$SELECT hitlai.create_company('Other', 'other@tl.test')$$, 'S10: the limit is per user');
RESET ROLE;
UPDATE hitlai.companies SET plan_type = 'pro' WHERE email = 'one@tl.test';
CALL pg_temp.become('hl_tl_app', 'a1');
SELECT lives_ok($$SELECT hitlai.create_company('Four', 'four@tl.test')$$,
  'S10: a company moved to a paid plan frees its slot');
SELECT throws_ok($$SET hitlai.max_free_companies_per_user = -1$$, '42501', NULL,
  'S10: only the DBA (superuser) changes the limit');
RESET ROLE;
SET LOCAL hitlai.max_free_companies_per_user = -1;
CALL pg_temp.become('hl_tl_app', 'a1');
SELECT lives_ok($$SELECT hitlai.create_company('Five', 'five@tl.test')$$, 'S10: -1 lifts the limit');
RESET ROLE;
SET LOCAL hitlai.max_free_companies_per_user = 0;
CALL pg_temp.become('hl_tl_app', 'a2');
SELECT throws_ok($$SELECT hitlai.create_company('Six', 'six@tl.test')$$, '53400', NULL,
  'S10: 0 allows no free company');
RESET ROLE;
RESET hitlai.max_free_companies_per_user;

-- ---- T2 freeze: the assigned tester and a completed, rated run
INSERT INTO hitlai.companies (id, name, email) VALUES ('eeeeeeee-0000-4000-8000-000000000001', 'Frz', 'ops@frz.test');
INSERT INTO hitlai.company_members (company_id, user_id, role, joined_at) VALUES
  ('eeeeeeee-0000-4000-8000-000000000001', '10000000-0000-4000-8000-0000000000b1', 'owner', now());
INSERT INTO hitlai.human_testers (id, user_id, email, display_name) VALUES
  ('eeeeeeee-0000-4000-8000-0000000000f1', '10000000-0000-4000-8000-0000000000f1', 'f1@frz.test', 'Fred');
INSERT INTO hitlai.test_runs (id, company_id, url, mission, status, recommendations) VALUES
  ('eeeeeeee-0000-4000-8000-0000000000a1', 'eeeeeeee-0000-4000-8000-000000000001', 'https://frz.test', 'm',
   'running', '{Honest}');
INSERT INTO hitlai.tester_assignments (test_run_id, tester_id, status)
  VALUES ('eeeeeeee-0000-4000-8000-0000000000a1', 'eeeeeeee-0000-4000-8000-0000000000f1', 'started');
CALL pg_temp.become('hl_tl_app', 'f1');
SELECT lives_ok($$UPDATE hitlai.test_runs SET status = 'completed', recommendations = '{Honest,Mine}'
                   WHERE id = 'eeeeeeee-0000-4000-8000-0000000000a1'$$,
  'A2: the assigned tester completes the run with its recommendations');
CALL pg_temp.become('hl_tl_app', 'b1');
UPDATE hitlai.test_runs SET company_ai_rating = 5 WHERE id = 'eeeeeeee-0000-4000-8000-0000000000a1';
CALL pg_temp.become('hl_tl_app', 'f1');
SELECT throws_ok($$UPDATE hitlai.test_runs SET recommendations = '{Poison}'
                    WHERE id = 'eeeeeeee-0000-4000-8000-0000000000a1'$$, 'HL003', NULL,
  'S10/T2: once rated, the tester can''t rewrite recommendations (HL003)');
SELECT throws_ok($$UPDATE hitlai.test_runs SET sentiment_score = 0.01, positives = '{x}'
                    WHERE id = 'eeeeeeee-0000-4000-8000-0000000000a1'$$, 'HL003', NULL,
  'S10/T2: ... nor sentiment_score or positives');
RESET ROLE;
SELECT is((SELECT output_data -> 'recommendations' FROM hitlai.training_data
            WHERE test_run_id = 'eeeeeeee-0000-4000-8000-0000000000a1'), '["Honest", "Mine"]'::jsonb,
  'T2: the captured row is what the company rated');
CALL pg_temp.become('hl_tl_app', 'b1');
UPDATE hitlai.test_runs SET recommendations = '{Edited by the company}' WHERE id = 'eeeeeeee-0000-4000-8000-0000000000a1';
RESET ROLE;
SELECT is((SELECT output_data -> 'recommendations' FROM hitlai.training_data
            WHERE test_run_id = 'eeeeeeee-0000-4000-8000-0000000000a1'), '["Edited by the company"]'::jsonb,
  'T2: a member''s edit is re-captured (the company stands behind its rating)');

SELECT * FROM finish();
ROLLBACK;
