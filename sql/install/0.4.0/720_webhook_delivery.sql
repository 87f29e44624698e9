-- W3-W5: one delivery pass (src/pg/webhook_deliver.cpp). Privileged roles only (G1): it
-- checks that the caller is superuser or BYPASSRLS, then runs the pass in a dynamic
-- background worker (connected as the owner of webhook_deliveries) so that the claim
-- is committed before any request is sent and no lock is held during network I/O.
CREATE FUNCTION @extschema@.deliver_webhooks(max_deliveries integer DEFAULT 100)
  RETURNS integer
  LANGUAGE c VOLATILE STRICT
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_deliver_webhooks';
COMMENT ON FUNCTION @extschema@.deliver_webhooks(integer) IS
  'W3: one delivery pass (claim committed, signed POSTs sent concurrently, outcomes recorded); returns the number attempted';
REVOKE ALL ON FUNCTION @extschema@.deliver_webhooks(integer) FROM PUBLIC;
