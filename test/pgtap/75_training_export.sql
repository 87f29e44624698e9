-- F1: hitlai.training_examples (lines, order, filters, duplicates, stable split, bad
-- input); F2: hitlai.create_fine_tuning_job and hitlai.job_training_examples (exact
-- example set, used_for_training, at least 10, nothing written on error, byte-identical
-- re-export); D16 RESTRICT; T2 leaves rows used for training alone; G1 privileged only.
BEGIN;
SELECT plan(66);

\ir include/error_text.sql

CREATE FUNCTION pg_temp.run(n int) RETURNS uuid LANGUAGE sql IMMUTABLE AS $$
  SELECT format('00000000-0000-0000-0000-%s', lpad(to_hex(n), 12, '0'))::uuid
$$;
CREATE FUNCTION pg_temp.input(n int) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT jsonb_build_object('url', 'https://example.com/' || n,
                            'mission', E'Buy "the" thing \\ back\nslash ✓ é 😀\t' || chr(1) || ' ' || n,
                            'persona', CASE WHEN n % 2 = 0 THEN 'casual_user' END, 'platform', 'web')
$$;
CREATE FUNCTION pg_temp.output(n int) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT jsonb_build_object('sentiment_score', 0.75,
                            'issues', jsonb_build_array(jsonb_build_object('title', 'Broken "pay" button ' || n, 'severity', 'critical')),
                            'recommendations', jsonb_build_array('Fix it'), 'positives', '[]'::jsonb)
$$;
INSERT INTO hitlai.companies (id, name, email, monthly_test_quota)
  VALUES ('00000000-0000-0000-0000-0000000000c1', 'Acme', 'acme@f1.test', NULL);
INSERT INTO hitlai.test_runs (id, company_id, url, mission)
  SELECT pg_temp.run(n), '00000000-0000-0000-0000-0000000000c1'::uuid, 'https://example.com/' || n, 'Mission ' || n
    FROM generate_series(1, 40) n UNION ALL
  SELECT pg_temp.run(209), '00000000-0000-0000-0000-0000000000c1'::uuid, 'https://example.com/209', 'Mission 209';
-- Rows 1..20 gpt-a, 21..30 gpt-b; 31 duplicates 1; 32 has 2's input with another output;
-- 33 rated 3; 34 unrated; run 0xd1 (split bucket 35, unit-tested) gpt-c, newest.
INSERT INTO hitlai.training_data (test_run_id, input_data, output_data, rating, model_type, created_at)
  SELECT pg_temp.run(n), pg_temp.input(n), pg_temp.output(n), 4 + n % 2,
         CASE WHEN n <= 20 THEN 'gpt-a' ELSE 'gpt-b' END, now() - (100 - n) * interval '1 minute'
    FROM generate_series(1, 30) n;
INSERT INTO hitlai.training_data (test_run_id, input_data, output_data, rating, model_type, created_at) VALUES
  (pg_temp.run(31), pg_temp.input(1), pg_temp.output(1), 5, 'gpt-a', now() - interval '60 minutes'),
  (pg_temp.run(32), pg_temp.input(2), pg_temp.output(32), 5, 'gpt-a', now() - interval '59 minutes'),
  (pg_temp.run(33), pg_temp.input(33), pg_temp.output(33), 3, 'gpt-a', now() - interval '58 minutes'),
  (pg_temp.run(34), pg_temp.input(34), pg_temp.output(34), NULL, 'gpt-a', now() - interval '57 minutes'),
  (pg_temp.run(209), pg_temp.input(209), pg_temp.output(209), 4, 'gpt-c', now() - interval '1 minute');
CREATE TEMP TABLE ex AS
  SELECT row_number() OVER () AS pos, e.*, t.test_run_id, t.input_data, t.output_data, t.created_at
    FROM hitlai.training_examples() e JOIN hitlai.training_data t ON t.id = e.training_data_id;
\set prompt '''You are HitlAI, a usability tester of web and mobile apps. The user message is a test as JSON: url, mission, persona and platform. Test the app as that persona would and answer with the report as JSON: sentiment_score (0 to 1), issues (title and severity, most severe first), recommendations and positives.'''

-- F1: which rows, in which order.
SELECT is((SELECT count(*) FROM ex), 32::bigint,
  'F1: one line per example: rating >= 4, every model type, duplicates and low ratings left out');
SELECT is(ARRAY(SELECT test_run_id FROM ex ORDER BY pos),
          ARRAY(SELECT pg_temp.run(n) FROM generate_series(1, 30) n) || pg_temp.run(32) || pg_temp.run(209),
          'F1: oldest first (created_at, id); 31 (duplicate of 1), 33 (rated 3), 34 (unrated) left out');
SELECT ok((SELECT bool_and(pos = rk) FROM (SELECT pos, row_number() OVER (ORDER BY created_at, training_data_id) rk FROM ex) s),
          'F1: rows come in (created_at, id) order');
SELECT is((SELECT count(*) FROM ex WHERE test_run_id = pg_temp.run(32)), 1::bigint,
  'F1: same input with another output is not a duplicate');
-- A duplicate whose original falls into the other split is still left out of the split
-- it falls into. In a savepoint (rolled back; only psql variables leave it): forty new
-- runs with their own documents show their split at validation_percent 50; one whose
-- split differs from run 1's gets a row equal to row 1 (newer, so the duplicate).
SAVEPOINT dup_split;
INSERT INTO hitlai.test_runs (id, company_id, url, mission)
  SELECT pg_temp.run(n), '00000000-0000-0000-0000-0000000000c1'::uuid, 'https://example.com/' || n, 'Mission ' || n
    FROM generate_series(300, 339) n;
INSERT INTO hitlai.training_data (test_run_id, input_data, output_data, rating, model_type)
  SELECT pg_temp.run(n), pg_temp.input(n), pg_temp.output(n), 5, 'gpt-z' FROM generate_series(300, 339) n;
WITH s1 AS (SELECT e.split FROM hitlai.training_examples(validation_percent => 50) e
              JOIN hitlai.training_data t ON t.id = e.training_data_id WHERE t.test_run_id = pg_temp.run(1))
SELECT t.test_run_id AS dup_run, e.split AS dup_split
  FROM hitlai.training_examples('gpt-z', validation_percent => 50) e
  JOIN hitlai.training_data t ON t.id = e.training_data_id
 WHERE e.split <> (SELECT split FROM s1)
 ORDER BY t.test_run_id LIMIT 1 \gset
DELETE FROM hitlai.training_data WHERE model_type = 'gpt-z';
INSERT INTO hitlai.training_data (test_run_id, input_data, output_data, rating, model_type)
  VALUES (:'dup_run', pg_temp.input(1), pg_temp.output(1), 5, 'gpt-a');
SELECT count(*) AS dup_count FROM hitlai.training_examples(split => :'dup_split', validation_percent => 50) e
  JOIN hitlai.training_data t ON t.id = e.training_data_id WHERE t.test_run_id = :'dup_run' \gset
ROLLBACK TO SAVEPOINT dup_split;
SELECT is(:dup_count::bigint, 0::bigint,
          'F1: a duplicate is left out of its split even when its older twin is in the other split');
SELECT ok(NOT EXISTS (SELECT FROM hitlai.training_data WHERE test_run_id = :'dup_run'),
          'F1 (fixture): the savepoint left nothing behind');
-- Line shape.
SELECT ok((SELECT bool_and(jsonb_typeof(example) = 'object' AND (SELECT array_agg(k ORDER BY k) FROM jsonb_object_keys(example) k) = '{messages}'
                           AND jsonb_array_length(example -> 'messages') = 3) FROM ex),
          'F1: each line is an object with exactly "messages", an array of three messages');
SELECT ok((SELECT bool_and(jsonb_path_query_array(example, '$.messages[*].role') = '["system", "user", "assistant"]'
                           AND jsonb_path_query_array(example, '$.messages[*].keyvalue().key') = '["role", "content", "role", "content", "role", "content"]')
             FROM ex), 'F1: roles system, user, assistant, each message {role, content}');
SELECT ok((SELECT bool_and(example #>> '{messages,0,content}' = :prompt) FROM ex),
          'F1: the system message is the documented prompt');
SELECT ok((SELECT bool_and((example #>> '{messages,1,content}')::jsonb = input_data
                           AND (example #>> '{messages,2,content}')::jsonb = output_data) FROM ex),
          'F1: user content is input_data, assistant content output_data (parsed back: equal)');
SELECT is((SELECT example #>> '{messages,1,content}' FROM ex WHERE test_run_id = pg_temp.run(2)),
          '{"url":"https://example.com/2","mission":"Buy \"the\" thing \\ back\nslash ✓ é 😀\t\u0001 2","persona":"casual_user","platform":"web"}',
          'F1: content is compact JSON text (no spaces), strings escaped as JSON, UTF-8 as is');
SELECT is((SELECT example #>> '{messages,2,content}' FROM ex WHERE test_run_id = pg_temp.run(1)),
          '{"issues":[{"title":"Broken \"pay\" button 1","severity":"critical"}],"positives":[],"recommendations":["Fix it"],"sentiment_score":0.75}',
          'F1: nested arrays and objects, numbers as stored');
SELECT is((SELECT example::text FROM ex WHERE test_run_id = pg_temp.run(1)),
          jsonb_build_object('messages', jsonb_build_array(
            jsonb_build_object('role', 'system', 'content', :prompt),
            jsonb_build_object('role', 'user', 'content', '{"url":"https://example.com/1","mission":"Buy \"the\" thing \\ back\nslash ✓ é 😀\t\u0001 1","persona":null,"platform":"web"}'::text),
            jsonb_build_object('role', 'assistant', 'content', '{"issues":[{"title":"Broken \"pay\" button 1","severity":"critical"}],"positives":[],"recommendations":["Fix it"],"sentiment_score":0.75}'::text)))::text,
          'F1: the whole line, byte for byte');
SELECT ok((SELECT bool_and(strpos(example::text, E'\n') = 0) FROM ex), 'F1: no line holds a raw newline (one JSON object per line)');

-- Filters.
SELECT is((SELECT count(*) FROM hitlai.training_examples('gpt-a')), 21::bigint, 'F1: model_type gpt-a: its 21 examples');
SELECT is((SELECT count(*) FROM hitlai.training_examples('gpt-b')), 10::bigint, 'F1: model_type gpt-b: its 10 examples');
SELECT is((SELECT count(*) FROM hitlai.training_examples('nope')), 0::bigint, 'F1: unknown model_type: no rows');
SELECT is((SELECT count(*) FROM hitlai.training_examples(NULL)), 32::bigint, 'F1: model_type NULL: every type');

-- Split: stable hash of test_run_id (bucket of run 0xd1 is 35, pinned in the unit test).
SELECT is((SELECT split FROM hitlai.training_examples('gpt-c', NULL, 35)), 'train', 'F1: bucket 35 with validation_percent 35 is train');
SELECT is((SELECT split FROM hitlai.training_examples('gpt-c', NULL, 36)), 'validation', 'F1: bucket 35 with validation_percent 36 is validation');
SELECT is((SELECT count(*) FROM hitlai.training_examples(NULL, NULL, 0) WHERE split = 'validation'), 0::bigint,
  'F1: validation_percent 0: every row is train');
SELECT is((SELECT string_agg(split, ',' ORDER BY training_data_id) FROM hitlai.training_examples(NULL, NULL, 30)),
          (SELECT string_agg(split, ',' ORDER BY training_data_id) FROM hitlai.training_examples(NULL, NULL, 30)),
          'F1: the same split on every call');
SELECT ok((SELECT bool_and(v.training_data_id IS NULL) FROM hitlai.training_examples(NULL, NULL, 50) a
             LEFT JOIN hitlai.training_examples(NULL, NULL, 10) v ON v.training_data_id = a.training_data_id AND v.split = 'validation'
            WHERE a.split = 'train'),
          'F1: a row that is train at 50 % is train at 10 % (growing the share only moves rows to validation)');
SELECT set_eq($$SELECT training_data_id, 'train' FROM hitlai.training_examples(NULL, 'train', 40)
                UNION ALL SELECT training_data_id, 'validation' FROM hitlai.training_examples(NULL, 'validation', 40)$$,
              $$SELECT training_data_id, split FROM hitlai.training_examples(NULL, NULL, 40)$$,
              'F1: split => train and split => validation partition the rows, each with its split');
SELECT is((SELECT count(*) FROM hitlai.training_examples(NULL, 'validation', 10) WHERE split <> 'validation'), 0::bigint,
          'F1: the split argument filters');

-- Bad input: 22023 naming the argument.
SELECT is(pg_temp.err($$SELECT * FROM hitlai.training_examples(NULL, 'test')$$),
  '22023 | invalid value for argument "split": "test" | split must be NULL (every row), ''train'' or ''validation''.',
  'F1: unknown split raises 22023 naming the argument');
SELECT throws_ok($$SELECT * FROM hitlai.training_examples(NULL, 'Train')$$, '22023', NULL, 'F1: split is case-sensitive (22023)');
SELECT throws_ok($$SELECT * FROM hitlai.training_examples(NULL, NULL, 51)$$, '22023',
  'argument "validation_percent" must be between 0 and 50, got 51', 'F1: validation_percent 51 raises 22023');
SELECT throws_ok($$SELECT * FROM hitlai.training_examples(NULL, NULL, -1)$$, '22023',
  'argument "validation_percent" must be between 0 and 50, got -1', 'F1: validation_percent -1 raises 22023');
SELECT throws_ok($$SELECT * FROM hitlai.training_examples(NULL, NULL, NULL)$$, '22023',
  'argument "validation_percent" must be between 0 and 50, got NULL', 'F1: validation_percent NULL raises 22023');
SELECT throws_ok($$SELECT * FROM hitlai.training_examples(NULL, NULL, 10, NULL)$$, '22023',
  'argument "include_used" must not be NULL', 'F1: include_used NULL raises 22023');
SELECT lives_ok($$SELECT * FROM hitlai.training_examples(NULL, NULL, 50)$$, 'F1: validation_percent 50 is accepted');

-- F2: too few examples: 22023, nothing written.
CREATE TEMP TABLE before AS SELECT (SELECT count(*) FROM hitlai.fine_tuning_jobs) AS jobs,
  (SELECT count(*) FROM hitlai.fine_tuning_job_examples) AS examples,
  (SELECT count(*) FROM hitlai.training_data WHERE used_for_training) AS used;
SELECT throws_ok($$SELECT hitlai.create_fine_tuning_job('gpt-c')$$, '22023',
  'a fine-tuning job needs at least 10 training examples, model_type "gpt-c" has 1',
  'F2: fewer than 10 examples raises 22023');
SELECT is((SELECT row(jobs, examples, used)::text FROM before),
          (SELECT row((SELECT count(*) FROM hitlai.fine_tuning_jobs), (SELECT count(*) FROM hitlai.fine_tuning_job_examples),
                      (SELECT count(*) FROM hitlai.training_data WHERE used_for_training))::text),
          'F2: nothing written after the 22023');
SELECT throws_ok($$SELECT hitlai.create_fine_tuning_job(NULL)$$, '22023', 'argument "model_type" must not be NULL',
  'F2: model_type NULL raises 22023');
SELECT throws_ok($$SELECT hitlai.create_fine_tuning_job('gpt-a', NULL)$$, '22023', 'argument "hyperparameters" must not be NULL',
  'F2: hyperparameters NULL raises 22023');
SELECT throws_ok($$SELECT hitlai.create_fine_tuning_job('gpt-a', '{}', 60)$$, '22023',
  'argument "validation_percent" must be between 0 and 50, got 60', 'F2: validation_percent 60 raises 22023');
SELECT throws_ok($$SELECT hitlai.create_fine_tuning_job('gpt-a', '{"n_epochs": 0}')$$, '23514', NULL,
  'F2/J6: invalid hyperparameters raise 23514');
SELECT is((SELECT row(jobs, examples, used)::text FROM before),
          (SELECT row((SELECT count(*) FROM hitlai.fine_tuning_jobs), (SELECT count(*) FROM hitlai.fine_tuning_job_examples),
                      (SELECT count(*) FROM hitlai.training_data WHERE used_for_training))::text),
          'F2: nothing written after the bad calls (no job, no example, no row marked used)');

-- F2: a job over gpt-a's 21 examples, 30 % validation.
CREATE TEMP TABLE expect AS SELECT * FROM hitlai.training_examples('gpt-a', NULL, 30, false);
SELECT hitlai.create_fine_tuning_job('gpt-a', '{"n_epochs": 3}', 30) AS job \gset
SELECT is((SELECT row(status, model_type, hyperparameters, job_id, completed_at)::text FROM hitlai.fine_tuning_jobs WHERE id = :'job'),
          row('pending', 'gpt-a', '{"n_epochs": 3}'::jsonb, NULL::text, NULL::timestamptz)::text,
          'F2: a pending job with the model type and hyperparameters');
SELECT set_eq(format('SELECT training_data_id, split FROM hitlai.fine_tuning_job_examples WHERE job_id = %L', :'job'),
              'SELECT training_data_id, split FROM expect',
              'F2: the job records exactly the rows training_examples(model_type, NULL, validation_percent, false) returned, with their split');
SELECT is((SELECT count(*) FROM expect), 21::bigint, 'F2: (21 examples)');
SELECT set_eq('SELECT id FROM hitlai.training_data WHERE used_for_training', 'SELECT training_data_id FROM expect',
              'F2: exactly those rows are now used_for_training');
SELECT is((SELECT string_agg(example::text || split, E'\n') FROM hitlai.job_training_examples(:'job')),
          (SELECT string_agg(example::text || split, E'\n') FROM expect),
          'F2: job_training_examples returns the same lines and splits, in the same order');
SELECT is((SELECT md5(string_agg(example::text, E'\n')) FROM hitlai.job_training_examples(:'job')),
          (SELECT md5(string_agg(example::text, E'\n')) FROM hitlai.job_training_examples(:'job')),
          'F2: the same bytes on every call');
SELECT is((SELECT array_agg(training_data_id) FROM hitlai.job_training_examples(:'job', 'validation')),
          (SELECT array_agg(training_data_id) FROM expect WHERE split = 'validation'),
          'F2: job_training_examples(job, validation) filters by the recorded split');
SELECT is((SELECT count(*) FROM hitlai.training_examples('gpt-a')), 0::bigint,
          'F1: used rows are no longer exported by default');
SELECT is((SELECT count(*) FROM hitlai.training_examples('gpt-a', include_used => true)), 21::bigint,
          'F1: include_used brings them back');
SELECT throws_ok($$SELECT hitlai.create_fine_tuning_job('gpt-a')$$, '22023',
  'a fine-tuning job needs at least 10 training examples, model_type "gpt-a" has 0',
  'F2: a second job for gpt-a finds no example left (no example in two jobs)');
-- A new row equal to a used one is still a duplicate.
INSERT INTO hitlai.training_data (test_run_id, input_data, output_data, rating, model_type)
  VALUES (pg_temp.run(35), pg_temp.input(3), pg_temp.output(3), 5, 'gpt-a');
SELECT is((SELECT count(*) FROM hitlai.training_examples('gpt-a')), 0::bigint,
          'F1: a new row equal to an older, used row is a duplicate, not a new example');
SELECT throws_ok($$SELECT * FROM hitlai.job_training_examples(NULL)$$, '22023', 'argument "job_id" must not be NULL',
  'F2: job_training_examples(NULL) raises 22023');
SELECT throws_ok($$SELECT * FROM hitlai.job_training_examples('00000000-0000-0000-0000-000000000000')$$, '22023',
  'argument "job_id": fine-tuning job does not exist', 'F2: an unknown job raises 22023');
SELECT throws_ok(format('SELECT * FROM hitlai.job_training_examples(%L, %L)', :'job', 'all'), '22023', NULL,
  'F2: an unknown split raises 22023');

-- D16: RESTRICT, CASCADE.
-- RESTRICT: 23503 up to PostgreSQL 17, restrict_violation 23001 from 18 on.
SELECT CASE WHEN current_setting('server_version_num')::int >= 180000 THEN '23001' ELSE '23503' END
  AS restrict_code \gset
SELECT throws_ok($$DELETE FROM hitlai.training_data WHERE test_run_id = '00000000-0000-0000-0000-000000000001'$$, :'restrict_code', NULL,
  'D16: a training row in a job cannot be deleted (RESTRICT)');
SELECT throws_ok($$DELETE FROM hitlai.test_runs WHERE id = '00000000-0000-0000-0000-000000000001'$$, :'restrict_code', NULL,
  'D16: nor can its test run (the cascade to training_data is restricted)');

-- T2 leaves rows used for training alone: ten completed, rated runs captured by T2, put
-- into a job, then changed.
INSERT INTO hitlai.test_runs (id, company_id, url, mission, status, company_ai_rating, ai_model_used, sentiment_score)
  SELECT pg_temp.run(1000 + n), '00000000-0000-0000-0000-0000000000c1', 'https://t2.example/' || n, 'T2 mission ' || n,
         'completed', 5, 'gpt-t2', 0.5
    FROM generate_series(1, 10) n;
SELECT is((SELECT count(*) FROM hitlai.training_data WHERE model_type = 'gpt-t2'), 10::bigint, 'T2: (ten rows captured)');
SELECT hitlai.create_fine_tuning_job('gpt-t2') AS job2 \gset
CREATE TEMP TABLE t2_before AS SELECT * FROM hitlai.training_data WHERE model_type = 'gpt-t2';
UPDATE hitlai.test_runs SET mission = 'changed', sentiment_score = 0.1 WHERE ai_model_used = 'gpt-t2';
INSERT INTO hitlai.issues (test_run_id, title) SELECT id, 'late issue' FROM hitlai.test_runs WHERE ai_model_used = 'gpt-t2';
UPDATE hitlai.test_runs SET company_ai_rating = 2 WHERE id = pg_temp.run(1001);
UPDATE hitlai.test_runs SET company_ai_rating = NULL WHERE id = pg_temp.run(1002);
SELECT set_eq('SELECT * FROM hitlai.training_data WHERE model_type = ''gpt-t2''', 'SELECT * FROM t2_before',
              'T2: rows used for training are never changed nor deleted by the capture trigger');
SELECT is((SELECT count(*) FROM hitlai.job_training_examples(:'job2')), 10::bigint,
          'F2: the job still re-exports its ten lines after its runs changed');
-- Deleting the job releases the rows (CASCADE); the training row may then go.
DELETE FROM hitlai.fine_tuning_jobs WHERE id = :'job';
SELECT is((SELECT count(*) FROM hitlai.fine_tuning_job_examples WHERE job_id = :'job'), 0::bigint,
          'D16: deleting a job deletes its example rows (CASCADE)');
SELECT lives_ok($$DELETE FROM hitlai.test_runs WHERE id = '00000000-0000-0000-0000-000000000001'$$,
  'D16: once no job holds it, the run and its training row can be deleted');

-- F1: the two indexes the export reads.
SELECT is(pg_get_indexdef('hitlai.training_data_export_order_idx'::regclass),
          'CREATE INDEX training_data_export_order_idx ON hitlai.training_data USING btree (created_at, id)',
          'F1: training_data_export_order_idx on (created_at, id)');
SELECT is(pg_get_indexdef('hitlai.training_data_doc_digest_idx'::regclass),
          'CREATE INDEX training_data_doc_digest_idx ON hitlai.training_data USING btree (hitlai.training_doc_digest(input_data, output_data), created_at, id)',
          'F1: training_data_doc_digest_idx on (digest of both documents, created_at, id)');

-- G1: privileged only; not SECURITY DEFINER; fixed search_path.
SELECT is(ARRAY(SELECT p.proname || ':' || p.provolatile::text || ':' || p.prosecdef || ':' || array_to_string(p.proconfig, ';')
                  FROM pg_proc p WHERE p.pronamespace = 'hitlai'::regnamespace
                   AND p.proname IN ('training_examples', 'job_training_examples', 'create_fine_tuning_job', 'training_doc_digest')
                 ORDER BY 1),
  ARRAY['create_fine_tuning_job:v:false:search_path=pg_catalog, pg_temp',
        'job_training_examples:s:false:search_path=pg_catalog, pg_temp',
        'training_doc_digest:i:false:search_path=pg_catalog, pg_temp',
        'training_examples:s:false:search_path=pg_catalog, pg_temp'],
  'F1/F2/S7: volatility, not SECURITY DEFINER, search_path fixed');
SELECT is(ARRAY(SELECT p.proname::text FROM pg_proc p, aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
                 WHERE p.pronamespace = 'hitlai'::regnamespace AND a.grantee = 0
                   AND p.proname IN ('training_examples', 'job_training_examples', 'create_fine_tuning_job')),
  '{}'::name[]::text[], 'G1: PUBLIC may not execute the export and job functions');
CREATE ROLE hl_f1_probe NOLOGIN NOSUPERUSER NOBYPASSRLS;
GRANT USAGE ON SCHEMA hitlai TO hl_f1_probe;
SET LOCAL ROLE hl_f1_probe;
SELECT throws_ok($$SELECT * FROM hitlai.training_examples()$$, '42501', NULL, 'G1: an ordinary role cannot export (42501)');
SELECT throws_ok($$SELECT hitlai.create_fine_tuning_job('gpt-b')$$, '42501', NULL, 'G1: an ordinary role cannot create a job (42501)');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
