-- A2/A6/G1 in a Supabase-style database (test/fixtures/supabase.sql, installed before
-- the extension): Supabase's own roles authenticated and anon, the grants made at
-- install time (S6), user ids referencing auth.users. Body shared with 52_rls_vanilla.sql.
\c hitlai_supabase
BEGIN;
SELECT plan(187);  -- the tests of test/rls/matrix.sql
\set app_role authenticated
\set anon_role anon
\ir ../rls/matrix.sql
SELECT * FROM finish();
ROLLBACK;
