-- T1: milestones count inserted runs (at commit; SET CONSTRAINTS ALL IMMEDIATE per statement).
BEGIN;
SELECT plan(13);

INSERT INTO hitlai.milestones (phase, tests_required) VALUES ('m5', 5), ('m10', 10), ('m1000', 1000);
INSERT INTO hitlai.companies (id, name, email, monthly_test_quota) VALUES ('00000000-0000-0000-0000-0000000000b1', 'M', 'm@m.io', NULL);
INSERT INTO hitlai.test_runs (company_id, url, mission)
  SELECT '00000000-0000-0000-0000-0000000000b1', 'https://a.io', 'm' FROM generate_series(1, 3);
SELECT is((SELECT sum(tests_completed) FROM hitlai.milestones), 0::bigint,
          'T1: counted at commit (deferred): nothing yet inside the transaction');
SET CONSTRAINTS ALL IMMEDIATE;
SELECT is((SELECT array_agg(tests_completed ORDER BY tests_required) FROM hitlai.milestones), ARRAY[3, 3, 3],
          'T1: SET CONSTRAINTS ALL IMMEDIATE brings every milestone up to date');
SELECT is((SELECT count(*) FROM hitlai.milestones WHERE is_unlocked), 0::bigint, 'T1: below threshold: locked');
-- a multi-row insert crossing two thresholds at once
INSERT INTO hitlai.test_runs (company_id, url, mission)
  SELECT '00000000-0000-0000-0000-0000000000b1', 'https://a.io', 'm' FROM generate_series(1, 8);
SELECT is((SELECT array_agg((tests_completed, is_unlocked, unlocked_at = now())::text ORDER BY tests_required) FROM hitlai.milestones),
          ARRAY['(11,t,t)', '(11,t,t)', '(11,f,)'], 'T1: a multi-row insert crossing thresholds unlocks them, with unlocked_at');
UPDATE hitlai.milestones SET unlocked_at = '2000-01-01' WHERE is_unlocked;
INSERT INTO hitlai.test_runs (company_id, url, mission) VALUES ('00000000-0000-0000-0000-0000000000b1', 'https://a.io', 'm');
SELECT is((SELECT count(*) FROM hitlai.milestones WHERE unlocked_at = '2000-01-01'), 2::bigint,
          'T1: unlocked once only (unlocked_at not moved again)');
DELETE FROM hitlai.test_runs;
SELECT is((SELECT array_agg(tests_completed ORDER BY tests_required) FROM hitlai.milestones), ARRAY[12, 12, 12],
          'T1: deleting runs never decrements');
SELECT is((SELECT bool_and(updated_at = now()) FROM hitlai.milestones), true, 'T1: updated_at = now()');
-- a rolled-back savepoint takes its runs back out of the count
SAVEPOINT s;
SET CONSTRAINTS ALL DEFERRED;
INSERT INTO hitlai.test_runs (company_id, url, mission) VALUES ('00000000-0000-0000-0000-0000000000b1', 'https://a.io', 'm');
ROLLBACK TO SAVEPOINT s;
INSERT INTO hitlai.test_runs (company_id, url, mission) VALUES ('00000000-0000-0000-0000-0000000000b1', 'https://a.io', 'm');
SET CONSTRAINTS ALL IMMEDIATE;
SELECT is((SELECT array_agg(tests_completed ORDER BY tests_required) FROM hitlai.milestones), ARRAY[13, 13, 13],
          'T1: runs of a rolled-back savepoint are not counted');
-- restore mode skips side effects (S8)
SET LOCAL hitlai.restore_mode = on;
INSERT INTO hitlai.test_runs (company_id, url, mission) VALUES ('00000000-0000-0000-0000-0000000000b1', 'https://a.io', 'm');
SET LOCAL hitlai.restore_mode = off;
SELECT is((SELECT (m.tests_completed, c.stats_run_count) FROM hitlai.milestones m, hitlai.companies c WHERE m.phase = 'm5'),
          (13, 1::bigint), 'S8: restore mode counts nothing');

-- The count is written without an UPDATE statement (docs/internals.md, "Counter rows
-- written without the executor"): a trigger on milestones does not see it, a privileged
-- UPDATE of milestones still fires it. (Constraints are still immediate here: every
-- statement is counted at its end.)
CREATE TEMP TABLE seen (n int);
CREATE FUNCTION pg_temp.note() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN INSERT INTO seen VALUES (1); RETURN NULL; END $$;
CREATE TRIGGER zz_note AFTER UPDATE ON hitlai.milestones FOR EACH ROW EXECUTE FUNCTION pg_temp.note();
INSERT INTO hitlai.test_runs (company_id, url, mission) VALUES ('00000000-0000-0000-0000-0000000000b1', 'https://a.io', 'm');
SELECT is((SELECT count(*) FROM seen) || '/' || (SELECT tests_completed FROM hitlai.milestones WHERE phase = 'm5'),
          '0/14', 'T1: the count moves, and no trigger on milestones fires for it');
UPDATE hitlai.milestones SET tests_required = 5 WHERE phase = 'm5';
SELECT is((SELECT count(*) FROM seen), 1::bigint, 'T1: a privileged UPDATE of milestones still fires it');
DROP TRIGGER zz_note ON hitlai.milestones;
-- A one-run INSERT writes its company row directly and queues the trigger that calls
-- flush_milestone_progress() for it, found by that function, whatever its name.
ALTER TRIGGER milestone_progress_at_commit ON hitlai.companies RENAME TO counted_anyway;
INSERT INTO hitlai.test_runs (company_id, url, mission) VALUES ('00000000-0000-0000-0000-0000000000b1', 'https://a.io', 'm');
SELECT is((SELECT tests_completed FROM hitlai.milestones WHERE phase = 'm5'), 15,
          'T1: a one-run insert is counted through the flush trigger, even renamed');
ALTER TRIGGER counted_anyway ON hitlai.companies RENAME TO milestone_progress_at_commit;
-- past the integer range: the error of the SQL addition, and nothing written
UPDATE hitlai.milestones SET tests_completed = 2147483647 WHERE phase = 'm10';
SELECT throws_ok($$INSERT INTO hitlai.test_runs (company_id, url, mission)
                   VALUES ('00000000-0000-0000-0000-0000000000b1', 'https://a.io', 'm')$$,
                 '22003', 'integer out of range', 'T1: a count past the integer range fails with 22003');

SELECT * FROM finish();
ROLLBACK;
