-- F1/F2: the fine-tuning export (JSONL lines) and job creation. Privileged only (G1:
-- training_examples, create_fine_tuning_job and job_training_examples are admin
-- functions); none is SECURITY DEFINER: the caller's own rights on training_data,
-- fine_tuning_jobs and fine_tuning_job_examples apply. See docs/training.md.

-- F1: the duplicate key of a training example: a 64-bit hash of the stored bytes of both
-- documents (src/core/training_export.hpp, doc_digest; stable across builds, machines
-- and PostgreSQL versions). Equal documents have equal keys; the export confirms equal
-- keys by comparing the documents.
CREATE FUNCTION @extschema@.training_doc_digest(input_data jsonb, output_data jsonb)
  RETURNS bigint
  LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_training_doc_digest';
COMMENT ON FUNCTION @extschema@.training_doc_digest(jsonb, jsonb) IS
  'F1: duplicate key of a training example (64-bit hash of the stored bytes of both documents; equal documents, equal key)';
REVOKE ALL ON FUNCTION @extschema@.training_doc_digest(jsonb, jsonb) FROM PUBLIC;

-- F1: the export reads training_data in (created_at, id) order from the first index (no
-- sort); a row whose document digest a Bloom filter of repeated digests may hold (built
-- in a first pass, at most work_mem) is checked for an older row with the same
-- documents by one probe of the second. Memory does not grow with the number of rows.
CREATE INDEX training_data_export_order_idx ON @extschema@.training_data (created_at, id);
CREATE INDEX training_data_doc_digest_idx ON @extschema@.training_data
  (@extschema@.training_doc_digest(input_data, output_data), created_at, id);

CREATE FUNCTION @extschema@.training_examples(
    model_type text DEFAULT NULL, split text DEFAULT NULL,
    validation_percent integer DEFAULT 10, include_used boolean DEFAULT false)
  RETURNS TABLE (training_data_id uuid, split text, example jsonb)
  LANGUAGE c STABLE
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_training_examples';
COMMENT ON FUNCTION @extschema@.training_examples(text, text, integer, boolean) IS
  'F1: one chat fine-tuning line per training example (rating >= 4, model_type or all, unused unless include_used, duplicates left out, oldest first); split = validation for test runs whose stable hash bucket (FNV-1a 64 + splitmix64 of the test_run_id bytes, mod 100) is below validation_percent (0..50). Line: {"messages": [{"role": "system", "content": "You are HitlAI, a usability tester of web and mobile apps. The user message is a test as JSON: url, mission, persona and platform. Test the app as that persona would and answer with the report as JSON: sentiment_score (0 to 1), issues (title and severity, most severe first), recommendations and positives."}, {"role": "user", "content": <input_data, compact JSON>}, {"role": "assistant", "content": <output_data, compact JSON>}]}. JSONL file: psql -AtX -v ON_ERROR_STOP=1 -v FETCH_COUNT=10000 -c "SELECT example FROM hitlai.training_examples()" > train.jsonl. Privileged only.';
REVOKE ALL ON FUNCTION @extschema@.training_examples(text, text, integer, boolean) FROM PUBLIC;

CREATE FUNCTION @extschema@.job_training_examples(job_id uuid, split text DEFAULT NULL)
  RETURNS TABLE (training_data_id uuid, split text, example jsonb)
  LANGUAGE c STABLE
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_job_training_examples';
COMMENT ON FUNCTION @extschema@.job_training_examples(uuid, text) IS
  'F2: the lines of a fine-tuning job''s recorded examples with their recorded split, oldest first; the same bytes on every call. Privileged only.';
REVOKE ALL ON FUNCTION @extschema@.job_training_examples(uuid, text) FROM PUBLIC;

CREATE FUNCTION @extschema@.create_fine_tuning_job(
    model_type text, hyperparameters jsonb DEFAULT '{}'::jsonb,
    validation_percent integer DEFAULT 10)
  RETURNS uuid
  LANGUAGE c VOLATILE
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_create_fine_tuning_job';
COMMENT ON FUNCTION @extschema@.create_fine_tuning_job(text, jsonb, integer) IS
  'F2: creates a pending job with exactly the rows training_examples(model_type, NULL, validation_percent, false) returns (at least 10, else 22023 and nothing written), records them with their split in fine_tuning_job_examples and marks them used_for_training; concurrent calls never share an example. Privileged only.';
REVOKE ALL ON FUNCTION @extschema@.create_fine_tuning_job(text, jsonb, integer) FROM PUBLIC;
