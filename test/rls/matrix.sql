-- Shared body of the RLS suites (A2, A3, A6, G1): every allowed and forbidden read and
-- write, table by table. Included (\ir) by test/pgtap/52_rls_vanilla.sql (own roles
-- made with hitlai.grant_app_role) and test/pgtap/53_rls_supabase.sql (Supabase's anon
-- and authenticated). The includer has opened the transaction and set the psql
-- variables :app_role (signed-in users) and :anon_role (anonymous visitors).
--
-- People (user ids 10000000-0000-4000-8000-0000000000XX, XX below):
--   a1 owner, a2 admin, a3 member, a4 viewer, a5 invited (not joined) of company A
--   b1 owner of company B; c1 tester T (assigned to run a1); c2 tester T2 (tester_id of
--   run a3); d1 signed in, no membership.
-- Outcomes are PostgreSQL's: 42501 for a denied INSERT or a column/table without the
-- privilege, "no rows" for a denied UPDATE/DELETE/SELECT.
-- (the includer declares the number of tests: 184)

-- Switch to a role and user id (NULL key: anonymous). SET ROLE is checked against the
-- session user (superuser), so a test can switch from any role to any role.
CREATE PROCEDURE pg_temp.become(r text, k text) LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('SET LOCAL ROLE %I', r);
  PERFORM set_config('request.jwt.claims',
    CASE WHEN k IS NULL THEN '' ELSE json_build_object('sub', '10000000-0000-4000-8000-0000000000' || k)::text END,
    true);
END $$;
CREATE FUNCTION pg_temp.n(q text) RETURNS int LANGUAGE plpgsql AS $$
DECLARE c int; BEGIN EXECUTE q; GET DIAGNOSTICS c = ROW_COUNT; RETURN c; END $$;
GRANT EXECUTE ON FUNCTION pg_temp.n(text) TO PUBLIC;

-- Data, written as superuser.
DO $$ BEGIN
  IF pg_catalog.to_regclass('auth.users') IS NOT NULL THEN
    EXECUTE $q$INSERT INTO auth.users (id, email)
      SELECT ('10000000-0000-4000-8000-0000000000' || k)::uuid, k || '@people.test'
        FROM unnest('{a1,a2,a3,a4,a5,b1,c1,c2,d1}'::text[]) k$q$;
  END IF;
END $$;
INSERT INTO hitlai.companies (id, name, email) VALUES
  ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'Alpha', 'ops@alpha.test'),
  ('bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', 'Beta', 'ops@beta.test');
INSERT INTO hitlai.company_members (company_id, user_id, role, joined_at)
SELECT c::uuid, ('10000000-0000-4000-8000-0000000000' || k)::uuid, r, j FROM (VALUES
  ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'a1', 'owner', now()),
  ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'a2', 'admin', now()),
  ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'a3', 'member', now()),
  ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'a4', 'viewer', now()),
  ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'a5', 'member', NULL),
  ('bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', 'b1', 'owner', now())) v(c, k, r, j);
INSERT INTO hitlai.human_testers (id, user_id, email, display_name) VALUES
  ('20000000-0000-4000-8000-0000000000c1', '10000000-0000-4000-8000-0000000000c1', 'c1@people.test', 'Tess'),
  ('20000000-0000-4000-8000-0000000000c2', '10000000-0000-4000-8000-0000000000c2', 'c2@people.test', 'Tom');
INSERT INTO hitlai.test_runs (id, company_id, url, mission, tester_id) VALUES
  ('30000000-0000-4000-8000-0000000000a1', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'https://alpha.test', 'sign up', NULL),
  ('30000000-0000-4000-8000-0000000000a2', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'https://alpha.test', 'pay', NULL),
  ('30000000-0000-4000-8000-0000000000a3', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'https://alpha.test', 'search', '20000000-0000-4000-8000-0000000000c2'),
  ('30000000-0000-4000-8000-0000000000b1', 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', 'https://beta.test', 'log in', NULL);
INSERT INTO hitlai.tester_assignments (id, test_run_id, tester_id) VALUES
  ('50000000-0000-4000-8000-0000000000a1', '30000000-0000-4000-8000-0000000000a1', '20000000-0000-4000-8000-0000000000c1');
INSERT INTO hitlai.issues (id, test_run_id, title) VALUES
  ('40000000-0000-4000-8000-0000000000a1', '30000000-0000-4000-8000-0000000000a1', 'Button does nothing'),
  ('40000000-0000-4000-8000-0000000000b1', '30000000-0000-4000-8000-0000000000b1', 'Slow login');
INSERT INTO hitlai.webhooks (id, company_id, url, events) VALUES
  ('60000000-0000-4000-8000-0000000000a1', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'https://alpha.test/hook', '{test_run.created}'),
  ('60000000-0000-4000-8000-0000000000b1', 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', 'https://beta.test/hook', '{test_run.created}');
INSERT INTO hitlai.milestones (phase, tests_required) VALUES ('rls-test-phase', 1000000);
SELECT count(*) AS milestones FROM hitlai.milestones \gset

-- ---------------------------------------------------------------- companies
CALL pg_temp.become(:'app_role', 'a1');
SELECT results_eq('SELECT id FROM hitlai.companies', $$VALUES ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa'::uuid)$$,
  'A2 companies: the owner of A reads A only');
SELECT is(pg_temp.n($$UPDATE hitlai.companies SET name = 'Alpha Inc' WHERE true$$), 1,
  'A2 companies: the owner updates name (own company only)');
SELECT throws_ok($$UPDATE hitlai.companies SET tests_used_this_month = 0$$, '42501', NULL,
  'A2 companies: the owner can''t change tests_used_this_month');
SELECT throws_ok($$UPDATE hitlai.companies SET monthly_test_quota = NULL$$, '42501', NULL,
  'A2 companies: the owner can''t change monthly_test_quota');
SELECT throws_ok($$UPDATE hitlai.companies SET plan_type = 'enterprise'$$, '42501', NULL,
  'A2 companies: the owner can''t change plan_type');
SELECT throws_ok($$UPDATE hitlai.companies SET discount_percentage = 100$$, '42501', NULL,
  'A2 companies: the owner can''t change discount_percentage');
SELECT throws_ok($$UPDATE hitlai.companies SET stripe_customer_id = 'cus_x'$$, '42501', NULL,
  'A2 companies: the owner can''t change stripe_customer_id');
SELECT throws_ok($$UPDATE hitlai.companies SET email = 'x@alpha.test'$$, '42501', NULL,
  'A2 companies: the owner can''t change email (privileged)');
SELECT throws_ok($$INSERT INTO hitlai.companies (name, email) VALUES ('X', 'x@x.test')$$, '42501', NULL,
  'A2 companies: INSERT only through create_company');
SELECT is(pg_temp.n($$DELETE FROM hitlai.companies$$), 0,
  'A2/G1 companies: deleting a company is privileged (DELETE granted, no policy: no rows)');
SELECT throws_ok($$TRUNCATE hitlai.companies$$, '42501', NULL, 'G1: no TRUNCATE for application roles');
CALL pg_temp.become(:'app_role', 'a2');
SELECT is(pg_temp.n($$UPDATE hitlai.companies SET industry = 'retail', company_size = '11-50'$$), 1,
  'A2 companies: an admin updates industry and company_size');
SELECT is(pg_temp.n($$UPDATE hitlai.companies SET name = 'Beta hacked' WHERE id = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb'$$), 0,
  'A2 companies: an admin of A can''t update B');
CALL pg_temp.become(:'app_role', 'a3');
SELECT is(pg_temp.n($$UPDATE hitlai.companies SET name = 'by member'$$), 0,
  'A2 companies: a plain member updates nothing');
CALL pg_temp.become(:'app_role', 'a4');
SELECT is((SELECT count(*)::int FROM hitlai.companies), 1, 'A2 companies: a viewer reads own company');
SELECT is(pg_temp.n($$UPDATE hitlai.companies SET name = 'by viewer'$$), 0,
  'A2 companies: a viewer updates nothing');
CALL pg_temp.become(:'app_role', 'b1');
SELECT results_eq('SELECT id FROM hitlai.companies', $$VALUES ('bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb'::uuid)$$,
  'A2 companies: the owner of B reads B only');
CALL pg_temp.become(:'app_role', 'a5');
SELECT is((SELECT count(*)::int FROM hitlai.companies), 0, 'A2 companies: a pending invitee reads nothing');
CALL pg_temp.become(:'app_role', 'c1');
SELECT is((SELECT count(*)::int FROM hitlai.companies), 0, 'A2 companies: a tester reads no company');
CALL pg_temp.become(:'app_role', NULL);
SELECT is((SELECT count(*)::int FROM hitlai.companies), 0, 'A2 companies: no claims, no rows');
SELECT throws_ok($$SELECT hitlai.create_company('Anon', 'anon@x.test')$$, '42501', NULL,
  'A2 create_company: 42501 when anonymous');
CALL pg_temp.become(:'app_role', 'd1');
SELECT is((SELECT count(*)::int FROM hitlai.companies), 0, 'A2 companies: a user without membership reads nothing');
SELECT isnt(hitlai.create_company('Delta', '  Ops@Delta.TEST '), NULL, 'A2 create_company: a signed-in user creates a company');
SELECT results_eq($$SELECT name, email FROM hitlai.companies$$, $$VALUES ('Delta'::text, 'ops@delta.test'::text)$$,
  'A2 create_company: the creator reads it (email normalised)');
SELECT results_eq($$SELECT role, joined_at IS NOT NULL FROM hitlai.company_members$$, $$VALUES ('owner'::text, true)$$,
  'A2 create_company: the creator is its joined owner');
SELECT throws_ok($$SELECT hitlai.create_company('Alpha again', 'OPS@alpha.test')$$, '23505', NULL,
  'A2 create_company: 23505 for an email in use');
SELECT throws_ok($$SELECT hitlai.create_company(NULL, 'null@x.test')$$, '22023', NULL,
  'E create_company: a NULL name is an invalid argument (22023)');
SELECT throws_ok($$SELECT hitlai.create_company('Null', NULL)$$, '22023', NULL,
  'E create_company: a NULL email is an invalid argument (22023)');
CALL pg_temp.become(:'anon_role', NULL);
SELECT throws_ok($$SELECT hitlai.create_company('Anon', 'anon@x.test')$$, '42501', NULL,
  'G1 create_company: anonymous role may not execute it');
SELECT throws_ok($$SELECT * FROM hitlai.companies$$, '42501', NULL, 'G1 companies: anonymous role has no SELECT');

-- ---------------------------------------------------------------- company_members
CALL pg_temp.become(:'app_role', 'a4');
SELECT is((SELECT count(*)::int FROM hitlai.company_members), 5,
  'A2 company_members: a viewer reads the members of A, pending invitation included');
CALL pg_temp.become(:'app_role', 'b1');
SELECT is((SELECT count(*)::int FROM hitlai.company_members), 1, 'A2 company_members: B''s owner reads B''s only');
SELECT throws_ok($$INSERT INTO hitlai.company_members (company_id, user_id) VALUES
  ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', '10000000-0000-4000-8000-0000000000b1')$$, '42501', NULL,
  'A2 company_members: B''s owner can''t add itself to A');
SELECT is(pg_temp.n($$DELETE FROM hitlai.company_members WHERE company_id = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa'$$), 0,
  'A2 company_members: B''s owner can''t remove A''s members');
SELECT throws_ok($$UPDATE hitlai.company_members SET role = 'admin'$$, 'HL004', NULL,
  'A2/E company_members: demoting the last joined owner raises HL004');
SELECT throws_ok($$DELETE FROM hitlai.company_members$$, 'HL004', NULL,
  'A2/E company_members: removing the last joined owner raises HL004');
CALL pg_temp.become(:'app_role', 'a5');
SELECT is((SELECT count(*)::int FROM hitlai.company_members), 0,
  'A2 company_members: a pending invitee sees nothing, not even the invitation');
CALL pg_temp.become(:'app_role', 'a3');
SELECT throws_ok($$INSERT INTO hitlai.company_members (company_id, user_id) VALUES
  ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', '10000000-0000-4000-8000-0000000000d1')$$, '42501', NULL,
  'A2 company_members: a plain member can''t invite');
SELECT is(pg_temp.n($$UPDATE hitlai.company_members SET role = 'admin'$$), 0,
  'A2 company_members: a plain member changes nobody');
CALL pg_temp.become(:'app_role', 'a2');
SELECT lives_ok($$INSERT INTO hitlai.company_members (company_id, user_id, role) VALUES
  ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', '10000000-0000-4000-8000-0000000000d1', 'viewer')$$,
  'A2 company_members: an admin invites');
SELECT throws_ok($$INSERT INTO hitlai.company_members (company_id, user_id, role) VALUES
  ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', '10000000-0000-4000-8000-0000000000c2', 'owner')$$, '42501', NULL,
  'A2 company_members: an admin can''t invite an owner');
SELECT throws_ok($$INSERT INTO hitlai.company_members (company_id, user_id, joined_at) VALUES
  ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', '10000000-0000-4000-8000-0000000000c2', now())$$, '42501', NULL,
  'A2 company_members: an invitation can''t be created already joined');
SELECT throws_ok($$INSERT INTO hitlai.company_members (company_id, user_id) VALUES
  ('bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', '10000000-0000-4000-8000-0000000000c2')$$, '42501', NULL,
  'A2 company_members: an admin of A can''t invite into B');
SELECT is(pg_temp.n($$UPDATE hitlai.company_members SET role = 'viewer'
  WHERE user_id = '10000000-0000-4000-8000-0000000000a1'$$), 0,
  'A2 company_members: an admin can''t change an owner');
SELECT throws_ok($$UPDATE hitlai.company_members SET role = 'owner'
  WHERE user_id = '10000000-0000-4000-8000-0000000000a3'$$, '42501', NULL,
  'A2 company_members: an admin can''t make an owner');
SELECT throws_ok($$UPDATE hitlai.company_members SET user_id = '10000000-0000-4000-8000-0000000000c2'
  WHERE user_id = '10000000-0000-4000-8000-0000000000a3'$$, '42501', NULL,
  'A2 company_members: user_id can''t be changed');
SELECT throws_ok($$UPDATE hitlai.company_members SET joined_at = now()
  WHERE user_id = '10000000-0000-4000-8000-0000000000a5'$$, '42501', NULL,
  'A2 company_members: joined_at is set only by accept_invitation');
SELECT is(pg_temp.n($$UPDATE hitlai.company_members SET role = 'viewer'
  WHERE user_id = '10000000-0000-4000-8000-0000000000a3'$$), 1,
  'A2 company_members: an admin changes a member''s role');
SELECT is(pg_temp.n($$UPDATE hitlai.company_members SET role = 'member'
  WHERE user_id = '10000000-0000-4000-8000-0000000000a3'$$), 1,
  'A2 company_members: ... and back');
SELECT is(pg_temp.n($$DELETE FROM hitlai.company_members
  WHERE user_id = '10000000-0000-4000-8000-0000000000d1'$$), 1,
  'A2 company_members: an admin removes a member');
CALL pg_temp.become(:'app_role', 'a1');
SELECT is(pg_temp.n($$UPDATE hitlai.company_members SET role = 'owner'
  WHERE user_id = '10000000-0000-4000-8000-0000000000a2'$$), 1,
  'A2 company_members: an owner makes an admin owner');
SELECT is(pg_temp.n($$UPDATE hitlai.company_members SET role = 'admin'
  WHERE user_id = '10000000-0000-4000-8000-0000000000a1'$$), 1,
  'A2 company_members: an owner steps down while another joined owner remains');
CALL pg_temp.become(:'app_role', 'a2');
SELECT throws_ok($$UPDATE hitlai.company_members SET role = 'member'
  WHERE user_id = '10000000-0000-4000-8000-0000000000a2'$$, 'HL004', NULL,
  'A2/E company_members: the new sole owner can''t step down (HL004)');
SELECT is(pg_temp.n($$UPDATE hitlai.company_members SET role = 'owner'
  WHERE user_id = '10000000-0000-4000-8000-0000000000a1'$$), 1,
  'A2 company_members: ownership given back');
-- The rule holds for what a statement leaves, row by row order aside: one statement may
-- swap owner and admin, and one that demotes every joined owner raises HL004.
CALL pg_temp.become(:'app_role', 'a1');
SELECT throws_ok($$UPDATE hitlai.company_members SET role = 'member'
  WHERE user_id IN ('10000000-0000-4000-8000-0000000000a1', '10000000-0000-4000-8000-0000000000a2')$$, 'HL004', NULL,
  'A2/E company_members: one statement demoting every joined owner raises HL004');
UPDATE hitlai.company_members SET role = 'admin' WHERE user_id = '10000000-0000-4000-8000-0000000000a2';
SELECT is(pg_temp.n($$UPDATE hitlai.company_members SET role = CASE WHEN role = 'owner' THEN 'admin' ELSE 'owner' END
  WHERE user_id IN ('10000000-0000-4000-8000-0000000000a1', '10000000-0000-4000-8000-0000000000a2')$$), 2,
  'A2 company_members: one statement hands the company over (the owner and an admin swap roles)');
SELECT is((SELECT string_agg(role, ',' ORDER BY user_id) FROM hitlai.company_members
            WHERE user_id IN ('10000000-0000-4000-8000-0000000000a1', '10000000-0000-4000-8000-0000000000a2')),
  'admin,owner', 'A2 company_members: ... the admin is the owner now, the owner an admin');
CALL pg_temp.become(:'app_role', 'a2');
UPDATE hitlai.company_members SET role = 'owner' WHERE user_id = '10000000-0000-4000-8000-0000000000a1';
CALL pg_temp.become(:'app_role', 'a5');
SELECT throws_ok($$SELECT hitlai.accept_invitation('bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb')$$, '42501', NULL,
  'A2 accept_invitation: 42501 without an invitation');
SELECT lives_ok($$SELECT hitlai.accept_invitation('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa')$$,
  'A2 accept_invitation: the invitee accepts');
SELECT is((SELECT count(*)::int FROM hitlai.company_members), 5, 'A2 accept_invitation: ... and then reads A''s members');
SELECT is((SELECT count(*)::int FROM hitlai.test_runs), 3, 'A2 accept_invitation: ... and A''s runs');

-- ---------------------------------------------------------------- human_testers
CALL pg_temp.become(:'app_role', 'c1');
SELECT results_eq('SELECT id FROM hitlai.human_testers', $$VALUES ('20000000-0000-4000-8000-0000000000c1'::uuid)$$,
  'A2 human_testers: a tester reads own row only');
SELECT is(pg_temp.n($$UPDATE hitlai.human_testers SET display_name = 'Tess T.', languages = '{English}'$$), 1,
  'A2 human_testers: the tester updates own profile columns');
SELECT is(pg_temp.n($$UPDATE hitlai.human_testers SET display_name = 'hacked'
  WHERE id = '20000000-0000-4000-8000-0000000000c2'$$), 0, 'A2 human_testers: another tester''s row is untouchable');
SELECT throws_ok(format('UPDATE hitlai.human_testers SET %I = %s', c, v), '42501', NULL,
  format('A2 human_testers: the tester can''t change %s', c))
  FROM (VALUES ('is_verified', 'true'), ('average_rating', '5'), ('tests_completed', '99'),
               ('total_earnings', '1000'), ('founding_tester_tier', '''gold'''),
               ('revenue_share_pct', '100'), ('equity_percentage', '1'),
               ('user_id', '''10000000-0000-4000-8000-0000000000d1''')) p(c, v);
SELECT is(pg_temp.n($$DELETE FROM hitlai.human_testers$$), 0,
  'A2/G1 human_testers: deleting a profile is privileged (no rows)');
CALL pg_temp.become(:'app_role', 'a1');
SELECT is((SELECT count(*)::int FROM hitlai.human_testers), 0, 'A2 human_testers: a company owner reads no tester');
CALL pg_temp.become(:'app_role', 'd1');
SELECT throws_ok($$INSERT INTO hitlai.human_testers (user_id, email, display_name) VALUES
  ('10000000-0000-4000-8000-0000000000a1', 'fake@people.test', 'Fake')$$, '42501', NULL,
  'A2 human_testers: nobody creates a profile for someone else');
SELECT throws_ok($$INSERT INTO hitlai.human_testers (user_id, email, display_name, is_verified) VALUES
  ('10000000-0000-4000-8000-0000000000d1', 'd1@people.test', 'Dee', true)$$, '42501', NULL,
  'A2 human_testers: a new profile can''t set protected columns');
SELECT throws_ok(format($$INSERT INTO hitlai.human_testers (user_id, email, display_name, %I) VALUES
  ('10000000-0000-4000-8000-0000000000d1', 'd1@people.test', 'Dee', %s)$$, c, v), '42501',
  format('permission denied to set column "%s" of "human_testers"', c),
  format('A2 human_testers: a new profile can''t set %s (42501 naming it)', c))
  FROM (VALUES ('average_rating', '5'), ('tests_completed', '1'), ('total_earnings', '1'),
               ('founding_tester_tier', '''gold'''), ('revenue_share_pct', '100'),
               ('equity_percentage', '1'), ('stats_active_assignments', '1'),
               ('stats_rating_sum', '5'), ('stats_rating_count', '1'),
               ('stats_open_assignments', '1'), ('stats_last_assigned_at', '''2000-01-01'''),
               ('created_at', '''2000-01-01''')) p(c, v);
SELECT is(ARRAY(SELECT attname::text FROM pg_attribute
                 WHERE attrelid = 'hitlai.human_testers'::regclass AND attname LIKE 'stats\_%' AND NOT attisdropped
                   AND attname NOT IN ('stats_active_assignments', 'stats_rating_sum', 'stats_rating_count',
                                       'stats_open_assignments', 'stats_last_assigned_at')),
  '{}'::text[], 'A2 human_testers: every stats_* column is in the test above');
SELECT lives_ok($$INSERT INTO hitlai.human_testers (user_id, email, display_name, age, languages,
                    is_verified, revenue_share_pct, founding_tester_tier, stats_rating_sum) VALUES
  ('10000000-0000-4000-8000-0000000000d1', 'd1@people.test', 'Dee', 30, '{German}', false, 70, NULL, 0)$$,
  'A2 human_testers: a signed-in user creates own profile (protected columns may be named with their defaults)');
SELECT is(pg_temp.n($$DELETE FROM hitlai.human_testers$$), 0,
  'A2/G1 human_testers: the tester can''t delete own profile (no rows)');
SELECT results_eq($$SELECT is_verified, average_rating, tests_completed, total_earnings, founding_tester_tier,
                           revenue_share_pct, equity_percentage FROM hitlai.human_testers$$,
  $$VALUES (false, 0::numeric, 0, 0::numeric, NULL::text, 70::numeric, 0::numeric)$$,
  'A2 human_testers: ... with the protected columns at their defaults');
CALL pg_temp.become(:'anon_role', NULL);
SELECT throws_ok($$INSERT INTO hitlai.human_testers (user_id, email, display_name) VALUES
  (gen_random_uuid(), 'x@people.test', 'X')$$, '42501', NULL, 'G1 human_testers: anonymous role can''t insert');

-- ---------------------------------------------------------------- test_runs
CALL pg_temp.become(:'app_role', 'a4');
SELECT is((SELECT count(*)::int FROM hitlai.test_runs), 3, 'A2 test_runs: a viewer reads the company''s runs');
SELECT throws_ok($$INSERT INTO hitlai.test_runs (company_id, url, mission) VALUES
  ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'https://alpha.test', 'x')$$, '42501', NULL,
  'A2 test_runs: a viewer can''t insert');
SELECT is(pg_temp.n($$UPDATE hitlai.test_runs SET mission = 'by viewer'$$), 0, 'A2 test_runs: a viewer updates nothing');
CALL pg_temp.become(:'app_role', 'a3');
SELECT lives_ok($$INSERT INTO hitlai.test_runs (company_id, url, mission) VALUES
  ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'https://alpha.test', 'new run')$$, 'A2 test_runs: a member inserts');
SELECT throws_ok($$INSERT INTO hitlai.test_runs (company_id, url, mission) VALUES
  ('bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', 'https://beta.test', 'x')$$, '42501', NULL,
  'A2 test_runs: a member of A can''t insert into B');
SELECT is(pg_temp.n($$INSERT INTO hitlai.test_runs (id, company_id, url, mission, issues_found) VALUES
  ('30000000-0000-4000-8000-0000000000a9', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'https://alpha.test', 'x', 5)$$), 1,
  'G1 test_runs: INSERT is granted at table level');
SELECT is((SELECT issues_found FROM hitlai.test_runs WHERE id = '30000000-0000-4000-8000-0000000000a9'), 0,
  'A2/T6 test_runs: issues_found given on INSERT is forced to 0');
SELECT is(pg_temp.n($$DELETE FROM hitlai.test_runs WHERE id = '30000000-0000-4000-8000-0000000000a9'$$), 0,
  'A2/G1 test_runs: a member''s DELETE of a run affects no rows (no DELETE policy)');
SELECT is(pg_temp.n($$UPDATE hitlai.test_runs SET mission = 'pay twice'
  WHERE id = '30000000-0000-4000-8000-0000000000a2'$$), 1, 'A2 test_runs: a member updates a run');
SELECT is(pg_temp.n($$UPDATE hitlai.test_runs SET mission = 'hacked'
  WHERE id = '30000000-0000-4000-8000-0000000000b1'$$), 0, 'A2 test_runs: a member of A can''t update B''s run');
SELECT is(pg_temp.n($$DELETE FROM hitlai.test_runs$$), 0, 'A2/G1 test_runs: deleting runs is privileged (no rows)');
SELECT throws_ok($$UPDATE hitlai.test_runs SET company_id = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb'$$, '42501', NULL,
  'A2 test_runs: company_id can''t be changed');
SELECT throws_ok($$UPDATE hitlai.test_runs SET issues_found = 9$$, '42501', NULL,
  'A2 test_runs: issues_found can''t be changed (T6)');
CALL pg_temp.become(:'app_role', 'b1');
SELECT results_eq('SELECT id FROM hitlai.test_runs', $$VALUES ('30000000-0000-4000-8000-0000000000b1'::uuid)$$,
  'A2 test_runs: B''s owner reads B''s runs only');
SELECT is(pg_temp.n($$UPDATE hitlai.test_runs SET mission = 'hacked' WHERE company_id = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa'$$), 0,
  'A2 test_runs: B''s owner can''t update A''s runs');
CALL pg_temp.become(:'app_role', 'c1');
SELECT results_eq('SELECT id FROM hitlai.test_runs', $$VALUES ('30000000-0000-4000-8000-0000000000a1'::uuid)$$,
  'A2 test_runs: a tester reads the run assigned to them only');
SELECT is(pg_temp.n($$UPDATE hitlai.test_runs SET status = 'running', sentiment_score = 0.8,
  recommendations = '{faster}', positives = '{clean}', final_report = 'ok'
  WHERE id = '30000000-0000-4000-8000-0000000000a1'$$), 1,
  'A2 test_runs: the assigned tester updates status, sentiment_score, recommendations, positives, final_report');
SELECT throws_ok(format($$UPDATE hitlai.test_runs SET %I = %s WHERE id = '30000000-0000-4000-8000-0000000000a1'$$, c, v),
  '42501', NULL, format('A2 test_runs: the assigned tester can''t change %s', c))
  FROM (VALUES ('cost', '100'), ('company_ai_rating', '5'), ('url', '''https://evil.test'''),
               ('tester_id', '''20000000-0000-4000-8000-0000000000c1''')) p(c, v);
SELECT is(pg_temp.n($$UPDATE hitlai.test_runs SET final_report = 'x'
  WHERE id = '30000000-0000-4000-8000-0000000000a2'$$), 0, 'A2 test_runs: a tester can''t update a run not assigned');
SELECT throws_ok($$INSERT INTO hitlai.test_runs (company_id, url, mission) VALUES
  ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'https://alpha.test', 'x')$$, '42501', NULL,
  'A2 test_runs: a tester can''t insert runs');
CALL pg_temp.become(:'app_role', 'c2');
SELECT results_eq('SELECT id FROM hitlai.test_runs', $$VALUES ('30000000-0000-4000-8000-0000000000a3'::uuid)$$,
  'A2 test_runs: a tester reads the run whose tester_id they are');
CALL pg_temp.become(:'app_role', 'd1');
SELECT is((SELECT count(*)::int FROM hitlai.test_runs), 0, 'A2 test_runs: a non-member reads nothing');
CALL pg_temp.become(:'anon_role', NULL);
SELECT throws_ok($$SELECT * FROM hitlai.test_runs$$, '42501', NULL, 'G1 test_runs: anonymous role has no SELECT');

-- ---------------------------------------------------------------- issues
CALL pg_temp.become(:'app_role', 'a4');
SELECT results_eq('SELECT id FROM hitlai.issues', $$VALUES ('40000000-0000-4000-8000-0000000000a1'::uuid)$$,
  'A2 issues: a viewer reads the company''s issues');
SELECT throws_ok($$INSERT INTO hitlai.issues (test_run_id, title) VALUES ('30000000-0000-4000-8000-0000000000a2', 'x')$$,
  '42501', NULL, 'A2 issues: a viewer can''t insert');
CALL pg_temp.become(:'app_role', 'a3');
SELECT lives_ok($$INSERT INTO hitlai.issues (test_run_id, title) VALUES ('30000000-0000-4000-8000-0000000000a2', 'Typo')$$,
  'A2 issues: a member inserts');
SELECT throws_ok($$INSERT INTO hitlai.issues (test_run_id, title) VALUES ('30000000-0000-4000-8000-0000000000b1', 'x')$$,
  '42501', NULL, 'A2 issues: a member of A can''t insert on B''s run');
SELECT throws_ok($$UPDATE hitlai.issues SET title = 'x'$$, '42501', NULL, 'A2 issues: issues are not updated by application roles');
SELECT is(pg_temp.n($$DELETE FROM hitlai.issues$$), 0, 'A2/G1 issues: issues are not deleted by application roles (no rows)');
SELECT throws_ok($$INSERT INTO hitlai.issues (test_run_id, title, created_at) VALUES
  ('30000000-0000-4000-8000-0000000000a2', 'Backdated', '2000-01-01')$$, '42501', NULL,
  'A2 issues: created_at keeps its default on INSERT');
CALL pg_temp.become(:'app_role', 'b1');
SELECT results_eq('SELECT id FROM hitlai.issues', $$VALUES ('40000000-0000-4000-8000-0000000000b1'::uuid)$$,
  'A2 issues: B''s owner reads B''s issues only');
CALL pg_temp.become(:'app_role', 'c1');
SELECT results_eq('SELECT id FROM hitlai.issues', $$VALUES ('40000000-0000-4000-8000-0000000000a1'::uuid)$$,
  'A2 issues: the assigned tester reads the run''s issues');
SELECT lives_ok($$INSERT INTO hitlai.issues (test_run_id, title) VALUES ('30000000-0000-4000-8000-0000000000a1', 'Crash')$$,
  'A2 issues: the assigned tester inserts');
SELECT throws_ok($$INSERT INTO hitlai.issues (test_run_id, title) VALUES ('30000000-0000-4000-8000-0000000000a2', 'x')$$,
  '42501', NULL, 'A2 issues: a tester can''t insert on a run not assigned');
CALL pg_temp.become(:'app_role', 'c2');
SELECT is((SELECT count(*)::int FROM hitlai.issues), 0, 'A2 issues: a tester reads no issue of other runs');

-- ---------------------------------------------------------------- tester_assignments
CALL pg_temp.become(:'app_role', 'a4');
SELECT is((SELECT count(*)::int FROM hitlai.tester_assignments), 1, 'A2 tester_assignments: a viewer reads the company''s');
CALL pg_temp.become(:'app_role', 'b1');
SELECT is((SELECT count(*)::int FROM hitlai.tester_assignments), 0, 'A2 tester_assignments: B''s owner reads none of A''s');
SELECT throws_ok($$INSERT INTO hitlai.tester_assignments (test_run_id, tester_id) VALUES
  ('30000000-0000-4000-8000-0000000000a2', '20000000-0000-4000-8000-0000000000c2')$$, '42501', NULL,
  'A2 tester_assignments: B''s owner can''t assign on A''s run');
CALL pg_temp.become(:'app_role', 'a3');
SELECT throws_ok($$INSERT INTO hitlai.tester_assignments (test_run_id, tester_id) VALUES
  ('30000000-0000-4000-8000-0000000000a2', '20000000-0000-4000-8000-0000000000c2')$$, '42501', NULL,
  'A2 tester_assignments: a plain member can''t assign');
CALL pg_temp.become(:'app_role', 'a2');
SELECT throws_ok($$INSERT INTO hitlai.tester_assignments (test_run_id, tester_id, assigned_at) VALUES
  ('30000000-0000-4000-8000-0000000000a2', '20000000-0000-4000-8000-0000000000c2', '2000-01-01')$$, '42501', NULL,
  'A2 tester_assignments: assigned_at keeps its default on INSERT');
SELECT lives_ok($$INSERT INTO hitlai.tester_assignments (test_run_id, tester_id) VALUES
  ('30000000-0000-4000-8000-0000000000a2', '20000000-0000-4000-8000-0000000000c2')$$,
  'A2 tester_assignments: an admin assigns a tester');
CALL pg_temp.become(:'app_role', 'c2');
SELECT is((SELECT count(*)::int FROM hitlai.tester_assignments), 1, 'A2 tester_assignments: the tester reads own assignment');
SELECT is(pg_temp.n($$UPDATE hitlai.tester_assignments SET status = 'started', started_at = now()
  WHERE id = '50000000-0000-4000-8000-0000000000a1'$$), 0, 'A2 tester_assignments: another tester''s assignment is untouchable');
SELECT is(pg_temp.n($$UPDATE hitlai.tester_assignments SET status = 'declined'$$), 1,
  'A2 tester_assignments: the tester declines own assignment');
CALL pg_temp.become(:'app_role', 'c1');
SELECT throws_ok($$UPDATE hitlai.tester_assignments SET status = 'completed', completed_at = now()$$, '42501', NULL,
  'A2 tester_assignments: the tester can''t complete an assignment');
SELECT throws_ok($$UPDATE hitlai.tester_assignments SET tester_id = '20000000-0000-4000-8000-0000000000c2'$$, '42501', NULL,
  'A2 tester_assignments: tester_id can''t be changed');
SELECT is(pg_temp.n($$UPDATE hitlai.tester_assignments SET status = 'started'$$), 1,
  'A2 tester_assignments: the tester starts own assignment (assigned -> started) with status alone');
SELECT is((SELECT started_at FROM hitlai.tester_assignments WHERE id = '50000000-0000-4000-8000-0000000000a1'), now(),
  'A2 tester_assignments: ... started_at is set to now()');
SELECT is(pg_temp.n($$UPDATE hitlai.tester_assignments SET status = 'assigned'$$), 0,
  'A2 tester_assignments: ... and can''t move it any further');
SELECT is(pg_temp.n($$DELETE FROM hitlai.tester_assignments$$), 0, 'A2 tester_assignments: a tester deletes nothing');
CALL pg_temp.become(:'app_role', 'a1');
SELECT is(pg_temp.n($$UPDATE hitlai.tester_assignments SET status = 'expired'
  WHERE id = '50000000-0000-4000-8000-0000000000a1'$$), 1, 'A2 tester_assignments: the owner updates an assignment');
SELECT is(pg_temp.n($$DELETE FROM hitlai.tester_assignments WHERE tester_id = '20000000-0000-4000-8000-0000000000c2'$$), 1,
  'A2 tester_assignments: the owner deletes an assignment');

-- ---------------------------------------------------------------- webhooks
CALL pg_temp.become(:'app_role', 'a3');
SELECT is((SELECT count(*)::int FROM hitlai.webhooks), 0, 'A2 webhooks: a plain member reads none');
SELECT throws_ok($$INSERT INTO hitlai.webhooks (company_id, url, events) VALUES
  ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'https://alpha.test/h2', '{issue.created}')$$, '42501', NULL,
  'A2 webhooks: a plain member can''t insert');
SELECT is(pg_temp.n($$UPDATE hitlai.webhooks SET is_active = false$$), 0, 'A2 webhooks: a plain member updates none');
CALL pg_temp.become(:'app_role', 'a2');
SELECT results_eq('SELECT id FROM hitlai.webhooks', $$VALUES ('60000000-0000-4000-8000-0000000000a1'::uuid)$$,
  'A2 webhooks: an admin reads the company''s webhooks only');
SELECT lives_ok($$INSERT INTO hitlai.webhooks (company_id, url, events) VALUES
  ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'https://alpha.test/h2', '{issue.created}')$$, 'A2 webhooks: an admin inserts');
SELECT throws_ok($$INSERT INTO hitlai.webhooks (company_id, url, events) VALUES
  ('bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', 'https://alpha.test/h3', '{issue.created}')$$, '42501', NULL,
  'A2 webhooks: an admin of A can''t insert for B');
SELECT is(pg_temp.n($$UPDATE hitlai.webhooks SET is_active = false WHERE url = 'https://alpha.test/hook'$$), 1,
  'A2 webhooks: an admin updates');
SELECT throws_ok($$UPDATE hitlai.webhooks SET company_id = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb'$$, '42501', NULL,
  'A2 webhooks: company_id can''t be changed');
SELECT is(pg_temp.n($$DELETE FROM hitlai.webhooks WHERE url = 'https://alpha.test/h2'$$), 1, 'A2 webhooks: an admin deletes');
CALL pg_temp.become(:'app_role', 'b1');
SELECT results_eq('SELECT id FROM hitlai.webhooks', $$VALUES ('60000000-0000-4000-8000-0000000000b1'::uuid)$$,
  'A2 webhooks: B''s owner reads B''s only');
SELECT is(pg_temp.n($$UPDATE hitlai.webhooks SET url = 'https://evil.test' WHERE id = '60000000-0000-4000-8000-0000000000a1'$$), 0,
  'A2 webhooks: B''s owner can''t update A''s');
SELECT is(pg_temp.n($$DELETE FROM hitlai.webhooks WHERE id = '60000000-0000-4000-8000-0000000000a1'$$), 0,
  'A2 webhooks: B''s owner can''t delete A''s');

-- ---------------------------------------------------------------- milestones
CALL pg_temp.become(:'anon_role', NULL);
SELECT is((SELECT count(*) FROM hitlai.milestones), :'milestones'::bigint, 'A2 milestones: anonymous reads every milestone');
SELECT throws_ok($$UPDATE hitlai.milestones SET tests_completed = 0$$, '42501', NULL, 'A2 milestones: anonymous can''t write');
CALL pg_temp.become(:'app_role', 'a1');
SELECT is((SELECT count(*) FROM hitlai.milestones), :'milestones'::bigint, 'A2 milestones: a signed-in user reads every milestone');
SELECT throws_ok($$INSERT INTO hitlai.milestones (phase, tests_required) VALUES ('mine', 1)$$, '42501', NULL,
  'A2 milestones: a signed-in user can''t write');

-- ---------------------------------------------------------------- applications
CALL pg_temp.become(:'anon_role', NULL);
SELECT lives_ok($$INSERT INTO hitlai.early_adopter_apps (company_name, contact_name, email, selected_tier)
  VALUES ('Gamma', 'Gina', 'gina@gamma.test', 'pioneer')$$, 'A2 early_adopter_apps: anonymous inserts');
SELECT lives_ok($$INSERT INTO hitlai.early_adopter_apps (company_name, contact_name, email, selected_tier, status)
  VALUES ('Gamma', 'Gina', 'gina2@gamma.test', 'pioneer', 'approved')$$,
  'A2 early_adopter_apps: an INSERT naming status succeeds (status forced to pending, checked below)');
SELECT lives_ok($$INSERT INTO hitlai.early_adopter_apps (company_name, contact_name, email, selected_tier, reviewed_by, reviewed_at)
  VALUES ('Gamma', 'Gina', 'gina3@gamma.test', 'pioneer', gen_random_uuid(), now())$$,
  'A2 early_adopter_apps: an INSERT naming review columns succeeds (forced to NULL, checked below)');
SELECT throws_ok($$SELECT * FROM hitlai.early_adopter_apps$$, '42501', NULL, 'A2 early_adopter_apps: anonymous can''t read back');
SELECT throws_ok($$INSERT INTO hitlai.early_adopter_apps (company_name, contact_name, email, selected_tier)
  VALUES ('Gamma', 'Gina', 'gina4@gamma.test', 'pioneer') RETURNING id$$, '42501', NULL,
  'A2 early_adopter_apps: ... not even with RETURNING');
SELECT lives_ok($$INSERT INTO hitlai.founding_tester_apps (full_name, email, selected_tier, specialties)
  VALUES ('Finn', 'finn@people.test', 'founder', '{mobile}')$$, 'A2 founding_tester_apps: anonymous inserts');
SELECT throws_ok($$SELECT * FROM hitlai.founding_tester_apps$$, '42501', NULL, 'A2 founding_tester_apps: anonymous can''t read back');
CALL pg_temp.become(:'app_role', 'c1');
SELECT lives_ok($$INSERT INTO hitlai.founding_tester_apps (full_name, email, selected_tier, status, reviewed_by, reviewed_at)
  VALUES ('Tess', 'tess@people.test', 'founder', 'approved', gen_random_uuid(), now())$$,
  'A2 founding_tester_apps: a signed-in user inserts (status and review columns forced)');
SELECT throws_ok($$SELECT * FROM hitlai.founding_tester_apps$$, '42501', NULL, 'A2 founding_tester_apps: ... and can''t read');
SELECT throws_ok($$UPDATE hitlai.founding_tester_apps SET status = 'approved'$$, '42501', NULL,
  'A2 founding_tester_apps: reviewing is privileged');
RESET ROLE;
SELECT results_eq($$SELECT DISTINCT status, reviewed_by, reviewed_at FROM (
    SELECT status, reviewed_by, reviewed_at FROM hitlai.early_adopter_apps
    UNION ALL SELECT status, reviewed_by, reviewed_at FROM hitlai.founding_tester_apps) s$$,
  $$VALUES ('pending'::text, NULL::uuid, NULL::timestamptz)$$,
  'A2 applications: what application roles inserted is pending and unreviewed');
SELECT is((SELECT count(*)::int FROM hitlai.early_adopter_apps WHERE email LIKE 'gina%@gamma.test')
          + (SELECT count(*)::int FROM hitlai.founding_tester_apps WHERE email IN ('finn@people.test', 'tess@people.test')),
  5, 'A2 applications: every application inserted above is stored');
INSERT INTO hitlai.founding_tester_apps (full_name, email, selected_tier, status, reviewed_at)
  VALUES ('Priv', 'priv@people.test', 'founder', 'approved', now());
SELECT is((SELECT status FROM hitlai.founding_tester_apps WHERE email = 'priv@people.test'), 'approved',
  'A2 applications: a privileged role inserts any status');

-- ---------------------------------------------------------------- privileged-only tables
CALL pg_temp.become(:'app_role', 'a1');
SELECT throws_ok($$SELECT * FROM hitlai.training_data$$, '42501', NULL, 'A2 training_data: privileged only');
SELECT throws_ok($$SELECT * FROM hitlai.fine_tuning_jobs$$, '42501', NULL, 'A2 fine_tuning_jobs: privileged only');
SELECT throws_ok($$INSERT INTO hitlai.fine_tuning_jobs (model_type) VALUES ('gpt')$$, '42501', NULL,
  'A2 fine_tuning_jobs: no writes');
CALL pg_temp.become(:'anon_role', NULL);
SELECT throws_ok($$SELECT * FROM hitlai.training_data$$, '42501', NULL, 'A2 training_data: not for anonymous');

-- ---------------------------------------------------------------- other paths
CALL pg_temp.become(:'app_role', 'b1');
SELECT is(hitlai.member_company_ids('viewer'), ARRAY['bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb'::uuid],
  'A2 helpers: member_company_ids answers only about the caller');
SELECT is(hitlai.tester_run_ids(false), '{}'::uuid[], 'A2 helpers: tester_run_ids answers only about the caller');
SELECT throws_ok($$SELECT hitlai.grant_app_role(current_user::regrole)$$, '42501', NULL, 'G1: grant_app_role is for privileged roles');
SELECT throws_ok($$SELECT hitlai.grant_anon_role(current_user::regrole)$$, '42501', NULL, 'G1: grant_anon_role is for privileged roles');
SELECT throws_ok($$SELECT hitlai.grant_role_privileges(current_user::regrole, false)$$, '42501', NULL,
  'G1: grant_role_privileges is for privileged roles');
SELECT is((SELECT count(*)::int FROM hitlai.issues i JOIN hitlai.test_runs r ON r.id = i.test_run_id
            WHERE r.company_id = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa'), 0,
  'A2: joins don''t reach A''s rows from B');
RESET ROLE;
