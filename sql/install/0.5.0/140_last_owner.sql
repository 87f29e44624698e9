-- A2/E (HL004): the last-owner rule is checked once the statement's rows are written
-- (src/pg/members.cpp), so one statement may hand a company over (owner -> admin and
-- admin -> owner in one UPDATE), as docs/concurrency.md recommends changing a company's
-- owners in one statement. keep_last_owner (BEFORE) still takes the company's owner lock
-- first (lock order, docs/concurrency.md); this trigger raises HL004 when the statement
-- left the company without a joined owner.
CREATE FUNCTION @extschema@.keep_last_owner_after() RETURNS pg_catalog.trigger
  LANGUAGE c SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_keep_last_owner_after';
COMMENT ON FUNCTION @extschema@.keep_last_owner_after() IS
  'A2: trigger checking, once a statement is done, that every company it touched keeps a joined owner (SQLSTATE HL004)';
REVOKE ALL ON FUNCTION @extschema@.keep_last_owner_after() FROM PUBLIC;
CREATE TRIGGER keep_last_owner_after
  AFTER UPDATE OR DELETE ON @extschema@.company_members
  FOR EACH ROW EXECUTE FUNCTION @extschema@.keep_last_owner_after();
