-- hitlai demo: a small realistic sample and what hitlai does with it.
\set ON_ERROR_STOP 1
\pset footer off
CREATE EXTENSION hitlai;
\echo
\echo '== hitlai' `date -u +%F`
SELECT extversion AS "installed version", hitlai.version() AS "library version"
  FROM pg_extension WHERE extname = 'hitlai';

-- Platform milestones (configuration rows of the platform operator)
INSERT INTO hitlai.milestones (phase, tests_required) VALUES
  ('alpha', 5), ('beta', 12), ('launch', 1000);

-- Three companies on different plans. Emails are stored trimmed and lower-cased.
INSERT INTO hitlai.companies (name, email, industry, company_size, plan_type, monthly_test_quota) VALUES
  ('Acme Shop',    '  Ops@Acme-Shop.test ', 'e-commerce', '11-50',  'starter', 10),
  ('Fjord Bank',   'qa@fjordbank.test',     'finance',    '500+',   'enterprise', NULL),
  ('Tiny Games',   'hello@tinygames.test',  'gaming',     '1-10',   'free', 3);

-- Human testers
INSERT INTO hitlai.human_testers (user_id, email, display_name, age, location_country,
                                  tech_literacy, primary_device, languages, revenue_share_pct)
VALUES
  (gen_random_uuid(), 'Maria@Testers.test', 'Maria', 34, 'ES', 'high',   'mobile',  '{Spanish,English}', 70),
  (gen_random_uuid(), 'kenji@testers.test', 'Kenji', 27, 'JP', 'expert', 'desktop', '{Japanese,English}', 75),
  (gen_random_uuid(), 'ola@testers.test',   'Ola',   45, 'NO', 'medium', 'tablet',  '{Norwegian}', 70);

-- Test runs: AI-only, human and hybrid, on web and mobile
INSERT INTO hitlai.test_runs (company_id, tester_id, url, mission, test_type, persona, platform_details, cost)
SELECT c.id, t.id, r.url, r.mission, r.test_type, r.persona, r.platform::jsonb, r.cost
  FROM (VALUES
    ('Acme Shop',  NULL,    'https://acme-shop.test/checkout', 'Buy a red shoe as a new customer', 'ai',     'casual_user',
     '{"type":"web","browser":"chrome","viewport":{"width":1920,"height":1080}}', 4.00),
    ('Acme Shop',  'Maria', 'https://acme-shop.test/returns',  'Return an item bought last week',  'human',  'returning_customer',
     '{"type":"mobile","device":"mobile","os":"ios"}', 25.00),
    ('Fjord Bank', 'Kenji', 'https://app.fjordbank.test/pay',  'Pay an invoice with a new payee',  'hybrid', 'first_time_user',
     '{"type":"web","browser":"firefox","os":"linux"}', 60.00),
    ('Tiny Games', NULL,    'https://tinygames.test/',          'Start a game and find settings',   'ai',     NULL,
     '{"type":"web"}', 2.50)
  ) AS r(company, tester, url, mission, test_type, persona, platform, cost)
  JOIN hitlai.companies c ON c.name = r.company
  LEFT JOIN hitlai.human_testers t ON t.display_name = r.tester;

INSERT INTO hitlai.issues (test_run_id, title, severity, category, metadata)
SELECT tr.id, i.title, i.severity, i.category, i.metadata::jsonb
  FROM (VALUES
    ('https://acme-shop.test/checkout', 'Payment form validation broken', 'critical', 'functional',
     '{"reproduction_steps":["Open checkout","Enter card","Submit"],"network_requests":[{"url":"https://api.acme-shop.test/pay","status":500,"method":"POST"}]}'),
    ('https://acme-shop.test/checkout', 'Coupon field hidden on mobile', 'medium', 'layout', '{}'),
    ('https://app.fjordbank.test/pay',  'IBAN error message unclear',    'low',      'copy',   '{"expected_behavior":"Says what is wrong","actual_behavior":"Shows code E17"}')
  ) AS i(url, title, severity, category, metadata)
  JOIN hitlai.test_runs tr ON tr.url = i.url;

-- The runs move through their life cycle: a hybrid run gets a second tester, runs start,
-- complete with a cost and a sentiment, and the companies rate the AI's work.
INSERT INTO hitlai.tester_assignments (test_run_id, tester_id)
SELECT tr.id, t.id FROM hitlai.test_runs tr, hitlai.human_testers t
 WHERE tr.url = 'https://app.fjordbank.test/pay' AND t.display_name = 'Ola';
UPDATE hitlai.test_runs SET status = 'running' WHERE url <> 'https://tinygames.test/';
UPDATE hitlai.test_runs SET status = 'completed', sentiment_score = 0.62,
       recommendations = '{"Fix card validation","Show coupon field on mobile"}',
       positives = '{"Fast page load"}', ai_model_used = 'hitl-agent-2', company_ai_rating = 5
 WHERE url = 'https://acme-shop.test/checkout';
UPDATE hitlai.test_runs SET status = 'completed', sentiment_score = 0.80, company_ai_rating = 4
 WHERE url = 'https://app.fjordbank.test/pay';
UPDATE hitlai.test_runs SET status = 'failed' WHERE url = 'https://acme-shop.test/returns';

\echo
\echo '== companies: emails normalised (T5), monthly quota used (Q1)'
SELECT name, email, plan_type, monthly_test_quota AS quota, tests_used_this_month AS used,
       hitlai.remaining_quota(id) AS remaining
  FROM hitlai.companies ORDER BY name;

\echo '== test runs: status machine (T4), live issue count (T6)'
SELECT c.name AS company, tr.test_type, tr.platform_details ->> 'type' AS platform,
       tr.status, tr.issues_found, tr.cost, tr.completed_at IS NOT NULL AS has_completed_at
  FROM hitlai.test_runs tr JOIN hitlai.companies c ON c.id = tr.company_id
 ORDER BY c.name, tr.url;

\echo '== human testers: credited runs and earnings split to the cent (T3)'
SELECT display_name, email, tests_completed, total_earnings, average_rating
  FROM hitlai.human_testers ORDER BY display_name;

\echo '== milestones (T1)'
SELECT phase, tests_required, tests_completed, is_unlocked FROM hitlai.milestones ORDER BY tests_required;

\echo '== training data captured from well-rated completed runs (T2)'
SELECT td.rating, td.model_type, td.input_data ->> 'mission' AS mission,
       jsonb_pretty(td.output_data) AS output_data
  FROM hitlai.training_data td ORDER BY td.rating DESC;

\echo '== company_stats and tester_performance (V1, V2): O(1) point lookups'
SELECT name, total_tests, round(avg_sentiment, 3) AS avg_sentiment, total_spent,
       tests_used_this_month, monthly_test_quota
  FROM hitlai.company_stats ORDER BY name;
SELECT display_name, tests_completed, average_rating, total_earnings, active_assignments
  FROM hitlai.tester_performance ORDER BY display_name;
-- (three rows would be read by a sequential scan; force the plan a real table gets)
BEGIN;
SET LOCAL enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT * FROM hitlai.company_stats WHERE id = '00000000-0000-4000-8000-000000000000';
ROLLBACK;

\echo '== what hitlai refuses, with the SQLSTATEs of SPEC E'
\set ON_ERROR_STOP 0
\set VERBOSITY default
-- HL001: Tiny Games is on the free plan with 3 tests a month and has used 1
INSERT INTO hitlai.test_runs (company_id, url, mission)
SELECT id, 'https://tinygames.test/level/' || g, 'Play level ' || g
  FROM hitlai.companies, generate_series(1, 3) g WHERE name = 'Tiny Games';
\echo SQLSTATE :LAST_ERROR_SQLSTATE
-- HL002: a completed run can't go back to running
UPDATE hitlai.test_runs SET status = 'running' WHERE url = 'https://acme-shop.test/checkout';
\echo SQLSTATE :LAST_ERROR_SQLSTATE
-- 23514: a document that breaks J1, with the path of the problem
UPDATE hitlai.test_runs SET platform_details = '{"type": "web", "viewport": {"width": -5, "height": 800}}'
 WHERE url = 'https://tinygames.test/';
\echo SQLSTATE :LAST_ERROR_SQLSTATE
-- 23514: a relative URL
INSERT INTO hitlai.test_runs (company_id, url, mission)
SELECT id, '/checkout', 'x' FROM hitlai.companies WHERE name = 'Acme Shop';
\echo SQLSTATE :LAST_ERROR_SQLSTATE
\set ON_ERROR_STOP 1

\echo
\echo '== row-level security: a member of Acme Shop sees only Acme Shop (A2)'
BEGIN;
CREATE ROLE hitlai_demo_app NOLOGIN;
SELECT hitlai.grant_app_role('hitlai_demo_app');
INSERT INTO hitlai.company_members (company_id, user_id, role, joined_at)
SELECT id, '11111111-1111-4111-8111-111111111111', 'owner', now() FROM hitlai.companies WHERE name = 'Acme Shop';
SET LOCAL ROLE hitlai_demo_app;
SELECT set_config('request.jwt.claims', '{"sub": "11111111-1111-4111-8111-111111111111", "role": "authenticated"}', true);
SELECT hitlai.uid() AS "hitlai.uid()";
SELECT name, total_tests, total_spent FROM hitlai.company_stats;
SELECT count(*) AS runs_visible FROM hitlai.test_runs;
ROLLBACK;

\echo
\echo '== fine-tuning (F1-F3): rate runs, export JSONL lines, create a job, walk it to succeeded'
-- Twelve more AI runs of Fjord Bank, completed and rated 4 or 5: T2 captures them.
INSERT INTO hitlai.test_runs (company_id, url, mission, persona, status, sentiment_score,
                              ai_model_used, company_ai_rating, recommendations, positives)
SELECT c.id, 'https://app.fjordbank.test/flow/' || g, 'Complete banking flow ' || g || ' on "mobile"',
       'first_time_user', 'completed', 0.5 + g / 40.0, 'hitl-agent-2', 4 + g % 2,
       ARRAY['Explain step ' || g], ARRAY['Clear layout']
  FROM hitlai.companies c, generate_series(1, 12) g WHERE c.name = 'Fjord Bank';
SELECT split, count(*) AS examples FROM hitlai.training_examples('hitl-agent-2', NULL, 30) GROUP BY split ORDER BY split;
\echo 'one line of the file (README, docs/training.md: psql -X -q -c "COPY (SELECT hitlai.training_jsonl(split => ''train'')) TO STDOUT (FORMAT csv, QUOTE e''\\x01'', DELIMITER e''\\x02'')" > train.jsonl):'
COPY (SELECT hitlai.training_jsonl('hitl-agent-2', 'train') LIMIT 1) TO STDOUT (FORMAT csv, QUOTE e'\x01', DELIMITER e'\x02');
SELECT hitlai.create_fine_tuning_job('hitl-agent-2', '{"n_epochs": 3}', 30) AS job \gset
SELECT split, count(*) AS job_examples FROM hitlai.job_training_examples(:'job') GROUP BY split ORDER BY split;
UPDATE hitlai.fine_tuning_jobs SET status = 'validating_files', training_file_id = 'file-demo' WHERE id = :'job';
UPDATE hitlai.fine_tuning_jobs SET status = 'queued', job_id = 'ftjob-demo' WHERE id = :'job';
UPDATE hitlai.fine_tuning_jobs SET status = 'running' WHERE id = :'job';
UPDATE hitlai.fine_tuning_jobs SET status = 'succeeded', fine_tuned_model_id = 'ft:hitl-agent-2:demo' WHERE id = :'job';
SELECT model_type, status, job_id, fine_tuned_model_id, completed_at IS NOT NULL AS has_completed_at,
       (SELECT count(*) FROM hitlai.training_data WHERE used_for_training) AS rows_used
  FROM hitlai.fine_tuning_jobs WHERE id = :'job';
\set ON_ERROR_STOP 0
-- HL002: nothing leaves succeeded
UPDATE hitlai.fine_tuning_jobs SET status = 'running' WHERE id = :'job';
\echo SQLSTATE :LAST_ERROR_SQLSTATE
\set ON_ERROR_STOP 1
