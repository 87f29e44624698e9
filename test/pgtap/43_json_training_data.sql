-- J4 / J5: training_data.input_data and output_data have the shapes T2 builds.
BEGIN;
SELECT plan(28);

\ir include/error_text.sql

INSERT INTO hitlai.companies (name, email, monthly_test_quota)
  VALUES ('json43', 'json43@example.com', NULL);
INSERT INTO hitlai.test_runs (company_id, url, mission, persona, platform_details)
  SELECT id, 'https://shop.example.com/checkout', 'Test checkout flow', NULL, '{"type": "mobile"}'
  FROM hitlai.companies WHERE name = 'json43';

CREATE FUNCTION pg_temp.ins(input text, output text) RETURNS text LANGUAGE sql AS $$
  SELECT format($f$INSERT INTO hitlai.training_data (test_run_id, input_data, output_data)
                  SELECT id, %L::jsonb, %L::jsonb FROM hitlai.test_runs WHERE mission = 'Test checkout flow'$f$,
                input, output)
$$;
CREATE TEMP TABLE ok_docs AS SELECT
  '{"url": "https://example.com", "mission": "Test checkout flow", "persona": "casual_user", "platform": "web"}'::text AS input,
  '{"sentiment_score": 0.75, "issues": [{"title": "Payment form validation broken", "severity": "critical"}],
    "recommendations": ["Fix validation", "Add loading state"], "positives": ["Fast page load", "Clear UI"]}'::text AS output;

SELECT col_has_check('hitlai', 'training_data', 'input_data', 'J4: input_data has a CHECK');
SELECT col_has_check('hitlai', 'training_data', 'output_data', 'J5: output_data has a CHECK');

-- T2's documents, built exactly as T2 describes them from a run with NULL persona and
-- no sentiment score, are accepted
SELECT lives_ok(format($f$SELECT hitlai.validate_training_input(%L)$f$,
  (SELECT jsonb_build_object('url', url, 'mission', mission, 'persona', persona,
                             'platform', platform_details ->> 'type')
   FROM hitlai.test_runs WHERE mission = 'Test checkout flow')),
  'J4: the T2 input document (persona null) is accepted');
SELECT lives_ok($$SELECT hitlai.validate_training_output(jsonb_build_object(
  'sentiment_score', NULL::numeric, 'issues', '[]'::jsonb,
  'recommendations', to_jsonb('{}'::text[]), 'positives', to_jsonb('{}'::text[])))$$,
  'J5: the T2 output document (no score, no issues) is accepted');
SELECT lives_ok($$SELECT hitlai.validate_training_output(jsonb_build_object(
  'sentiment_score', 0.85::numeric(3,2), 'issues', jsonb_build_array(
     jsonb_build_object('title', 'Broken', 'severity', 'critical'),
     jsonb_build_object('title', 'Slow', 'severity', 'low')),
  'recommendations', to_jsonb('{"Fix it"}'::text[]), 'positives', to_jsonb('{"Nice"}'::text[])))$$,
  'J5: a T2 output document with issues is accepted');

-- the seed's examples via INSERT, then UPDATE
SELECT lives_ok(pg_temp.ins(input, output), 'J4/J5: the seed examples are accepted on INSERT') FROM ok_docs;
SELECT is(pg_temp.err($$UPDATE hitlai.training_data SET output_data = output_data || '{"sentiment_score": 1.5}'$$),
          '23514 | invalid JSON document in column "output_data" of relation "training_data" | '
          'output_data.sentiment_score: expected a number between 0 and 1 or null, got 1.5',
          'J5 UPDATE: a score above 1 is rejected');
SELECT is(pg_temp.err($$UPDATE hitlai.training_data SET input_data = input_data - 'mission'$$),
          '23514 | invalid JSON document in column "input_data" of relation "training_data" | '
          'input_data.mission: required key is missing',
          'J4 UPDATE: removing mission is rejected');
DELETE FROM hitlai.training_data;

-- J4: each document breaks one rule
SELECT is(pg_temp.err(pg_temp.ins(doc, (SELECT output FROM ok_docs))),
          '23514 | invalid JSON document in column "input_data" of relation "training_data" | ' || detail,
          'J4 INSERT: ' || detail)
FROM (VALUES
  ('[]', 'input_data: expected an object, got an array'),
  ('{"mission": "m", "platform": "web"}', 'input_data.url: required key is missing'),
  ('{"url": "javascript:alert(1)", "mission": "m", "platform": "web"}',
   'input_data.url: expected an absolute http or https URL, got "javascript:alert(1)"'),
  ('{"url": "https://x.io", "mission": 5, "platform": "web"}', 'input_data.mission: expected a string, got 5'),
  ('{"url": "https://x.io", "mission": "m", "persona": ["a"], "platform": "web"}',
   'input_data.persona: expected a string or null, got an array'),
  ('{"url": "https://x.io", "mission": "m"}', 'input_data.platform: required key is missing'),
  ('{"url": "https://x.io", "mission": "m", "platform": null}',
   'input_data.platform: expected one of web, mobile, console, vr, got null')
) AS t(doc, detail);

-- J5: each document breaks one rule
SELECT is(pg_temp.err(pg_temp.ins((SELECT input FROM ok_docs), doc)),
          '23514 | invalid JSON document in column "output_data" of relation "training_data" | ' || detail,
          'J5 INSERT: ' || detail)
FROM (VALUES
  ('"x"', 'output_data: expected an object, got "x"'),
  ('{"sentiment_score": -0.1, "issues": [], "recommendations": [], "positives": []}',
   'output_data.sentiment_score: expected a number between 0 and 1 or null, got -0.1'),
  ('{"sentiment_score": "high", "issues": [], "recommendations": [], "positives": []}',
   'output_data.sentiment_score: expected a number between 0 and 1 or null, got "high"'),
  ('{"recommendations": [], "positives": []}', 'output_data.issues: required key is missing'),
  ('{"issues": {}, "recommendations": [], "positives": []}', 'output_data.issues: expected an array, got an object'),
  ('{"issues": [{"title": "a", "severity": "low"}, {"severity": "low"}], "recommendations": [], "positives": []}',
   'output_data.issues[1].title: required key is missing'),
  ('{"issues": [{"title": "a", "severity": "blocker"}], "recommendations": [], "positives": []}',
   'output_data.issues[0].severity: expected one of low, medium, high, critical, got "blocker"'),
  ('{"issues": [{"title": "a"}], "recommendations": [], "positives": []}',
   'output_data.issues[0].severity: required key is missing'),
  ('{"issues": [], "positives": []}', 'output_data.recommendations: required key is missing'),
  ('{"issues": [], "recommendations": ["a", 1], "positives": []}',
   'output_data.recommendations[1]: expected a string, got 1'),
  ('{"issues": [], "recommendations": [], "positives": [false]}',
   'output_data.positives[0]: expected a string, got false')
) AS t(doc, detail);

SELECT throws_ok($$SELECT hitlai.validate_training_input('{}')$$, '23514',
                 'invalid JSON document in column "input_data" of relation "training_data"',
                 'J4: validate_training_input raises 23514');
SELECT throws_ok($$SELECT hitlai.validate_training_output('{}')$$, '23514',
                 'invalid JSON document in column "output_data" of relation "training_data"',
                 'J5: validate_training_output raises 23514');

SELECT * FROM finish();
ROLLBACK;
