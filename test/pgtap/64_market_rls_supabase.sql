-- A2/G1 for the marketplace rows (D17, R2, R3, M1, M3) in a Supabase-style database
-- (test/fixtures/supabase.sql): authenticated and anon, user ids referencing auth.users,
-- the applicant invited as owner (R2). Body shared with 63_market_rls_vanilla.sql.
\c hitlai_supabase
BEGIN;
SELECT plan(28);  -- the tests of test/rls/market.sql
\set app_role authenticated
\set anon_role anon
\ir ../rls/market.sql
SELECT * FROM finish();
ROLLBACK;
