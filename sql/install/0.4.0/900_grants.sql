-- Grants, 0.4.0 (G1). The final part: the objects this version's parts created get the
-- privileges 0.3.0's grant rules give (sql/install/0.3.0/900_grants.sql, whose
-- grant_role_privileges() already lists 0.4.0's admin and SECURITY DEFINER functions):
-- nothing for PUBLIC, exactly G1 for the privileged roles, and the application and
-- anonymous roles granted again so that their grants cover the new objects.

REVOKE ALL ON ALL TABLES IN SCHEMA @extschema@ FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA @extschema@ FROM PUBLIC;

DO $$
DECLARE
  ext_owner pg_catalog.oid := (SELECT e.extowner FROM pg_catalog.pg_extension e
                                WHERE e.extname OPERATOR(pg_catalog.=) 'hitlai'::pg_catalog.name);
  admins pg_catalog.regrole[] := '{}';
  a pg_catalog.regrole;
  r RECORD;
BEGIN
  -- G1: service_role (Supabase) and the installing owner of a trusted install.
  IF pg_catalog.to_regrole('service_role') IS NOT NULL THEN
    admins := admins OPERATOR(pg_catalog.||) pg_catalog.to_regrole('service_role');
  END IF;
  IF ext_owner IS NOT NULL
     AND NOT (SELECT o.rolsuper FROM pg_catalog.pg_authid o WHERE o.oid OPERATOR(pg_catalog.=) ext_owner) THEN
    admins := admins OPERATOR(pg_catalog.||) ext_owner::pg_catalog.regrole;
  END IF;
  FOREACH a IN ARRAY admins LOOP
    EXECUTE pg_catalog.format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA @extschema@ TO %s', a);
    EXECUTE pg_catalog.format('GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA @extschema@ TO %s', a);
  END LOOP;

  -- Application and anonymous roles: the roles holding INSERT on early_adopter_apps (an
  -- application privilege of every version), anonymous when they hold no INSERT on test_runs.
  FOR r IN
    SELECT g.oid::pg_catalog.regrole AS role,
           NOT EXISTS (SELECT FROM pg_catalog.pg_class t, pg_catalog.aclexplode(t.relacl) y
                        WHERE t.oid OPERATOR(pg_catalog.=) '@extschema@.test_runs'::pg_catalog.regclass::pg_catalog.oid
                          AND y.grantee OPERATOR(pg_catalog.=) g.oid
                          AND y.privilege_type OPERATOR(pg_catalog.=) 'INSERT') AS anonymous
      FROM pg_catalog.pg_authid g
     WHERE EXISTS (SELECT FROM pg_catalog.pg_class t, pg_catalog.aclexplode(t.relacl) y
                    WHERE t.oid OPERATOR(pg_catalog.=) '@extschema@.early_adopter_apps'::pg_catalog.regclass::pg_catalog.oid
                      AND y.grantee OPERATOR(pg_catalog.=) g.oid
                      AND y.privilege_type OPERATOR(pg_catalog.=) 'INSERT')
       AND NOT g.rolsuper AND NOT g.rolbypassrls
       AND g.oid OPERATOR(pg_catalog.<>) ALL (admins::pg_catalog.oid[])
       AND g.oid OPERATOR(pg_catalog.<>) ext_owner
     ORDER BY g.rolname
  LOOP
    PERFORM @extschema@.grant_role_privileges(r.role, r.anonymous);
  END LOOP;
END
$$;
