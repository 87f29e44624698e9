-- T1-T3, Q1-Q2, V1-V2: statement-level AFTER triggers on test_runs reading transition
-- tables (src/pg/test_run_triggers.cpp). SECURITY DEFINER (A3): they write companies,
-- human_testers, tester_assignments and training_data whoever fires them. Trigger and
-- function names are the seed's (T1 update_milestone_progress, T2 capture_training_data,
-- T3 update_tester_stats). Triggers of one event fire in name order: capture_* first
-- (it only touches the statement's own training rows), then update_* (companies, then
-- testers; milestones at commit: the lock order of src/pg/triggers.hpp).
CREATE FUNCTION @extschema@.update_milestone_progress() RETURNS pg_catalog.trigger
  LANGUAGE c SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_update_milestone_progress';
COMMENT ON FUNCTION @extschema@.update_milestone_progress() IS
  'T1 milestone count (flushed at commit), Q1/Q2 quota, V1 company stats, T3 credit of runs inserted completed, V2 active runs';
REVOKE ALL ON FUNCTION @extschema@.update_milestone_progress() FROM PUBLIC;

CREATE FUNCTION @extschema@.update_tester_stats() RETURNS pg_catalog.trigger
  LANGUAGE c SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_update_tester_stats';
COMMENT ON FUNCTION @extschema@.update_tester_stats() IS
  'T3 tester credit and rating, V1/V2 stats deltas of updated runs';
REVOKE ALL ON FUNCTION @extschema@.update_tester_stats() FROM PUBLIC;

CREATE FUNCTION @extschema@.capture_training_data() RETURNS pg_catalog.trigger
  LANGUAGE c SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_capture_training_data';
COMMENT ON FUNCTION @extschema@.capture_training_data() IS
  'T2: training_data of completed runs rated 4 or 5 (inserted, refreshed, frozen once used, deleted when the rating drops)';
REVOKE ALL ON FUNCTION @extschema@.capture_training_data() FROM PUBLIC;

CREATE FUNCTION @extschema@.test_runs_after_delete() RETURNS pg_catalog.trigger
  LANGUAGE c SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_test_runs_after_delete';
COMMENT ON FUNCTION @extschema@.test_runs_after_delete() IS
  'V1/V2 stats deltas and T3 rating recount after runs are deleted';
REVOKE ALL ON FUNCTION @extschema@.test_runs_after_delete() FROM PUBLIC;

CREATE TRIGGER capture_training_data_on_insert_trigger
  AFTER INSERT ON @extschema@.test_runs
  REFERENCING NEW TABLE AS new_runs
  FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.capture_training_data();
CREATE TRIGGER update_milestone_progress_trigger
  AFTER INSERT ON @extschema@.test_runs
  REFERENCING NEW TABLE AS new_runs
  FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.update_milestone_progress();
CREATE TRIGGER capture_training_data_trigger
  AFTER UPDATE ON @extschema@.test_runs
  REFERENCING OLD TABLE AS old_runs NEW TABLE AS new_runs
  FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.capture_training_data();
CREATE TRIGGER update_tester_stats_trigger
  AFTER UPDATE ON @extschema@.test_runs
  REFERENCING OLD TABLE AS old_runs NEW TABLE AS new_runs
  FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.update_tester_stats();
CREATE TRIGGER test_runs_after_delete_trigger
  AFTER DELETE ON @extschema@.test_runs
  REFERENCING OLD TABLE AS old_runs
  FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.test_runs_after_delete();
