-- T1: milestone progress counted at commit (src/pg/milestones.cpp). The INSERT trigger on
-- test_runs (update_milestone_progress_trigger, 130_test_run_triggers.sql) keeps the
-- transaction's pending run count; this deferred constraint trigger
-- rides on the company-row update that the same INSERT makes for the quota (one event per
-- company and statement) and writes the whole count in one UPDATE of milestones when the
-- transaction commits, or at SET CONSTRAINTS ALL IMMEDIATE (then after every statement).
CREATE FUNCTION @extschema@.flush_milestone_progress() RETURNS pg_catalog.trigger
  LANGUAGE c SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_flush_milestone_progress';
COMMENT ON FUNCTION @extschema@.flush_milestone_progress() IS
  'T1: adds the transaction''s inserted test runs to every milestone, unlocking those that reach tests_required';
REVOKE ALL ON FUNCTION @extschema@.flush_milestone_progress() FROM PUBLIC;

CREATE CONSTRAINT TRIGGER milestone_progress_at_commit
  AFTER UPDATE ON @extschema@.companies
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW
  WHEN (NEW.stats_run_count OPERATOR(pg_catalog.>) OLD.stats_run_count)
  EXECUTE FUNCTION @extschema@.flush_milestone_progress();
