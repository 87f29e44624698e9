-- T6: test_runs.issues_found follows issues (src/pg/issue_counts.cpp).
CREATE FUNCTION @extschema@.issues_after_insert() RETURNS pg_catalog.trigger
  LANGUAGE c SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_issues_after_insert';
CREATE FUNCTION @extschema@.issues_after_update() RETURNS pg_catalog.trigger
  LANGUAGE c SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_issues_after_update';
CREATE FUNCTION @extschema@.issues_after_delete() RETURNS pg_catalog.trigger
  LANGUAGE c SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_issues_after_delete';
COMMENT ON FUNCTION @extschema@.issues_after_insert() IS 'T6: issues_found';
COMMENT ON FUNCTION @extschema@.issues_after_update() IS 'T6: issues_found (moved issues), T2 refresh';
COMMENT ON FUNCTION @extschema@.issues_after_delete() IS 'T6: issues_found';
REVOKE ALL ON FUNCTION @extschema@.issues_after_insert() FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.issues_after_update() FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.issues_after_delete() FROM PUBLIC;

CREATE TRIGGER issues_after_insert_trigger
  AFTER INSERT ON @extschema@.issues
  REFERENCING NEW TABLE AS new_issues
  FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.issues_after_insert();
CREATE TRIGGER issues_after_update_trigger
  AFTER UPDATE ON @extschema@.issues
  REFERENCING OLD TABLE AS old_issues NEW TABLE AS new_issues
  FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.issues_after_update();
CREATE TRIGGER issues_after_delete_trigger
  AFTER DELETE ON @extschema@.issues
  REFERENCING OLD TABLE AS old_issues
  FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.issues_after_delete();
