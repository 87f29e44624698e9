-- D10 training_data (1:1 with test_runs, FK ON DELETE CASCADE, rating 1..5) and D11
-- fine_tuning_jobs (job_id UNIQUE, status CHECK). Documents follow the shapes of T2 so
-- J4/J5 validation accepts them.
BEGIN;
SELECT plan(124);

\ir include/row_helpers.sql
\ir include/spec_helpers.sql

INSERT INTO spec VALUES
  ('training_data', 1, 'id',                'uuid',                     true,  'gen_random_uuid()'),
  ('training_data', 2, 'test_run_id',       'uuid',                     true,  NULL),
  ('training_data', 3, 'input_data',        'jsonb',                    true,  NULL),
  ('training_data', 4, 'output_data',       'jsonb',                    true,  NULL),
  ('training_data', 5, 'rating',            'smallint',                 false, NULL),
  ('training_data', 6, 'model_type',        'text',                     false, NULL),
  ('training_data', 7, 'used_for_training', 'boolean',                  true,  'false'),
  ('training_data', 8, 'created_at',        'timestamp with time zone', true,  'now()'),
  ('fine_tuning_jobs',  1, 'id',                  'uuid',                     true,  'gen_random_uuid()'),
  ('fine_tuning_jobs',  2, 'job_id',              'text',                     false, NULL),
  ('fine_tuning_jobs',  3, 'model_type',          'text',                     true,  NULL),
  ('fine_tuning_jobs',  4, 'status',              'text',                     true,  'pending'),
  ('fine_tuning_jobs',  5, 'training_file_id',    'text',                     false, NULL),
  ('fine_tuning_jobs',  6, 'fine_tuned_model_id', 'text',                     false, NULL),
  ('fine_tuning_jobs',  7, 'hyperparameters',     'jsonb',                    true,  '{}'),
  ('fine_tuning_jobs',  8, 'created_at',          'timestamp with time zone', true,  'now()'),
  ('fine_tuning_jobs',  9, 'completed_at',        'timestamp with time zone', false, NULL),
  ('fine_tuning_jobs', 10, 'error_message',       'text',                     false, NULL);
SELECT pg_temp.column_tests('training_data', 'D10');
SELECT pg_temp.column_tests('fine_tuning_jobs', 'D11');

-- D10 training_data
SELECT fk_ok('hitlai', 'training_data', 'test_run_id', 'hitlai', 'test_runs', 'id',
             'D10: training_data.test_run_id references test_runs(id)');
SELECT is(pg_temp.fk_action('training_data', 'test_run_id'), 'c'::"char",
          'D10: training_data.test_run_id is ON DELETE CASCADE (pg_constraint.confdeltype)');
SELECT col_is_unique('hitlai', 'training_data', 'test_run_id', 'D10: training_data.test_run_id is UNIQUE (1:1)');

-- Pending runs without rating, so T2 captures nothing by itself.
INSERT INTO hitlai.companies (id, name, email, monthly_test_quota) VALUES
  ('00000000-0000-0000-0000-0000000000c1', 'Acme', 'acme@d10.test', NULL);
INSERT INTO hitlai.test_runs (id, company_id, url, mission)
  SELECT format('00000000-0000-0000-0000-0000000000d%s', n)::uuid, '00000000-0000-0000-0000-0000000000c1',
         'https://example.com', 'Test checkout'
    FROM generate_series(1, 6) n;
CREATE FUNCTION pg_temp.td(run int, extra jsonb DEFAULT '{}') RETURNS jsonb LANGUAGE sql AS $$
  SELECT jsonb_build_object(
    'test_run_id', format('00000000-0000-0000-0000-0000000000d%s', run),
    'input_data', '{"url": "https://example.com", "mission": "Test checkout", "persona": "casual_user", "platform": "web"}'::jsonb,
    'output_data', '{"sentiment_score": 0.75, "issues": [{"title": "Payment form validation broken", "severity": "critical"}],
                     "recommendations": ["Fix validation"], "positives": ["Fast page load"]}'::jsonb,
    'rating', 4, 'model_type', 'gpt-4o') || extra
$$;
SELECT pg_temp.accepts('training_data', pg_temp.td(1), 'D10: a training example for a run is accepted');
SELECT is((SELECT row(used_for_training, created_at = now())::text FROM hitlai.training_data
            WHERE test_run_id = '00000000-0000-0000-0000-0000000000d1'),
          row(false, true)::text, 'D10: defaults are applied on insert (used_for_training false)');
SELECT pg_temp.not_null_tests('training_data', pg_temp.td(2), 'D10');
SELECT throws_ok(pg_temp.ins('training_data', pg_temp.td(9)),
  '23503', NULL, 'D10: training data of a run that does not exist is rejected with 23503');
SELECT pg_temp.rejects_check('training_data', pg_temp.td(2, jsonb_build_object('rating', v)),
                             'training_data_rating_check', format('D10: rating %s rejected (1..5)', v))
  FROM unnest(ARRAY[0, 6]) AS v;
SELECT pg_temp.accepts('training_data', pg_temp.td(n, jsonb_build_object('rating', v)),
                       format('D10: rating %s accepted', v))
  FROM (VALUES (2, 1), (3, 5)) v(n, v);
SELECT pg_temp.accepts('training_data', pg_temp.td(4, '{"rating": null}'), 'D10: rating NULL accepted');
SELECT pg_temp.rejects_dup('training_data', pg_temp.td(1, '{"rating": 5}'), 'training_data_test_run_id_key',
                           'D10: a second training row for the same run is rejected with 23505 (1:1)');
SELECT is((SELECT count(*) FROM hitlai.training_data t JOIN hitlai.test_runs r ON r.id = t.test_run_id
            WHERE r.company_id = '00000000-0000-0000-0000-0000000000c1'),
          4::bigint, 'D10: rejected rows wrote nothing (4 accepted rows)');
UPDATE hitlai.training_data SET used_for_training = true WHERE test_run_id = '00000000-0000-0000-0000-0000000000d2';
DELETE FROM hitlai.test_runs WHERE id IN ('00000000-0000-0000-0000-0000000000d1', '00000000-0000-0000-0000-0000000000d2');
SELECT is((SELECT count(*) FROM hitlai.training_data
            WHERE test_run_id IN ('00000000-0000-0000-0000-0000000000d1', '00000000-0000-0000-0000-0000000000d2')),
          0::bigint, 'D10/T2: deleting a run deletes its training row, used_for_training or not (ON DELETE CASCADE)');
SELECT is((SELECT count(*) FROM hitlai.training_data
            WHERE test_run_id IN ('00000000-0000-0000-0000-0000000000d3', '00000000-0000-0000-0000-0000000000d4')),
          2::bigint, 'D10: training rows of other runs are untouched');

-- D11 fine_tuning_jobs
CREATE TEMP TABLE base ON COMMIT DROP AS SELECT '{"model_type": "gpt-4o-mini"}'::jsonb AS doc;
SELECT pg_temp.accepts('fine_tuning_jobs', doc || '{"job_id": "ftjob-d11-1"}', 'D11: a job is accepted') FROM base;
SELECT is((SELECT row(status, hyperparameters, created_at = now())::text FROM hitlai.fine_tuning_jobs
            WHERE job_id = 'ftjob-d11-1'),
          row('pending', '{}'::jsonb, true)::text, 'D11: defaults are applied on insert (pending, {})');
SELECT pg_temp.not_null_tests('fine_tuning_jobs', doc, 'D11') FROM base;
SELECT pg_temp.rejects_check('fine_tuning_jobs', doc || jsonb_build_object('status', v), 'fine_tuning_jobs_status_check',
                             format('D11: status %L rejected', v))
  FROM base, unnest(ARRAY['done', 'Running', 'canceled', '']) AS v;
SELECT pg_temp.accepts('fine_tuning_jobs', doc || jsonb_build_object('status', v, 'job_id', 'ftjob-d11-' || v),
                       format('D11: status %L accepted', v))
  FROM base, unnest(ARRAY['pending', 'validating_files', 'queued', 'running', 'succeeded', 'failed', 'cancelled']) AS v;
SELECT col_is_unique('hitlai', 'fine_tuning_jobs', 'job_id', 'D11: fine_tuning_jobs.job_id is UNIQUE');
SELECT pg_temp.rejects_dup('fine_tuning_jobs', doc || '{"job_id": "ftjob-d11-1"}', 'fine_tuning_jobs_job_id_key',
                           'D11: a second job with the same provider job_id is rejected with 23505') FROM base;
SELECT pg_temp.accepts('fine_tuning_jobs', doc || '{"job_id": null}', 'D11: a job without job_id is accepted') FROM base;
SELECT pg_temp.accepts('fine_tuning_jobs', doc || '{"job_id": null}', 'D11: several jobs without job_id are accepted (NULLs distinct)') FROM base;
SELECT is((SELECT count(*) FROM hitlai.fine_tuning_jobs WHERE job_id LIKE 'ftjob-d11-%' OR job_id IS NULL),
          10::bigint, 'D11: rejected rows wrote nothing (10 accepted rows)');

SELECT * FROM finish();
ROLLBACK;
