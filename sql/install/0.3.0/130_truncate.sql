-- V1-V3, T3, T6: TRUNCATE (superusers only, S7) of a table whose rows feed hitlai's
-- counters keeps them exact: an AFTER TRUNCATE statement trigger rebuilds the company and
-- tester stats from what is left (as hitlai.rebuild_stats() does) and, for issues, sets
-- every run's issues_found to 0. TRUNCATE ... CASCADE from companies or human_testers
-- reaches test_runs and fires it there. Totals that never go down (tests_completed,
-- total_earnings, milestones) are not touched.
CREATE FUNCTION @extschema@.stats_after_truncate() RETURNS trigger
  LANGUAGE c
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_stats_after_truncate';
COMMENT ON FUNCTION @extschema@.stats_after_truncate() IS
  'V1-V3, T6: rebuilds the counters fed by truncated rows';
REVOKE ALL ON FUNCTION @extschema@.stats_after_truncate() FROM PUBLIC;
CREATE TRIGGER stats_after_truncate_trigger
  AFTER TRUNCATE ON @extschema@.test_runs
  FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.stats_after_truncate();
CREATE TRIGGER stats_after_truncate_trigger
  AFTER TRUNCATE ON @extschema@.tester_assignments
  FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.stats_after_truncate();
CREATE TRIGGER stats_after_truncate_trigger
  AFTER TRUNCATE ON @extschema@.issues
  FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.stats_after_truncate();
