-- T1-T3, Q1-Q2, V1-V2: statement-level AFTER triggers on test_runs reading transition
-- tables (src/pg/test_run_triggers.cpp). SECURITY DEFINER (A3): they write companies,
-- human_testers, tester_assignments and training_data whoever fires them.
CREATE FUNCTION @extschema@.test_runs_after_insert() RETURNS trigger
  LANGUAGE c SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_test_runs_after_insert';
COMMENT ON FUNCTION @extschema@.test_runs_after_insert() IS
  'Q1/Q2 quota, V1 company stats, T1 milestone count, T3 credit and T2 capture of runs inserted completed, V2 active runs';
REVOKE ALL ON FUNCTION @extschema@.test_runs_after_insert() FROM PUBLIC;

CREATE FUNCTION @extschema@.test_runs_after_update() RETURNS trigger
  LANGUAGE c SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_test_runs_after_update';
COMMENT ON FUNCTION @extschema@.test_runs_after_update() IS
  'T3 update_tester_stats, T2 capture_training_data, V1/V2 stats deltas';
REVOKE ALL ON FUNCTION @extschema@.test_runs_after_update() FROM PUBLIC;

CREATE FUNCTION @extschema@.test_runs_after_delete() RETURNS trigger
  LANGUAGE c SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_test_runs_after_delete';
COMMENT ON FUNCTION @extschema@.test_runs_after_delete() IS
  'V1/V2 stats deltas and T3 rating recount after runs are deleted';
REVOKE ALL ON FUNCTION @extschema@.test_runs_after_delete() FROM PUBLIC;

CREATE TRIGGER test_runs_after_insert_trigger
  AFTER INSERT ON @extschema@.test_runs
  REFERENCING NEW TABLE AS new_runs
  FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.test_runs_after_insert();
CREATE TRIGGER test_runs_after_update_trigger
  AFTER UPDATE ON @extschema@.test_runs
  REFERENCING OLD TABLE AS old_runs NEW TABLE AS new_runs
  FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.test_runs_after_update();
CREATE TRIGGER test_runs_after_delete_trigger
  AFTER DELETE ON @extschema@.test_runs
  REFERENCING OLD TABLE AS old_runs
  FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.test_runs_after_delete();
