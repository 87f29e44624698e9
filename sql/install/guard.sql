-- S7: the guard at the start of every install and upgrade script of hitlai
-- (scripts/assemble_sql.sh puts it first). It runs as the superuser that executes the
-- script (for a trusted install: the bootstrap superuser), before any other statement,
-- and only uses pg_catalog objects named with their schema, operators included, so
-- nothing a non-superuser planted can be called from here.
--
-- 1. The schema must have been made for hitlai: owned by a superuser, or created by
--    this CREATE EXTENSION (same transaction as the pg_extension row), or already
--    holding hitlai's objects (an upgrade). A schema `hitlai` that a non-superuser
--    created beforehand is refused: it may hold objects that the script would bind to.
-- 2. No object in the schema may belong to a non-superuser (a function, operator, type,
--    table, ... planted by the database owner, even one added to the extension).
--    They are refused, not dropped: the DBA moves or drops them, then retries.
-- 3. Triggers on hitlai's tables whose function is not hitlai's (possible before 0.3.0,
--    which granted TRIGGER to the installing owner) are dropped, with a WARNING: they
--    would run as the superuser whenever hitlai's own code writes those tables.
-- 4. The schema is handed to the superuser running the script, and nobody keeps CREATE
--    on it (or a grant option): no non-superuser can add objects to it afterwards.
DO $hitlai_guard$
DECLARE
  ext pg_catalog.oid;
  nsp pg_catalog.oid;
  nsp_name pg_catalog.text;
  owner_name pg_catalog.text;
  owner_super pg_catalog.bool;
  made_now pg_catalog.bool;
  upgrading pg_catalog.bool;
  planted pg_catalog.text[];
  trg RECORD;
  acl RECORD;
BEGIN
  SELECT e.oid, e.extnamespace, n.nspname::pg_catalog.text, r.rolname::pg_catalog.text,
         r.rolsuper, n.xmin OPERATOR(pg_catalog.=) e.xmin
    INTO ext, nsp, nsp_name, owner_name, owner_super, made_now
    FROM pg_catalog.pg_extension e
    JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) e.extnamespace
    JOIN pg_catalog.pg_authid r ON r.oid OPERATOR(pg_catalog.=) n.nspowner
   WHERE e.extname OPERATOR(pg_catalog.=) 'hitlai'::pg_catalog.name;

  upgrading := EXISTS (
    SELECT FROM pg_catalog.pg_depend d
     WHERE d.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_extension'::pg_catalog.regclass
       AND d.refobjid OPERATOR(pg_catalog.=) ext
       AND d.deptype OPERATOR(pg_catalog.=) 'e'::pg_catalog.char);

  IF NOT (owner_super OR made_now OR upgrading) THEN
    RAISE EXCEPTION 'schema "%" already exists and belongs to role "%", not to a superuser',
                    nsp_name, owner_name
      USING ERRCODE = '42501',
            DETAIL = 'hitlai installs into a schema that CREATE EXTENSION makes for it or that a '
                     'superuser made; a schema prepared by another role may hold objects that '
                     'the install script would run as a superuser.',
            HINT = pg_catalog.format('Drop the schema (DROP SCHEMA %I, after moving anything you '
                                     'keep in it) and run CREATE EXTENSION hitlai again, or ask a '
                                     'superuser to make the schema.', nsp_name);
  END IF;

  -- Every object of hitlai belongs to the superuser that ran its scripts; an object in
  -- the schema that belongs to anyone else was planted (also when its owner made it a
  -- member of the extension with ALTER EXTENSION ... ADD, which the extension's owner
  -- may do with objects it owns).
  WITH candidates(classid, objid, owner) AS (
    SELECT 'pg_catalog.pg_class'::pg_catalog.regclass::pg_catalog.oid, c.oid, c.relowner
      FROM pg_catalog.pg_class c WHERE c.relnamespace OPERATOR(pg_catalog.=) nsp
    UNION ALL SELECT 'pg_catalog.pg_proc'::pg_catalog.regclass::pg_catalog.oid, p.oid, p.proowner
      FROM pg_catalog.pg_proc p WHERE p.pronamespace OPERATOR(pg_catalog.=) nsp
    UNION ALL SELECT 'pg_catalog.pg_type'::pg_catalog.regclass::pg_catalog.oid, t.oid, t.typowner
      FROM pg_catalog.pg_type t WHERE t.typnamespace OPERATOR(pg_catalog.=) nsp
    UNION ALL SELECT 'pg_catalog.pg_operator'::pg_catalog.regclass::pg_catalog.oid, o.oid, o.oprowner
      FROM pg_catalog.pg_operator o WHERE o.oprnamespace OPERATOR(pg_catalog.=) nsp
    UNION ALL SELECT 'pg_catalog.pg_collation'::pg_catalog.regclass::pg_catalog.oid, c.oid, c.collowner
      FROM pg_catalog.pg_collation c WHERE c.collnamespace OPERATOR(pg_catalog.=) nsp
    UNION ALL SELECT 'pg_catalog.pg_conversion'::pg_catalog.regclass::pg_catalog.oid, c.oid, c.conowner
      FROM pg_catalog.pg_conversion c WHERE c.connamespace OPERATOR(pg_catalog.=) nsp
    UNION ALL SELECT 'pg_catalog.pg_opclass'::pg_catalog.regclass::pg_catalog.oid, c.oid, c.opcowner
      FROM pg_catalog.pg_opclass c WHERE c.opcnamespace OPERATOR(pg_catalog.=) nsp
    UNION ALL SELECT 'pg_catalog.pg_opfamily'::pg_catalog.regclass::pg_catalog.oid, f.oid, f.opfowner
      FROM pg_catalog.pg_opfamily f WHERE f.opfnamespace OPERATOR(pg_catalog.=) nsp
    UNION ALL SELECT 'pg_catalog.pg_ts_config'::pg_catalog.regclass::pg_catalog.oid, c.oid, c.cfgowner
      FROM pg_catalog.pg_ts_config c WHERE c.cfgnamespace OPERATOR(pg_catalog.=) nsp
    UNION ALL SELECT 'pg_catalog.pg_ts_dict'::pg_catalog.regclass::pg_catalog.oid, d.oid, d.dictowner
      FROM pg_catalog.pg_ts_dict d WHERE d.dictnamespace OPERATOR(pg_catalog.=) nsp
    UNION ALL SELECT 'pg_catalog.pg_statistic_ext'::pg_catalog.regclass::pg_catalog.oid, s.oid, s.stxowner
      FROM pg_catalog.pg_statistic_ext s WHERE s.stxnamespace OPERATOR(pg_catalog.=) nsp
    UNION ALL SELECT 'pg_catalog.pg_extension'::pg_catalog.regclass::pg_catalog.oid, x.oid, x.extowner
      FROM pg_catalog.pg_extension x
     WHERE x.extnamespace OPERATOR(pg_catalog.=) nsp AND x.oid OPERATOR(pg_catalog.<>) ext
  )
  SELECT pg_catalog.array_agg(pg_catalog.pg_describe_object(c.classid, c.objid, 0)
                              ORDER BY c.classid, c.objid)
    INTO planted
    FROM candidates c
    JOIN pg_catalog.pg_authid r ON r.oid OPERATOR(pg_catalog.=) c.owner
   WHERE NOT r.rolsuper;

  IF planted IS NOT NULL THEN
    RAISE EXCEPTION 'schema "%" holds objects that belong to a non-superuser',
                    nsp_name
      USING ERRCODE = '42501',
            DETAIL = 'Objects: ' OPERATOR(pg_catalog.||) pg_catalog.array_to_string(planted, ', '),
            HINT = 'Move them to another schema (ALTER ... SET SCHEMA) or drop them, then run '
                   'the command again.';
  END IF;

  -- Triggers that someone else put on hitlai's tables.
  FOR trg IN
    SELECT t.tgname::pg_catalog.text AS tgname, t.tgrelid::pg_catalog.regclass AS rel
      FROM pg_catalog.pg_trigger t
      JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) t.tgrelid
      JOIN pg_catalog.pg_depend d
        ON d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass
       AND d.objid OPERATOR(pg_catalog.=) c.oid
       AND d.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_extension'::pg_catalog.regclass
       AND d.refobjid OPERATOR(pg_catalog.=) ext
       AND d.deptype OPERATOR(pg_catalog.=) 'e'::pg_catalog.char
     WHERE NOT t.tgisinternal
       AND NOT EXISTS (
         SELECT FROM pg_catalog.pg_depend f
          WHERE f.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_proc'::pg_catalog.regclass
            AND f.objid OPERATOR(pg_catalog.=) t.tgfoid
            AND f.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_extension'::pg_catalog.regclass
            AND f.refobjid OPERATOR(pg_catalog.=) ext
            AND f.deptype OPERATOR(pg_catalog.=) 'e'::pg_catalog.char)
  LOOP
    RAISE WARNING 'dropping trigger "%" on %: it is not hitlai''s and would run as a superuser',
                  trg.tgname, trg.rel;
    EXECUTE pg_catalog.format('DROP TRIGGER %I ON %s', trg.tgname, trg.rel);
  END LOOP;

  -- The schema belongs to the superuser running this script; nobody keeps CREATE on it.
  EXECUTE pg_catalog.format('ALTER SCHEMA %I OWNER TO CURRENT_USER', nsp_name);
  FOR acl IN
    SELECT DISTINCT a.grantee, a.privilege_type, a.is_grantable
      FROM pg_catalog.pg_namespace n, pg_catalog.aclexplode(n.nspacl) a
     WHERE n.oid OPERATOR(pg_catalog.=) nsp
       AND a.grantee OPERATOR(pg_catalog.<>) n.nspowner
       AND (a.privilege_type OPERATOR(pg_catalog.=) 'CREATE' OR a.is_grantable)
  LOOP
    EXECUTE pg_catalog.format('REVOKE %s %s ON SCHEMA %I FROM %s CASCADE',
                              CASE WHEN acl.privilege_type OPERATOR(pg_catalog.=) 'CREATE'
                                   THEN '' ELSE 'GRANT OPTION FOR' END,
                              acl.privilege_type, nsp_name,
                              CASE WHEN acl.grantee OPERATOR(pg_catalog.=) 0 THEN 'PUBLIC'
                                   ELSE acl.grantee::pg_catalog.regrole::pg_catalog.text END);
  END LOOP;
END
$hitlai_guard$;
