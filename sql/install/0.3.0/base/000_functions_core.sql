-- sql/install/0.3.0/base/: what 0.1.0 and 0.2.0 install, rewritten for a fresh install of
-- 0.3.0 and later (scripts/assemble_sql.sh): every function, operator, relation and type
-- schema-qualified (S7), in the final 0.2.0 form (stats_* columns and J CHECK
-- constraints inside CREATE TABLE, policies without a DO block). The catalog it gives is
-- the one an upgrade from 0.1.0 or 0.2.0 gives (test/shell/61_upgrade.t). 0.2.0's
-- backfill (950_backfill.sql) has no counterpart: a fresh install has no rows to rebuild.
--
-- Core functions (S2, S3, D3, D5, D12, D13). Every function has a fixed search_path (S7)
-- and EXECUTE is revoked from PUBLIC; grants are made explicitly (G1).

CREATE FUNCTION @extschema@.version() RETURNS pg_catalog.text
  LANGUAGE c STABLE STRICT PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_version';
COMMENT ON FUNCTION @extschema@.version() IS
  'Version of the loaded hitlai.so; compare with pg_extension.extversion';

CREATE FUNCTION @extschema@.is_http_url(url pg_catalog.text) RETURNS boolean
  LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_is_http_url';
COMMENT ON FUNCTION @extschema@.is_http_url(pg_catalog.text) IS
  'D3: true for an absolute http:// or https:// URL with a valid host';

CREATE FUNCTION @extschema@.is_webhook_url(url pg_catalog.text) RETURNS boolean
  LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_is_webhook_url';
COMMENT ON FUNCTION @extschema@.is_webhook_url(pg_catalog.text) IS
  'D12: true for an absolute https:// URL, or http:// to localhost/127.0.0.0/8/[::1]';

CREATE FUNCTION @extschema@.is_country_code(code pg_catalog.text) RETURNS boolean
  LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_is_country_code';
COMMENT ON FUNCTION @extschema@.is_country_code(pg_catalog.text) IS
  'D5: true for an assigned ISO 3166-1 alpha-2 code in upper case';

CREATE FUNCTION @extschema@.normalize_email(email pg_catalog.text) RETURNS pg_catalog.text
  LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_normalize_email';
COMMENT ON FUNCTION @extschema@.normalize_email(pg_catalog.text) IS
  'D13: the email trimmed of white space and lower-cased (ASCII)';

CREATE FUNCTION @extschema@.new_webhook_secret() RETURNS pg_catalog.text
  LANGUAGE c VOLATILE PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_new_webhook_secret';
COMMENT ON FUNCTION @extschema@.new_webhook_secret() IS
  'D12: whsec_ followed by base64 of 24 random bytes';
