-- S7: nobody but a superuser adds objects to schema hitlai. Taking CREATE on the schema
-- away is not enough: PostgreSQL lets any role that may create a trusted extension put
-- it into any schema (`CREATE EXTENSION citext SCHEMA hitlai`), and that extension's
-- functions, operators and casts would sit beside hitlai's. This event trigger runs at the
-- end of every DDL command of a role that is not a superuser and refuses (42501, the
-- command is rolled back) any new object in schema hitlai that is not hitlai's own, and
-- any extension created into it. hitlai's own install and upgrade scripts create only
-- members of hitlai, so they pass.
CREATE FUNCTION @extschema@.refuse_foreign_objects()
  RETURNS pg_catalog.event_trigger
  LANGUAGE plpgsql
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  ext pg_catalog.oid;
  bad pg_catalog.text;
BEGIN
  IF (SELECT r.rolsuper FROM pg_catalog.pg_roles r
       WHERE r.oid OPERATOR(pg_catalog.=) (SELECT u.usesysid FROM pg_catalog.pg_user u
                                            WHERE u.usename OPERATOR(pg_catalog.=) CURRENT_USER)) THEN
    RETURN;
  END IF;
  SELECT e.oid INTO ext FROM pg_catalog.pg_extension e
   WHERE e.extname OPERATOR(pg_catalog.=) 'hitlai'::pg_catalog.name;
  SELECT pg_catalog.concat_ws(' ', c.object_type, c.object_identity) INTO bad
    FROM pg_catalog.pg_event_trigger_ddl_commands() c
   WHERE (c.schema_name OPERATOR(pg_catalog.=) '@extschema@'::pg_catalog.text
          AND NOT EXISTS (
            SELECT FROM pg_catalog.pg_depend d
             WHERE d.classid OPERATOR(pg_catalog.=) c.classid
               AND d.objid OPERATOR(pg_catalog.=) c.objid
               AND d.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_extension'::pg_catalog.regclass
               AND d.refobjid OPERATOR(pg_catalog.=) ext
               AND d.deptype OPERATOR(pg_catalog.=) 'e'::pg_catalog.char))
      OR (c.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_extension'::pg_catalog.regclass
          AND c.objid OPERATOR(pg_catalog.<>) ext
          AND EXISTS (SELECT FROM pg_catalog.pg_extension x
                       WHERE x.oid OPERATOR(pg_catalog.=) c.objid
                         AND x.extnamespace OPERATOR(pg_catalog.=) '@extschema@'::pg_catalog.regnamespace::pg_catalog.oid))
   LIMIT 1;
  IF bad IS NOT NULL THEN
    RAISE EXCEPTION 'only a superuser may add objects to schema "@extschema@"'
      USING ERRCODE = '42501',
            DETAIL = pg_catalog.format('The command would create %s there.', bad),
            HINT = 'Create it in another schema.';
  END IF;
END
$$;
COMMENT ON FUNCTION @extschema@.refuse_foreign_objects() IS
  'S7: event trigger refusing objects that non-superusers put into schema hitlai';
CREATE EVENT TRIGGER hitlai_refuse_foreign_objects ON ddl_command_end
  EXECUTE FUNCTION @extschema@.refuse_foreign_objects();
