-- D3 test_runs (and the D13 enumerations test_type/status): columns, FKs to companies
-- (CASCADE) and human_testers (SET NULL), url must be an absolute http(s) URL, seed and
-- SPEC CHECKs with boundary values.
BEGIN;
SELECT plan(149);

\ir include/row_helpers.sql
\ir include/spec_helpers.sql

INSERT INTO spec VALUES
  ('test_runs',  1, 'id',                'uuid',                     true,  'gen_random_uuid()'),
  ('test_runs',  2, 'company_id',        'uuid',                     true,  NULL),
  ('test_runs',  3, 'tester_id',         'uuid',                     false, NULL),
  ('test_runs',  4, 'url',               'text',                     true,  NULL),
  ('test_runs',  5, 'mission',           'text',                     true,  NULL),
  ('test_runs',  6, 'test_type',         'text',                     true,  'ai'),
  ('test_runs',  7, 'persona',           'text',                     false, NULL),
  ('test_runs',  8, 'platform_details',  'jsonb',                    true,  '{"type": "web"}'),
  ('test_runs',  9, 'status',            'text',                     true,  'pending'),
  ('test_runs', 10, 'sentiment_score',   'numeric(3,2)',             false, NULL),
  ('test_runs', 11, 'issues_found',      'integer',                  true,  '0'),
  ('test_runs', 12, 'recommendations',   'text[]',                   true,  '{}'),
  ('test_runs', 13, 'positives',         'text[]',                   true,  '{}'),
  ('test_runs', 14, 'final_report',      'text',                     false, NULL),
  ('test_runs', 15, 'cost',              'numeric(10,2)',            true,  '0'),
  ('test_runs', 16, 'ai_model_used',     'text',                     false, NULL),
  ('test_runs', 17, 'company_ai_rating', 'smallint',                 false, NULL),
  ('test_runs', 18, 'execution_time_ms', 'bigint',                   false, NULL),
  ('test_runs', 19, 'created_at',        'timestamp with time zone', true,  'now()'),
  ('test_runs', 20, 'completed_at',      'timestamp with time zone', false, NULL);
SELECT pg_temp.column_tests('test_runs', 'D3');

SELECT fk_ok('hitlai', 'test_runs', 'company_id', 'hitlai', 'companies', 'id',
             'D3: test_runs.company_id references companies(id)');
SELECT fk_ok('hitlai', 'test_runs', 'tester_id', 'hitlai', 'human_testers', 'id',
             'D3: test_runs.tester_id references human_testers(id)');
SELECT is(pg_temp.fk_action('test_runs', 'company_id'), 'c'::"char",
          'D3: test_runs.company_id is ON DELETE CASCADE (pg_constraint.confdeltype)');
SELECT is(pg_temp.fk_action('test_runs', 'tester_id'), 'n'::"char",
          'D3: test_runs.tester_id is ON DELETE SET NULL (pg_constraint.confdeltype)');

-- Parents. Unlimited quota, so Q1 never interferes.
INSERT INTO hitlai.companies (id, name, email, monthly_test_quota) VALUES
  ('00000000-0000-0000-0000-0000000000c1', 'Acme', 'acme@d3.test', NULL),
  ('00000000-0000-0000-0000-0000000000c2', 'Beta', 'beta@d3.test', NULL);
INSERT INTO hitlai.human_testers (id, user_id, email, display_name) VALUES
  ('00000000-0000-0000-0000-0000000000e1', '00000000-0000-0000-0000-00000000a0e1', 'ann@d3.test', 'Ann');
CREATE TEMP TABLE base ON COMMIT DROP AS
  SELECT '{"company_id": "00000000-0000-0000-0000-0000000000c1", "url": "https://example.com/checkout",
           "mission": "Buy a sock"}'::jsonb AS doc;

SELECT pg_temp.accepts('test_runs', doc, 'D3: a minimal run (company, url, mission) is accepted') FROM base;
SELECT is((SELECT row(test_type, status, platform_details, issues_found, recommendations, positives, cost,
                      tester_id IS NULL, created_at = now())::text
             FROM hitlai.test_runs WHERE company_id = '00000000-0000-0000-0000-0000000000c1' AND mission = 'Buy a sock'),
          row('ai', 'pending', '{"type": "web"}'::jsonb, 0, '{}'::text[], '{}'::text[], 0.00, true, true)::text,
          'D3: defaults are applied on insert (ai, pending, {"type": "web"}, 0, {}, {}, 0, AI-only tester NULL)');
SELECT pg_temp.not_null_tests('test_runs', doc, 'D3') FROM base;
SELECT throws_ok(pg_temp.ins('test_runs', doc || '{"company_id": "00000000-0000-0000-0000-0000000000ff"}'),
  '23503', NULL, 'D3: a run of a company that does not exist is rejected with 23503') FROM base;
SELECT throws_ok(pg_temp.ins('test_runs', doc || '{"tester_id": "00000000-0000-0000-0000-0000000000ff"}'),
  '23503', NULL, 'D3: a run of a tester that does not exist is rejected with 23503') FROM base;

-- D3 url: absolute http or https URL only.
SELECT pg_temp.rejects_check('test_runs', doc || jsonb_build_object('url', u), 'test_runs_url_check',
                             format('D3: url %L rejected (not an absolute http(s) URL)', u))
  FROM base, unnest(ARRAY['example.com', 'ftp://x.y', 'javascript:alert(1)', '/rel', '', 'http://',
                          'https:///path', 'https://exa mple.com/', 'mailto:a@b.c', 'www.example.com/x']) AS u;
SELECT pg_temp.accepts('test_runs', doc || jsonb_build_object('url', u), format('D3: url %L accepted', u))
  FROM base, unnest(ARRAY['https://example.com', 'http://example.com/a?b=c#d',
                          'https://app.example.co.uk:8443/checkout', 'http://localhost:3000/',
                          'http://192.168.1.10/app']) AS u;

-- D13 enumerations.
SELECT pg_temp.rejects_check('test_runs', doc || jsonb_build_object('test_type', v), 'test_runs_test_type_check',
                             format('D3/D13: test_type %L rejected', v))
  FROM base, unnest(ARRAY['manual', 'AI', '']) AS v;
SELECT pg_temp.accepts('test_runs', doc || jsonb_build_object('test_type', v), format('D3/D13: test_type %L accepted', v))
  FROM base, unnest(ARRAY['ai', 'human', 'hybrid']) AS v;
SELECT pg_temp.rejects_check('test_runs', doc || jsonb_build_object('status', v), 'test_runs_status_check',
                             format('D3/D13: status %L rejected', v))
  FROM base, unnest(ARRAY['done', 'Pending', 'cancelled']) AS v;
SELECT pg_temp.accepts('test_runs', doc || jsonb_build_object('status', v), format('D3/D13: status %L accepted (T4: INSERT may use any status)', v))
  FROM base, unnest(ARRAY['pending', 'running', 'completed', 'failed']) AS v;

-- Seed/SPEC CHECKs with boundaries.
SELECT pg_temp.rejects_check('test_runs', doc || jsonb_build_object('sentiment_score', v), 'test_runs_sentiment_score_check',
                             format('D3 (seed): sentiment_score %s rejected (0..1)', v))
  FROM base, unnest(ARRAY[-0.01, 1.01]) AS v;
SELECT pg_temp.accepts('test_runs', doc || jsonb_build_object('sentiment_score', v), format('D3: sentiment_score %s accepted', v))
  FROM base, unnest(ARRAY[0, 1]) AS v;
SELECT pg_temp.rejects_check('test_runs', doc || '{"cost": -0.01}', 'test_runs_cost_check',
                             'D3 (seed): cost -0.01 rejected (>= 0)') FROM base;
SELECT pg_temp.accepts('test_runs', doc || '{"cost": 0}', 'D3: cost 0 accepted') FROM base;
SELECT pg_temp.accepts('test_runs', doc || '{"cost": 99999999.99}', 'D3: cost 99999999.99 accepted (numeric(10,2))') FROM base;
SELECT pg_temp.rejects_check('test_runs', doc || jsonb_build_object('company_ai_rating', v), 'test_runs_company_ai_rating_check',
                             format('D3: company_ai_rating %s rejected (1..5)', v))
  FROM base, unnest(ARRAY[0, 6]) AS v;
SELECT pg_temp.accepts('test_runs', doc || jsonb_build_object('company_ai_rating', v), format('D3: company_ai_rating %s accepted', v))
  FROM base, unnest(ARRAY[1, 5]) AS v;
SELECT pg_temp.rejects_check('test_runs', doc || '{"execution_time_ms": -1}', 'test_runs_execution_time_ms_check',
                             'D3: execution_time_ms -1 rejected (>= 0)') FROM base;
SELECT pg_temp.accepts('test_runs', doc || '{"execution_time_ms": 0}', 'D3: execution_time_ms 0 accepted') FROM base;

SELECT is((SELECT count(*) FROM hitlai.test_runs WHERE company_id = '00000000-0000-0000-0000-0000000000c1'),
          20::bigint, 'D3: rejected rows wrote nothing (20 accepted rows)');

-- ON DELETE by behaviour.
INSERT INTO hitlai.test_runs (id, company_id, tester_id, url, mission, test_type) VALUES
  ('00000000-0000-0000-0000-0000000000d1', '00000000-0000-0000-0000-0000000000c2',
   '00000000-0000-0000-0000-0000000000e1', 'https://beta.example/', 'Sign up', 'human'),
  ('00000000-0000-0000-0000-0000000000d2', '00000000-0000-0000-0000-0000000000c1',
   '00000000-0000-0000-0000-0000000000e1', 'https://acme.example/', 'Log in', 'human');
DELETE FROM hitlai.human_testers WHERE id = '00000000-0000-0000-0000-0000000000e1';
SELECT results_eq($$SELECT id, tester_id FROM hitlai.test_runs
                     WHERE id IN ('00000000-0000-0000-0000-0000000000d1', '00000000-0000-0000-0000-0000000000d2') ORDER BY id$$,
                  $$VALUES ('00000000-0000-0000-0000-0000000000d1'::uuid, NULL::uuid),
                           ('00000000-0000-0000-0000-0000000000d2'::uuid, NULL::uuid)$$,
                  'D3: deleting a tester keeps its runs with tester_id NULL (ON DELETE SET NULL)');
DELETE FROM hitlai.companies WHERE id = '00000000-0000-0000-0000-0000000000c1';
SELECT is((SELECT count(*) FROM hitlai.test_runs WHERE company_id = '00000000-0000-0000-0000-0000000000c1'),
          0::bigint, 'D3: deleting a company deletes its runs (ON DELETE CASCADE)');
SELECT is((SELECT count(*) FROM hitlai.test_runs WHERE company_id = '00000000-0000-0000-0000-0000000000c2'),
          1::bigint, 'D3: runs of other companies are untouched');

SELECT * FROM finish();
ROLLBACK;
