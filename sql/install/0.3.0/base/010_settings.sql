-- S8: restore mode (see src/pg/settings.hpp).
CREATE FUNCTION @extschema@.restore_mode_active() RETURNS boolean
  LANGUAGE c STABLE PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_restore_mode_active';
COMMENT ON FUNCTION @extschema@.restore_mode_active() IS
  'S8: true while hitlai.restore_mode is on (privileged roles only); triggers then skip their side effects';
REVOKE ALL ON FUNCTION @extschema@.restore_mode_active() FROM PUBLIC;
