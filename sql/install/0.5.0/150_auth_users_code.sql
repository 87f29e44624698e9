-- S7: while hitlai's user_id columns reference auth.users, PostgreSQL checks those
-- foreign keys with a query it plans as the owner of auth.users (a role that need not be
-- a superuser: supabase_auth_admin on Supabase), in the session of whoever writes
-- company_members or human_testers, a superuser's included, and without a GUC nest
-- level of its own. The planner runs code of the table's indexes and statistics objects
-- (an IMMUTABLE function in a partial index predicate or an expression is evaluated),
-- and that code could change the writer's settings (its search_path). attach_auth_users()
-- refuses to attach the keys to such a table; this event trigger refuses DDL on
-- auth.users, its indexes or its statistics objects that leaves such code there while
-- the keys exist (42501: the command is rolled back). Code of pg_catalog only is
-- accepted, as attach_auth_users() accepts it.
-- SECURITY DEFINER as attach_auth_users_on_ddl(): the role running the DDL may lack USAGE
-- on schema auth or hitlai, which naming auth.users and hitlai's tables needs. It reads
-- only catalogs.
CREATE FUNCTION @extschema@.refuse_auth_users_code()
  RETURNS pg_catalog.event_trigger
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  users pg_catalog.oid := pg_catalog.to_regclass('auth.users'::pg_catalog.text)::pg_catalog.oid;
  bad pg_catalog.text;
BEGIN
  IF users IS NULL THEN
    RETURN;
  END IF;
  IF NOT EXISTS (
       SELECT FROM pg_catalog.pg_event_trigger_ddl_commands() c
        WHERE (c.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass::pg_catalog.oid
               AND (c.objid OPERATOR(pg_catalog.=) users
                    OR c.objid OPERATOR(pg_catalog.=) ANY (
                         SELECT i.indexrelid FROM pg_catalog.pg_index i
                          WHERE i.indrelid OPERATOR(pg_catalog.=) users)))
           OR (c.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_statistic_ext'::pg_catalog.regclass::pg_catalog.oid
               AND c.objid OPERATOR(pg_catalog.=) ANY (
                     SELECT x.oid FROM pg_catalog.pg_statistic_ext x
                      WHERE x.stxrelid OPERATOR(pg_catalog.=) users))) THEN
    RETURN;
  END IF;
  IF NOT EXISTS (
       SELECT FROM pg_catalog.pg_constraint k
        WHERE k.contype OPERATOR(pg_catalog.=) 'f'::pg_catalog.char
          AND k.confrelid OPERATOR(pg_catalog.=) users
          AND k.conrelid OPERATOR(pg_catalog.=) ANY (ARRAY[
                '@extschema@.company_members'::pg_catalog.regclass::pg_catalog.oid,
                '@extschema@.human_testers'::pg_catalog.regclass::pg_catalog.oid])) THEN
    RETURN;
  END IF;
  -- the index or statistics object calling a function or operator outside pg_catalog
  SELECT pg_catalog.pg_describe_object(d.classid, d.objid, d.objsubid) INTO bad
    FROM pg_catalog.pg_depend d
   WHERE ((d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass
           AND d.objid OPERATOR(pg_catalog.=) ANY (
                 SELECT i.indexrelid FROM pg_catalog.pg_index i
                  WHERE i.indrelid OPERATOR(pg_catalog.=) users))
       OR (d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_statistic_ext'::pg_catalog.regclass
           AND d.objid OPERATOR(pg_catalog.=) ANY (
                 SELECT x.oid FROM pg_catalog.pg_statistic_ext x
                  WHERE x.stxrelid OPERATOR(pg_catalog.=) users)))
     AND ((d.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_proc'::pg_catalog.regclass
           AND NOT EXISTS (SELECT FROM pg_catalog.pg_proc p
                            WHERE p.oid OPERATOR(pg_catalog.=) d.refobjid
                              AND p.pronamespace OPERATOR(pg_catalog.=) 'pg_catalog'::pg_catalog.regnamespace::pg_catalog.oid))
       OR (d.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_operator'::pg_catalog.regclass
           AND NOT EXISTS (SELECT FROM pg_catalog.pg_operator o
                            WHERE o.oid OPERATOR(pg_catalog.=) d.refobjid
                              AND o.oprnamespace OPERATOR(pg_catalog.=) 'pg_catalog'::pg_catalog.regnamespace::pg_catalog.oid)))
   LIMIT 1;
  IF bad IS NOT NULL THEN
    RAISE EXCEPTION 'auth.users may not have indexes or statistics that call functions or operators outside pg_catalog'
      USING ERRCODE = '42501',
            DETAIL = pg_catalog.format('%s would. hitlai''s user_id columns reference auth.users: PostgreSQL '
                                       'checks those foreign keys with a query planned as the owner of '
                                       'auth.users in the session of whoever writes them.', bad),
            HINT = 'Use functions and operators of pg_catalog only.';
  END IF;
END
$$;
COMMENT ON FUNCTION @extschema@.refuse_auth_users_code() IS
  'S7: event trigger refusing index or statistics code outside pg_catalog on auth.users while hitlai''s foreign keys reference it';
REVOKE ALL ON FUNCTION @extschema@.refuse_auth_users_code() FROM PUBLIC;
CREATE EVENT TRIGGER hitlai_refuse_auth_users_code ON ddl_command_end
  WHEN TAG IN ('CREATE INDEX', 'ALTER INDEX', 'ALTER TABLE', 'CREATE STATISTICS', 'ALTER STATISTICS')
  EXECUTE FUNCTION @extschema@.refuse_auth_users_code();
