-- J6: fine_tuning_jobs.hyperparameters.
BEGIN;
SELECT plan(14);

\ir include/error_text.sql
CREATE FUNCTION pg_temp.ins(doc text) RETURNS text LANGUAGE sql AS $$
  SELECT format($f$INSERT INTO hitlai.fine_tuning_jobs (model_type, hyperparameters)
                  VALUES ('gpt-test', %L::jsonb)$f$, doc)
$$;

SELECT col_has_check('hitlai', 'fine_tuning_jobs', 'hyperparameters', 'J6: hyperparameters has a CHECK');
SELECT lives_ok($$INSERT INTO hitlai.fine_tuning_jobs (model_type) VALUES ('default')$$,
                'J6: the column default {} is accepted');
SELECT lives_ok(pg_temp.ins('{"n_epochs": 3, "batch_size": "auto", "learning_rate_multiplier": 0.1, "seed": 7}'),
                'J6: numbers, "auto" and unknown keys are accepted');
SELECT lives_ok(pg_temp.ins('{"n_epochs": "auto", "batch_size": 256, "learning_rate_multiplier": "auto"}'),
                'J6: bounds and "auto" are accepted');

SELECT is(pg_temp.err(pg_temp.ins(doc)),
          '23514 | invalid JSON document in column "hyperparameters" of relation "fine_tuning_jobs" | ' || detail,
          'J6 INSERT: ' || detail)
FROM (VALUES
  ('[]', 'hyperparameters: expected an object, got an array'),
  ('{"n_epochs": 0}', 'hyperparameters.n_epochs: expected a positive integer or "auto", got 0'),
  ('{"n_epochs": 51}', 'hyperparameters.n_epochs: expected an integer of at most 50 or "auto", got 51'),
  ('{"n_epochs": "3"}', 'hyperparameters.n_epochs: expected a positive integer or "auto", got "3"'),
  ('{"batch_size": 257}', 'hyperparameters.batch_size: expected an integer of at most 256 or "auto", got 257'),
  ('{"batch_size": 1.5}', 'hyperparameters.batch_size: expected a positive integer or "auto", got 1.5'),
  ('{"learning_rate_multiplier": 0}',
   'hyperparameters.learning_rate_multiplier: expected a number greater than 0 or "auto", got 0'),
  ('{"learning_rate_multiplier": "fast"}',
   'hyperparameters.learning_rate_multiplier: expected a number greater than 0 or "auto", got "fast"')
) AS t(doc, detail);

SELECT is(pg_temp.err($$UPDATE hitlai.fine_tuning_jobs SET hyperparameters = '{"n_epochs": -1}' WHERE model_type = 'default'$$),
          '23514 | invalid JSON document in column "hyperparameters" of relation "fine_tuning_jobs" | '
          'hyperparameters.n_epochs: expected a positive integer or "auto", got -1',
          'J6 UPDATE: a negative n_epochs is rejected');
SELECT is(hitlai.validate_hyperparameters('{"n_epochs": 50}'), '{"n_epochs": 50}'::jsonb,
          'J6: validate_hyperparameters returns the document');

SELECT * FROM finish();
ROLLBACK;
