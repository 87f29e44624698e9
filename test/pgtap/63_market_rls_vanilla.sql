-- A2/G1 for the marketplace rows (D17, R2, R3, M1, M3) in vanilla PostgreSQL: own roles
-- given the application privileges with hitlai.grant_app_role. Body shared with
-- 64_market_rls_supabase.sql.
BEGIN;
SELECT plan(28);  -- the tests of test/rls/market.sql
CREATE ROLE hl_mk_rls_app NOLOGIN;
CREATE ROLE hl_mk_rls_anon NOLOGIN;
DO $$ BEGIN
  PERFORM hitlai.grant_app_role('hl_mk_rls_app');
  PERFORM hitlai.grant_anon_role('hl_mk_rls_anon');
END $$;
\set app_role hl_mk_rls_app
\set anon_role hl_mk_rls_anon
\ir ../rls/market.sql
SELECT * FROM finish();
ROLLBACK;
