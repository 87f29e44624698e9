-- S10, T7: one global lock order (src/pg/triggers.hpp, docs/tenant-isolation.md).
-- A run deletion locks every tester it writes in one id-ordered step: the testers of its
-- active runs and those whose assignments vanish with it (completed ones: T3 rating
-- recount; every one: the open-assignment counters of M1, written by the assignment
-- statement triggers, which fire after the run's). The second group is known only while
-- the ON DELETE CASCADE deletes the assignments, so this row trigger collects it for the
-- run's AFTER DELETE trigger.
CREATE FUNCTION @extschema@.tester_assignments_before_delete() RETURNS trigger
  LANGUAGE c
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_tester_assignments_before_delete';
COMMENT ON FUNCTION @extschema@.tester_assignments_before_delete() IS
  'T7: remembers the testers of deleted assignments, so a run deletion locks all its testers at once';
REVOKE ALL ON FUNCTION @extschema@.tester_assignments_before_delete() FROM PUBLIC;
CREATE TRIGGER tester_assignments_before_delete_trigger
  BEFORE DELETE ON @extschema@.tester_assignments
  FOR EACH ROW EXECUTE FUNCTION @extschema@.tester_assignments_before_delete();
