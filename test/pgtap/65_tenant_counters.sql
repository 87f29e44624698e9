-- S10, T3, V1-V3, T6: one company's data never makes another company's statement fail,
-- and TRUNCATE keeps the counters exact.
BEGIN;
SELECT plan(14);

INSERT INTO hitlai.companies (id, name, email, monthly_test_quota) VALUES
  ('aaaaaaaa-0000-4000-8000-000000000001', 'Hostile', 'ops@hostile.test', NULL),
  ('aaaaaaaa-0000-4000-8000-000000000002', 'Honest', 'ops@honest.test', NULL);
INSERT INTO hitlai.human_testers (id, user_id, email, display_name, revenue_share_pct) VALUES
  ('bbbbbbbb-0000-4000-8000-000000000001', gen_random_uuid(), 'shared@t.test', 'Shared', 100);

-- ---- bounded contribution: a documented maximum cost, refused at the writer's statement
SELECT throws_ok($$INSERT INTO hitlai.test_runs (company_id, url, mission, cost)
                   VALUES ('aaaaaaaa-0000-4000-8000-000000000001', 'https://h.test', 'm', 100000000.00)$$,
  '22003', NULL, 'S10: a run costs at most 99999999.99 (22003 at the writing company''s own INSERT)');
INSERT INTO hitlai.test_runs (id, company_id, tester_id, url, mission, cost) VALUES
  ('cccccccc-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-000000000001',
   'bbbbbbbb-0000-4000-8000-000000000001', 'https://h.test', 'm', 99999999.99);
SELECT throws_ok($$UPDATE hitlai.test_runs SET cost = 1e10
                    WHERE id = 'cccccccc-0000-4000-8000-000000000001'$$,
  '22003', NULL, 'S10: ... and at its own UPDATE');

-- ---- the shared tester's counters near their type's maximum
UPDATE hitlai.human_testers SET total_earnings = 9900000000.00, tests_completed = 2147483646
 WHERE id = 'bbbbbbbb-0000-4000-8000-000000000001';
SELECT lives_ok($$UPDATE hitlai.test_runs SET status = 'completed'
                   WHERE id = 'cccccccc-0000-4000-8000-000000000001'$$,
  'S10: the hostile company completes a maximum-cost run, taking the shared tester''s counters to their maximum');
INSERT INTO hitlai.test_runs (id, company_id, tester_id, url, mission, cost) VALUES
  ('cccccccc-0000-4000-8000-000000000002', 'aaaaaaaa-0000-4000-8000-000000000002',
   'bbbbbbbb-0000-4000-8000-000000000001', 'https://o.test', 'm', 10.00);
SELECT lives_ok($$UPDATE hitlai.test_runs SET status = 'completed', company_ai_rating = 5
                   WHERE id = 'cccccccc-0000-4000-8000-000000000002'$$,
  'S10: another company still completes runs with that tester (no 22003 from the first company''s data)');
SELECT is((SELECT total_earnings::text || '/' || tests_completed FROM hitlai.human_testers
            WHERE id = 'bbbbbbbb-0000-4000-8000-000000000001'),
  '9999999999.99/2147483647', 'S10: total_earnings and tests_completed stop at their maximum');
SELECT is((SELECT status FROM hitlai.tester_assignments
            WHERE test_run_id = 'cccccccc-0000-4000-8000-000000000002'),
  'completed', 'T3: the credit is still recorded on the assignment');
SELECT is((SELECT count(*)::int FROM hitlai.check_stats()), 0, 'V3: stats exact');

-- ---- TRUNCATE keeps the counters exact
INSERT INTO hitlai.test_runs (id, company_id, tester_id, url, mission, cost, sentiment_score) VALUES
  ('cccccccc-0000-4000-8000-000000000003', 'aaaaaaaa-0000-4000-8000-000000000002',
   'bbbbbbbb-0000-4000-8000-000000000001', 'https://o.test', 'm', 5.00, 0.5);
INSERT INTO hitlai.issues (test_run_id, title) VALUES
  ('cccccccc-0000-4000-8000-000000000003', 'one'), ('cccccccc-0000-4000-8000-000000000003', 'two');
TRUNCATE hitlai.issues;
SELECT is((SELECT issues_found FROM hitlai.test_runs WHERE id = 'cccccccc-0000-4000-8000-000000000003'),
  0, 'T6: TRUNCATE issues sets issues_found to 0');
TRUNCATE hitlai.tester_assignments;
SELECT is((SELECT count(*)::int FROM hitlai.check_stats()), 0,
  'T3/V3: TRUNCATE tester_assignments keeps the rating state exact');
SELECT is((SELECT average_rating FROM hitlai.human_testers WHERE id = 'bbbbbbbb-0000-4000-8000-000000000001'),
  0.00, 'T3: ... the tester''s average_rating has no rated assignment left');
SET LOCAL client_min_messages = warning;
TRUNCATE hitlai.test_runs CASCADE;
SELECT is((SELECT count(*)::int FROM hitlai.check_stats()), 0,
  'V1-V3: TRUNCATE test_runs CASCADE keeps company and tester stats exact');
SELECT results_eq($$SELECT total_tests::int, total_spent, avg_sentiment FROM hitlai.company_stats
                    WHERE id = 'aaaaaaaa-0000-4000-8000-000000000002'$$,
  $$VALUES (0, NULL::numeric, NULL::numeric)$$, 'V1: company_stats counts no truncated run');
SELECT is((SELECT active_assignments::int FROM hitlai.tester_performance
            WHERE id = 'bbbbbbbb-0000-4000-8000-000000000001'), 0,
  'V2: tester_performance counts no truncated run');
SELECT is((SELECT total_earnings FROM hitlai.human_testers WHERE id = 'bbbbbbbb-0000-4000-8000-000000000001'),
  9999999999.99, 'T3: money paid stays paid after TRUNCATE');

SELECT * FROM finish();
ROLLBACK;
