-- W2: Standard Webhooks signatures, compiled (src/core/webhook_sign.*, OpenSSL).
CREATE FUNCTION @extschema@.webhook_signature(secret text, msg_id text, ts bigint, body text)
  RETURNS text
  LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_webhook_signature';
COMMENT ON FUNCTION @extschema@.webhook_signature(text, text, bigint, text) IS
  'W2: webhook-signature header value v1,<base64 HMAC-SHA256(key, "<msg_id>.<ts>.<body>")>';
REVOKE ALL ON FUNCTION @extschema@.webhook_signature(text, text, bigint, text) FROM PUBLIC;

CREATE FUNCTION @extschema@.verify_webhook_signature(
    secret text, msg_id text, ts bigint, body text, signature_header text,
    tolerance_seconds integer DEFAULT 300)
  RETURNS boolean
  LANGUAGE c STABLE STRICT PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_verify_webhook_signature';
COMMENT ON FUNCTION @extschema@.verify_webhook_signature(text, text, bigint, text, text, integer) IS
  'W2: whether signature_header holds a valid v1 signature, ts within tolerance_seconds of now() (constant-time comparison)';
REVOKE ALL ON FUNCTION @extschema@.verify_webhook_signature(text, text, bigint, text, text, integer) FROM PUBLIC;
