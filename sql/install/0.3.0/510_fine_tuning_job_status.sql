-- F3: the fine-tuning job life cycle. BEFORE UPDATE ROW, no side effects (not SECURITY
-- DEFINER). INSERT may use any status (a restore loads jobs as they were).
CREATE FUNCTION @extschema@.fine_tuning_jobs_before_update() RETURNS trigger
  LANGUAGE c
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_fine_tuning_jobs_before_update';
COMMENT ON FUNCTION @extschema@.fine_tuning_jobs_before_update() IS
  'F3: job status moves (HL002), completed_at on entering succeeded/failed/cancelled, fine_tuned_model_id/error_message required (23514), job_id/training_file_id immutable once set (HL003)';
REVOKE ALL ON FUNCTION @extschema@.fine_tuning_jobs_before_update() FROM PUBLIC;

CREATE TRIGGER fine_tuning_jobs_status_trigger
  BEFORE UPDATE ON @extschema@.fine_tuning_jobs
  FOR EACH ROW EXECUTE FUNCTION @extschema@.fine_tuning_jobs_before_update();
