-- F1/F2: the export's lines as text, streamed, for a fast byte-exact JSONL file
-- (docs/training.md). Privileged only (G1: admin functions like training_examples and
-- job_training_examples, whose lines they return); not SECURITY DEFINER: the caller's
-- own rights on training_data, fine_tuning_jobs and fine_tuning_job_examples apply.

-- F1: the lines of training_examples(model_type, split, validation_percent,
-- include_used), same rows, same order, each exactly example::text of that function,
-- returned as text one value per call: called in a select list (as the documented COPY
-- command does) they stream to the client without a result store.
CREATE FUNCTION @extschema@.training_jsonl(
    model_type text DEFAULT NULL, split text DEFAULT NULL,
    validation_percent integer DEFAULT 10, include_used boolean DEFAULT false)
  RETURNS SETOF text
  LANGUAGE c STABLE
  ROWS 100000
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_training_jsonl';
COMMENT ON FUNCTION @extschema@.training_jsonl(text, text, integer, boolean) IS
  'F1: the lines of training_examples(model_type, split, validation_percent, include_used) as text (each exactly example::text), same rows and order, streamed. JSONL file: psql -X -q -v ON_ERROR_STOP=1 -c "COPY (SELECT hitlai.training_jsonl()) TO STDOUT (FORMAT csv, QUOTE e''\x01'', DELIMITER e''\x02'')" > train.jsonl (csv with quote and delimiter bytes a line never holds: nothing is quoted or escaped). Privileged only.';
REVOKE ALL ON FUNCTION @extschema@.training_jsonl(text, text, integer, boolean) FROM PUBLIC;

-- F2: the lines of job_training_examples(job_id, split) as text, streamed.
CREATE FUNCTION @extschema@.job_training_jsonl(job_id uuid, split text DEFAULT NULL)
  RETURNS SETOF text
  LANGUAGE c STABLE
  ROWS 100000
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_job_training_jsonl';
COMMENT ON FUNCTION @extschema@.job_training_jsonl(uuid, text) IS
  'F2: the lines of job_training_examples(job_id, split) as text (each exactly example::text), same rows and order, streamed; the same bytes on every call. Privileged only.';
REVOKE ALL ON FUNCTION @extschema@.job_training_jsonl(uuid, text) FROM PUBLIC;
