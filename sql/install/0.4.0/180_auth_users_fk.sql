-- S6/S8: hitlai's user_id columns reference Supabase's auth.users(id) ON DELETE CASCADE
-- whenever auth.users exists, not only when it exists at install time.
--
-- Why: pg_dump dumps no constraint of an extension's table (the install makes them), and
-- a dump of a Supabase database runs CREATE EXTENSION before it creates auth.users, whose
-- primary key it adds only after every row is loaded. So the install of a restore finds
-- no auth.users and the foreign keys were lost. Now:
--   * attach_auth_users() adds the missing foreign keys (the checks and definitions of the
--     install, 0.3.0's base/400_identity.sql) and fails loudly when it cannot;
--   * an event trigger calls it at the end of DDL on auth.users or one of its indexes, as
--     soon as auth.users has a unique uuid column "id": in a restore that is the moment
--     its primary key is added, after the data; a failure there (rows referencing users
--     missing from auth.users, or an auth.users hitlai must not read) is a WARNING, never
--     an error of the DDL;
--   * security_check() names each user_id column left without its foreign key;
--   * the upgrade from 0.3.0 adds the foreign keys an earlier restore lost.

-- S6/S7: adds the missing foreign keys from hitlai's user_id columns to auth.users(id);
-- returns how many it added (0: all were in place). SECURITY DEFINER: the tables belong
-- to the superuser who owns hitlai, and the database owner who restores a dump is not
-- one on Supabase. auth.users may belong to a role that is not a superuser, so it is
-- checked before it is read (S7), exactly as the install checks it.
CREATE FUNCTION @extschema@.attach_auth_users() RETURNS pg_catalog.int4
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  users pg_catalog.regclass := pg_catalog.to_regclass('auth.users'::pg_catalog.text);
  members_fk boolean;
  testers_fk boolean;
  added pg_catalog.int4 := 0;
  msg pg_catalog.text;
  det pg_catalog.text;
BEGIN
  IF users IS NULL THEN
    RAISE EXCEPTION 'auth.users does not exist'
      USING ERRCODE = '55000',
            HINT = 'hitlai''s user_id columns reference auth.users(id) where Supabase''s auth schema exists.';
  END IF;
  -- S7: locked first, so that nobody adds an index or statistics object between the
  -- checks and the use (adding a foreign key plans a query on auth.users).
  LOCK TABLE auth.users IN SHARE ROW EXCLUSIVE MODE;
  SELECT EXISTS (SELECT FROM pg_catalog.pg_constraint k
                  WHERE k.conrelid OPERATOR(pg_catalog.=) '@extschema@.company_members'::pg_catalog.regclass::pg_catalog.oid
                    AND k.contype OPERATOR(pg_catalog.=) 'f'::pg_catalog.char
                    AND k.confrelid OPERATOR(pg_catalog.=) users::pg_catalog.oid),
         EXISTS (SELECT FROM pg_catalog.pg_constraint k
                  WHERE k.conrelid OPERATOR(pg_catalog.=) '@extschema@.human_testers'::pg_catalog.regclass::pg_catalog.oid
                    AND k.contype OPERATOR(pg_catalog.=) 'f'::pg_catalog.char
                    AND k.confrelid OPERATOR(pg_catalog.=) users::pg_catalog.oid)
    INTO members_fk, testers_fk;
  IF members_fk AND testers_fk THEN
    RETURN 0;
  END IF;
  IF (SELECT c.relkind FROM pg_catalog.pg_class c WHERE c.oid OPERATOR(pg_catalog.=) users::pg_catalog.oid)
     OPERATOR(pg_catalog.<>) 'r'::pg_catalog.char THEN
    RAISE EXCEPTION 'auth.users is not an ordinary table'
      USING ERRCODE = '55000',
            DETAIL = 'hitlai''s user_id columns reference only an ordinary table auth.users.';
  END IF;
  IF EXISTS (
       SELECT FROM pg_catalog.pg_depend d
        WHERE ((d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass
                AND d.objid OPERATOR(pg_catalog.=) ANY (
                      SELECT i.indexrelid FROM pg_catalog.pg_index i
                       WHERE i.indrelid OPERATOR(pg_catalog.=) users::pg_catalog.oid))
            OR (d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_statistic_ext'::pg_catalog.regclass
                AND d.objid OPERATOR(pg_catalog.=) ANY (
                      SELECT x.oid FROM pg_catalog.pg_statistic_ext x
                       WHERE x.stxrelid OPERATOR(pg_catalog.=) users::pg_catalog.oid)))
          AND ((d.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_proc'::pg_catalog.regclass
                AND d.refobjid OPERATOR(pg_catalog.<>) ALL (
                      SELECT p.oid FROM pg_catalog.pg_proc p
                       WHERE p.pronamespace OPERATOR(pg_catalog.=) 'pg_catalog'::pg_catalog.regnamespace::pg_catalog.oid))
            OR (d.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_operator'::pg_catalog.regclass
                AND d.refobjid OPERATOR(pg_catalog.<>) ALL (
                      SELECT o.oid FROM pg_catalog.pg_operator o
                       WHERE o.oprnamespace OPERATOR(pg_catalog.=) 'pg_catalog'::pg_catalog.regnamespace::pg_catalog.oid)))) THEN
    RAISE EXCEPTION 'auth.users has indexes or statistics that call functions or operators outside pg_catalog'
      USING ERRCODE = '42501',
            DETAIL = 'Creating the foreign keys from hitlai''s user_id columns to auth.users would run '
                     'them as a superuser.',
            HINT = 'Drop those indexes or statistics objects, then run SELECT hitlai.attach_auth_users().';
  END IF;
  IF NOT EXISTS (
       SELECT FROM pg_catalog.pg_index i
         JOIN pg_catalog.pg_attribute a
           ON a.attrelid OPERATOR(pg_catalog.=) i.indrelid
          AND a.attnum OPERATOR(pg_catalog.=) i.indkey[0]
        WHERE i.indrelid OPERATOR(pg_catalog.=) users::pg_catalog.oid
          AND i.indisunique AND i.indisvalid AND i.indnatts OPERATOR(pg_catalog.=) 1
          AND i.indpred IS NULL AND a.attname OPERATOR(pg_catalog.=) 'id'::pg_catalog.name
          AND a.atttypid OPERATOR(pg_catalog.=) 'pg_catalog.uuid'::pg_catalog.regtype::pg_catalog.oid) THEN
    RAISE EXCEPTION 'auth.users has no unique uuid column "id"'
      USING ERRCODE = '55000',
            DETAIL = 'hitlai''s user_id columns reference auth.users(id), which needs a primary key or unique index on it.';
  END IF;
  BEGIN
    IF NOT members_fk THEN
      ALTER TABLE @extschema@.company_members
        ADD CONSTRAINT company_members_user_id_fkey FOREIGN KEY (user_id)
        REFERENCES auth.users (id) ON DELETE CASCADE;
      added := added OPERATOR(pg_catalog.+) 1;
    END IF;
    IF NOT testers_fk THEN
      ALTER TABLE @extschema@.human_testers
        ADD CONSTRAINT human_testers_user_id_fkey FOREIGN KEY (user_id)
        REFERENCES auth.users (id) ON DELETE CASCADE;
      added := added OPERATOR(pg_catalog.+) 1;
    END IF;
  EXCEPTION WHEN foreign_key_violation THEN
    GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
    RAISE EXCEPTION '%', msg
      USING ERRCODE = '23503', DETAIL = det,
            HINT = 'Rows of hitlai.company_members or hitlai.human_testers reference users that are '
                   'not in auth.users: delete or correct them, then run SELECT hitlai.attach_auth_users().';
  END;
  RETURN added;
END
$$;
COMMENT ON FUNCTION @extschema@.attach_auth_users() IS
  'S6: adds the missing foreign keys from hitlai''s user_id columns to auth.users(id) ON DELETE CASCADE; returns how many it added';
REVOKE ALL ON FUNCTION @extschema@.attach_auth_users() FROM PUBLIC;

-- S6/S8: the event trigger. It acts only on DDL that touched auth.users or one of its
-- indexes, only while a foreign key is missing, and only once auth.users is an ordinary
-- table with a unique uuid column "id" (a restore creates the table first and adds its
-- key after the rows).
-- SECURITY DEFINER for the same reason as attach_auth_users(); it reads only catalogs.
CREATE FUNCTION @extschema@.attach_auth_users_on_ddl() RETURNS pg_catalog.event_trigger
  LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  users pg_catalog.regclass := pg_catalog.to_regclass('auth.users'::pg_catalog.text);
  msg pg_catalog.text;
  det pg_catalog.text;
  hint pg_catalog.text;
BEGIN
  IF users IS NULL THEN
    RETURN;
  END IF;
  IF NOT EXISTS (
       SELECT FROM pg_catalog.pg_event_trigger_ddl_commands() c
        WHERE c.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass::pg_catalog.oid
          AND (c.objid OPERATOR(pg_catalog.=) users::pg_catalog.oid
               OR c.objid OPERATOR(pg_catalog.=) ANY (
                    SELECT i.indexrelid FROM pg_catalog.pg_index i
                     WHERE i.indrelid OPERATOR(pg_catalog.=) users::pg_catalog.oid))) THEN
    RETURN;
  END IF;
  IF (SELECT pg_catalog.count(*) FROM pg_catalog.pg_constraint k
       WHERE k.conrelid OPERATOR(pg_catalog.=) ANY (ARRAY[
               '@extschema@.company_members'::pg_catalog.regclass::pg_catalog.oid,
               '@extschema@.human_testers'::pg_catalog.regclass::pg_catalog.oid])
         AND k.contype OPERATOR(pg_catalog.=) 'f'::pg_catalog.char
         AND k.confrelid OPERATOR(pg_catalog.=) users::pg_catalog.oid) OPERATOR(pg_catalog.>=) 2 THEN
    RETURN;
  END IF;
  IF NOT EXISTS (
       SELECT FROM pg_catalog.pg_index i
         JOIN pg_catalog.pg_attribute a
           ON a.attrelid OPERATOR(pg_catalog.=) i.indrelid
          AND a.attnum OPERATOR(pg_catalog.=) i.indkey[0]
        WHERE i.indrelid OPERATOR(pg_catalog.=) users::pg_catalog.oid
          AND i.indisunique AND i.indisvalid AND i.indnatts OPERATOR(pg_catalog.=) 1
          AND i.indpred IS NULL AND a.attname OPERATOR(pg_catalog.=) 'id'::pg_catalog.name
          AND a.atttypid OPERATOR(pg_catalog.=) 'pg_catalog.uuid'::pg_catalog.regtype::pg_catalog.oid) THEN
    RETURN;
  END IF;
  IF (SELECT c.relkind FROM pg_catalog.pg_class c WHERE c.oid OPERATOR(pg_catalog.=) users::pg_catalog.oid)
     OPERATOR(pg_catalog.<>) 'r'::pg_catalog.char THEN
    RETURN;  -- not Supabase's auth.users: user_id columns stay plain uuids, as the install says
  END IF;
  BEGIN
    PERFORM @extschema@.attach_auth_users();
  EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL, hint = PG_EXCEPTION_HINT;
    RAISE WARNING 'hitlai: user_id columns left without their foreign keys to auth.users: %', msg
      USING DETAIL = det,
            HINT = CASE WHEN hint OPERATOR(pg_catalog.<>) ''::pg_catalog.text THEN hint
                        ELSE 'Fix that, then run SELECT hitlai.attach_auth_users(); hitlai.security_check() '
                             'lists the columns still without their foreign key.'::pg_catalog.text END;
  END;
END
$$;
COMMENT ON FUNCTION @extschema@.attach_auth_users_on_ddl() IS
  'S6/S8: event trigger adding the foreign keys to auth.users once it has its key (e.g. late in a restore)';
REVOKE ALL ON FUNCTION @extschema@.attach_auth_users_on_ddl() FROM PUBLIC;
CREATE EVENT TRIGGER hitlai_attach_auth_users ON ddl_command_end
  WHEN TAG IN ('CREATE TABLE', 'ALTER TABLE', 'CREATE INDEX')
  EXECUTE FUNCTION @extschema@.attach_auth_users_on_ddl();

-- S6: an upgrade (or an install that found auth.users) adds what is missing; a failure is
-- a WARNING, as in the event trigger, and security_check() keeps naming it.
DO $$
BEGIN
  IF pg_catalog.to_regclass('auth.users'::pg_catalog.text) IS NULL THEN
    RETURN;
  END IF;
  PERFORM @extschema@.attach_auth_users();
EXCEPTION
  WHEN SQLSTATE '55000' THEN
    -- not Supabase's auth.users (no unique uuid "id", or not a table): as the install says
    RAISE NOTICE 'hitlai: %; user_id columns stay plain uuids', SQLERRM;
  WHEN OTHERS THEN
    RAISE WARNING 'hitlai: user_id columns left without their foreign keys to auth.users: %', SQLERRM
      USING HINT = 'Fix that, then run SELECT hitlai.attach_auth_users(); hitlai.security_check() lists '
                   'the columns still without their foreign key.';
END
$$;

-- S6/S7: security_check() also names each user_id column without its foreign key to an
-- auth.users that hitlai can reference. The body is 0.3.0's (010_security_check.sql) plus
-- the CTE users and the last branch.
CREATE OR REPLACE FUNCTION @extschema@.security_check()
  RETURNS TABLE (finding pg_catalog.text, object pg_catalog.text)
  LANGUAGE sql STABLE
  SET search_path = pg_catalog, pg_temp
  AS $$
  WITH ext AS (
    SELECT e.oid, e.extnamespace AS nsp FROM pg_catalog.pg_extension e
     WHERE e.extname OPERATOR(pg_catalog.=) 'hitlai'::pg_catalog.name
  ), members AS (
    SELECT d.classid, d.objid FROM pg_catalog.pg_depend d, ext
     WHERE d.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_extension'::pg_catalog.regclass
       AND d.refobjid OPERATOR(pg_catalog.=) ext.oid
       AND d.deptype OPERATOR(pg_catalog.=) 'e'::pg_catalog.char
  ), supers AS (
    SELECT r.oid FROM pg_catalog.pg_roles r WHERE r.rolsuper
  ), users AS (
    -- S6: Supabase's auth.users (an ordinary table with a unique uuid column "id"), which
    -- hitlai's user_id columns must reference (attach_auth_users())
    SELECT c.oid FROM pg_catalog.pg_class c
     WHERE c.oid OPERATOR(pg_catalog.=) pg_catalog.to_regclass('auth.users'::pg_catalog.text)::pg_catalog.oid
       AND c.relkind OPERATOR(pg_catalog.=) 'r'::pg_catalog.char
       AND EXISTS (SELECT FROM pg_catalog.pg_index i
                     JOIN pg_catalog.pg_attribute a
                       ON a.attrelid OPERATOR(pg_catalog.=) i.indrelid
                      AND a.attnum OPERATOR(pg_catalog.=) i.indkey[0]
                    WHERE i.indrelid OPERATOR(pg_catalog.=) c.oid
                      AND i.indisunique AND i.indisvalid AND i.indnatts OPERATOR(pg_catalog.=) 1
                      AND i.indpred IS NULL AND a.attname OPERATOR(pg_catalog.=) 'id'::pg_catalog.name
                      AND a.atttypid OPERATOR(pg_catalog.=) 'pg_catalog.uuid'::pg_catalog.regtype::pg_catalog.oid)
  )
  SELECT 'schema not owned by a superuser'::pg_catalog.text, n.nspname::pg_catalog.text
    FROM pg_catalog.pg_namespace n, ext
   WHERE n.oid OPERATOR(pg_catalog.=) ext.nsp
     AND n.nspowner OPERATOR(pg_catalog.<>) ALL (SELECT s.oid FROM supers s)
  UNION ALL
  SELECT pg_catalog.format('%s on the schema',
                           CASE WHEN a.privilege_type OPERATOR(pg_catalog.=) 'CREATE'
                                THEN 'CREATE' ELSE 'grant option for ' OPERATOR(pg_catalog.||) a.privilege_type END),
         CASE WHEN a.grantee OPERATOR(pg_catalog.=) 0::pg_catalog.oid THEN 'PUBLIC'
              ELSE a.grantee::pg_catalog.regrole::pg_catalog.text END
    FROM pg_catalog.pg_namespace n, ext, pg_catalog.aclexplode(n.nspacl) a
   WHERE n.oid OPERATOR(pg_catalog.=) ext.nsp
     AND a.grantee OPERATOR(pg_catalog.<>) n.nspowner
     AND (a.privilege_type OPERATOR(pg_catalog.=) 'CREATE' OR a.is_grantable)
  UNION ALL
  SELECT pg_catalog.format('%s on table %s', a.privilege_type, c.oid::pg_catalog.regclass),
         CASE WHEN a.grantee OPERATOR(pg_catalog.=) 0::pg_catalog.oid THEN 'PUBLIC'
              ELSE a.grantee::pg_catalog.regrole::pg_catalog.text END
    FROM pg_catalog.pg_class c, ext, pg_catalog.aclexplode(c.relacl) a
   WHERE c.relnamespace OPERATOR(pg_catalog.=) ext.nsp
     AND a.grantee OPERATOR(pg_catalog.<>) c.relowner
     AND (a.privilege_type OPERATOR(pg_catalog.=) ANY
            ('{TRIGGER,TRUNCATE,REFERENCES,MAINTAIN}'::pg_catalog.text[]) OR a.is_grantable)
  UNION ALL
  SELECT 'object not owned by a superuser',
         pg_catalog.pg_describe_object(o.classid, o.objid, 0)
    FROM (SELECT 'pg_catalog.pg_class'::pg_catalog.regclass::pg_catalog.oid AS classid, c.oid AS objid,
                 c.relowner AS owner, c.relnamespace AS nsp FROM pg_catalog.pg_class c
          UNION ALL
          SELECT 'pg_catalog.pg_proc'::pg_catalog.regclass::pg_catalog.oid, p.oid, p.proowner, p.pronamespace
            FROM pg_catalog.pg_proc p
          UNION ALL
          SELECT 'pg_catalog.pg_type'::pg_catalog.regclass::pg_catalog.oid, t.oid, t.typowner, t.typnamespace
            FROM pg_catalog.pg_type t
          UNION ALL
          SELECT 'pg_catalog.pg_operator'::pg_catalog.regclass::pg_catalog.oid, o.oid, o.oprowner, o.oprnamespace
            FROM pg_catalog.pg_operator o) o, ext
   WHERE o.nsp OPERATOR(pg_catalog.=) ext.nsp
     AND o.owner OPERATOR(pg_catalog.<>) ALL (SELECT s.oid FROM supers s)
  UNION ALL
  SELECT 'trigger whose function is not hitlai''s',
         pg_catalog.format('%s on %s', t.tgname, t.tgrelid::pg_catalog.regclass)
    FROM pg_catalog.pg_trigger t
    JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) t.tgrelid
    JOIN ext ON c.relnamespace OPERATOR(pg_catalog.=) ext.nsp
   WHERE NOT t.tgisinternal
     AND NOT EXISTS (SELECT FROM members m
                      WHERE m.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_proc'::pg_catalog.regclass
                        AND m.objid OPERATOR(pg_catalog.=) t.tgfoid)
  UNION ALL
  SELECT 'rule on a hitlai table', pg_catalog.format('%s on %s', r.rulename, r.ev_class::pg_catalog.regclass)
    FROM pg_catalog.pg_rewrite r
    JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) r.ev_class
    JOIN ext ON c.relnamespace OPERATOR(pg_catalog.=) ext.nsp
   WHERE c.relkind OPERATOR(pg_catalog.=) 'r'::pg_catalog.char
  UNION ALL
  SELECT 'function without search_path pg_catalog, pg_temp', p.oid::pg_catalog.regprocedure::pg_catalog.text
    FROM pg_catalog.pg_proc p, ext
   WHERE p.pronamespace OPERATOR(pg_catalog.=) ext.nsp
     AND NOT ('search_path=pg_catalog, pg_temp'::pg_catalog.text OPERATOR(pg_catalog.=) ANY (p.proconfig))
  UNION ALL
  SELECT 'EXECUTE for PUBLIC', p.oid::pg_catalog.regprocedure::pg_catalog.text
    FROM pg_catalog.pg_proc p, ext
   WHERE p.pronamespace OPERATOR(pg_catalog.=) ext.nsp
     AND (p.proacl IS NULL
          OR EXISTS (SELECT FROM pg_catalog.aclexplode(p.proacl) a
                      WHERE a.grantee OPERATOR(pg_catalog.=) 0::pg_catalog.oid))
  UNION ALL
  SELECT 'user_id without its foreign key to auth.users',
         pg_catalog.format('%s.user_id', c.oid::pg_catalog.regclass)
    FROM pg_catalog.pg_class c, ext, users
   WHERE c.relnamespace OPERATOR(pg_catalog.=) ext.nsp
     AND c.relname OPERATOR(pg_catalog.=) ANY ('{company_members,human_testers}'::pg_catalog.name[])
     AND NOT EXISTS (SELECT FROM pg_catalog.pg_constraint k
                      WHERE k.conrelid OPERATOR(pg_catalog.=) c.oid
                        AND k.contype OPERATOR(pg_catalog.=) 'f'::pg_catalog.char
                        AND k.confrelid OPERATOR(pg_catalog.=) users.oid)
  ORDER BY 1, 2
$$;
COMMENT ON FUNCTION @extschema@.security_check() IS
  'S7/S10: lists grants and objects that break hitlai''s security model (no rows: none); see docs/security.md';
