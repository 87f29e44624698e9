-- S7, S10: hitlai.security_check() lists what would let a role other than a superuser
-- run code as the superuser who owns hitlai's objects, or act beyond G1. No rows: the
-- install is as the security reference (docs/security.md) describes. A DBA runs it after
-- installing or upgrading, and after changing grants by hand.
CREATE FUNCTION @extschema@.security_check()
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
  ORDER BY 1, 2
$$;
COMMENT ON FUNCTION @extschema@.security_check() IS
  'S7/S10: lists grants and objects that break hitlai''s security model (no rows: none); see docs/security.md';
