-- S10 inputs, J4/J5/J6, D18: bad or oversized input is refused where it is written.
BEGIN;
SELECT plan(32);
\ir include/error_text.sql

INSERT INTO hitlai.companies (id, name, email, monthly_test_quota) VALUES
  ('dddddddd-0000-4000-8000-000000000001', 'Inputs', 'ops@inputs.test', NULL);
INSERT INTO hitlai.human_testers (id, user_id, email, display_name) VALUES
  ('dddddddd-0000-4000-8000-0000000000f1', gen_random_uuid(), 'in@t.test', 'In');

-- ---- J4/J5: training documents stay under 1 MiB: the limit is at the oversized field
SELECT throws_like($$INSERT INTO hitlai.test_runs (company_id, url, mission, recommendations)
                     VALUES ('dddddddd-0000-4000-8000-000000000001', 'https://i.test', 'm',
                             ARRAY[repeat('r', 300000), repeat('s', 300000)])$$,
  '%recommendations and positives together exceed 524288 bytes%',
  'J5: 600 KB of recommendations are refused at the INSERT that writes them, naming the limit');
SELECT is(split_part(pg_temp.err($$INSERT INTO hitlai.test_runs (company_id, url, mission, positives)
                     VALUES ('dddddddd-0000-4000-8000-000000000001', 'https://i.test', 'm',
                             ARRAY[repeat('p', 600000)])$$), ' | ', 1), '23514',
  'J5: ... with SQLSTATE 23514 (positives count too)');
SELECT throws_like($$INSERT INTO hitlai.test_runs (company_id, url, mission)
                     VALUES ('dddddddd-0000-4000-8000-000000000001', 'https://i.test', repeat('m', 1100000))$$,
  '%url, mission and persona together exceed 1047552 bytes%',
  'J4: a 1.1 MB mission is refused at its INSERT, naming the limit');
INSERT INTO hitlai.test_runs (id, company_id, tester_id, url, mission, persona, recommendations, positives, status)
  VALUES ('dddddddd-0000-4000-8000-0000000000a1', 'dddddddd-0000-4000-8000-000000000001',
          'dddddddd-0000-4000-8000-0000000000f1', 'https://i.test', repeat('m', 900000), repeat('p', 100000),
          ARRAY[repeat('r', 250000)], ARRAY[repeat('s', 250000)], 'running');
SELECT throws_like($$UPDATE hitlai.test_runs SET recommendations = recommendations || repeat('x', 30000)
                      WHERE id = 'dddddddd-0000-4000-8000-0000000000a1'$$,
  '%exceed 524288 bytes%', 'J5: ... and at the UPDATE that makes the lists too large');
INSERT INTO hitlai.issues (test_run_id, title)
  SELECT 'dddddddd-0000-4000-8000-0000000000a1', repeat(chr(65 + k), 100000) FROM generate_series(0, 4) k;
SELECT throws_like($$INSERT INTO hitlai.issues (test_run_id, title)
                     VALUES ('dddddddd-0000-4000-8000-0000000000a1', repeat('z', 30000))$$,
  '%issues of test run dddddddd-0000-4000-8000-0000000000a1 exceed 523264 bytes of titles%',
  'J5: the issue whose title passes the run''s limit is refused at its INSERT');
-- (The titles are counted in bytes as stored before compression, 48 more an issue: five
-- of 100000 take 500240, so 22976 bytes more land exactly on the limit.)
SELECT lives_ok($$INSERT INTO hitlai.issues (test_run_id, title)
                  VALUES ('dddddddd-0000-4000-8000-0000000000a1', repeat('q', 22976))$$,
  'J5: an issue that brings the run''s titles exactly to 523264 bytes is accepted');
SELECT throws_like($$INSERT INTO hitlai.issues (test_run_id, title)
                     VALUES ('dddddddd-0000-4000-8000-0000000000a1', 'z')$$,
  '%issues of test run dddddddd-0000-4000-8000-0000000000a1 exceed 523264 bytes of titles%',
  'J5: ... and one more issue, however short, is refused');
SELECT throws_like($$UPDATE hitlai.issues SET title = title || repeat('y', 30000)
                      WHERE test_run_id = 'dddddddd-0000-4000-8000-0000000000a1' AND title LIKE 'A%'$$,
  '%bytes of titles%', 'J5: ... and at the UPDATE of a title');
SELECT lives_ok($$UPDATE hitlai.test_runs SET status = 'completed', company_ai_rating = 5
                   WHERE id = 'dddddddd-0000-4000-8000-0000000000a1'$$,
  'J4/J5: a run with every field just under its limit completes (no error at completion)');
SELECT ok((SELECT pg_column_size(input_data) <= 1048576 AND pg_column_size(output_data) <= 1048576
             FROM hitlai.training_data WHERE test_run_id = 'dddddddd-0000-4000-8000-0000000000a1'),
  'T2: ... and its training documents were captured, each under 1 MiB');

-- ---- infinity / -infinity: 22008 at the write
SELECT throws_ok($$INSERT INTO hitlai.test_runs (company_id, url, mission, status, completed_at)
                   VALUES ('dddddddd-0000-4000-8000-000000000001', 'https://i.test', 'm', 'completed', 'infinity')$$,
  '22008', 'test_runs.completed_at must be a finite timestamp', 'S10: completed_at = infinity is refused (22008)');
SELECT throws_ok($$INSERT INTO hitlai.test_runs (company_id, url, mission, created_at)
                   VALUES ('dddddddd-0000-4000-8000-000000000001', 'https://i.test', 'm', '-infinity')$$,
  '22008', 'test_runs.created_at must be a finite timestamp', 'S10: created_at = -infinity is refused (22008)');
INSERT INTO hitlai.test_runs (id, company_id, url, mission) VALUES
  ('dddddddd-0000-4000-8000-0000000000a2', 'dddddddd-0000-4000-8000-000000000001', 'https://i.test', 'm');
SELECT throws_ok($$UPDATE hitlai.test_runs SET status = 'completed', completed_at = '-infinity'
                    WHERE id = 'dddddddd-0000-4000-8000-0000000000a2'$$,
  '22008', NULL, 'S10: completing with completed_at = -infinity is refused (22008)');
SELECT throws_ok($$INSERT INTO hitlai.tester_assignments (test_run_id, tester_id, started_at)
                   VALUES ('dddddddd-0000-4000-8000-0000000000a2', 'dddddddd-0000-4000-8000-0000000000f1', 'infinity')$$,
  '22008', 'tester_assignments.started_at must be a finite timestamp', 'S10: started_at = infinity is refused (22008)');
INSERT INTO hitlai.tester_assignments (test_run_id, tester_id)
  VALUES ('dddddddd-0000-4000-8000-0000000000a2', 'dddddddd-0000-4000-8000-0000000000f1');
SELECT throws_ok($$UPDATE hitlai.tester_assignments SET completed_at = '-infinity'
                    WHERE test_run_id = 'dddddddd-0000-4000-8000-0000000000a2'$$,
  '22008', 'tester_assignments.completed_at must be a finite timestamp', 'S10: completed_at = -infinity on an assignment is refused (22008)');
SELECT lives_ok($$UPDATE hitlai.test_runs SET status = 'completed' WHERE id = 'dddddddd-0000-4000-8000-0000000000a2'$$,
  'T4: a finite completion still works');

-- ---- J5/J6: exact numeric ranges (no rounding through double)
CREATE FUNCTION pg_temp.out_ok(x text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  PERFORM hitlai.validate_training_output(('{"sentiment_score": ' || x ||
          ', "issues": [], "recommendations": [], "positives": []}')::jsonb);
  RETURN true;
EXCEPTION WHEN check_violation THEN RETURN false;
END $$;
CREATE FUNCTION pg_temp.hp_ok(k text, x text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  PERFORM hitlai.validate_hyperparameters(jsonb_build_object(k, x::jsonb));
  RETURN true;
EXCEPTION WHEN check_violation THEN RETURN false;
END $$;
SELECT is(pg_temp.out_ok('1.000000000000000000000000000001'), false, 'J5: sentiment 1 + 1e-30 is out of range');
SELECT is(pg_temp.out_ok('0.999999999999999999999999999999'), true, 'J5: sentiment 1 - 1e-30 is in range');
SELECT is(pg_temp.out_ok('-1e-400'), false, 'J5: sentiment -1e-400 is out of range');
SELECT is(pg_temp.out_ok('1e-400'), true, 'J5: sentiment 1e-400 is in range');
SELECT is(pg_temp.out_ok('100000000000000000000000000000e-29'), true, 'J5: a 30-digit 1 is in range');
SELECT is(pg_temp.hp_ok('learning_rate_multiplier', '1e-400'), true, 'J6: learning_rate_multiplier 1e-400 > 0 is accepted');
SELECT is(pg_temp.hp_ok('learning_rate_multiplier', '-1e-400'), false, 'J6: learning_rate_multiplier -1e-400 is refused');
SELECT is(pg_temp.hp_ok('learning_rate_multiplier', '0e-400'), false, 'J6: learning_rate_multiplier 0e-400 is refused');
SELECT is(pg_temp.hp_ok('n_epochs', '50.000000000000000000000000000001'), false, 'J6: n_epochs 50 + 1e-30 is refused');
SELECT is(pg_temp.hp_ok('n_epochs', '50.000000000000000000000000000000'), true, 'J6: n_epochs 50.000... (30 zeros) is accepted');
SELECT is(pg_temp.hp_ok('batch_size', '256000000000000000000000000000e-27'), true, 'J6: batch_size 256 written with 30 digits is accepted');
-- fuzz: 2000 numbers of up to 40 significant digits just around the bounds 0 and 1;
-- the validator's verdict must equal PostgreSQL's exact numeric comparison
SELECT is((SELECT count(*)::int FROM (
  SELECT x, pg_temp.out_ok(x::text) AS got, (x >= 0 AND x <= 1) AS want
    FROM (SELECT (CASE WHEN i % 2 = 0 THEN 0 ELSE 1 END
                  + (CASE WHEN random() < 0.5 THEN -1 ELSE 1 END)
                    * trunc((random() * 1e12)::numeric) * power(10::numeric, -(12 + (i % 29))))::numeric AS x
            FROM generate_series(1, 2000) i) s) t WHERE got <> want), 0,
  'J5: fuzzed sentiment scores around 0 and 1 (up to 40 digits) are judged exactly');
SELECT is((SELECT count(*)::int FROM (
  SELECT pg_temp.hp_ok('learning_rate_multiplier', x::text) AS got, x > 0 AS want
    FROM (SELECT ((CASE WHEN random() < 0.5 THEN -1 ELSE 1 END) * (1 + trunc((random() * 1e9)::numeric))
                  * power(10::numeric, -(i % 400)))::numeric AS x
            FROM generate_series(1, 1000) i) s) t WHERE got <> want), 0,
  'J6: fuzzed learning_rate_multiplier values down to 1e-400 are judged exactly');

-- ---- D18: no duplicate webhook events
SELECT is(pg_temp.err($$INSERT INTO hitlai.webhooks (company_id, url, events)
                        VALUES ('dddddddd-0000-4000-8000-000000000001', 'https://i.test/h',
                                '{test_run.created,test_run.completed,test_run.created}')$$),
  '23514 | invalid value in column "events" of relation "webhooks" | events[3]: duplicate value "test_run.created"',
  'D18: duplicate entries in webhooks.events are refused (23514, position named)');
INSERT INTO hitlai.webhooks (id, company_id, url, events) VALUES
  ('dddddddd-0000-4000-8000-0000000000b1', 'dddddddd-0000-4000-8000-000000000001', 'https://i.test/h', '{issue.created}');
SELECT throws_ok($$UPDATE hitlai.webhooks SET events = '{issue.created,issue.created}'
                    WHERE id = 'dddddddd-0000-4000-8000-0000000000b1'$$,
  '23514', NULL, 'D18: ... also by UPDATE');
SELECT lives_ok($$UPDATE hitlai.webhooks SET events = '{issue.created,test_run.failed}'
                   WHERE id = 'dddddddd-0000-4000-8000-0000000000b1'$$, 'D18: distinct events are accepted');

SELECT * FROM finish();
ROLLBACK;
