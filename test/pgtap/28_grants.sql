-- G1, S7: what the install grants, and grant_app_role's refusal of privileged roles.
-- (The trusted install by a non-superuser owner, and the attacks on it, are in
-- test/security/.)
BEGIN;
SELECT plan(13);

CREATE ROLE hl_gr_bypass NOLOGIN BYPASSRLS;
CREATE ROLE hl_gr_super NOLOGIN SUPERUSER;
CREATE ROLE hl_gr_app NOLOGIN;

SELECT throws_ok($$SELECT hitlai.grant_app_role('hl_gr_bypass')$$, '22023',
  'role hl_gr_bypass is privileged and can''t be made an application role',
  'G1: grant_app_role refuses a role that bypasses RLS (22023)');
SELECT throws_ok($$SELECT hitlai.grant_anon_role('hl_gr_super')$$, '22023',
  'role hl_gr_super is privileged and can''t be made an anonymous role',
  'G1: grant_anon_role refuses a superuser (22023)');
SELECT throws_ok($$SELECT hitlai.grant_app_role(current_user::regrole)$$, '22023', NULL,
  'G1: grant_app_role refuses the installing role');
SELECT lives_ok($$SELECT hitlai.grant_app_role('hl_gr_app')$$,
  'G1: grant_app_role still serves an ordinary role');

SELECT is(ARRAY(SELECT format('%s:%s:%s', c.relname, x.grantee::regrole, x.privilege_type)
                  FROM pg_class c, aclexplode(c.relacl) x
                 WHERE c.relnamespace = 'hitlai'::regnamespace AND x.grantee <> c.relowner
                   AND x.privilege_type IN ('TRIGGER', 'TRUNCATE', 'REFERENCES', 'MAINTAIN')
                 ORDER BY 1), '{}'::text[],
  'S7/G1: no role but the tables'' owner holds TRIGGER, TRUNCATE, REFERENCES or MAINTAIN');
SELECT ok((SELECT r.rolsuper FROM pg_namespace n JOIN pg_roles r ON r.oid = n.nspowner
            WHERE n.nspname = 'hitlai'),
  'S7: schema hitlai belongs to a superuser');
SELECT is(ARRAY(SELECT format('%s:%s', x.grantee, x.privilege_type)
                  FROM pg_namespace n, aclexplode(n.nspacl) x
                 WHERE n.nspname = 'hitlai' AND x.grantee <> n.nspowner
                   AND (x.privilege_type = 'CREATE' OR x.is_grantable) ORDER BY 1), '{}'::text[],
  'S7: nobody but the schema''s owner may CREATE in schema hitlai or grant on it');
SELECT is(ARRAY(SELECT p.oid::regprocedure::text FROM pg_proc p
                 WHERE p.pronamespace = 'hitlai'::regnamespace
                   AND NOT (SELECT rolsuper FROM pg_roles WHERE oid = p.proowner) ORDER BY 1),
  '{}'::text[], 'S7: every hitlai function belongs to a superuser');
SELECT is(ARRAY(SELECT p.oid::regprocedure::text FROM pg_proc p
                 WHERE p.pronamespace = 'hitlai'::regnamespace AND p.prosecdef
                   AND NOT ('search_path=pg_catalog, pg_temp' = ANY (p.proconfig)) ORDER BY 1),
  '{}'::text[], 'S7: every SECURITY DEFINER function runs with search_path pg_catalog, pg_temp');

-- The SPI statements of the C functions are linted for functions and relations
-- (test/shell/70_qualified_names.t); their operators can only bind in pg_catalog because
-- every C function runs with this search_path (operators are never looked up in pg_temp).
SELECT is(ARRAY(SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
                 WHERE p.pronamespace = 'hitlai'::regnamespace AND l.lanname = 'c'
                   AND NOT ('search_path=pg_catalog, pg_temp' = ANY (p.proconfig)) ORDER BY 1),
  '{}'::text[], 'S7: every C function runs with search_path pg_catalog, pg_temp');

SELECT is_empty($$SELECT * FROM hitlai.security_check()$$,
  'S7: hitlai.security_check() finds nothing on a fresh install');
GRANT TRIGGER ON hitlai.companies TO hl_gr_app;
GRANT CREATE ON SCHEMA hitlai TO hl_gr_app;
SELECT results_eq($$SELECT finding, object FROM hitlai.security_check()$$,
  $$VALUES ('CREATE on the schema', 'hl_gr_app'), ('TRIGGER on table hitlai.companies', 'hl_gr_app')$$,
  'S7: hitlai.security_check() names a TRIGGER grant and CREATE on the schema');
SELECT ok(NOT has_function_privilege('hl_gr_app', 'hitlai.security_check()', 'EXECUTE'),
  'G1: security_check is for privileged roles');

SELECT * FROM finish();
ROLLBACK;
