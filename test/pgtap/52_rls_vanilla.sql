-- A2/A6/G1 in vanilla PostgreSQL: no Supabase roles; the test makes its own roles and
-- gives them the application privileges with hitlai.grant_app_role (S6). Body shared
-- with 53_rls_supabase.sql.
BEGIN;
SELECT plan(187);  -- the tests of test/rls/matrix.sql
CREATE ROLE hl_rls_app NOLOGIN;
CREATE ROLE hl_rls_anon NOLOGIN;
DO $$ BEGIN
  PERFORM hitlai.grant_app_role('hl_rls_app');
  PERFORM hitlai.grant_anon_role('hl_rls_anon');
END $$;
\set app_role hl_rls_app
\set anon_role hl_rls_anon
\ir ../rls/matrix.sql
SELECT * FROM finish();
ROLLBACK;
