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

CREATE FUNCTION @extschema@.validate_platform_details(doc jsonb) RETURNS jsonb
  LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_validate_platform_details';
CREATE FUNCTION @extschema@.validate_issue_metadata(doc jsonb) RETURNS jsonb
  LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_validate_issue_metadata';
CREATE FUNCTION @extschema@.validate_training_input(doc jsonb) RETURNS jsonb
  LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_validate_training_input';
CREATE FUNCTION @extschema@.validate_training_output(doc jsonb) RETURNS jsonb
  LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_validate_training_output';
CREATE FUNCTION @extschema@.validate_hyperparameters(doc jsonb) RETURNS jsonb
  LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_validate_hyperparameters';

COMMENT ON FUNCTION @extschema@.validate_platform_details(jsonb) IS
  'J1: returns the test_runs.platform_details document or raises 23514 (DETAIL: path and reason)';
COMMENT ON FUNCTION @extschema@.validate_issue_metadata(jsonb) IS
  'J2: returns the issues.metadata document or raises 23514 (DETAIL: path and reason)';
COMMENT ON FUNCTION @extschema@.validate_training_input(jsonb) IS
  'J4: returns the training_data.input_data document or raises 23514 (DETAIL: path and reason)';
COMMENT ON FUNCTION @extschema@.validate_training_output(jsonb) IS
  'J5: returns the training_data.output_data document or raises 23514 (DETAIL: path and reason)';
COMMENT ON FUNCTION @extschema@.validate_hyperparameters(jsonb) IS
  'J6: returns the fine_tuning_jobs.hyperparameters document or raises 23514 (DETAIL: path and reason)';

CREATE FUNCTION @extschema@.check_platform_details(doc jsonb) RETURNS boolean
  LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_check_platform_details';
CREATE FUNCTION @extschema@.check_issue_metadata(doc jsonb) RETURNS boolean
  LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_check_issue_metadata';
CREATE FUNCTION @extschema@.check_training_input(doc jsonb) RETURNS boolean
  LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_check_training_input';
CREATE FUNCTION @extschema@.check_training_output(doc jsonb) RETURNS boolean
  LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_check_training_output';
CREATE FUNCTION @extschema@.check_hyperparameters(doc jsonb) RETURNS boolean
  LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_check_hyperparameters';
CREATE FUNCTION @extschema@.check_text_list(list text[], tbl text, col text) RETURNS boolean
  LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_check_text_list';

COMMENT ON FUNCTION @extschema@.check_text_list(text[], text, text) IS
  'J3: true, or 23514 for a NULL, blank or duplicate element (DETAIL: col[position]: reason)';

REVOKE ALL ON FUNCTION @extschema@.validate_platform_details(jsonb) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.validate_issue_metadata(jsonb) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.validate_training_input(jsonb) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.validate_training_output(jsonb) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.validate_hyperparameters(jsonb) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.check_platform_details(jsonb) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.check_issue_metadata(jsonb) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.check_training_input(jsonb) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.check_training_output(jsonb) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.check_hyperparameters(jsonb) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.check_text_list(text[], text, text) FROM PUBLIC;

-- The constraints. Names follow 0.1.0's <table>_<column>_check convention.
ALTER TABLE @extschema@.test_runs
  ADD CONSTRAINT test_runs_platform_details_check
  CHECK (@extschema@.check_platform_details(platform_details));
ALTER TABLE @extschema@.issues
  ADD CONSTRAINT issues_metadata_check
  CHECK (@extschema@.check_issue_metadata(metadata));
ALTER TABLE @extschema@.training_data
  ADD CONSTRAINT training_data_input_data_check
  CHECK (@extschema@.check_training_input(input_data)),
  ADD CONSTRAINT training_data_output_data_check
  CHECK (@extschema@.check_training_output(output_data));
ALTER TABLE @extschema@.fine_tuning_jobs
  ADD CONSTRAINT fine_tuning_jobs_hyperparameters_check
  CHECK (@extschema@.check_hyperparameters(hyperparameters));
ALTER TABLE @extschema@.human_testers
  ADD CONSTRAINT human_testers_languages_check
  CHECK (@extschema@.check_text_list(languages, 'human_testers', 'languages')),
  ADD CONSTRAINT human_testers_previous_platforms_check
  CHECK (@extschema@.check_text_list(previous_platforms, 'human_testers', 'previous_platforms'));
ALTER TABLE @extschema@.founding_tester_apps
  ADD CONSTRAINT founding_tester_apps_specialties_check
  CHECK (@extschema@.check_text_list(specialties, 'founding_tester_apps', 'specialties')),
  ADD CONSTRAINT founding_tester_apps_platforms_check
  CHECK (@extschema@.check_text_list(platforms, 'founding_tester_apps', 'platforms'));
