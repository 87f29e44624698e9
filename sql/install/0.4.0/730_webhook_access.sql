-- W6: redelivery and secret rotation (src/pg/webhook_access.cpp). Both are SECURITY
-- DEFINER functions granted to application roles (900_grants lists them): they act only
-- for owners and admins of the company, or privileged callers, and answer 42501 to
-- anyone else whether or not the id exists (docs/security.md).

-- W2/W6: the secret a rotation replaced, kept for 24 hours beside the new one (every
-- attempt in that time carries both signatures). Kept by hitlai (stats_*, D): no
-- application role writes them (column grants on UPDATE, the insert guard below).
ALTER TABLE @extschema@.webhooks
  ADD COLUMN stats_previous_secret pg_catalog.text,
  ADD COLUMN stats_previous_secret_expires_at pg_catalog.timestamptz;
COMMENT ON COLUMN @extschema@.webhooks.stats_previous_secret IS
  'W6: the secret replaced by the last rotate_webhook_secret(), still signing until stats_previous_secret_expires_at (maintained by hitlai)';
COMMENT ON COLUMN @extschema@.webhooks.stats_previous_secret_expires_at IS
  'W6: end of the 24 hours during which stats_previous_secret signs beside secret (maintained by hitlai)';

-- A2: a webhook is inserted with hitlai's columns at their defaults (0.3.0 guarded
-- created_at only; the stats_* pattern also covers the columns above).
DROP TRIGGER a_guard_insert ON @extschema@.webhooks;
CREATE TRIGGER a_guard_insert
  BEFORE INSERT ON @extschema@.webhooks
  FOR EACH ROW EXECUTE FUNCTION @extschema@.guard_insert_defaults('created_at', 'stats_*');

CREATE FUNCTION @extschema@.redeliver_webhook(delivery_id pg_catalog.uuid)
  RETURNS pg_catalog.void
  LANGUAGE c VOLATILE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_redeliver_webhook';
COMMENT ON FUNCTION @extschema@.redeliver_webhook(pg_catalog.uuid) IS
  'W6: makes a failed, cancelled or succeeded delivery pending again, due now, same id, fresh retry schedule; owner/admin of the company or privileged';
REVOKE ALL ON FUNCTION @extschema@.redeliver_webhook(pg_catalog.uuid) FROM PUBLIC;

CREATE FUNCTION @extschema@.rotate_webhook_secret(webhook_id pg_catalog.uuid)
  RETURNS pg_catalog.text
  LANGUAGE c VOLATILE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_rotate_webhook_secret';
COMMENT ON FUNCTION @extschema@.rotate_webhook_secret(pg_catalog.uuid) IS
  'W6: stores and returns a new secret; the old one keeps signing beside it for 24 hours; owner/admin of the company or privileged';
REVOKE ALL ON FUNCTION @extschema@.rotate_webhook_secret(pg_catalog.uuid) FROM PUBLIC;
