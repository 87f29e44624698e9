-- A text snapshot of everything hitlai puts in a database's catalogs, one sorted line per
-- fact (61_upgrade.t: an upgraded database must give the same lines as a fresh install).
-- Positions, OIDs and dropped columns are left out: they legitimately differ.
WITH ext AS (SELECT oid FROM pg_extension WHERE extname = 'hitlai'),
ns AS (SELECT 'hitlai'::regnamespace AS oid)
SELECT line FROM (
  -- relations (tables, views, indexes, sequences, …) with RLS flags, options, ACL, comment
  SELECT concat_ws('|', 'rel', c.relname, c.relkind, c.relpersistence, c.relrowsecurity,
                   c.relforcerowsecurity, coalesce(c.reloptions::text, '-'),
                   coalesce(c.relacl::text, '-'),
                   coalesce(obj_description(c.oid, 'pg_class'), '-')) AS line
    FROM pg_class c, ns WHERE c.relnamespace = ns.oid
  UNION ALL
  -- columns, in order, with type, NOT NULL, default, identity/generated, collation, ACL, comment
  SELECT concat_ws('|', 'col', c.relname,
                   row_number() OVER (PARTITION BY c.oid ORDER BY a.attnum), a.attname,
                   format_type(a.atttypid, a.atttypmod), a.attnotnull,
                   coalesce(pg_get_expr(d.adbin, d.adrelid), '-'), a.attidentity, a.attgenerated,
                   coalesce(co.collname, '-'), coalesce(a.attacl::text, '-'),
                   coalesce(col_description(c.oid, a.attnum), '-'))
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
    JOIN ns ON c.relnamespace = ns.oid
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    LEFT JOIN pg_collation co ON co.oid = a.attcollation
   WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'c')
  UNION ALL
  -- constraints with their definitions
  SELECT concat_ws('|', 'con', coalesce(cl.relname, t.typname), k.conname, k.contype,
                   pg_get_constraintdef(k.oid), k.condeferrable, k.condeferred, k.convalidated,
                   coalesce(obj_description(k.oid, 'pg_constraint'), '-'))
    FROM pg_constraint k JOIN ns ON k.connamespace = ns.oid
    LEFT JOIN pg_class cl ON cl.oid = k.conrelid
    LEFT JOIN pg_type t ON t.oid = k.contypid
  UNION ALL
  -- indexes with their definitions
  SELECT concat_ws('|', 'idx', pg_get_indexdef(i.indexrelid), i.indisprimary, i.indisunique,
                   i.indisvalid)
    FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN ns ON c.relnamespace = ns.oid
  UNION ALL
  -- functions: signature, result, kind, volatility, parallel, security, strict, config,
  -- language, body (or C symbol) and library, cost, ACL, comment
  SELECT concat_ws('|', 'fn', p.oid::regprocedure::text, pg_get_function_result(p.oid),
                   p.prokind, p.provolatile, p.proparallel, p.prosecdef, p.proisstrict,
                   p.proleakproof, coalesce(p.proconfig::text, '-'), l.lanname,
                   md5(coalesce(p.prosrc, '')), coalesce(p.probin, '-'), p.procost, p.prorows,
                   coalesce(p.proacl::text, '-'), coalesce(obj_description(p.oid, 'pg_proc'), '-'))
    FROM pg_proc p JOIN ns ON p.pronamespace = ns.oid JOIN pg_language l ON l.oid = p.prolang
  UNION ALL
  -- triggers (the internal ones behind foreign keys are covered by their constraints)
  SELECT concat_ws('|', 'trg', c.relname, pg_get_triggerdef(t.oid), t.tgenabled,
                   coalesce(obj_description(t.oid, 'pg_trigger'), '-'))
    FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN ns ON c.relnamespace = ns.oid
   WHERE NOT t.tgisinternal
  UNION ALL
  -- policies
  SELECT concat_ws('|', 'pol', tablename, policyname, permissive, roles::text, cmd,
                   coalesce(qual, '-'), coalesce(with_check, '-'))
    FROM pg_policies WHERE schemaname = 'hitlai'
  UNION ALL
  -- views
  SELECT concat_ws('|', 'view', c.relname, pg_get_viewdef(c.oid))
    FROM pg_class c JOIN ns ON c.relnamespace = ns.oid WHERE c.relkind IN ('v', 'm')
  UNION ALL
  -- types (row types, composites, enums, domains) with enum labels
  SELECT concat_ws('|', 'type', t.typname, t.typtype,
                   coalesce((SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
                               FROM pg_enum e WHERE e.enumtypid = t.oid), '-'),
                   coalesce(t.typacl::text, '-'))
    FROM pg_type t JOIN ns ON t.typnamespace = ns.oid
  UNION ALL
  -- the schema
  SELECT concat_ws('|', 'schema', n.nspname, pg_get_userbyid(n.nspowner),
                   coalesce(n.nspacl::text, '-'))
    FROM pg_namespace n JOIN ns ON n.oid = ns.oid
  UNION ALL
  -- the extension, its configuration tables (pg_dump), members and initial privileges
  SELECT concat_ws('|', 'ext', e.extversion, e.extrelocatable, e.extnamespace::regnamespace::text)
    FROM pg_extension e JOIN ext ON ext.oid = e.oid
  UNION ALL
  SELECT concat_ws('|', 'extconfig', x.cfg::regclass::text, coalesce(x.cond, '-'))
    FROM pg_extension e JOIN ext ON ext.oid = e.oid,
         unnest(e.extconfig, e.extcondition) x(cfg, cond)
  UNION ALL
  SELECT concat_ws('|', 'member', pg_describe_object(d.classid, d.objid, d.objsubid))
    FROM pg_depend d JOIN ext ON d.refobjid = ext.oid
   WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
  UNION ALL
  SELECT concat_ws('|', 'initpriv', pg_describe_object(ip.classoid, ip.objoid, ip.objsubid),
                   ip.privtype, ip.initprivs::text)
    FROM pg_init_privs ip JOIN pg_depend d
      ON d.classid = ip.classoid AND d.objid = ip.objoid AND d.deptype = 'e'
    JOIN ext ON d.refobjid = ext.oid
) facts
ORDER BY line COLLATE "C";
