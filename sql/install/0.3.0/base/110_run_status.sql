-- T4: status machine, completion timestamps, immutable id/company_id; T6 guard on
-- issues_found. BEFORE ROW, no side effects (not SECURITY DEFINER).
CREATE FUNCTION @extschema@.test_runs_before_write() RETURNS pg_catalog.trigger
  LANGUAGE c
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_test_runs_before_write';
COMMENT ON FUNCTION @extschema@.test_runs_before_write() IS
  'T4: status moves (HL002), completed_at/execution_time_ms, immutable id/company_id (HL003)';
REVOKE ALL ON FUNCTION @extschema@.test_runs_before_write() FROM PUBLIC;

CREATE TRIGGER test_runs_status_trigger
  BEFORE INSERT OR UPDATE ON @extschema@.test_runs
  FOR EACH ROW EXECUTE FUNCTION @extschema@.test_runs_before_write();
