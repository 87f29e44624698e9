-- A2/G1 write guards (sql/install/0.2.0/440_write_guards.sql, src/pg/write_guards.cpp):
-- who is judged (non-privileged callers only), prefix patterns for stats_* columns a
-- later version adds, forced application columns, restore mode, and the started_at rule
-- of tester_assignments. The per-role matrix is test/rls/matrix.sql.
BEGIN;
SELECT plan(20);

CREATE ROLE hl_wg_app NOLOGIN NOBYPASSRLS;
CREATE ROLE hl_wg_anon NOLOGIN NOBYPASSRLS;
CREATE ROLE hl_wg_bypass NOLOGIN BYPASSRLS;
SELECT hitlai.grant_app_role('hl_wg_app');
SELECT hitlai.grant_anon_role('hl_wg_anon');
-- A privileged role (like service_role) gets table privileges directly: grant_app_role
-- refuses roles that bypass RLS (G1, test/pgtap/28_grants.sql).
GRANT USAGE ON SCHEMA hitlai TO hl_wg_bypass;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA hitlai TO hl_wg_bypass;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA hitlai TO hl_wg_bypass;

-- G1 signature (S6): one regrole argument each.
SELECT is(ARRAY(SELECT p.oid::regprocedure::text FROM pg_proc p
                 WHERE p.pronamespace = 'hitlai'::regnamespace
                   AND p.proname IN ('grant_app_role', 'grant_anon_role') ORDER BY 1),
  ARRAY['hitlai.grant_anon_role(regrole)', 'hitlai.grant_app_role(regrole)'],
  'G1/S6: grant_app_role(role regrole) and grant_anon_role(role regrole)');
SELECT throws_ok($$SELECT hitlai.grant_app_role(NULL)$$, '22023', NULL, 'G1: grant_app_role(NULL) is 22023');
SELECT ok(has_table_privilege('hl_wg_app', 'hitlai.test_runs', 'INSERT')
          AND has_table_privilege('hl_wg_app', 'hitlai.test_runs', 'DELETE')
          AND NOT has_table_privilege('hl_wg_app', 'hitlai.test_runs', 'UPDATE'),
  'G1: test_runs INSERT and DELETE at table level, UPDATE per column');
SELECT ok(has_table_privilege('hl_wg_anon', 'hitlai.early_adopter_apps', 'INSERT')
          AND NOT has_table_privilege('hl_wg_anon', 'hitlai.milestones', 'DELETE')
          AND NOT has_table_privilege('hl_wg_anon', 'hitlai.test_runs', 'SELECT'),
  'G1: the anonymous role inserts applications, deletes nothing');

INSERT INTO hitlai.companies (id, name, email) VALUES ('aaaaaaaa-0000-4000-8000-000000000055', 'WG', 'wg@wg.test');
INSERT INTO hitlai.company_members (company_id, user_id, role, joined_at) VALUES
  ('aaaaaaaa-0000-4000-8000-000000000055', '10000000-0000-4000-8000-000000000055', 'owner', now());

-- Privileged writers are not judged.
SELECT lives_ok($$INSERT INTO hitlai.human_testers (user_id, email, display_name, is_verified, tests_completed)
  VALUES ('10000000-0000-4000-8000-0000000000f1', 'f1@wg.test', 'F1', true, 3)$$,
  'A2: a superuser inserts protected columns');
SET LOCAL ROLE hl_wg_bypass;
SELECT set_config('request.jwt.claims', '{"sub": "10000000-0000-4000-8000-0000000000f2"}', true);
SELECT lives_ok($$INSERT INTO hitlai.human_testers (user_id, email, display_name, is_verified, stats_rating_sum)
  VALUES ('10000000-0000-4000-8000-0000000000f2', 'f2@wg.test', 'F2', true, 4)$$,
  'A2: a BYPASSRLS role (service_role-like) inserts protected columns');
RESET ROLE;
SELECT is((SELECT (is_verified, stats_rating_sum)::text FROM hitlai.human_testers WHERE email = 'f2@wg.test'),
  '(t,4)', 'A2: ... and the values are kept');

-- Non-privileged: protected columns, including a stats_* column added later.
ALTER TABLE hitlai.human_testers ADD COLUMN stats_future bigint NOT NULL DEFAULT 0;
SET LOCAL ROLE hl_wg_app;
SELECT set_config('request.jwt.claims', '{"sub": "10000000-0000-4000-8000-0000000000f3"}', true);
SELECT throws_ok($$INSERT INTO hitlai.human_testers (user_id, email, display_name, is_verified)
  VALUES ('10000000-0000-4000-8000-0000000000f3', 'f3@wg.test', 'F3', true)$$, '42501',
  'permission denied to set column "is_verified" of "human_testers"', 'A2: is_verified on INSERT: 42501 naming it');
SELECT throws_ok($$INSERT INTO hitlai.human_testers (user_id, email, display_name, stats_future)
  VALUES ('10000000-0000-4000-8000-0000000000f3', 'f3@wg.test', 'F3', 7)$$, '42501',
  'permission denied to set column "stats_future" of "human_testers"', 'A2/V: a stats_* column added later is guarded too');
SELECT lives_ok($$INSERT INTO hitlai.human_testers (user_id, email, display_name, average_rating, total_earnings)
  VALUES ('10000000-0000-4000-8000-0000000000f3', 'f3@wg.test', 'F3', 0.00, 0)$$,
  'A2: protected columns equal to their defaults are accepted');
-- A SECURITY DEFINER function owned by a non-privileged role is judged as that role.
RESET ROLE;
CREATE FUNCTION pg_temp.wg_sneak() RETURNS void LANGUAGE sql SECURITY DEFINER AS
  $$ INSERT INTO hitlai.company_members (company_id, user_id, role, joined_at) VALUES
     ('aaaaaaaa-0000-4000-8000-000000000055', '10000000-0000-4000-8000-0000000000f4', 'member', now()) $$;
ALTER FUNCTION pg_temp.wg_sneak() OWNER TO hl_wg_app;
SET LOCAL ROLE hl_wg_app;
SELECT set_config('request.jwt.claims', '{"sub": "10000000-0000-4000-8000-000000000055"}', true);
SELECT throws_ok($$SELECT pg_temp.wg_sneak()$$, '42501',
  'permission denied to set column "joined_at" of "company_members"',
  'A2: an invitation can''t be inserted joined, not even through a non-privileged SECURITY DEFINER function');
SELECT lives_ok($$INSERT INTO hitlai.company_members (company_id, user_id) VALUES
  ('aaaaaaaa-0000-4000-8000-000000000055', '10000000-0000-4000-8000-0000000000f4')$$,
  'A2: the owner invites (joined_at NULL)');
SELECT isnt(hitlai.create_company('WG2', 'wg2@wg.test'), NULL,
  'A2: create_company (SECURITY DEFINER, privileged owner) still inserts the joined owner');
-- Restore mode is for privileged roles only: a non-privileged writer gets 42501.
SET LOCAL hitlai.restore_mode = on;
SELECT throws_ok($$INSERT INTO hitlai.company_members (company_id, user_id) VALUES
  ('aaaaaaaa-0000-4000-8000-000000000055', '10000000-0000-4000-8000-0000000000f5')$$, '42501', NULL,
  'S8: restore mode doesn''t open the guard to a non-privileged role');
SET LOCAL hitlai.restore_mode = off;

-- Applications: forced columns.
SET LOCAL ROLE hl_wg_anon;
SELECT set_config('request.jwt.claims', '', true);
INSERT INTO hitlai.early_adopter_apps (company_name, contact_name, email, selected_tier, status, reviewed_by, reviewed_at, created_at)
  VALUES ('WG', 'W', 'w@wg.test', 'pioneer', 'approved', gen_random_uuid(), now() - interval '1 day', '2000-01-01');
RESET ROLE;
SELECT is((SELECT (status, reviewed_by, reviewed_at, created_at = now())::text FROM hitlai.early_adopter_apps WHERE email = 'w@wg.test'),
  '(pending,,,t)', 'A2: an anonymous application is stored pending, unreviewed, created now');
SET LOCAL hitlai.restore_mode = on;
INSERT INTO hitlai.early_adopter_apps (company_name, contact_name, email, selected_tier, status)
  VALUES ('WG', 'W', 'w2@wg.test', 'pioneer', 'approved');
SET LOCAL hitlai.restore_mode = off;
SELECT is((SELECT status FROM hitlai.early_adopter_apps WHERE email = 'w2@wg.test'), 'approved',
  'A2/S8: privileged (here restoring) inserts keep their status');

-- tester_assignments: started_at.
INSERT INTO hitlai.test_runs (id, company_id, url, mission) VALUES
  ('30000000-0000-4000-8000-000000000055', 'aaaaaaaa-0000-4000-8000-000000000055', 'https://wg.test', 'm');
INSERT INTO hitlai.tester_assignments (id, test_run_id, tester_id, status)
SELECT ('50000000-0000-4000-8000-0000000000' || k)::uuid, '30000000-0000-4000-8000-000000000055', h.id, 'assigned'
  FROM (VALUES ('f1', 'f1@wg.test'), ('f2', 'f2@wg.test'), ('f3', 'f3@wg.test')) v(k, e)
  JOIN hitlai.human_testers h ON h.email = v.e;
UPDATE hitlai.tester_assignments SET status = 'started' WHERE id = '50000000-0000-4000-8000-0000000000f1';
SELECT is((SELECT started_at FROM hitlai.tester_assignments WHERE id = '50000000-0000-4000-8000-0000000000f1'), now(),
  'A2: moving to started sets started_at = now()');
UPDATE hitlai.tester_assignments SET status = 'started', started_at = '2020-01-01'
 WHERE id = '50000000-0000-4000-8000-0000000000f2';
SELECT is((SELECT started_at FROM hitlai.tester_assignments WHERE id = '50000000-0000-4000-8000-0000000000f2'),
  '2020-01-01'::timestamptz, 'A2: ... keeping a started_at given');
UPDATE hitlai.tester_assignments SET status = 'declined' WHERE id = '50000000-0000-4000-8000-0000000000f3';
SELECT is((SELECT started_at FROM hitlai.tester_assignments WHERE id = '50000000-0000-4000-8000-0000000000f3'), NULL,
  'A2: declining leaves started_at NULL');

-- A misspelt column in the trigger arguments is an error, never a silent no-op.
CREATE TRIGGER zz_bad BEFORE INSERT ON hitlai.webhooks
  FOR EACH ROW EXECUTE FUNCTION hitlai.guard_insert_defaults('no_such_column');
SET LOCAL ROLE hl_wg_app;
SELECT throws_ok($$INSERT INTO hitlai.webhooks (company_id, url, events) VALUES
  ('aaaaaaaa-0000-4000-8000-000000000055', 'https://wg.test/h', '{issue.created}')$$, 'XX000', NULL,
  'A2: guard_insert_defaults refuses an argument naming no column');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
