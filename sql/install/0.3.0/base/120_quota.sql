-- Q3, Q4: quota functions. Q1/Q2 happen in the test_runs INSERT trigger (130).
CREATE FUNCTION @extschema@.remaining_quota(company_id pg_catalog.uuid) RETURNS integer
  LANGUAGE c STABLE STRICT
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_remaining_quota';
COMMENT ON FUNCTION @extschema@.remaining_quota(pg_catalog.uuid) IS
  'Q4: tests the company may still start this calendar month (UTC); NULL when unlimited';
REVOKE ALL ON FUNCTION @extschema@.remaining_quota(pg_catalog.uuid) FROM PUBLIC;

CREATE FUNCTION @extschema@.reset_monthly_usage() RETURNS integer
  LANGUAGE c VOLATILE
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_reset_monthly_usage';
COMMENT ON FUNCTION @extschema@.reset_monthly_usage() IS
  'Q3: starts a new usage period for every company whose month (UTC) is over; returns how many (for pg_cron)';
REVOKE ALL ON FUNCTION @extschema@.reset_monthly_usage() FROM PUBLIC;
