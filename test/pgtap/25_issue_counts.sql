-- T6: issues_found is the number of issues of the run at all times.
BEGIN;
SELECT plan(6);

INSERT INTO hitlai.companies (id, name, email, monthly_test_quota) VALUES ('00000000-0000-0000-0000-0000000000e1', 'T', 't@t.io', NULL);
INSERT INTO hitlai.test_runs (id, company_id, url, mission, issues_found) VALUES
  ('00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-0000000000e1', 'https://a.io', 'm', 7),
  ('00000000-0000-0000-0000-0000000000a2', '00000000-0000-0000-0000-0000000000e1', 'https://a.io', 'm', 0);
CREATE FUNCTION pg_temp.counts() RETURNS int[] LANGUAGE sql AS $$
  SELECT array_agg(issues_found ORDER BY id) FROM hitlai.test_runs $$;
CREATE FUNCTION pg_temp.truth() RETURNS int[] LANGUAGE sql AS $$
  SELECT array_agg((SELECT count(*)::int FROM hitlai.issues i WHERE i.test_run_id = r.id) ORDER BY r.id) FROM hitlai.test_runs r $$;
SELECT is(pg_temp.counts(), ARRAY[0, 0], 'T6: a new run starts at 0 issues whatever was given');
INSERT INTO hitlai.issues (test_run_id, title) SELECT '00000000-0000-0000-0000-0000000000a1', 'i' || g FROM generate_series(1, 5) g;
INSERT INTO hitlai.issues (test_run_id, title) VALUES ('00000000-0000-0000-0000-0000000000a2', 'x');
SELECT is(pg_temp.counts(), ARRAY[5, 1], 'T6: after inserts');
DELETE FROM hitlai.issues WHERE title IN ('i1', 'i2');
SELECT is(pg_temp.counts(), ARRAY[3, 1], 'T6: after delete');
UPDATE hitlai.issues SET test_run_id = '00000000-0000-0000-0000-0000000000a2' WHERE title = 'i3';
SELECT is(pg_temp.counts(), ARRAY[2, 2], 'T6: after moving an issue to another run');
SELECT is(pg_temp.counts(), pg_temp.truth(), 'T6: equals count(issues)');
DELETE FROM hitlai.test_runs WHERE id = '00000000-0000-0000-0000-0000000000a1';
SELECT is(pg_temp.counts(), ARRAY[2], 'T6: deleting a run (cascade of its issues) leaves the others right');

SELECT * FROM finish();
ROLLBACK;
