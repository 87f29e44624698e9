-- M1-M3: hitlai.assign_testers: arguments and strict criteria, run states, eligibility,
-- every criterion, the order of choice, max_active, no tester twice on a run, company
-- members never on their own company's runs, callers, and the stats columns behind it
-- (open assignments, latest assignment) with check_stats()/rebuild_stats().
BEGIN;
SELECT plan(60);

CREATE ROLE hl_as_app NOLOGIN;
CREATE ROLE hl_as_anon NOLOGIN;
DO $$ BEGIN
  PERFORM hitlai.grant_app_role('hl_as_app');
  PERFORM hitlai.grant_anon_role('hl_as_anon');
END $$;
GRANT EXECUTE ON FUNCTION hitlai.assign_testers(uuid, integer, jsonb) TO hl_as_app;  -- 0.3.0 grants part

CREATE PROCEDURE pg_temp.become(r text, k text) LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('SET LOCAL ROLE %I', r);
  PERFORM set_config('request.jwt.claims',
    CASE WHEN k IS NULL THEN '' ELSE json_build_object('sub', '10000000-0000-4000-8000-0000000000' || k)::text END, true);
END $$;
-- The testers (display names) assign_testers would pick, in its order, without keeping
-- the assignments (the exception rolls them back; the variable keeps the answer).
-- tester names readable by every role (human_testers is under RLS)
CREATE TEMP TABLE names (id uuid, display_name text);
GRANT SELECT ON names TO PUBLIC;
CREATE FUNCTION pg_temp.pick(run text, crit jsonb DEFAULT '{}', wanted int DEFAULT 100) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE res text;
BEGIN
  BEGIN
    SELECT string_agg(h.display_name, ',' ORDER BY o) INTO res
      FROM hitlai.assign_testers(('30000000-0000-4000-8000-0000000000' || run)::uuid, wanted, crit) WITH ORDINALITY a(id, test_run_id, tester_id, assigned_at, started_at, completed_at, status, o)
      JOIN pg_temp.names h ON h.id = a.tester_id;
    RAISE EXCEPTION 'undo' USING ERRCODE = 'P0001';
  EXCEPTION WHEN SQLSTATE 'P0001' THEN
    RETURN coalesce(res, '');
  END;
END $$;
GRANT EXECUTE ON FUNCTION pg_temp.pick(text, jsonb, int) TO PUBLIC;
CREATE FUNCTION pg_temp.run(k text) RETURNS uuid LANGUAGE sql AS $$ SELECT ('30000000-0000-4000-8000-0000000000' || k)::uuid $$;
CREATE FUNCTION pg_temp.tester(k text) RETURNS uuid LANGUAGE sql AS $$ SELECT ('20000000-0000-4000-8000-0000000000' || replace(k, 't', '0'))::uuid $$;
GRANT EXECUTE ON FUNCTION pg_temp.run(text), pg_temp.tester(text) TO PUBLIC;

INSERT INTO hitlai.companies (id, name, email, monthly_test_quota) VALUES
  ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'Alpha', 'ops@alpha.test', NULL),
  ('bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', 'Beta', 'ops@beta.test', NULL);
INSERT INTO hitlai.company_members (company_id, user_id, role, joined_at)
SELECT c::uuid, ('10000000-0000-4000-8000-0000000000' || k)::uuid, r, j FROM (VALUES
  ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'a1', 'owner', now()),
  ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'a2', 'admin', now()),
  ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'a3', 'member', now()),
  ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'a4', 'viewer', now()),
  ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'a5', 'member', NULL),
  ('bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', 'b1', 'owner', now())) v(c, k, r, j);
-- t1..t4 eligible, t5 not verified, t6 is member a3 of Alpha, t7 invited (a5) to Alpha.
INSERT INTO hitlai.human_testers (id, user_id, email, display_name, languages, location_country, primary_device,
                                  previous_platforms, tech_literacy, average_rating, tests_completed, is_verified)
SELECT pg_temp.tester(k), ('10000000-0000-4000-8000-0000000000' || u)::uuid, k || '@people.test', k, l, c, d, p, t, r, n, v
  FROM (VALUES
  ('t1', 'c1', '{English,German}'::text[], 'DE', 'desktop', '{Maze}'::text[], 'expert', 4.8, 10, true),
  ('t2', 'c2', '{English}', 'US', 'mobile', '{UserTesting}', 'high', 4.5, 3, true),
  ('t3', 'c3', '{English,French}', 'FR', 'mobile', '{}', 'medium', 4.9, 5, true),
  ('t4', 'c4', '{German}', 'DE', 'tablet', '{Maze,UserTesting}', 'low', 3.0, 0, true),
  ('t5', 'c5', '{English}', 'US', 'desktop', '{}', 'expert', 5.0, 50, false),
  ('t6', 'a3', '{English}', 'US', 'desktop', '{}', 'expert', 5.0, 50, true),
  ('t7', 'a5', '{English}', 'US', 'desktop', '{}', 'expert', 5.0, 50, true)) v(k, u, l, c, d, p, t, r, n, v);
INSERT INTO names SELECT id, display_name FROM hitlai.human_testers;
INSERT INTO hitlai.test_runs (id, company_id, url, mission, status, test_type)
SELECT pg_temp.run(k), c::uuid, 'https://app.test', 'm', s, 'hybrid' FROM (VALUES
  ('a1', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'pending'),
  ('a2', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'running'),
  ('a3', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'completed'),
  ('a4', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'failed'),
  ('a6', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'pending'),
  ('a7', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'pending'),
  ('b1', 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', 'pending')) v(k, c, s);

-- ---------------------------------------------------------------- arguments
SELECT throws_ok($$SELECT * FROM hitlai.assign_testers(pg_temp.run('a1'), 0)$$, '22023', 'wanted must be between 1 and 100, got 0', 'M1: wanted 0 is invalid');
SELECT throws_ok($$SELECT * FROM hitlai.assign_testers(pg_temp.run('a1'), 101)$$, '22023', NULL, 'M1: wanted 101 is invalid');
SELECT throws_ok($$SELECT * FROM hitlai.assign_testers(pg_temp.run('a1'), NULL)$$, '22023', NULL, 'M1: wanted NULL is invalid');
SELECT throws_ok($$SELECT * FROM hitlai.assign_testers(NULL, 1)$$, '22023', NULL, 'M1: run_id NULL is invalid');
SELECT throws_ok($$SELECT * FROM hitlai.assign_testers(pg_temp.run('a1'), 1, '{"language": ["English"]}')$$, '22023',
                 'unknown criteria key "language"', 'M1: an unknown criteria key is refused, named (a typo must not match everyone)');
SELECT throws_ok($$SELECT * FROM hitlai.assign_testers(pg_temp.run('a1'), 1, '{"languages": "English"}')$$, '22023',
                 'invalid criteria key "languages": expected an array of non-empty strings', 'M1: languages must be an array of strings');
SELECT throws_ok($$SELECT * FROM hitlai.assign_testers(pg_temp.run('a1'), 1, '{"min_rating": "4"}')$$, '22023',
                 'invalid criteria key "min_rating": expected a number from 0 to 5', 'M1: min_rating must be a number');
SELECT throws_ok($$SELECT * FROM hitlai.assign_testers(pg_temp.run('a1'), 1, '{"max_active": 51}')$$, '22023',
                 'invalid criteria key "max_active": expected an integer from 1 to 50', 'M1: max_active is 1..50');
SELECT throws_ok($$SELECT * FROM hitlai.assign_testers(pg_temp.run('a1'), 1, '{"countries": ["de"]}')$$, '22023',
                 NULL, 'M1: countries are upper-case ISO codes');
SELECT throws_ok($$SELECT * FROM hitlai.assign_testers(pg_temp.run('a1'), 1, '{"devices": ["phone"]}')$$, '22023',
                 NULL, 'M1: devices are desktop, mobile or tablet');
SELECT throws_ok($$SELECT * FROM hitlai.assign_testers(pg_temp.run('a1'), 1, '{"min_tech_literacy": "guru"}')$$, '22023',
                 NULL, 'M1: min_tech_literacy is low, medium, high or expert');
SELECT throws_ok($$SELECT * FROM hitlai.assign_testers(pg_temp.run('a1'), 1, '{"min_tests_completed": 1.5}')$$, '22023',
                 NULL, 'M1: min_tests_completed is an integer');
SELECT throws_ok($$SELECT * FROM hitlai.assign_testers(pg_temp.run('a1'), 1, '[]')$$, '22023',
                 'criteria must be a JSON object', 'M1: criteria must be an object');
SELECT throws_ok($$SELECT * FROM hitlai.assign_testers(pg_temp.run('a3'), 1)$$, '55000', NULL, 'M1: a completed run takes no testers');
SELECT throws_ok($$SELECT * FROM hitlai.assign_testers(pg_temp.run('a4'), 1)$$, '55000', NULL, 'M1: a failed run takes no testers');
SELECT throws_ok($$SELECT * FROM hitlai.assign_testers('30000000-0000-4000-8000-000000000000', 1)$$, '22023', NULL,
                 'M1: an unknown run is invalid (privileged caller)');
SELECT is((SELECT count(*) FROM hitlai.tester_assignments), 0::bigint, 'M1: refused calls assigned nobody');

-- ---------------------------------------------------------------- criteria
SELECT is(pg_temp.pick('a7'), 't3,t1,t2,t4',
          'M1: verified testers only, never a member or invitee of the run''s company; equal load: highest rating first');
SELECT is(pg_temp.pick('b1'), 't6,t7,t3,t1,t2,t4', 'M1: members of another company may test this one''s runs (same order rules)');
SELECT is(pg_temp.pick('a7', '{"languages": ["English", "German"]}'), 't1', 'M1 languages: the tester has all of them');
SELECT is(pg_temp.pick('a7', '{"languages": []}'), 't3,t1,t2,t4', 'M1 languages: an empty list asks for nothing');
SELECT is(pg_temp.pick('a7', '{"countries": ["DE"]}'), 't1,t4', 'M1 countries: location_country in the list');
SELECT is(pg_temp.pick('a7', '{"devices": ["mobile"]}'), 't3,t2', 'M1 devices: primary_device in the list');
SELECT is(pg_temp.pick('a7', '{"platforms": ["UserTesting", "Other"]}'), 't2,t4', 'M1 platforms: previous_platforms overlap');
SELECT is(pg_temp.pick('a7', '{"min_tech_literacy": "high"}'), 't1,t2', 'M1 min_tech_literacy: high or expert');
SELECT is(pg_temp.pick('a7', '{"min_rating": 4.8}'), 't3,t1', 'M1 min_rating: average_rating at least');
SELECT is(pg_temp.pick('a7', '{"min_tests_completed": 5}'), 't3,t1', 'M1 min_tests_completed: at least');
SELECT is(pg_temp.pick('a7', '{"languages": ["English"], "devices": ["desktop", "mobile"], "min_rating": 4.6}'), 't3,t1',
          'M1: every criterion given must match');
SELECT is(pg_temp.pick('a7', '{"countries": []}'), '', 'M1: nobody qualifies: no rows');
SELECT is(pg_temp.pick('a7', '{}', 2), 't3,t1', 'M1: at most `wanted` testers');

-- ---------------------------------------------------------------- order, load, twice
SELECT results_eq($$SELECT tester_id, test_run_id, status FROM hitlai.assign_testers(pg_temp.run('a1'), 2)$$,
  $$VALUES (pg_temp.tester('t3'), pg_temp.run('a1'), 'assigned'::text), (pg_temp.tester('t1'), pg_temp.run('a1'), 'assigned')$$,
  'M1: returns the new assignments, in the order of choice');
UPDATE hitlai.tester_assignments SET assigned_at = now() - interval '2 days' WHERE tester_id = pg_temp.tester('t1');
UPDATE hitlai.tester_assignments SET assigned_at = now() - interval '1 day' WHERE tester_id = pg_temp.tester('t3');
SELECT results_eq($$SELECT display_name, stats_open_assignments, stats_last_assigned_at FROM hitlai.human_testers
                     WHERE display_name IN ('t1', 't2', 't3') ORDER BY 1$$,
  $$VALUES ('t1'::text, 1::bigint, now() - interval '2 days'), ('t2', 0, NULL), ('t3', 1, now() - interval '1 day')$$,
  'M1: open assignments and the latest assignment time are kept (also when assigned_at moves back)');
SELECT is((SELECT string_agg(h.display_name, ',' ORDER BY o) FROM hitlai.assign_testers(pg_temp.run('a2'), 4) WITH ORDINALITY a(id, r, tester_id, x, y, z, s, o)
             JOIN hitlai.human_testers h ON h.id = a.tester_id), 't2,t4,t1,t3',
          'M1: fewest open assignments first, then never assigned, then longest since last assigned');
SELECT is(pg_temp.pick('a1'), 't2,t4', 'M1: testers already on the run are not assigned again');
SELECT is((SELECT count(*) FROM hitlai.assign_testers(pg_temp.run('a1'), 10)), 2::bigint, 'M1: fewer than wanted when fewer qualify');
SELECT is((SELECT count(*) FROM hitlai.assign_testers(pg_temp.run('a1'), 10)), 0::bigint, 'M1: none when nobody qualifies any more');
SELECT is((SELECT count(*) FROM (SELECT test_run_id, tester_id FROM hitlai.tester_assignments GROUP BY 1, 2 HAVING count(*) > 1) d),
          0::bigint, 'M2: no tester twice on a run');
-- max_active (t1..t4 hold 2 open assignments each: runs a1 and a2)
SELECT is(pg_temp.pick('a6', '{"max_active": 2}'), '', 'M1: a tester holding max_active open assignments is not chosen');
SELECT is(pg_temp.pick('a6', '{}'), 't3,t1,t2,t4', 'M1: max_active defaults to 3 (equal load, all last assigned now: highest rating first)');
-- M3: declined and expired no longer count
UPDATE hitlai.tester_assignments SET status = 'declined' WHERE tester_id = pg_temp.tester('t1') AND test_run_id = pg_temp.run('a1');
UPDATE hitlai.tester_assignments SET status = 'expired' WHERE tester_id = pg_temp.tester('t4') AND test_run_id = pg_temp.run('a1');
SELECT is(pg_temp.pick('a6', '{"max_active": 2}'), 't1,t4', 'M3: declined or expired assignments are no longer active');
SELECT results_eq($$SELECT display_name, stats_open_assignments FROM hitlai.human_testers WHERE display_name IN ('t1', 't4') ORDER BY 1$$,
  $$VALUES ('t1'::text, 1::bigint), ('t4', 1)$$, 'M3: the open count follows status changes');
-- run completion (T3) completes the assignments: they stop counting
UPDATE hitlai.test_runs SET status = 'completed' WHERE id = pg_temp.run('a2');
SELECT is((SELECT sum(stats_open_assignments)::bigint FROM hitlai.human_testers), 2::bigint,
          'M3: completed assignments no longer count (only t2 and t3 on run a1 are open)');
-- deleting an assignment recounts the latest assignment time
DELETE FROM hitlai.tester_assignments WHERE tester_id = pg_temp.tester('t3') AND test_run_id = pg_temp.run('a2');
SELECT is((SELECT stats_last_assigned_at FROM hitlai.human_testers WHERE display_name = 't3'), now() - interval '1 day',
          'M1: deleting the latest assignment moves stats_last_assigned_at back');
-- moving an assignment to another tester recounts both testers' latest assignment time
-- (the new tester's goes up), as does moving its assigned_at forward; moved back after
UPDATE hitlai.tester_assignments SET tester_id = pg_temp.tester('t5')
 WHERE tester_id = pg_temp.tester('t3') AND test_run_id = pg_temp.run('a1');
SELECT results_eq($$SELECT display_name, stats_open_assignments, stats_last_assigned_at FROM hitlai.human_testers
                     WHERE display_name IN ('t3', 't5') ORDER BY 1$$,
  $$VALUES ('t3'::text, 0::bigint, NULL::timestamptz), ('t5', 1, now() - interval '1 day')$$,
  'M1: an assignment moved to another tester moves its open count and latest assignment time with it');
UPDATE hitlai.tester_assignments SET assigned_at = now() - interval '1 hour' WHERE tester_id = pg_temp.tester('t5');
SELECT is((SELECT stats_last_assigned_at FROM hitlai.human_testers WHERE display_name = 't5'), now() - interval '1 hour',
          'M1: an assigned_at moved forward moves stats_last_assigned_at forward');
UPDATE hitlai.tester_assignments SET tester_id = pg_temp.tester('t3'), assigned_at = now() - interval '1 day'
 WHERE tester_id = pg_temp.tester('t5');
SELECT results_eq($$SELECT display_name, stats_open_assignments, stats_last_assigned_at FROM hitlai.human_testers
                     WHERE display_name IN ('t3', 't5') ORDER BY 1$$,
  $$VALUES ('t3'::text, 1::bigint, now() - interval '1 day'), ('t5', 0, NULL::timestamptz)$$,
  'M1: ... and moved back');
SELECT is_empty($$SELECT * FROM hitlai.check_stats() WHERE column_name IN ('stats_open_assignments', 'stats_last_assigned_at')$$,
                'V3/M1: check_stats() finds the assignment state right');
UPDATE hitlai.human_testers SET stats_open_assignments = 7, stats_last_assigned_at = NULL WHERE display_name = 't1';
SELECT results_eq($$SELECT column_name, stored FROM hitlai.check_stats() WHERE id = pg_temp.tester('t1')
                      AND column_name IN ('stats_open_assignments', 'stats_last_assigned_at') ORDER BY 1$$,
  $$VALUES ('stats_last_assigned_at'::text, NULL::text), ('stats_open_assignments', '7')$$, 'V3/M1: check_stats() reports wrong assignment state');
SELECT cmp_ok(hitlai.rebuild_stats(), '>=', 1, 'V3/M1: rebuild_stats() repairs it');
SELECT is_empty($$SELECT * FROM hitlai.check_stats() WHERE column_name IN ('stats_open_assignments', 'stats_last_assigned_at')$$,
                'V3/M1: ... and check_stats() is empty again');

-- ---------------------------------------------------------------- callers
CALL pg_temp.become('hl_as_app', 'a3');
SELECT is(pg_temp.pick('a6', '{}', 1), 't1', 'M1: a member of the run''s company assigns');
CALL pg_temp.become('hl_as_app', 'a2');
SELECT is(pg_temp.pick('a6', '{}', 1), 't1', 'M1: an admin of the run''s company assigns');
CALL pg_temp.become('hl_as_app', 'a4');
SELECT throws_ok($$SELECT * FROM hitlai.assign_testers(pg_temp.run('a6'), 1)$$, '42501', NULL, 'M1: a viewer can''t assign');
CALL pg_temp.become('hl_as_app', 'a5');
SELECT throws_ok($$SELECT * FROM hitlai.assign_testers(pg_temp.run('a6'), 1)$$, '42501', NULL, 'M1: an invitee who has not joined can''t assign');
CALL pg_temp.become('hl_as_app', 'b1');
SELECT throws_ok($$SELECT * FROM hitlai.assign_testers(pg_temp.run('a6'), 1)$$, '42501', NULL, 'M1: the owner of another company can''t assign');
CALL pg_temp.become('hl_as_app', 'c1');
SELECT throws_ok($$SELECT * FROM hitlai.assign_testers(pg_temp.run('a1'), 1)$$, '42501', NULL, 'M1: a tester (assigned to the run) can''t assign');
CALL pg_temp.become('hl_as_app', 'd1');
SELECT throws_ok($$SELECT * FROM hitlai.assign_testers('30000000-0000-4000-8000-000000000000', 1)$$, '42501', NULL,
                 'M1: for an outsider an unknown run is not allowed either (no probing for ids)');
CALL pg_temp.become('hl_as_anon', NULL);
SELECT throws_ok($$SELECT * FROM hitlai.assign_testers(pg_temp.run('a6'), 1)$$, '42501', NULL, 'M1/G1: anonymous roles can''t assign');
-- the M1 stats columns are hitlai's: application roles neither choose nor change them
CALL pg_temp.become('hl_as_app', 'e9');
SELECT throws_ok($$INSERT INTO hitlai.human_testers (user_id, email, display_name, stats_open_assignments)
                   VALUES ('10000000-0000-4000-8000-0000000000e9', 'e9@people.test', 'E', 5)$$, '42501', NULL,
                 'M1/A2: a new profile can''t choose stats_open_assignments');
CALL pg_temp.become('hl_as_app', 'c1');
SELECT throws_ok($$UPDATE hitlai.human_testers SET stats_last_assigned_at = NULL$$, '42501', NULL,
                 'M1/A2: a tester can''t change stats_last_assigned_at of own profile');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
