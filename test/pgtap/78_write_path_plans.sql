-- T2, T3, T6, J5 (write path): a one-run statement reads the big tables through their
-- indexes, never by a scan of every row, even with plans made on stale statistics.
-- The tables are filled in this transaction and never analyzed (what the planner sees
-- in a long-lived session after the data has grown); pg_stat_xact_user_tables counts
-- the rows each table's sequential scans read in this transaction.
-- The session first takes one run through its whole life while the tables are still
-- small, so every one-run plan hitlai keeps for the session is made then: a plan that
-- scans a table it found small would read every row once the table has grown.
BEGIN;
SELECT plan(11);

INSERT INTO hitlai.companies (id, name, email, monthly_test_quota)
  VALUES ('cccccccc-0000-4000-8000-000000000001', 'Plans', 'ops@plans.test', NULL);

-- A probe plan whose planning fails (a test hook raises XX000 after the planner settings
-- were switched off) leaves the session's settings as they were once the failed
-- statement is rolled back (throws_ok runs it in a subtransaction), and the statement
-- then plans and runs. (A statement of two runs: Q1's company update of several runs is
-- a probe-plan statement; that of one run writes the company row without a statement.)
CREATE FUNCTION pg_temp.fail_next_probe_planning() RETURNS int4
  LANGUAGE c AS 'hitlai', 'hitlai_test_fail_next_probe_planning';
CREATE FUNCTION pg_temp.planner_settings() RETURNS text LANGUAGE sql AS $$
  SELECT string_agg(current_setting(n), ',' ORDER BY n)
    FROM unnest(ARRAY['enable_seqscan', 'enable_hashjoin', 'enable_mergejoin', 'jit']) n $$;
CREATE TEMP TABLE settings_before AS SELECT pg_temp.planner_settings() AS s;
SELECT pg_temp.fail_next_probe_planning();
SELECT throws_ok(
  $$INSERT INTO hitlai.test_runs (id, company_id, url, mission)
      VALUES ('eeeeeeee-0000-4000-8000-400000000000', 'cccccccc-0000-4000-8000-000000000001',
              'https://plans.test', 'm'),
             ('eeeeeeee-0000-4000-8000-400000000001', 'cccccccc-0000-4000-8000-000000000001',
              'https://plans.test', 'm')$$,
  'XX000', 'hitlai test: probe planning failed',
  'a failing probe planning fails its statement');
SELECT is(pg_temp.planner_settings(), (SELECT s FROM settings_before),
          'the failed probe planning left no planner setting changed');
SELECT lives_ok(
  $$INSERT INTO hitlai.test_runs (id, company_id, url, mission)
      VALUES ('eeeeeeee-0000-4000-8000-400000000000', 'cccccccc-0000-4000-8000-000000000001',
              'https://plans.test', 'm'),
             ('eeeeeeee-0000-4000-8000-400000000001', 'cccccccc-0000-4000-8000-000000000001',
              'https://plans.test', 'm')$$,
  'the statement plans and runs after the failure');
INSERT INTO hitlai.human_testers (id, user_id, email, display_name)
  VALUES ('dddddddd-0000-4000-8000-100000000000', gen_random_uuid(), 'early@plans.test', 'Early');
INSERT INTO hitlai.test_runs (id, company_id, url, mission)
  VALUES ('eeeeeeee-0000-4000-8000-100000000000', 'cccccccc-0000-4000-8000-000000000001',
          'https://plans.test', 'm');
UPDATE hitlai.test_runs SET status = 'running' WHERE id = 'eeeeeeee-0000-4000-8000-100000000000';
UPDATE hitlai.test_runs SET status = 'completed', cost = 10,
       tester_id = 'dddddddd-0000-4000-8000-100000000000'
 WHERE id = 'eeeeeeee-0000-4000-8000-100000000000';
UPDATE hitlai.test_runs SET company_ai_rating = 5 WHERE id = 'eeeeeeee-0000-4000-8000-100000000000';
INSERT INTO hitlai.issues (test_run_id, title, severity)
  VALUES ('eeeeeeee-0000-4000-8000-100000000000', 'early', 'low'),
         ('eeeeeeee-0000-4000-8000-100000000000', 'early too', 'high');
-- and a statement of 40 runs (an UPDATE of n runs works on n rows, not 2n)
INSERT INTO hitlai.test_runs (id, company_id, url, mission, status)
  SELECT ('eeeeeeee-0000-4000-8000-1' || lpad(g::text, 11, '0'))::uuid,
         'cccccccc-0000-4000-8000-000000000001', 'https://plans.test', 'm', 'running'
    FROM generate_series(1, 40) g;
UPDATE hitlai.test_runs SET status = 'completed', cost = 10,
       tester_id = 'dddddddd-0000-4000-8000-100000000000'
 WHERE id::text LIKE 'eeeeeeee-0000-4000-8000-1000000000__'
   AND id <> 'eeeeeeee-0000-4000-8000-100000000000';
INSERT INTO hitlai.human_testers (id, user_id, email, display_name)
  SELECT ('dddddddd-0000-4000-8000-' || lpad(g::text, 12, '0'))::uuid, gen_random_uuid(),
         't' || g || '@plans.test', 'T' || g
    FROM generate_series(1, 3000) g;
INSERT INTO hitlai.test_runs (id, company_id, tester_id, url, mission, status)
  SELECT ('eeeeeeee-0000-4000-8000-' || lpad(g::text, 12, '0'))::uuid,
         'cccccccc-0000-4000-8000-000000000001',
         ('dddddddd-0000-4000-8000-' || lpad((1 + g % 3000)::text, 12, '0'))::uuid,
         'https://plans.test', 'm', 'running'
    FROM generate_series(1, 3000) g;
INSERT INTO hitlai.test_runs (id, company_id, url, mission, status, company_ai_rating)
  SELECT ('ffffffff-0000-4000-8000-' || lpad(g::text, 12, '0'))::uuid,
         'cccccccc-0000-4000-8000-000000000001', 'https://plans.test', 'm', 'completed', 5
    FROM generate_series(1, 3000) g;
INSERT INTO hitlai.companies (id, name, email, monthly_test_quota)
  SELECT ('cccccccc-0000-4000-8000-' || lpad(g::text, 12, '0'))::uuid, 'Filler ' || g,
         'ops' || g || '@plans.test', NULL
    FROM generate_series(2, 3000) g;
INSERT INTO hitlai.tester_assignments (test_run_id, tester_id, status)
  SELECT r.id, ('dddddddd-0000-4000-8000-' || lpad((1 + (g + 7) % 3000)::text, 12, '0'))::uuid, 'started'
    FROM hitlai.test_runs r CROSS JOIN generate_series(1, 2) g
   WHERE r.company_id = 'cccccccc-0000-4000-8000-000000000001' AND r.status = 'running';
INSERT INTO hitlai.issues (test_run_id, title, severity)
  SELECT r.id, 'issue ' || g, 'low'
    FROM hitlai.test_runs r CROSS JOIN generate_series(1, 2) g
   WHERE r.company_id = 'cccccccc-0000-4000-8000-000000000001';

CREATE TEMP TABLE seq_before AS
  SELECT relname, seq_tup_read FROM pg_stat_xact_user_tables WHERE schemaname = 'hitlai';
CREATE FUNCTION pg_temp.seq_read(t text) RETURNS bigint LANGUAGE sql AS $$
  SELECT s.seq_tup_read - COALESCE(b.seq_tup_read, 0)
    FROM pg_stat_xact_user_tables s LEFT JOIN seq_before b USING (relname)
   WHERE s.schemaname = 'hitlai' AND s.relname = t $$;

-- Each step of a run's life, one run at a time, then 40 runs completed by one statement.
INSERT INTO hitlai.test_runs (id, company_id, url, mission)
  VALUES ('eeeeeeee-0000-4000-8000-200000000000', 'cccccccc-0000-4000-8000-000000000001',
          'https://plans.test', 'm');
UPDATE hitlai.test_runs SET status = 'running' WHERE id = 'eeeeeeee-0000-4000-8000-200000000000';
UPDATE hitlai.test_runs SET status = 'completed', cost = 10
 WHERE id = 'eeeeeeee-0000-4000-8000-000000000001';
UPDATE hitlai.test_runs SET company_ai_rating = 5
 WHERE id = 'eeeeeeee-0000-4000-8000-000000000001';
INSERT INTO hitlai.issues (test_run_id, title, severity)
  VALUES ('eeeeeeee-0000-4000-8000-000000000001', 'one more', 'high');
UPDATE hitlai.test_runs SET tester_id = 'dddddddd-0000-4000-8000-000000000009'
 WHERE id = 'eeeeeeee-0000-4000-8000-000000000002';
INSERT INTO hitlai.test_runs (company_id, tester_id, url, mission, status, cost)
  VALUES ('cccccccc-0000-4000-8000-000000000001', 'dddddddd-0000-4000-8000-000000000011',
          'https://plans.test', 'm', 'completed', 5);

INSERT INTO hitlai.test_runs (id, company_id, url, mission, status)
  SELECT ('eeeeeeee-0000-4000-8000-3' || lpad(g::text, 11, '0'))::uuid,
         'cccccccc-0000-4000-8000-000000000001', 'https://plans.test', 'm', 'running'
    FROM generate_series(1, 40) g;
-- (the statement itself finds its 40 runs by index whatever this database's statistics
-- say; the plans hitlai kept from the first 40-run statement are not made again)
SET LOCAL enable_seqscan = off;
UPDATE hitlai.test_runs SET status = 'completed', cost = 10,
       tester_id = 'dddddddd-0000-4000-8000-100000000000'
 WHERE id = ANY (ARRAY(SELECT ('eeeeeeee-0000-4000-8000-3' || lpad(g::text, 11, '0'))::uuid
                         FROM generate_series(1, 40) g));
SET LOCAL enable_seqscan = on;

SELECT cmp_ok(pg_temp.seq_read('human_testers'), '<', 100::bigint,
              'T3: one run''s updates read testers by primary key, not all 3000');
SELECT cmp_ok(pg_temp.seq_read('tester_assignments'), '<', 100::bigint,
              'T3: one run''s credit reads its assignments by index, not all 6000');
SELECT cmp_ok(pg_temp.seq_read('issues'), '<', 100::bigint,
              'J5, T2: one issue''s checks read the run''s issues by index, not all 6000');
SELECT cmp_ok(pg_temp.seq_read('test_runs'), '<', 100::bigint,
              'T3, T6: one run''s statements lock and update it by primary key, not all 3000');
SELECT cmp_ok(pg_temp.seq_read('training_data'), '<', 100::bigint,
              'T2: one run''s training row is found by its run, not by reading them all');
SELECT cmp_ok(pg_temp.seq_read('companies'), '<', 100::bigint,
              'Q1, V1: one run''s company is found by primary key');
SELECT is(current_setting('enable_seqscan') || current_setting('enable_hashjoin')
            || current_setting('enable_mergejoin'), 'ononon',
          'the settings the probe plans are made with do not outlive their planning');
SELECT is((SELECT tests_completed FROM hitlai.human_testers
            WHERE id = 'dddddddd-0000-4000-8000-000000000002'), 1,
          'T3: the run''s tester was credited');

SELECT * FROM finish();
ROLLBACK;
