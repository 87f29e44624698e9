-- F1: training_examples against a plain SQL reference of the rows it must return (rating
-- >= 4, the model type, used rows only with include_used, duplicates of an older row of
-- the same scope left out, oldest first) in every combination of its arguments, with
-- tied created_at, twins across model types and used rows, and a work_mem far below the
-- rows; training_jsonl equals example::text, also for lines of megabytes, after a
-- rescan and through a cursor while rows change; F2: a job's examples are that set.
BEGIN;
SELECT plan(81);
SET LOCAL work_mem = '64kB';
INSERT INTO hitlai.companies (id, name, email, monthly_test_quota)
  VALUES ('00000000-0000-0000-0000-0000000000c1', 'Acme', 'acme@rv.test', NULL);
CREATE FUNCTION pg_temp.run(n int) RETURNS uuid LANGUAGE sql IMMUTABLE AS $$
  SELECT format('00000000-0000-0000-0000-%s', lpad(to_hex(n), 12, '0'))::uuid $$;
-- 113 distinct document pairs; every byte 1..127 and a few multibyte chars at shifting positions
CREATE FUNCTION pg_temp.input(k int) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT jsonb_build_object('url', 'https://example.com/' || k,
     'mission', repeat('x', k % 11) || chr(1 + (k * 7) % 127) || repeat('ab', k % 5) || chr(1 + (k * 13) % 127)
                || E'\\"' || chr(127) || 'é😀' || chr(31) || repeat('y', k % 9) || k,
     'persona', CASE WHEN k % 2 = 0 THEN 'casual_user' END, 'platform', 'web') $$;
CREATE FUNCTION pg_temp.output(k int) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT jsonb_build_object('sentiment_score', (k % 100) / 100.0,
     'issues', jsonb_build_array(jsonb_build_object('title', E'T"\\' || chr(1 + k % 31) || k, 'severity', 'critical')),
     'recommendations', jsonb_build_array(repeat(chr(32 + k % 95), k % 17)), 'positives', '[]'::jsonb) $$;
INSERT INTO hitlai.test_runs (id, company_id, url, mission)
  SELECT pg_temp.run(n), '00000000-0000-0000-0000-0000000000c1'::uuid, 'https://example.com/' || n, 'Mission ' || n
    FROM generate_series(1, 1500) n;
-- created_at in groups of 50 equal timestamps (ties broken by id); documents from a pool
-- of 113 (many duplicates), 3 model types incl. NULL, ratings 3..5.
INSERT INTO hitlai.training_data (test_run_id, input_data, output_data, rating, model_type, created_at)
  SELECT pg_temp.run(n), pg_temp.input(k), pg_temp.output(k), 3 + (n % 7) % 3,
         (ARRAY['gpt-a', 'gpt-b', NULL])[1 + (n % 5) % 3],
         timestamptz '2026-01-01' + (n / 50) * interval '1 second'
    FROM (SELECT n, (n * 37) % 113 AS k FROM generate_series(1, 1500) n) g;
UPDATE hitlai.training_data SET used_for_training = true
 WHERE test_run_id IN (SELECT pg_temp.run(n) FROM generate_series(1, 1500) n WHERE n % 4 = 1);
SELECT ok((SELECT count(*) FROM hitlai.training_data WHERE used_for_training) > 300, 'F1 (fixture): a quarter of the rows are used for training');
SELECT ok((SELECT count(*) FROM hitlai.training_data d WHERE rating >= 4 AND EXISTS (SELECT FROM hitlai.training_data o WHERE o.rating >= 4 AND o.input_data = d.input_data AND o.output_data = d.output_data AND o.model_type IS DISTINCT FROM d.model_type)) > 100, 'F1 (fixture): twins across model types');

CREATE FUNCTION pg_temp.ref(mt text, iu bool) RETURNS TABLE (id uuid) LANGUAGE sql STABLE AS $$
  SELECT d.id FROM hitlai.training_data d
   WHERE d.rating >= 4 AND (mt IS NULL OR d.model_type = mt) AND (iu OR NOT d.used_for_training)
     AND NOT EXISTS (SELECT 1 FROM hitlai.training_data o
                      WHERE o.rating >= 4 AND (mt IS NULL OR o.model_type = mt)
                        AND o.input_data = d.input_data AND o.output_data = d.output_data
                        AND (o.created_at, o.id) < (d.created_at, d.id))
   ORDER BY d.created_at, d.id $$;

CREATE TEMP TABLE combos AS
  SELECT mt, sp, pct, iu FROM unnest(ARRAY['gpt-a', 'gpt-b', NULL]) mt,
         unnest(ARRAY[NULL, 'train', 'validation']) sp, unnest(ARRAY[0, 37]) pct, unnest(ARRAY[false, true]) iu;
-- 36 combos x 2 checks
SELECT is(ARRAY(SELECT e.training_data_id FROM hitlai.training_examples(c.mt, c.sp, c.pct, c.iu) e),
          ARRAY(SELECT r.id FROM pg_temp.ref(c.mt, c.iu) r
                 WHERE c.sp IS NULL OR r.id IN (SELECT a.training_data_id FROM hitlai.training_examples(c.mt, NULL, c.pct, c.iu) a WHERE a.split = c.sp)),
          format('F1: the rows and order of the reference: model %s, split %s, %s %%, include_used %s', c.mt, c.sp, c.pct, c.iu))
  FROM combos c;
SELECT is(ARRAY(SELECT t FROM hitlai.training_jsonl(c.mt, c.sp, c.pct, c.iu) t),
          ARRAY(SELECT e.example::text FROM hitlai.training_examples(c.mt, c.sp, c.pct, c.iu) e),
          format('F1: training_jsonl equals example::text: model %s, split %s, %s %%, include_used %s', c.mt, c.sp, c.pct, c.iu))
  FROM combos c;
-- streamed in the select list too
SELECT is(ARRAY(SELECT hitlai.training_jsonl(NULL, NULL, 10, true)),
          ARRAY(SELECT e.example::text FROM hitlai.training_examples(NULL, NULL, 10, true) e), 'F1: training_jsonl in the select list');
-- LATERAL: the stream restarted (rescan) after a LIMIT, per model type
SELECT is(ARRAY(SELECT s.t FROM (VALUES (1, 'gpt-a'), (2, 'gpt-b'), (3, 'gpt-a')) v(o, m),
                 LATERAL (SELECT hitlai.training_jsonl(v.m, NULL, 10, true) t LIMIT 2) s),
          ARRAY(SELECT s.t FROM (VALUES (1, 'gpt-a'), (2, 'gpt-b'), (3, 'gpt-a')) v(o, m),
                 LATERAL (SELECT e.example::text t FROM hitlai.training_examples(v.m, NULL, 10, true) e LIMIT 2) s),
          'F1: training_jsonl restarted after a LIMIT (LATERAL rescan)');
-- A cursor over the stream, with older twins inserted and rows marked used between
-- fetches: one snapshot, so the lines are those of before.
CREATE TEMP TABLE exp1 AS SELECT e.example::text t, o FROM hitlai.training_examples(NULL, NULL, 10, false) WITH ORDINALITY e(i, s, example, o);
CREATE TEMP TABLE got1 (t text, o serial);
INSERT INTO hitlai.test_runs (id, company_id, url, mission)
  SELECT pg_temp.run(n), '00000000-0000-0000-0000-0000000000c1'::uuid, 'https://example.com/' || n, 'Mission ' || n
    FROM generate_series(3001, 3113) n;
DO $$
DECLARE c refcursor; l text; i int := 0;
BEGIN
  OPEN c FOR SELECT hitlai.training_jsonl(NULL, NULL, 10, false);
  LOOP
    FETCH c INTO l;
    EXIT WHEN NOT FOUND;
    INSERT INTO got1 (t) VALUES (l);
    i := i + 1;
    IF i = 3 THEN
      INSERT INTO hitlai.training_data (test_run_id, input_data, output_data, rating, model_type, created_at)
        SELECT pg_temp.run(3001 + k), pg_temp.input(k), pg_temp.output(k), 5, NULL, timestamptz '2000-01-01' FROM generate_series(0, 112) k;
      UPDATE hitlai.training_data SET used_for_training = true WHERE NOT used_for_training AND test_run_id IN (SELECT pg_temp.run(n) FROM generate_series(1, 1500) n WHERE n % 3 = 0);
    END IF;
  END LOOP;
  CLOSE c;
END $$;
SELECT is(ARRAY(SELECT t FROM got1 ORDER BY o), ARRAY(SELECT t FROM exp1 ORDER BY o), 'F1: one snapshot for the scan and the duplicate probes (a cursor while rows change)');
-- F2
CREATE TEMP TABLE before_job AS SELECT r.id FROM pg_temp.ref('gpt-a', false) r;
SELECT hitlai.create_fine_tuning_job('gpt-a', '{}', 20) AS job \gset
SELECT is(ARRAY(SELECT training_data_id FROM hitlai.fine_tuning_job_examples WHERE job_id = :'job' ORDER BY 1),
          ARRAY(SELECT id FROM before_job ORDER BY 1), 'F2: the job holds exactly the reference rows');
SELECT is(ARRAY(SELECT t FROM hitlai.job_training_jsonl(:'job') t),
          ARRAY(SELECT e.example::text FROM hitlai.job_training_examples(:'job') e), 'F2: job_training_jsonl equals job_training_examples');
-- large documents: lines of megabytes written across growths of the batch buffer
INSERT INTO hitlai.test_runs (id, company_id, url, mission)
  SELECT pg_temp.run(n), '00000000-0000-0000-0000-0000000000c1'::uuid, 'https://example.com/' || n, 'Mission ' || n
    FROM generate_series(2001, 2006) n;
INSERT INTO hitlai.training_data (test_run_id, input_data, output_data, rating, model_type, created_at)
  SELECT pg_temp.run(n),
         jsonb_build_object('url', 'https://e.com/' || n, 'mission', repeat(chr(1), 100000 + n) || repeat('"', 90000) || repeat(E'\\', 50000 + n) || repeat('a', n - 2000),
                            'persona', NULL, 'platform', 'web'),
         pg_temp.output(n), 5, 'gpt-big', now()
    FROM generate_series(2001, 2006) n;
SELECT is((SELECT count(*) FROM hitlai.training_jsonl('gpt-big')), 6::bigint, 'F1: lines of megabytes (the batch buffer grows mid-line)');
SELECT is(ARRAY(SELECT md5(t) FROM hitlai.training_jsonl('gpt-big') t),
          ARRAY(SELECT md5(e.example::text) FROM hitlai.training_examples('gpt-big') e), 'F1: lines of megabytes equal example::text');
SELECT * FROM finish();
ROLLBACK;
