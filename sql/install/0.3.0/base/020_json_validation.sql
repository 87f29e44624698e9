-- J1-J6: validated JSON documents and text lists (src/core/json_rules.*,
-- src/core/json_text_list.*, src/pg/json_validate.cpp).
--
-- validate_<doc>(jsonb) returns the document or raises 23514 with a message naming the
-- table and column and a DETAIL naming the JSON path and the reason. The columns are
-- wired by CHECK constraints calling check_<doc>(jsonb), which raise the same detailed
-- error themselves (a plain CHECK failure could not say what is wrong). A CHECK costs one
-- C function call per written row, no trigger machinery; it runs on every INSERT and
-- UPDATE (also COPY), including UPDATEs that leave the column unchanged.
--
-- search_path (S7, A5): pinned like every hitlai function, although these C functions look
-- nothing up by name. The clause has a price on this per-row path: PostgreSQL then calls
-- the function through fmgr_security_definer, which saves, sets and restores the GUC on
-- every call (measured about 0.4-0.65 us per call, more than validating a typical
-- platform_details document, about 0.3 us). See README "JSON validation".

CREATE FUNCTION @extschema@.validate_platform_details(doc pg_catalog.jsonb) RETURNS pg_catalog.jsonb
  LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_validate_platform_details';
CREATE FUNCTION @extschema@.validate_issue_metadata(doc pg_catalog.jsonb) RETURNS pg_catalog.jsonb
  LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_validate_issue_metadata';
CREATE FUNCTION @extschema@.validate_training_input(doc pg_catalog.jsonb) RETURNS pg_catalog.jsonb
  LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_validate_training_input';
CREATE FUNCTION @extschema@.validate_training_output(doc pg_catalog.jsonb) RETURNS pg_catalog.jsonb
  LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_validate_training_output';
CREATE FUNCTION @extschema@.validate_hyperparameters(doc pg_catalog.jsonb) RETURNS pg_catalog.jsonb
  LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_validate_hyperparameters';

COMMENT ON FUNCTION @extschema@.validate_platform_details(pg_catalog.jsonb) IS
  'J1: returns the test_runs.platform_details document or raises 23514 (DETAIL: path and reason)';
COMMENT ON FUNCTION @extschema@.validate_issue_metadata(pg_catalog.jsonb) IS
  'J2: returns the issues.metadata document or raises 23514 (DETAIL: path and reason)';
COMMENT ON FUNCTION @extschema@.validate_training_input(pg_catalog.jsonb) IS
  'J4: returns the training_data.input_data document or raises 23514 (DETAIL: path and reason)';
COMMENT ON FUNCTION @extschema@.validate_training_output(pg_catalog.jsonb) IS
  'J5: returns the training_data.output_data document or raises 23514 (DETAIL: path and reason)';
COMMENT ON FUNCTION @extschema@.validate_hyperparameters(pg_catalog.jsonb) IS
  'J6: returns the fine_tuning_jobs.hyperparameters document or raises 23514 (DETAIL: path and reason)';

CREATE FUNCTION @extschema@.check_platform_details(doc pg_catalog.jsonb) RETURNS boolean
  LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_check_platform_details';
CREATE FUNCTION @extschema@.check_issue_metadata(doc pg_catalog.jsonb) RETURNS boolean
  LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_check_issue_metadata';
CREATE FUNCTION @extschema@.check_training_input(doc pg_catalog.jsonb) RETURNS boolean
  LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_check_training_input';
CREATE FUNCTION @extschema@.check_training_output(doc pg_catalog.jsonb) RETURNS boolean
  LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_check_training_output';
CREATE FUNCTION @extschema@.check_hyperparameters(doc pg_catalog.jsonb) RETURNS boolean
  LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_check_hyperparameters';
CREATE FUNCTION @extschema@.check_text_list(list pg_catalog.text[], tbl pg_catalog.text, col pg_catalog.text) RETURNS boolean
  LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_check_text_list';

COMMENT ON FUNCTION @extschema@.check_text_list(pg_catalog.text[], pg_catalog.text, pg_catalog.text) IS
  'J3: true, or 23514 for a NULL, blank or duplicate element (DETAIL: col[position]: reason)';

REVOKE ALL ON FUNCTION @extschema@.validate_platform_details(pg_catalog.jsonb) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.validate_issue_metadata(pg_catalog.jsonb) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.validate_training_input(pg_catalog.jsonb) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.validate_training_output(pg_catalog.jsonb) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.validate_hyperparameters(pg_catalog.jsonb) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.check_platform_details(pg_catalog.jsonb) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.check_issue_metadata(pg_catalog.jsonb) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.check_training_input(pg_catalog.jsonb) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.check_training_output(pg_catalog.jsonb) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.check_hyperparameters(pg_catalog.jsonb) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.check_text_list(pg_catalog.text[], pg_catalog.text, pg_catalog.text) FROM PUBLIC;

