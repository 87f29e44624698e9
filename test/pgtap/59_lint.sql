-- A5 catalog lint in vanilla PostgreSQL, with application roles made by
-- hitlai.grant_app_role. Body: test/rls/lint.sql.
BEGIN;
SELECT plan(18);  -- the tests of test/rls/lint.sql
CREATE ROLE hl_lint_app NOLOGIN;
CREATE ROLE hl_lint_anon NOLOGIN;
DO $$ BEGIN
  PERFORM hitlai.grant_app_role('hl_lint_app');
  PERFORM hitlai.grant_anon_role('hl_lint_anon');
END $$;
\set app_role hl_lint_app
\set anon_role hl_lint_anon
\ir ../rls/lint.sql
SELECT * FROM finish();
ROLLBACK;
