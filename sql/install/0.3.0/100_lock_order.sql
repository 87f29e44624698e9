-- S10, T7: one global lock order (src/pg/triggers.hpp, docs/tenant-isolation.md).
-- A run deletion locks every tester it writes in one id-ordered step: the testers of its
-- active runs and those whose completed assignments vanish with it. The second group is
-- known only while the ON DELETE CASCADE deletes the assignments, so this row trigger
-- (only for completed assignments) collects it for the run's AFTER DELETE trigger.
CREATE FUNCTION @extschema@.tester_assignments_before_delete() RETURNS trigger
  LANGUAGE c
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_tester_assignments_before_delete';
COMMENT ON FUNCTION @extschema@.tester_assignments_before_delete() IS
  'T7: remembers the testers of deleted completed assignments, so a run deletion locks all its testers at once';
REVOKE ALL ON FUNCTION @extschema@.tester_assignments_before_delete() FROM PUBLIC;
CREATE TRIGGER tester_assignments_before_delete_trigger
  BEFORE DELETE ON @extschema@.tester_assignments
  FOR EACH ROW WHEN (OLD.status OPERATOR(pg_catalog.=) 'completed'::pg_catalog.text)
  EXECUTE FUNCTION @extschema@.tester_assignments_before_delete();
