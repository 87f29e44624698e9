-- W5, S10: no webhook secret in error messages or log lines. PostgreSQL's NOT NULL and
-- CHECK violations print the failing row (secret included) in their DETAIL; this trigger
-- checks the row first and raises without it (src/pg/webhook_row_check.cpp). Named to
-- fire after every other BEFORE trigger of webhooks (triggers fire in name order), so it
-- judges the row as it will be stored.
CREATE FUNCTION @extschema@.check_webhook_row() RETURNS trigger
  LANGUAGE c
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_check_webhook_row';
COMMENT ON FUNCTION @extschema@.check_webhook_row() IS
  'W5: NOT NULL and CHECK constraints of a webhook row, raised without the row (no secret in errors or logs)';
REVOKE ALL ON FUNCTION @extschema@.check_webhook_row() FROM PUBLIC;
CREATE TRIGGER zz_check_webhook_row
  BEFORE INSERT OR UPDATE ON @extschema@.webhooks
  FOR EACH ROW EXECUTE FUNCTION @extschema@.check_webhook_row();
