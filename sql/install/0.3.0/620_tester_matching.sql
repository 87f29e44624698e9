-- M1-M3: tester matching (src/pg/tester_matching.cpp, src/pg/assignment_stats.cpp,
-- criteria rules in src/core/match_criteria.*).
--
-- State read instead of scanning tester_assignments (kept by the triggers below under
-- the tester row lock; audited by check_stats(), repaired by rebuild_stats()):
ALTER TABLE @extschema@.human_testers
  ADD COLUMN stats_open_assignments bigint NOT NULL DEFAULT 0,
  ADD COLUMN stats_last_assigned_at timestamptz;
COMMENT ON COLUMN @extschema@.human_testers.stats_open_assignments IS
  'M1: number of tester_assignments of this tester in assigned or started (maintained by hitlai)';
COMMENT ON COLUMN @extschema@.human_testers.stats_last_assigned_at IS
  'M1: latest assigned_at of this tester''s tester_assignments, NULL when none (maintained by hitlai)';

-- Existing assignments (upgrade from 0.2.0); nothing to do on a fresh install.
UPDATE @extschema@.human_testers h
   SET stats_open_assignments = a.n, stats_last_assigned_at = a.la
  FROM (SELECT x.tester_id,
               pg_catalog.count(*) FILTER (WHERE x.status OPERATOR(pg_catalog.=) ANY ('{assigned,started}'::pg_catalog.text[])) AS n,
               pg_catalog.max(x.assigned_at) AS la
          FROM @extschema@.tester_assignments x GROUP BY x.tester_id) a
 WHERE h.id OPERATOR(pg_catalog.=) a.tester_id;

-- M1's order of choice, over verified testers only: assign_testers walks this index and
-- stops after `wanted` matches (cost independent of the pool size).
CREATE INDEX idx_human_testers_matching ON @extschema@.human_testers
  (stats_open_assignments, stats_last_assigned_at NULLS FIRST, average_rating DESC, id)
  WHERE is_verified;
-- The latest assignment of a tester (recount of stats_last_assigned_at): one index probe.
CREATE INDEX idx_tester_assignments_tester_assigned_at ON @extschema@.tester_assignments
  (tester_id, assigned_at);

CREATE FUNCTION @extschema@.assignment_stats_insert() RETURNS trigger
  LANGUAGE c SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_assignment_stats_insert';
CREATE FUNCTION @extschema@.assignment_stats_update() RETURNS trigger
  LANGUAGE c SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_assignment_stats_update';
CREATE FUNCTION @extschema@.assignment_stats_delete() RETURNS trigger
  LANGUAGE c SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_assignment_stats_delete';
COMMENT ON FUNCTION @extschema@.assignment_stats_insert() IS 'M1: open assignments and latest assignment of testers';
COMMENT ON FUNCTION @extschema@.assignment_stats_update() IS 'M1: open assignments and latest assignment of testers';
COMMENT ON FUNCTION @extschema@.assignment_stats_delete() IS 'M1: open assignments and latest assignment of testers';
REVOKE ALL ON FUNCTION @extschema@.assignment_stats_insert() FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.assignment_stats_update() FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.assignment_stats_delete() FROM PUBLIC;

-- Named after T3's triggers of the same events (tester_assignments_after_*), so they fire
-- after them (name order); both lock the same testers in id order.
CREATE TRIGGER tester_assignments_stats_insert_trigger
  AFTER INSERT ON @extschema@.tester_assignments
  REFERENCING NEW TABLE AS new_asg
  FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.assignment_stats_insert();
CREATE TRIGGER tester_assignments_stats_update_trigger
  AFTER UPDATE ON @extschema@.tester_assignments
  REFERENCING OLD TABLE AS old_asg NEW TABLE AS new_asg
  FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.assignment_stats_update();
CREATE TRIGGER tester_assignments_stats_delete_trigger
  AFTER DELETE ON @extschema@.tester_assignments
  REFERENCING OLD TABLE AS old_asg
  FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.assignment_stats_delete();

CREATE FUNCTION @extschema@.assign_testers(run_id uuid, wanted integer,
                                           criteria jsonb DEFAULT '{}'::jsonb)
  RETURNS SETOF @extschema@.tester_assignments
  LANGUAGE c VOLATILE SECURITY DEFINER
  ROWS 3
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_assign_testers';
COMMENT ON FUNCTION @extschema@.assign_testers(uuid, integer, jsonb) IS
  'M1/M2: assigns up to `wanted` more matching testers to a pending or running run and returns the new assignments; privileged roles and members (not viewers) of the run''s company';
REVOKE ALL ON FUNCTION @extschema@.assign_testers(uuid, integer, jsonb) FROM PUBLIC;
