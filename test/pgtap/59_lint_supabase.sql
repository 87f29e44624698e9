-- A5 catalog lint in the Supabase world (grants made at install time, S6).
-- Body: test/rls/lint.sql.
\c hitlai_supabase
BEGIN;
SELECT plan(18);  -- the tests of test/rls/lint.sql
\set app_role authenticated
\set anon_role anon
\ir ../rls/lint.sql
SELECT * FROM finish();
ROLLBACK;
