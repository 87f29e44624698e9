-- S10, A2: the policy helpers' per-statement cache (src/pg/policy_helpers.cpp) is
-- dropped after every statement that changes membership, tester profiles or
-- assignments, and on every subtransaction abort (ROLLBACK TO SAVEPOINT, exceptions
-- caught in PL/pgSQL): an answer never outlives the change it saw.
CREATE FUNCTION @extschema@.invalidate_policy_cache() RETURNS trigger
  LANGUAGE c
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_invalidate_policy_cache';
COMMENT ON FUNCTION @extschema@.invalidate_policy_cache() IS
  'A2: drops the cached answers of the RLS helpers after a change of membership, tester profile or assignment';
REVOKE ALL ON FUNCTION @extschema@.invalidate_policy_cache() FROM PUBLIC;
CREATE TRIGGER invalidate_policy_cache_trigger
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON @extschema@.company_members
  FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.invalidate_policy_cache();
CREATE TRIGGER invalidate_policy_cache_trigger
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON @extschema@.human_testers
  FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.invalidate_policy_cache();
CREATE TRIGGER invalidate_policy_cache_trigger
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON @extschema@.tester_assignments
  FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.invalidate_policy_cache();
