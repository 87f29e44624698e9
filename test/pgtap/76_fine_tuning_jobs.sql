-- F3: the fine-tuning job life cycle (BEFORE UPDATE trigger on fine_tuning_jobs): allowed
-- moves (HL002 with the allowed moves in DETAIL), completed_at, fine_tuned_model_id /
-- error_message required (23514), job_id / training_file_id immutable once set (HL003).
-- D16: fine_tuning_job_examples (shape, foreign keys, RLS, dump registration).
BEGIN;
SELECT plan(47);

\ir include/error_text.sql

-- F3: the trigger and its function.
SELECT trigger_is('hitlai', 'fine_tuning_jobs', 'fine_tuning_jobs_status_trigger',
                  'hitlai', 'fine_tuning_jobs_before_update',
                  'F3: fine_tuning_jobs_status_trigger runs hitlai.fine_tuning_jobs_before_update()');
SELECT is((SELECT tgtype::int & (2 | 1 | 16) FROM pg_trigger
            WHERE tgname = 'fine_tuning_jobs_status_trigger' AND tgrelid = 'hitlai.fine_tuning_jobs'::regclass),
          2 | 1 | 16, 'F3: the trigger is BEFORE UPDATE FOR EACH ROW');
SELECT is((SELECT row(l.lanname, p.prosecdef, p.proconfig)::text FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
            WHERE p.oid = 'hitlai.fine_tuning_jobs_before_update'::regproc),
          row('c', false, '{"search_path=pg_catalog, pg_temp"}'::text[])::text,
          'F3/S2/S7: compiled (LANGUAGE c), not SECURITY DEFINER, fixed search_path');

-- Every pair of statuses: the outcome of an UPDATE from a job in status a to b (the
-- required columns given, so only the move decides).
CREATE FUNCTION pg_temp.move(a text, b text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE j uuid; r text;
BEGIN
  INSERT INTO hitlai.fine_tuning_jobs (model_type, status) VALUES ('m', a) RETURNING id INTO j;
  r := pg_temp.err(format('UPDATE hitlai.fine_tuning_jobs SET status = %L, fine_tuned_model_id = %L, error_message = %L WHERE id = %L',
                          b, 'ft:m:1', 'boom', j));
  RETURN split_part(r, ' | ', 1);
END $$;
CREATE TEMP TABLE st (s text, o int);
INSERT INTO st VALUES ('pending', 1), ('validating_files', 2), ('queued', 3), ('running', 4),
  ('succeeded', 5), ('failed', 6), ('cancelled', 7);
SELECT set_eq(
  $$SELECT a.s AS f, b.s AS t FROM st a, st b WHERE a.s <> b.s AND pg_temp.move(a.s, b.s) = 'no error'$$,
  $$VALUES ('pending', 'validating_files'), ('validating_files', 'queued'), ('queued', 'running'),
           ('running', 'succeeded'),
           ('pending', 'failed'), ('validating_files', 'failed'), ('queued', 'failed'), ('running', 'failed'),
           ('pending', 'cancelled'), ('validating_files', 'cancelled'), ('queued', 'cancelled'),
           ('running', 'cancelled')$$,
  'F3: exactly the twelve allowed moves succeed (of the 42 between different statuses)');
SELECT is((SELECT count(*) FROM st a, st b WHERE a.s <> b.s AND pg_temp.move(a.s, b.s) = 'HL002'),
          30::bigint, 'F3: the other 30 moves raise HL002');
SELECT is((SELECT count(*) FROM st a WHERE pg_temp.move(a.s, a.s) = 'no error'),
          7::bigint, 'F3: staying in the same status is not a move (any status)');

-- HL002: message names both statuses, DETAIL lists the allowed moves.
INSERT INTO hitlai.fine_tuning_jobs (id, model_type) VALUES ('00000000-0000-0000-0000-00000000f001', 'gpt-4o-mini');
SELECT is(pg_temp.err($$UPDATE hitlai.fine_tuning_jobs SET status = 'running' WHERE id = '00000000-0000-0000-0000-00000000f001'$$),
  'HL002 | fine-tuning job status cannot change from "pending" to "running" | Allowed moves: pending -> validating_files | failed | cancelled, validating_files -> queued | failed | cancelled, queued -> running | failed | cancelled, running -> succeeded | failed | cancelled; succeeded, failed and cancelled are final.',
  'F3: pending -> running raises HL002 naming both statuses, DETAIL listing every allowed move');
SELECT is((SELECT row(status, completed_at)::text FROM hitlai.fine_tuning_jobs WHERE id = '00000000-0000-0000-0000-00000000f001'),
          row('pending', NULL::timestamptz)::text, 'F3: the refused UPDATE left the row as it was');

-- The whole happy path; completed_at only on entering the final status.
UPDATE hitlai.fine_tuning_jobs SET status = 'validating_files', training_file_id = 'file-abc'
 WHERE id = '00000000-0000-0000-0000-00000000f001';
SELECT is((SELECT completed_at FROM hitlai.fine_tuning_jobs WHERE id = '00000000-0000-0000-0000-00000000f001'),
          NULL, 'F3: pending -> validating_files leaves completed_at NULL');
UPDATE hitlai.fine_tuning_jobs SET status = 'queued', job_id = 'ftjob-abc' WHERE id = '00000000-0000-0000-0000-00000000f001';
UPDATE hitlai.fine_tuning_jobs SET status = 'running' WHERE id = '00000000-0000-0000-0000-00000000f001';
SELECT is((SELECT completed_at FROM hitlai.fine_tuning_jobs WHERE id = '00000000-0000-0000-0000-00000000f001'),
          NULL, 'F3: queued -> running leaves completed_at NULL');
SELECT throws_ok($$UPDATE hitlai.fine_tuning_jobs SET status = 'succeeded' WHERE id = '00000000-0000-0000-0000-00000000f001'$$,
  '23514', 'a succeeded fine-tuning job needs fine_tuned_model_id',
  'F3: running -> succeeded without fine_tuned_model_id raises 23514');
SELECT throws_ok($$UPDATE hitlai.fine_tuning_jobs SET status = 'succeeded', fine_tuned_model_id = '  ' WHERE id = '00000000-0000-0000-0000-00000000f001'$$,
  '23514', 'a succeeded fine-tuning job needs fine_tuned_model_id',
  'F3: a blank fine_tuned_model_id is not a model id (23514)');
SELECT is((SELECT status FROM hitlai.fine_tuning_jobs WHERE id = '00000000-0000-0000-0000-00000000f001'),
          'running', 'F3: nothing written by the refused UPDATEs');
UPDATE hitlai.fine_tuning_jobs SET status = 'succeeded', fine_tuned_model_id = 'ft:gpt-4o-mini:hitlai:abc',
                                   completed_at = '2001-01-01'
 WHERE id = '00000000-0000-0000-0000-00000000f001';
SELECT is((SELECT row(status, completed_at = now())::text FROM hitlai.fine_tuning_jobs WHERE id = '00000000-0000-0000-0000-00000000f001'),
          row('succeeded', true)::text, 'F3: entering succeeded sets completed_at = now() (whatever the UPDATE said)');
SELECT throws_ok($$UPDATE hitlai.fine_tuning_jobs SET status = 'failed', error_message = 'late' WHERE id = '00000000-0000-0000-0000-00000000f001'$$,
  'HL002', 'fine-tuning job status cannot change from "succeeded" to "failed"', 'F3: nothing leaves succeeded (not even failed)');
SELECT throws_ok($$UPDATE hitlai.fine_tuning_jobs SET status = 'cancelled' WHERE id = '00000000-0000-0000-0000-00000000f001'$$,
  'HL002', 'fine-tuning job status cannot change from "succeeded" to "cancelled"', 'F3: nothing leaves succeeded (not cancelled)');
SELECT throws_ok($$UPDATE hitlai.fine_tuning_jobs SET fine_tuned_model_id = NULL WHERE id = '00000000-0000-0000-0000-00000000f001'$$,
  '23514', 'a succeeded fine-tuning job needs fine_tuned_model_id', 'F3: a succeeded job keeps a fine_tuned_model_id');
SELECT lives_ok($$UPDATE hitlai.fine_tuning_jobs SET completed_at = '2030-01-01' WHERE id = '00000000-0000-0000-0000-00000000f001'$$,
  'F3: other columns of a final job may still change (completed_at corrected by hand)');

-- HL003: job_id and training_file_id once set.
SELECT throws_ok($$UPDATE hitlai.fine_tuning_jobs SET job_id = 'ftjob-other' WHERE id = '00000000-0000-0000-0000-00000000f001'$$,
  'HL003', 'column "job_id" of fine_tuning_jobs cannot be changed once set', 'F3: job_id once set cannot change (HL003)');
SELECT throws_ok($$UPDATE hitlai.fine_tuning_jobs SET job_id = NULL WHERE id = '00000000-0000-0000-0000-00000000f001'$$,
  'HL003', 'column "job_id" of fine_tuning_jobs cannot be changed once set', 'F3: job_id once set cannot become NULL (HL003)');
SELECT throws_ok($$UPDATE hitlai.fine_tuning_jobs SET training_file_id = 'file-other' WHERE id = '00000000-0000-0000-0000-00000000f001'$$,
  'HL003', 'column "training_file_id" of fine_tuning_jobs cannot be changed once set', 'F3: training_file_id once set cannot change (HL003)');
SELECT throws_ok($$UPDATE hitlai.fine_tuning_jobs SET training_file_id = NULL WHERE id = '00000000-0000-0000-0000-00000000f001'$$,
  'HL003', 'column "training_file_id" of fine_tuning_jobs cannot be changed once set', 'F3: training_file_id once set cannot become NULL (HL003)');
SELECT lives_ok($$UPDATE hitlai.fine_tuning_jobs SET job_id = 'ftjob-abc', training_file_id = 'file-abc' WHERE id = '00000000-0000-0000-0000-00000000f001'$$,
  'F3: writing the same job_id / training_file_id again is not a change');
SELECT is((SELECT row(job_id, training_file_id)::text FROM hitlai.fine_tuning_jobs WHERE id = '00000000-0000-0000-0000-00000000f001'),
          row('ftjob-abc', 'file-abc')::text, 'F3: job_id and training_file_id kept');
-- HL003 is checked before the move (a forbidden move and an immutable column: HL003).
INSERT INTO hitlai.fine_tuning_jobs (id, model_type, job_id) VALUES ('00000000-0000-0000-0000-00000000f002', 'm', 'ftjob-2');
SELECT throws_ok($$UPDATE hitlai.fine_tuning_jobs SET job_id = 'x', status = 'running' WHERE id = '00000000-0000-0000-0000-00000000f002'$$,
  'HL003', NULL, 'F3: an immutable column is reported before the status move');
SELECT lives_ok($$UPDATE hitlai.fine_tuning_jobs SET training_file_id = 'file-2' WHERE id = '00000000-0000-0000-0000-00000000f002'$$,
  'F3: a NULL training_file_id may be set');

-- failed and cancelled.
SELECT throws_ok($$UPDATE hitlai.fine_tuning_jobs SET status = 'failed' WHERE id = '00000000-0000-0000-0000-00000000f002'$$,
  '23514', 'a failed fine-tuning job needs error_message', 'F3: failed without error_message raises 23514');
SELECT throws_ok($$UPDATE hitlai.fine_tuning_jobs SET status = 'failed', error_message = '' WHERE id = '00000000-0000-0000-0000-00000000f002'$$,
  '23514', 'a failed fine-tuning job needs error_message', 'F3: an empty error_message is no message (23514)');
UPDATE hitlai.fine_tuning_jobs SET status = 'failed', error_message = 'training file invalid' WHERE id = '00000000-0000-0000-0000-00000000f002';
SELECT is((SELECT row(status, completed_at = now())::text FROM hitlai.fine_tuning_jobs WHERE id = '00000000-0000-0000-0000-00000000f002'),
          row('failed', true)::text, 'F3: pending -> failed sets completed_at = now()');
SELECT throws_ok($$UPDATE hitlai.fine_tuning_jobs SET status = 'pending' WHERE id = '00000000-0000-0000-0000-00000000f002'$$,
  'HL002', 'fine-tuning job status cannot change from "failed" to "pending"', 'F3: nothing leaves failed');
INSERT INTO hitlai.fine_tuning_jobs (id, model_type, status) VALUES ('00000000-0000-0000-0000-00000000f003', 'm', 'queued');
UPDATE hitlai.fine_tuning_jobs SET status = 'cancelled' WHERE id = '00000000-0000-0000-0000-00000000f003';
SELECT is((SELECT row(status, completed_at = now())::text FROM hitlai.fine_tuning_jobs WHERE id = '00000000-0000-0000-0000-00000000f003'),
          row('cancelled', true)::text, 'F3: queued -> cancelled sets completed_at = now() (no message needed)');
SELECT throws_ok($$UPDATE hitlai.fine_tuning_jobs SET status = 'running' WHERE id = '00000000-0000-0000-0000-00000000f003'$$,
  'HL002', 'fine-tuning job status cannot change from "cancelled" to "running"', 'F3: nothing leaves cancelled');
-- A value outside D11 is left to the CHECK constraint (PostgreSQL's own 23514).
SELECT throws_ok($$UPDATE hitlai.fine_tuning_jobs SET status = 'done' WHERE id = '00000000-0000-0000-0000-00000000f003'$$,
  '23514', 'new row for relation "fine_tuning_jobs" violates check constraint "fine_tuning_jobs_status_check"',
  'F3/D11: an unknown status is rejected by the CHECK constraint');
-- A multi-row UPDATE is all or nothing.
INSERT INTO hitlai.fine_tuning_jobs (model_type, status) VALUES ('multi', 'pending'), ('multi', 'running');
SELECT throws_ok($$UPDATE hitlai.fine_tuning_jobs SET status = 'validating_files' WHERE model_type = 'multi'$$,
  'HL002', 'fine-tuning job status cannot change from "running" to "validating_files"',
  'F3: one forbidden move fails the whole statement');
SELECT is((SELECT string_agg(status, ',' ORDER BY status) FROM hitlai.fine_tuning_jobs WHERE model_type = 'multi'),
          'pending,running', 'F3: nothing half-written by the failed multi-row UPDATE');
-- INSERT may use any status (a restore loads jobs as they were).
SELECT lives_ok($$INSERT INTO hitlai.fine_tuning_jobs (model_type, status, completed_at) VALUES ('restored', 'succeeded', '2020-01-01')$$,
  'F3: INSERT is not checked by the life cycle (restore)');

-- D16: fine_tuning_job_examples.
SELECT has_table('hitlai', 'fine_tuning_job_examples', 'D16: table fine_tuning_job_examples exists');
SELECT columns_are('hitlai', 'fine_tuning_job_examples', ARRAY['id', 'job_id', 'training_data_id', 'split'],
  'D16: columns id, job_id, training_data_id, split');
SELECT is(ARRAY(SELECT format('%s %s %s %s', attname, format_type(atttypid, atttypmod), attnotnull,
                               pg_get_expr(d.adbin, d.adrelid))
                  FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                 WHERE a.attrelid = 'hitlai.fine_tuning_job_examples'::regclass AND a.attnum > 0 ORDER BY a.attnum),
  ARRAY['id uuid t gen_random_uuid()', 'job_id uuid t ', 'training_data_id uuid t ', 'split text t '],
  'D16: types, NOT NULL and defaults');
SELECT fk_ok('hitlai', 'fine_tuning_job_examples', 'job_id', 'hitlai', 'fine_tuning_jobs', 'id',
             'D16: job_id references fine_tuning_jobs(id)');
SELECT fk_ok('hitlai', 'fine_tuning_job_examples', 'training_data_id', 'hitlai', 'training_data', 'id',
             'D16: training_data_id references training_data(id)');
SELECT is(ARRAY(SELECT a.attname || ':' || c.confdeltype::text FROM pg_constraint c
                  JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
                 WHERE c.conrelid = 'hitlai.fine_tuning_job_examples'::regclass AND c.contype = 'f' ORDER BY 1),
  ARRAY['job_id:c', 'training_data_id:r'], 'D16: ON DELETE CASCADE from the job, RESTRICT from the training row');
SELECT col_is_unique('hitlai', 'fine_tuning_job_examples', ARRAY['job_id', 'training_data_id'],
                     'D16: UNIQUE (job_id, training_data_id)');
SELECT is((SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'fine_tuning_job_examples_split_check'),
          'CHECK ((split = ANY (ARRAY[''train''::text, ''validation''::text])))', 'D16: split is train or validation');
SELECT is(ARRAY(SELECT policyname || ' ' || permissive || ' ' || cmd || ' ' || qual || ' ' || with_check
                  FROM pg_policies WHERE schemaname = 'hitlai' AND tablename = 'fine_tuning_job_examples'),
  ARRAY['fine_tuning_job_examples_privileged_only RESTRICTIVE ALL false false'],
  'D16/A2: RLS with one restrictive policy admitting no row (privileged only)');
SELECT ok((SELECT relrowsecurity FROM pg_class WHERE oid = 'hitlai.fine_tuning_job_examples'::regclass),
          'D16/A2: row-level security enabled');
SELECT ok((SELECT 'hitlai.fine_tuning_job_examples'::regclass = ANY (extconfig) FROM pg_extension WHERE extname = 'hitlai'),
          'D16/S8: registered with pg_extension_config_dump');

SELECT * FROM finish();
ROLLBACK;
