-- T3: tester stats: credit on completion (to the cent), assignments, average_rating.
BEGIN;
SELECT plan(33);

INSERT INTO hitlai.companies (id, name, email, monthly_test_quota) VALUES ('00000000-0000-0000-0000-0000000000d1', 'T', 't@t.io', NULL);
INSERT INTO hitlai.human_testers (id, user_id, email, display_name, revenue_share_pct) VALUES
  ('00000000-0000-0000-0000-000000000001', gen_random_uuid(), 'a@t.io', 'A', 70),
  ('00000000-0000-0000-0000-000000000002', gen_random_uuid(), 'b@t.io', 'B', 80.5),
  ('00000000-0000-0000-0000-000000000003', gen_random_uuid(), 'c@t.io', 'C', 50),
  ('00000000-0000-0000-0000-000000000004', gen_random_uuid(), 'd@t.io', 'D', 50);
CREATE FUNCTION pg_temp.stats(t int) RETURNS text LANGUAGE sql AS $$
  SELECT (tests_completed, total_earnings, average_rating)::text FROM hitlai.human_testers
   WHERE id = ('00000000-0000-0000-0000-00000000000' || t)::uuid $$;

-- hybrid run: tester_id A, assignments B (started), C (assigned), D (declined: not credited)
INSERT INTO hitlai.test_runs (id, company_id, tester_id, url, mission, test_type, cost, status)
  VALUES ('00000000-0000-0000-0000-0000000000f1', '00000000-0000-0000-0000-0000000000d1',
          '00000000-0000-0000-0000-000000000001', 'https://a.io', 'm', 'hybrid', 123.45, 'running');
INSERT INTO hitlai.tester_assignments (test_run_id, tester_id, status) VALUES
  ('00000000-0000-0000-0000-0000000000f1', '00000000-0000-0000-0000-000000000002', 'started'),
  ('00000000-0000-0000-0000-0000000000f1', '00000000-0000-0000-0000-000000000003', 'assigned'),
  ('00000000-0000-0000-0000-0000000000f1', '00000000-0000-0000-0000-000000000004', 'declined');
UPDATE hitlai.test_runs SET status = 'completed', company_ai_rating = 4 WHERE id = '00000000-0000-0000-0000-0000000000f1';
-- 123.45 * 70 / 100 / 3 = 28.805 -> 28.81; * 80.5 -> 33.12575 -> 33.13; * 50 -> 20.575 -> 20.58
SELECT is(pg_temp.stats(1), '(1,28.81,4.00)', 'T3: tester_id credited: round(cost*pct/100/3, 2) = 28.81');
SELECT is(pg_temp.stats(2), '(1,33.13,4.00)', 'T3: started assignment credited: 33.13 (half up)');
SELECT is(pg_temp.stats(3), '(1,20.58,4.00)', 'T3: assigned assignment credited: 20.58');
SELECT is(pg_temp.stats(4), '(0,0.00,0.00)', 'T3: declined assignment not credited');
SELECT is((SELECT array_agg(status ORDER BY tester_id) FROM hitlai.tester_assignments),
          ARRAY['completed', 'completed', 'completed', 'declined'],
          'T3: credited testers'' assignments are completed, tester_id''s created');
SELECT is((SELECT count(*) FROM hitlai.tester_assignments WHERE completed_at = now()), 3::bigint,
          'T3: completed_at = now() on credited assignments');

-- rating changed after completion
UPDATE hitlai.test_runs SET company_ai_rating = 2 WHERE id = '00000000-0000-0000-0000-0000000000f1';
SELECT is(pg_temp.stats(1), '(1,28.81,2.00)', 'T3: average_rating follows a rating change after completion');
-- a second run, inserted completed, for A only
INSERT INTO hitlai.test_runs (id, company_id, tester_id, url, mission, cost, status, company_ai_rating)
  VALUES ('00000000-0000-0000-0000-0000000000f2', '00000000-0000-0000-0000-0000000000d1',
          '00000000-0000-0000-0000-000000000001', 'https://a.io', 'm', 10, 'completed', 5);
SELECT is(pg_temp.stats(1), '(2,35.81,3.50)', 'T3: a run inserted completed credits its tester; mean of 2 and 5');
INSERT INTO hitlai.test_runs (id, company_id, tester_id, url, mission, cost, status)
  VALUES ('00000000-0000-0000-0000-0000000000f3', '00000000-0000-0000-0000-0000000000d1',
          '00000000-0000-0000-0000-000000000001', 'https://a.io', 'm', 10, 'completed');
SELECT is(pg_temp.stats(1), '(3,42.81,3.50)', 'T3: unrated runs do not count in average_rating');
UPDATE hitlai.test_runs SET company_ai_rating = 1 WHERE id = '00000000-0000-0000-0000-0000000000f3';
SELECT is(pg_temp.stats(1), '(3,42.81,2.67)', 'T3: rating set after completion: round(8/3, 2)');
-- a deleted run leaves the mean, never the money
DELETE FROM hitlai.test_runs WHERE id = '00000000-0000-0000-0000-0000000000f2';
SELECT is(pg_temp.stats(1), '(3,42.81,1.50)', 'T3: deleting a rated run fixes average_rating; earnings stay');
DELETE FROM hitlai.test_runs;
SELECT is(pg_temp.stats(1) || pg_temp.stats(2), '(3,42.81,0.00)(1,33.13,0.00)', 'T3: no rated runs left: 0');
-- active assignments (V2 state)
INSERT INTO hitlai.test_runs (company_id, tester_id, url, mission, status)
  SELECT '00000000-0000-0000-0000-0000000000d1', '00000000-0000-0000-0000-000000000002', 'https://a.io', 'm', s
    FROM unnest(ARRAY['pending', 'running', 'failed', 'completed', 'pending']) s;
SELECT is((SELECT stats_active_assignments FROM hitlai.human_testers WHERE display_name = 'B'), 3::bigint,
          'V2: pending/running runs of the tester counted');
UPDATE hitlai.test_runs SET tester_id = '00000000-0000-0000-0000-000000000003' WHERE status = 'running';
UPDATE hitlai.test_runs SET status = 'failed' WHERE status = 'pending' AND tester_id IS NOT NULL
  AND id = (SELECT min(id::text)::uuid FROM hitlai.test_runs WHERE status = 'pending');
DELETE FROM hitlai.human_testers WHERE display_name = 'C';
SELECT is((SELECT stats_active_assignments FROM hitlai.human_testers WHERE display_name = 'B'), 1::bigint,
          'V2: tester change, status change and ON DELETE SET NULL keep the count');

-- One statement completing many runs (more than the 64 rows up to which the credit runs
-- one generic plan for every call) credits the same as a few: 100 runs of tester F with
-- an assignment of E on each, cost 1.01, two credited a run: round(1.01*50/100/2, 2)
-- = 0.25 each (0.2525), and 3 more runs the same way in a second statement.
DELETE FROM hitlai.test_runs;
INSERT INTO hitlai.human_testers (id, user_id, email, display_name, revenue_share_pct) VALUES
  ('00000000-0000-0000-0000-000000000005', gen_random_uuid(), 'e@t.io', 'E', 50),
  ('00000000-0000-0000-0000-000000000006', gen_random_uuid(), 'f@t.io', 'F', 50);
INSERT INTO hitlai.test_runs (id, company_id, tester_id, url, mission, cost, status)
  SELECT ('00000000-0000-0000-0001-' || lpad(g::text, 12, '0'))::uuid,
         '00000000-0000-0000-0000-0000000000d1', '00000000-0000-0000-0000-000000000006',
         'https://a.io', 'm', 1.01, 'running'
    FROM generate_series(1, 103) g;
INSERT INTO hitlai.tester_assignments (test_run_id, tester_id, status)
  SELECT id, '00000000-0000-0000-0000-000000000005', 'started' FROM hitlai.test_runs;
UPDATE hitlai.test_runs SET status = 'completed'
 WHERE id <= '00000000-0000-0000-0001-000000000100';
SELECT is(pg_temp.stats(5) || pg_temp.stats(6), '(100,25.00,0.00)(100,25.00,0.00)',
          'T3: 100 runs completed by one statement: each credited tester +100, 100 x 0.25');
UPDATE hitlai.test_runs SET status = 'completed' WHERE status = 'running';
SELECT is(pg_temp.stats(5) || pg_temp.stats(6), '(103,25.75,0.00)(103,25.75,0.00)',
          'T3: then 3 runs by one statement: +3, 3 x 0.25');

-- A run without a tester moved pending -> running concerns no tester (nothing locked);
-- given a tester while running, it counts as the tester's active run, until completed.
INSERT INTO hitlai.test_runs (id, company_id, url, mission, status)
  VALUES ('00000000-0000-0000-0000-0000000000f9', '00000000-0000-0000-0000-0000000000d1',
          'https://a.io', 'm', 'pending');
UPDATE hitlai.test_runs SET status = 'running' WHERE id = '00000000-0000-0000-0000-0000000000f9';
UPDATE hitlai.test_runs SET tester_id = '00000000-0000-0000-0000-000000000005'
 WHERE id = '00000000-0000-0000-0000-0000000000f9';
SELECT is((SELECT stats_active_assignments FROM hitlai.human_testers WHERE display_name = 'E'),
          1::bigint, 'V2: a tester given to a running run counts it as active');
UPDATE hitlai.test_runs SET status = 'completed' WHERE id = '00000000-0000-0000-0000-0000000000f9';
SELECT is(pg_temp.stats(5) || (SELECT stats_active_assignments FROM hitlai.human_testers
                                WHERE display_name = 'E'),
          '(104,25.75,0.00)0', 'T3, V2: completing it credits the tester (cost 0) and ends the active run');

-- A one-run completion without tester_id credits the run's assignments only.
INSERT INTO hitlai.test_runs (id, company_id, url, mission, cost, status)
  VALUES ('00000000-0000-0000-0000-0000000000fa', '00000000-0000-0000-0000-0000000000d1',
          'https://a.io', 'm', 4.00, 'running');
INSERT INTO hitlai.tester_assignments (test_run_id, tester_id, status)
  VALUES ('00000000-0000-0000-0000-0000000000fa', '00000000-0000-0000-0000-000000000006', 'started');
UPDATE hitlai.test_runs SET status = 'completed' WHERE id = '00000000-0000-0000-0000-0000000000fa';
SELECT is(pg_temp.stats(6), '(104,27.75,0.00)', 'T3: a run without tester_id credits its started assignment: 4.00 x 50 %');
-- Moving a pending run from one tester to another moves its active count.
INSERT INTO hitlai.test_runs (id, company_id, tester_id, url, mission, status)
  VALUES ('00000000-0000-0000-0000-0000000000fb', '00000000-0000-0000-0000-0000000000d1',
          '00000000-0000-0000-0000-000000000005', 'https://a.io', 'm', 'pending');
UPDATE hitlai.test_runs SET tester_id = '00000000-0000-0000-0000-000000000006'
 WHERE id = '00000000-0000-0000-0000-0000000000fb';
SELECT is((SELECT string_agg(stats_active_assignments::text, ',' ORDER BY id) FROM hitlai.human_testers
            WHERE display_name IN ('E', 'F')), '0,1',
          'V2: a pending run given to another tester moves its active count');

-- M1 for one inserted assignment (a single-row statement of its own): an open one
-- counts and moves stats_last_assigned_at; an older completed one moves neither.
INSERT INTO hitlai.human_testers (id, user_id, email, display_name) VALUES
  ('00000000-0000-0000-0000-000000000007', gen_random_uuid(), 'g@t.io', 'G');
INSERT INTO hitlai.tester_assignments (test_run_id, tester_id, status, assigned_at)
  VALUES ('00000000-0000-0000-0000-0000000000fb', '00000000-0000-0000-0000-000000000007',
          'assigned', now() - interval '1 hour');
SELECT is((SELECT (stats_open_assignments, stats_last_assigned_at)::text FROM hitlai.human_testers
            WHERE display_name = 'G'),
          (1::bigint, now() - interval '1 hour')::text, 'M1: one open assignment inserted: counted, latest time');
INSERT INTO hitlai.tester_assignments (test_run_id, tester_id, status, assigned_at)
  VALUES ('00000000-0000-0000-0000-0000000000fa', '00000000-0000-0000-0000-000000000007',
          'completed', now() - interval '2 hours');
SELECT is((SELECT (stats_open_assignments, stats_last_assigned_at)::text FROM hitlai.human_testers
            WHERE display_name = 'G'),
          (1::bigint, now() - interval '1 hour')::text, 'M1: an older completed assignment moves neither');
SELECT is_empty($$SELECT * FROM hitlai.check_stats() WHERE table_name = 'human_testers'$$,
                'V3: check_stats() finds every tester counter right after these statements');

-- One run completed by a one-row UPDATE whose tester also holds an assignment on it (one
-- share, not two), then a run without a tester, credited to its assignment alone.
INSERT INTO hitlai.human_testers (id, user_id, email, display_name, revenue_share_pct) VALUES
  ('00000000-0000-0000-0000-000000000009', gen_random_uuid(), 'i@t.io', 'I', 70),
  ('00000000-0000-0000-0000-000000000008', gen_random_uuid(), 'h@t.io', 'H', 80.5);
INSERT INTO hitlai.test_runs (id, company_id, tester_id, url, mission, cost, status) VALUES
  ('00000000-0000-0000-0000-0000000000a7', '00000000-0000-0000-0000-0000000000d1',
   '00000000-0000-0000-0000-000000000009', 'https://a.io', 'm', 10, 'running'),
  ('00000000-0000-0000-0000-0000000000a8', '00000000-0000-0000-0000-0000000000d1',
   NULL, 'https://a.io', 'm', 3, 'running');
INSERT INTO hitlai.tester_assignments (test_run_id, tester_id, status) VALUES
  ('00000000-0000-0000-0000-0000000000a7', '00000000-0000-0000-0000-000000000009', 'started'),
  ('00000000-0000-0000-0000-0000000000a7', '00000000-0000-0000-0000-000000000008', 'assigned'),
  ('00000000-0000-0000-0000-0000000000a8', '00000000-0000-0000-0000-000000000008', 'started');
UPDATE hitlai.test_runs SET status = 'completed' WHERE id = '00000000-0000-0000-0000-0000000000a7';
-- 10 * 70 / 100 / 2 = 3.50; 10 * 80.5 / 100 / 2 = 4.025 -> 4.03
SELECT is(pg_temp.stats(9) || pg_temp.stats(8), '(1,3.50,0.00)(1,4.03,0.00)',
          'T3: a tester with an assignment on its own run is credited once, the run split in two');
UPDATE hitlai.test_runs SET status = 'completed' WHERE id = '00000000-0000-0000-0000-0000000000a8';
-- 3 * 80.5 / 100 = 2.415 -> 2.42
SELECT is(pg_temp.stats(8), '(2,6.45,0.00)', 'T3: a run without a tester credits its assignment alone');

-- Rating one run (one-row UPDATEs): every completed assignment's tester follows, NULL
-- takes the rating out of the mean.
UPDATE hitlai.test_runs SET company_ai_rating = 5 WHERE id = '00000000-0000-0000-0000-0000000000a7';
UPDATE hitlai.test_runs SET company_ai_rating = 2 WHERE id = '00000000-0000-0000-0000-0000000000a8';
SELECT is(pg_temp.stats(9) || pg_temp.stats(8), '(1,3.50,5.00)(2,6.45,3.50)',
          'T3: a one-run rating reaches each completed assignment''s tester');
UPDATE hitlai.test_runs SET company_ai_rating = NULL WHERE id = '00000000-0000-0000-0000-0000000000a7';
UPDATE hitlai.test_runs SET company_ai_rating = 3 WHERE id = '00000000-0000-0000-0000-0000000000a8';
SELECT is(pg_temp.stats(9) || pg_temp.stats(8)
          || (SELECT count(*) FROM hitlai.check_stats() WHERE table_name = 'human_testers'),
          '(1,3.50,0.00)(2,6.45,3.00)0',
          'T3: a rating set to NULL leaves the mean, a changed one replaces it; check_stats agrees');

-- Assignments inserted one at a time (the one-row INSERT reads the run's rating by key):
-- a completed one on a rated run adds the rating, on an unrated run or not completed
-- nothing; a later move to completed (an UPDATE) adds it then.
INSERT INTO hitlai.test_runs (id, company_id, url, mission, status, company_ai_rating) VALUES
  ('00000000-0000-0000-0000-0000000000b1', '00000000-0000-0000-0000-0000000000d1', 'https://a.io', 'm', 'completed', 4),
  ('00000000-0000-0000-0000-0000000000b2', '00000000-0000-0000-0000-0000000000d1', 'https://a.io', 'm', 'completed', NULL);
INSERT INTO hitlai.tester_assignments (test_run_id, tester_id, status)
  VALUES ('00000000-0000-0000-0000-0000000000b1', '00000000-0000-0000-0000-000000000009', 'completed');
INSERT INTO hitlai.tester_assignments (test_run_id, tester_id, status)
  VALUES ('00000000-0000-0000-0000-0000000000b2', '00000000-0000-0000-0000-000000000009', 'completed');
INSERT INTO hitlai.tester_assignments (test_run_id, tester_id, status)
  VALUES ('00000000-0000-0000-0000-0000000000b1', '00000000-0000-0000-0000-000000000008', 'started');
SELECT is((SELECT stats_rating_sum || '/' || stats_rating_count FROM hitlai.human_testers
            WHERE id = '00000000-0000-0000-0000-000000000009')
          || ' ' || pg_temp.stats(8), '4/1 (2,6.45,3.00)',
          'T3: a completed assignment inserted alone adds its rated run''s rating, nothing else does');
UPDATE hitlai.tester_assignments SET status = 'completed'
 WHERE test_run_id = '00000000-0000-0000-0000-0000000000b1' AND tester_id = '00000000-0000-0000-0000-000000000008';
SELECT is(pg_temp.stats(8) || (SELECT count(*) FROM hitlai.check_stats() WHERE table_name = 'human_testers'),
          '(2,6.45,3.50)0', 'T3: the assignment moved to completed adds the rating; check_stats agrees');

-- A completion that credits a tester who has no assignment on the run inserts the
-- completed assignment without kCreditAssignments (docs/internals.md, "One run without
-- read queries"), and does what tester_assignments' INSERT triggers do: M1's latest
-- assigned_at, the run's rating when the same statement rates it. With a trigger a user
-- adds to tester_assignments the statement runs, and fires it. (pg_stat_xact_user_functions
-- counts the calls of the statement's BEFORE INSERT trigger guard_insert_defaults.)
SET LOCAL track_functions = 'all';
CREATE FUNCTION pg_temp.guard_calls() RETURNS bigint LANGUAGE sql AS $$
  SELECT coalesce(sum(calls), 0) FROM pg_stat_xact_user_functions
   WHERE schemaname = 'hitlai' AND funcname = 'guard_insert_defaults' $$;
CREATE TEMP TABLE g_before AS SELECT pg_temp.guard_calls() AS n;
INSERT INTO hitlai.human_testers (id, user_id, email, display_name) VALUES
  ('00000000-0000-0000-0000-0000000000e5', gen_random_uuid(), 'e5@t.io', 'E5'),
  ('00000000-0000-0000-0000-0000000000e6', gen_random_uuid(), 'e6@t.io', 'E6');
INSERT INTO hitlai.test_runs (id, company_id, tester_id, url, mission, cost, status) VALUES
  ('00000000-0000-0000-0000-0000000000c1', '00000000-0000-0000-0000-0000000000d1',
   '00000000-0000-0000-0000-0000000000e5', 'https://a.io', 'm', 10.00, 'running'),
  ('00000000-0000-0000-0000-0000000000c2', '00000000-0000-0000-0000-0000000000d1',
   '00000000-0000-0000-0000-0000000000e6', 'https://a.io', 'm', 10.00, 'running');
UPDATE g_before SET n = pg_temp.guard_calls();
UPDATE hitlai.test_runs SET status = 'completed', company_ai_rating = 5 WHERE id = '00000000-0000-0000-0000-0000000000c1';
SELECT is((SELECT (pg_temp.guard_calls() - (SELECT n FROM g_before)) || '/' || a.status || '/'
                  || (a.assigned_at = now()) || '/' || (a.completed_at = now()) || '/'
                  || (h.stats_last_assigned_at = now()) || '/' || h.stats_open_assignments || '/' || (h.tests_completed, h.total_earnings, h.average_rating)::text
             FROM hitlai.tester_assignments a JOIN hitlai.human_testers h ON h.id = a.tester_id
            WHERE a.test_run_id = '00000000-0000-0000-0000-0000000000c1'),
          '0/completed/true/true/true/0/(1,7.00,5.00)',
          'T3: the credit inserts a tester''s missing assignment without the statement, with M1''s counters and the rating');
SELECT is((SELECT count(*) FROM hitlai.check_stats() WHERE table_name = 'human_testers'), 0::bigint,
          'T3/M1: check_stats agrees after that insert');
CREATE TEMP TABLE asg_seen (n int);
CREATE FUNCTION pg_temp.asg_note() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN INSERT INTO asg_seen VALUES (1); RETURN NULL; END $$;
CREATE TRIGGER zz_note AFTER INSERT ON hitlai.tester_assignments FOR EACH ROW EXECUTE FUNCTION pg_temp.asg_note();
UPDATE g_before SET n = pg_temp.guard_calls();
UPDATE hitlai.test_runs SET status = 'completed', company_ai_rating = 5 WHERE id = '00000000-0000-0000-0000-0000000000c2';
SELECT is((SELECT count(*) FROM asg_seen) || '/' || (pg_temp.guard_calls() - (SELECT n FROM g_before)) || '/'
          || (SELECT (tests_completed, total_earnings, average_rating)::text FROM hitlai.human_testers
                               WHERE id = '00000000-0000-0000-0000-0000000000e6') || '/' || (SELECT status FROM hitlai.tester_assignments
                                          WHERE test_run_id = '00000000-0000-0000-0000-0000000000c2'),
          '1/1/(1,7.00,5.00)/completed',
          'T3: with a trigger on tester_assignments, the credit runs its statement, which fires it');
DROP TRIGGER zz_note ON hitlai.tester_assignments;
-- Both ways in one credit: the run's tester has no assignment (inserted directly), an
-- assigned tester has one (completed by the statement's DO UPDATE); shares, ratings and
-- M1's counters exact.
INSERT INTO hitlai.human_testers (id, user_id, email, display_name) VALUES
  ('00000000-0000-0000-0000-0000000000e7', gen_random_uuid(), 'e7@t.io', 'E7'),
  ('00000000-0000-0000-0000-0000000000e8', gen_random_uuid(), 'e8@t.io', 'E8');
INSERT INTO hitlai.test_runs (id, company_id, tester_id, url, mission, cost, status) VALUES
  ('00000000-0000-0000-0000-0000000000c3', '00000000-0000-0000-0000-0000000000d1',
   '00000000-0000-0000-0000-0000000000e7', 'https://a.io', 'm', 20.00, 'running');
INSERT INTO hitlai.tester_assignments (test_run_id, tester_id)
  VALUES ('00000000-0000-0000-0000-0000000000c3', '00000000-0000-0000-0000-0000000000e8');
UPDATE g_before SET n = pg_temp.guard_calls();
UPDATE hitlai.test_runs SET status = 'completed', company_ai_rating = 4 WHERE id = '00000000-0000-0000-0000-0000000000c3';
SELECT is((SELECT (pg_temp.guard_calls() - (SELECT n FROM g_before)) || '/'
                  || string_agg(a.status || (h.tests_completed, h.total_earnings, h.average_rating)::text
                                || h.stats_rating_count || '/' || h.stats_open_assignments, ' ' ORDER BY h.display_name)
                  || '/' || (SELECT count(*) FROM hitlai.check_stats() WHERE table_name = 'human_testers')
             FROM hitlai.tester_assignments a JOIN hitlai.human_testers h ON h.id = a.tester_id
            WHERE a.test_run_id = '00000000-0000-0000-0000-0000000000c3'),
          '1/completed(1,7.00,4.00)1/0 completed(1,7.00,4.00)1/0/0',
          'T3: one credit inserting one tester''s assignment directly and completing another''s by the statement');

SELECT * FROM finish();
ROLLBACK;
