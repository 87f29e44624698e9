-- D4 issues: columns, FK to test_runs ON DELETE CASCADE, severity CHECK (seed, D13).
BEGIN;
SELECT plan(67);

\ir include/row_helpers.sql
\ir include/spec_helpers.sql

INSERT INTO spec VALUES
  ('issues',  1, 'id',               'uuid',                     true,  'gen_random_uuid()'),
  ('issues',  2, 'test_run_id',      'uuid',                     true,  NULL),
  ('issues',  3, 'title',            'text',                     true,  NULL),
  ('issues',  4, 'description',      'text',                     false, NULL),
  ('issues',  5, 'severity',         'text',                     true,  'medium'),
  ('issues',  6, 'category',         'text',                     false, NULL),
  ('issues',  7, 'element_selector', 'text',                     false, NULL),
  ('issues',  8, 'screenshot_url',   'text',                     false, NULL),
  ('issues',  9, 'metadata',         'jsonb',                    true,  '{}'),
  ('issues', 10, 'created_at',       'timestamp with time zone', true,  'now()');
SELECT pg_temp.column_tests('issues', 'D4');

SELECT fk_ok('hitlai', 'issues', 'test_run_id', 'hitlai', 'test_runs', 'id',
             'D4: issues.test_run_id references test_runs(id)');
SELECT is(pg_temp.fk_action('issues', 'test_run_id'), 'c'::"char",
          'D4: issues.test_run_id is ON DELETE CASCADE (pg_constraint.confdeltype)');

INSERT INTO hitlai.companies (id, name, email, monthly_test_quota) VALUES
  ('00000000-0000-0000-0000-0000000000c1', 'Acme', 'acme@d4.test', NULL);
INSERT INTO hitlai.test_runs (id, company_id, url, mission) VALUES
  ('00000000-0000-0000-0000-0000000000d1', '00000000-0000-0000-0000-0000000000c1', 'https://acme.example/', 'Buy'),
  ('00000000-0000-0000-0000-0000000000d2', '00000000-0000-0000-0000-0000000000c1', 'https://acme.example/', 'Sell');
CREATE TEMP TABLE base ON COMMIT DROP AS
  SELECT '{"test_run_id": "00000000-0000-0000-0000-0000000000d1", "title": "Button hidden"}'::jsonb AS doc;

SELECT pg_temp.accepts('issues', doc, 'D4: a minimal issue (run, title) is accepted') FROM base;
SELECT is((SELECT row(severity, metadata, created_at = now())::text FROM hitlai.issues
            WHERE test_run_id = '00000000-0000-0000-0000-0000000000d1'),
          row('medium', '{}'::jsonb, true)::text, 'D4: defaults are applied on insert (medium, {}, now())');
SELECT pg_temp.not_null_tests('issues', doc, 'D4') FROM base;
SELECT throws_ok(pg_temp.ins('issues', doc || '{"test_run_id": "00000000-0000-0000-0000-0000000000ff"}'),
  '23503', NULL, 'D4: an issue of a run that does not exist is rejected with 23503') FROM base;

SELECT pg_temp.rejects_check('issues', doc || jsonb_build_object('severity', v), 'issues_severity_check',
                             format('D4/D13 (seed): severity %L rejected', v))
  FROM base, unnest(ARRAY['urgent', 'High', '']) AS v;
SELECT pg_temp.accepts('issues', doc || jsonb_build_object('severity', v), format('D4/D13: severity %L accepted', v))
  FROM base, unnest(ARRAY['low', 'medium', 'high', 'critical']) AS v;
SELECT pg_temp.accepts('issues', doc || '{"test_run_id": "00000000-0000-0000-0000-0000000000d2"}',
                       'D4: an issue of the second run is accepted') FROM base;

SELECT is((SELECT count(*) FROM hitlai.issues i JOIN hitlai.test_runs r ON r.id = i.test_run_id
            WHERE r.company_id = '00000000-0000-0000-0000-0000000000c1'),
          6::bigint, 'D4: rejected rows wrote nothing (6 accepted rows)');

DELETE FROM hitlai.test_runs WHERE id = '00000000-0000-0000-0000-0000000000d1';
SELECT is((SELECT count(*) FROM hitlai.issues WHERE test_run_id = '00000000-0000-0000-0000-0000000000d1'),
          0::bigint, 'D4: deleting a run deletes its issues (ON DELETE CASCADE)');
SELECT is((SELECT count(*) FROM hitlai.issues WHERE test_run_id = '00000000-0000-0000-0000-0000000000d2'),
          1::bigint, 'D4: issues of other runs are untouched');
DELETE FROM hitlai.companies WHERE id = '00000000-0000-0000-0000-0000000000c1';
SELECT is((SELECT count(*) FROM hitlai.issues WHERE test_run_id = '00000000-0000-0000-0000-0000000000d2'),
          0::bigint, 'D3/D4: deleting a company deletes its runs'' issues (cascade through test_runs)');

SELECT * FROM finish();
ROLLBACK;
