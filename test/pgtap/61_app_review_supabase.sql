-- R2/R3 with auth.users (Supabase, test/fixtures/supabase.sql): the applicant whose
-- auth.users email matches (normalised) is invited as owner; the caller's email comes
-- from auth.users when the JWT has none; service_role (BYPASSRLS) reviews,
-- authenticated can't; auth.users is read only after it is checked (S7): a view or an
-- inheritance child in its place is never read.
\c hitlai_supabase
BEGIN;
SELECT plan(14);

-- What the 0.3.0 grants part gives: the claim to authenticated, everything to service_role.
GRANT EXECUTE ON FUNCTION hitlai.claim_founding_tester_profile() TO authenticated;
GRANT EXECUTE ON FUNCTION hitlai.review_early_adopter_app(uuid, text), hitlai.review_founding_tester_app(uuid, text) TO service_role;
GRANT SELECT, INSERT, UPDATE, DELETE ON hitlai.plan_tiers TO service_role;
CREATE PROCEDURE pg_temp.become(r text, sub text, email text DEFAULT NULL) LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('SET LOCAL ROLE %I', r);
  PERFORM set_config('request.jwt.claims',
    CASE WHEN sub IS NULL THEN '' ELSE json_strip_nulls(json_build_object('sub', sub, 'email', email))::text END, true);
END $$;

INSERT INTO auth.users (id, email) VALUES
  ('10000000-0000-4000-8000-0000000000f1', 'Owner@Kappa.Test'),
  ('10000000-0000-4000-8000-0000000000f2', 'tina@people.test'),
  ('10000000-0000-4000-8000-0000000000f3', 'nobody@people.test');
INSERT INTO hitlai.early_adopter_apps (id, company_name, contact_name, email, selected_tier) VALUES
  ('70000000-0000-4000-8000-000000000001', 'Kappa', 'Kim', 'owner@kappa.test', 'early_starter'),
  ('70000000-0000-4000-8000-000000000002', 'Lambda', 'Lou', 'lou@lambda.test', 'early_pro'),
  ('70000000-0000-4000-8000-000000000003', 'Mu', 'Max', 'max@mu.test', 'early_pro'),
  ('70000000-0000-4000-8000-000000000004', 'Nu', 'Nia', 'nia@nu.test', 'early_pro');
INSERT INTO hitlai.founding_tester_apps (id, full_name, email, selected_tier) VALUES
  ('71000000-0000-4000-8000-000000000001', 'Tina', ' TINA@people.test', 'founding_elite'),
  ('71000000-0000-4000-8000-000000000002', 'Nob', 'nobody@people.test', 'founding_member');

CALL pg_temp.become('authenticated', '10000000-0000-4000-8000-0000000000f3');
SELECT throws_ok($$SELECT hitlai.review_early_adopter_app('70000000-0000-4000-8000-000000000001', 'approved')$$, '42501', NULL,
                 'R1: authenticated (not privileged) can''t review');
CALL pg_temp.become('service_role', NULL);
SELECT isnt(hitlai.review_early_adopter_app('70000000-0000-4000-8000-000000000001', 'approved'), NULL,
            'R1: service_role (BYPASSRLS) reviews');
RESET ROLE;
SELECT results_eq($$SELECT m.user_id, m.role, m.joined_at IS NULL FROM hitlai.company_members m
                      JOIN hitlai.companies c ON c.id = m.company_id WHERE c.email = 'owner@kappa.test'$$,
  $$VALUES ('10000000-0000-4000-8000-0000000000f1'::uuid, 'owner'::text, true)$$,
  'R2: the user whose auth.users email matches (normalised) is invited as owner, not yet joined');
CALL pg_temp.become('authenticated', '10000000-0000-4000-8000-0000000000f1');
SELECT is((SELECT count(*) FROM hitlai.companies), 0::bigint, 'R2/A2: the invitee sees nothing before accepting');
RESET ROLE;
SELECT id AS kappa FROM hitlai.companies WHERE email = 'owner@kappa.test' \gset
CALL pg_temp.become('authenticated', '10000000-0000-4000-8000-0000000000f1');
SELECT lives_ok(format($$SELECT hitlai.accept_invitation(%L)$$, :'kappa'), 'R2: accept_invitation completes the hand-over');
SELECT results_eq($$SELECT name, plan_type, monthly_test_quota FROM hitlai.companies$$,
  $$VALUES ('Kappa'::text, 'starter'::text, 50)$$, 'R2: the new owner reads the company');
RESET ROLE;
SELECT hitlai.review_early_adopter_app('70000000-0000-4000-8000-000000000002', 'approved') AS lambda \gset
SELECT is((SELECT count(*) FROM hitlai.company_members WHERE company_id = :'lambda'), 0::bigint,
          'R2: no auth.users row with the email: nobody is invited');

-- R3: the email from auth.users when the JWT has no email claim
SELECT hitlai.review_founding_tester_app('71000000-0000-4000-8000-000000000001', 'approved') IS NOT NULL AS ok \gset
CALL pg_temp.become('authenticated', '10000000-0000-4000-8000-0000000000f2');
SELECT hitlai.claim_founding_tester_profile() AS tina \gset
RESET ROLE;
SELECT results_eq(format($$SELECT user_id, email, founding_tester_tier, revenue_share_pct, is_verified FROM hitlai.human_testers WHERE id = %L$$, :'tina'),
  $$VALUES ('10000000-0000-4000-8000-0000000000f2'::uuid, 'tina@people.test'::text, 'founding_elite'::text, 85.00::numeric(5,2), true)$$,
  'R3: without an email claim the caller''s auth.users email is used');
CALL pg_temp.become('authenticated', '10000000-0000-4000-8000-0000000000f2', 'other@people.test');
SELECT throws_ok('SELECT hitlai.claim_founding_tester_profile()', '42501', NULL,
                 'R3: the JWT email claim wins over auth.users (no approved application for it)');
CALL pg_temp.become('authenticated', '10000000-0000-4000-8000-0000000000f3');
SELECT throws_ok('SELECT hitlai.claim_founding_tester_profile()', '42501', NULL,
                 'R3: a user whose application is still pending can''t claim');
RESET ROLE;

-- S7: auth.users is checked before it is read.
SELECT hitlai.review_founding_tester_app('71000000-0000-4000-8000-000000000002', 'approved') IS NOT NULL AS ok \gset
CREATE TABLE auth.users_child () INHERITS (auth.users);
INSERT INTO auth.users_child (id, email) VALUES ('10000000-0000-4000-8000-0000000000f4', 'max@mu.test');
SELECT hitlai.review_early_adopter_app('70000000-0000-4000-8000-000000000003', 'approved') AS mu \gset
SELECT is((SELECT count(*) FROM hitlai.company_members WHERE company_id = :'mu'), 0::bigint,
          'S7/R2: auth.users is read FROM ONLY (a row of an inheritance child is not a user)');
ALTER TABLE auth.users RENAME TO users_real;
CREATE VIEW auth.users AS SELECT * FROM auth.users_real;
INSERT INTO auth.users_real (id, email) VALUES ('10000000-0000-4000-8000-0000000000f5', 'nia@nu.test');
SELECT hitlai.review_early_adopter_app('70000000-0000-4000-8000-000000000004', 'approved') AS nu \gset
SELECT is((SELECT count(*) FROM hitlai.company_members WHERE company_id = :'nu'), 0::bigint,
          'S7/R2: a view named auth.users is never read');
CALL pg_temp.become('authenticated', '10000000-0000-4000-8000-0000000000f3');
SELECT throws_ok('SELECT hitlai.claim_founding_tester_profile()', '42501', NULL,
                 'S7/R3: the claim does not read a view named auth.users either (no email: 42501)');
CALL pg_temp.become('authenticated', '10000000-0000-4000-8000-0000000000f3', 'nobody@people.test');
SELECT isnt(hitlai.claim_founding_tester_profile(), NULL, 'R3: ... while the email claim still works');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
