-- S9: upgrading from 0.1.0, where no trigger kept counters, brings every maintained value
-- up to date from the rows that are there: issues_found (T6) and the state behind the
-- views (V3). On a fresh install (and inside a restore) the tables are empty and this
-- costs nothing. Milestones, quota usage and tester earnings are not derived: 0.1.0 never
-- counted them and hitlai does not guess history (see docs/RELEASING.md).
-- The backfill is not an application update: the UPDATE triggers (T4's guard on
-- issues_found, T2's refresh of training rows, the stats deltas) stay out of it.
ALTER TABLE @extschema@.test_runs DISABLE TRIGGER a_guard_tester_columns;
ALTER TABLE @extschema@.test_runs DISABLE TRIGGER test_runs_status_trigger;
ALTER TABLE @extschema@.test_runs DISABLE TRIGGER update_tester_stats_trigger;
ALTER TABLE @extschema@.test_runs DISABLE TRIGGER capture_training_data_trigger;
UPDATE @extschema@.test_runs r
   SET issues_found = coalesce(i.n, 0)
  FROM @extschema@.test_runs r2
  LEFT JOIN (SELECT test_run_id, pg_catalog.count(*)::integer AS n
               FROM @extschema@.issues GROUP BY test_run_id) i ON i.test_run_id = r2.id
 WHERE r.id = r2.id AND r.issues_found IS DISTINCT FROM coalesce(i.n, 0);
ALTER TABLE @extschema@.test_runs ENABLE TRIGGER a_guard_tester_columns;
ALTER TABLE @extschema@.test_runs ENABLE TRIGGER test_runs_status_trigger;
ALTER TABLE @extschema@.test_runs ENABLE TRIGGER update_tester_stats_trigger;
ALTER TABLE @extschema@.test_runs ENABLE TRIGGER capture_training_data_trigger;
SELECT @extschema@.rebuild_stats();
