-- D16: which training examples went into which fine-tuning job, with the split each was
-- given (F2). An example that went into a job can't be deleted while the job exists
-- (ON DELETE RESTRICT: deleting its training_data row, or the test run or company above
-- it, fails with 23503); deleting the job deletes its rows here (CASCADE).
CREATE TABLE @extschema@.fine_tuning_job_examples (
  id               uuid PRIMARY KEY DEFAULT pg_catalog.gen_random_uuid(),
  job_id           uuid NOT NULL
                   REFERENCES @extschema@.fine_tuning_jobs (id) ON DELETE CASCADE,
  training_data_id uuid NOT NULL
                   REFERENCES @extschema@.training_data (id) ON DELETE RESTRICT,
  split            text NOT NULL,
  CONSTRAINT fine_tuning_job_examples_split_check CHECK (split OPERATOR(pg_catalog.=) ANY (ARRAY['train', 'validation']::pg_catalog.text[])),
  CONSTRAINT fine_tuning_job_examples_job_id_training_data_id_key
    UNIQUE (job_id, training_data_id)
);
COMMENT ON TABLE @extschema@.fine_tuning_job_examples IS
  'D16: the training examples of each fine-tuning job and their split (F2)';
-- D14: an index on every foreign key. job_id leads the UNIQUE index above.
CREATE INDEX fine_tuning_job_examples_training_data_id_idx
  ON @extschema@.fine_tuning_job_examples (training_data_id);

-- A2/A6: privileged only, like training_data and fine_tuning_jobs (0.2.0/430): RLS on,
-- one restrictive policy that admits no row.
ALTER TABLE @extschema@.fine_tuning_job_examples ENABLE ROW LEVEL SECURITY;
CREATE POLICY fine_tuning_job_examples_privileged_only ON @extschema@.fine_tuning_job_examples
  AS RESTRICTIVE FOR ALL TO PUBLIC USING (false) WITH CHECK (false);
-- S8: its rows are user data: pg_dump dumps them.
SELECT pg_catalog.pg_extension_config_dump('@extschema@.fine_tuning_job_examples'::pg_catalog.regclass, '');
REVOKE ALL ON @extschema@.fine_tuning_job_examples FROM PUBLIC;
