-- T3: tester rating state follows tester_assignments (src/pg/tester_stats.cpp).
CREATE FUNCTION @extschema@.tester_assignments_after_insert() RETURNS pg_catalog.trigger
  LANGUAGE c SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_tester_assignments_after_insert';
CREATE FUNCTION @extschema@.tester_assignments_after_update() RETURNS pg_catalog.trigger
  LANGUAGE c SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_tester_assignments_after_update';
CREATE FUNCTION @extschema@.tester_assignments_after_delete() RETURNS pg_catalog.trigger
  LANGUAGE c SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_tester_assignments_after_delete';
COMMENT ON FUNCTION @extschema@.tester_assignments_after_insert() IS 'T3: average_rating state';
COMMENT ON FUNCTION @extschema@.tester_assignments_after_update() IS 'T3: average_rating state';
COMMENT ON FUNCTION @extschema@.tester_assignments_after_delete() IS 'T3: average_rating state';
REVOKE ALL ON FUNCTION @extschema@.tester_assignments_after_insert() FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.tester_assignments_after_update() FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.tester_assignments_after_delete() FROM PUBLIC;

CREATE TRIGGER tester_assignments_after_insert_trigger
  AFTER INSERT ON @extschema@.tester_assignments
  REFERENCING NEW TABLE AS new_asg
  FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.tester_assignments_after_insert();
CREATE TRIGGER tester_assignments_after_update_trigger
  AFTER UPDATE ON @extschema@.tester_assignments
  REFERENCING OLD TABLE AS old_asg NEW TABLE AS new_asg
  FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.tester_assignments_after_update();
CREATE TRIGGER tester_assignments_after_delete_trigger
  AFTER DELETE ON @extschema@.tester_assignments
  REFERENCING OLD TABLE AS old_asg
  FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.tester_assignments_after_delete();
