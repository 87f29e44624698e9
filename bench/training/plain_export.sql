-- The F1 export written in plain SQL, the way a competent team would without hitlai's C++
-- (issue 16 benchmark baseline): jsonb_build_object for the line, md5 of the document
-- text for duplicates, hashtext for the split. Same rows, order and filters as
-- hitlai.training_examples (content is jsonb's text form, with spaces, rather than
-- compact JSON). Called with the same documented command:
--   psql -AtX -v FETCH_COUNT=10000 -c "SELECT example FROM bench_plain.training_examples()" > /dev/null
CREATE SCHEMA IF NOT EXISTS bench_plain;
CREATE OR REPLACE FUNCTION bench_plain.training_examples(
    model_type text DEFAULT NULL, split text DEFAULT NULL,
    validation_percent integer DEFAULT 10, include_used boolean DEFAULT false)
  RETURNS TABLE (training_data_id uuid, split text, example jsonb)
  LANGUAGE sql STABLE AS $$
  SELECT s.id, s.sp,
         jsonb_build_object('messages', jsonb_build_array(
           jsonb_build_object('role', 'system', 'content',
             'You are HitlAI, a usability tester of web and mobile apps. The user message is a test as JSON: url, mission, persona and platform. Test the app as that persona would and answer with the report as JSON: sentiment_score (0 to 1), issues (title and severity, most severe first), recommendations and positives.'),
           jsonb_build_object('role', 'user', 'content', s.input_data::text),
           jsonb_build_object('role', 'assistant', 'content', s.output_data::text)))
    FROM (SELECT t.id, t.created_at, t.input_data, t.output_data, t.used_for_training,
                 CASE WHEN abs(hashtext(t.test_run_id::text)) % 100 < $3 THEN 'validation' ELSE 'train' END AS sp,
                 row_number() OVER (PARTITION BY md5(t.input_data::text || t.output_data::text)
                                    ORDER BY t.created_at, t.id) AS rn
            FROM hitlai.training_data t
           WHERE t.rating >= 4 AND ($1 IS NULL OR t.model_type = $1)) s
   WHERE s.rn = 1 AND ($4 OR NOT s.used_for_training) AND ($2 IS NULL OR s.sp = $2)
   ORDER BY s.created_at, s.id
$$;
