-- D17 plan_tiers and R1-R3 application review, in vanilla PostgreSQL (no auth.users: the
-- JWT email claim is the only source of the caller's email). The Supabase paths (owner
-- invitation, auth.users email, auth.users checked before it is read) are in
-- 61_app_review_supabase.sql.
BEGIN;
SELECT plan(62);
\ir include/error_text.sql

CREATE ROLE hl_mk_app NOLOGIN;
CREATE ROLE hl_mk_anon NOLOGIN;
DO $$ BEGIN
  PERFORM hitlai.grant_app_role('hl_mk_app');
  PERFORM hitlai.grant_anon_role('hl_mk_anon');
END $$;
-- What the application roles need beyond 0.2.0's grants (the 0.3.0 grants part gives it).
GRANT SELECT ON hitlai.plan_tiers TO hl_mk_app;
GRANT EXECUTE ON FUNCTION hitlai.claim_founding_tester_profile() TO hl_mk_app;

CREATE PROCEDURE pg_temp.become(r text, sub text, email text DEFAULT NULL) LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('SET LOCAL ROLE %I', r);
  PERFORM set_config('request.jwt.claims',
    CASE WHEN sub IS NULL THEN '' ELSE json_strip_nulls(json_build_object('sub', sub, 'email', email))::text END, true);
END $$;

-- ---------------------------------------------------------------- D17 plan_tiers
SELECT results_eq(
  $$SELECT tier, kind, plan_type, monthly_test_quota, discount_percentage, revenue_share_pct, equity_percentage
      FROM hitlai.plan_tiers ORDER BY kind, tier$$,
  $$VALUES ('early_enterprise'::text, 'company'::text, 'enterprise'::text, NULL::int, 30.00::numeric(5,2), NULL::numeric(5,2), NULL::numeric(7,4)),
           ('early_pro', 'company', 'pro', 250, 40.00, NULL, NULL),
           ('early_starter', 'company', 'starter', 50, 50.00, NULL, NULL),
           ('founding_elite', 'tester', NULL, NULL, NULL, 85.00, 0.0500),
           ('founding_member', 'tester', NULL, NULL, NULL, 75.00, 0.0000),
           ('founding_pro', 'tester', NULL, NULL, NULL, 80.00, 0.0100)$$,
  'D17: the documented default tiers are installed');
SELECT is((SELECT extcondition[array_position(extconfig, 'hitlai.plan_tiers'::regclass)]
             FROM pg_extension WHERE extname = 'hitlai'), '',
          'D17/S8: plan_tiers is registered with pg_extension_config_dump (every row dumped)');
SELECT ok((SELECT relrowsecurity FROM pg_class WHERE oid = 'hitlai.plan_tiers'::regclass),
          'D17/A2: row-level security is on for plan_tiers');
SELECT throws_ok($$INSERT INTO hitlai.plan_tiers (tier, kind, discount_percentage) VALUES ('x', 'company', 10)$$,
                 '23514', NULL, 'D17: a company tier needs plan_type');
SELECT throws_ok($$INSERT INTO hitlai.plan_tiers (tier, kind, plan_type, discount_percentage, revenue_share_pct, equity_percentage)
                   VALUES ('x', 'tester', 'pro', 0, 70, 0)$$,
                 '23514', NULL, 'D17: a tester tier has no plan_type');
SELECT throws_ok($$INSERT INTO hitlai.plan_tiers (tier, kind, plan_type, discount_percentage) VALUES ('x', 'partner', 'pro', 0)$$,
                 '23514', NULL, 'D17: kind is company or tester');
SELECT throws_ok($$INSERT INTO hitlai.plan_tiers (tier, kind, plan_type, discount_percentage) VALUES ('early_pro', 'company', 'pro', 0)$$,
                 '23505', NULL, 'D17: tier is unique');
SELECT throws_ok($$INSERT INTO hitlai.plan_tiers (tier, kind, revenue_share_pct, equity_percentage) VALUES ('x', 'tester', 101, 0)$$,
                 '23514', NULL, 'D17: revenue_share_pct is 0..100');
INSERT INTO hitlai.plan_tiers (tier, kind, plan_type, monthly_test_quota, discount_percentage)
  VALUES ('custom_company', 'company', 'pro', 7, 12.5);

-- signed-in users read, nobody but privileged roles writes
CALL pg_temp.become('hl_mk_app', '10000000-0000-4000-8000-0000000000d1');
SELECT is((SELECT count(*) FROM hitlai.plan_tiers), 7::bigint, 'D17/A2: a signed-in user reads every tier');
SELECT throws_ok($$INSERT INTO hitlai.plan_tiers (tier, kind, plan_type, discount_percentage) VALUES ('y', 'company', 'pro', 0)$$,
                 '42501', NULL, 'D17/A2: a signed-in user can''t add a tier');
SELECT throws_ok($$UPDATE hitlai.plan_tiers SET discount_percentage = 100$$,
                 '42501', NULL, 'D17/A2: a signed-in user can''t change a tier');
CALL pg_temp.become('hl_mk_app', NULL);
SELECT is((SELECT count(*) FROM hitlai.plan_tiers), 0::bigint, 'D17/A2: an application role without a user id reads no tier');
CALL pg_temp.become('hl_mk_anon', NULL);
SELECT throws_ok($$SELECT 1 FROM hitlai.plan_tiers$$, '42501', NULL, 'D17/G1: anonymous roles can''t read tiers');
RESET ROLE;

-- ---------------------------------------------------------------- applications
-- Anonymous submissions stay pending (A2), also with the review functions installed.
CALL pg_temp.become('hl_mk_anon', NULL);
INSERT INTO hitlai.early_adopter_apps (company_name, contact_name, email, selected_tier, industry, company_size)
VALUES ('Gamma', 'Gina', '  Ops@Gamma.TEST ', 'early_pro', 'retail', '11-50'),
       ('Delta', 'Dan', 'ops@delta.test', 'early_starter', NULL, NULL),
       ('Epsilon', 'Eve', 'ops@epsilon.test', 'no_such_tier', NULL, NULL),
       ('Zeta', 'Zoe', 'ops@taken.test', 'early_pro', NULL, NULL),
       ('Eta', 'Ed', 'ops@eta.test', 'custom_company', NULL, NULL);
INSERT INTO hitlai.early_adopter_apps (company_name, contact_name, email, selected_tier, status, reviewed_by, reviewed_at)
  VALUES ('Theta', 'T', 't@theta.test', 'early_pro', 'approved', gen_random_uuid(), now());
INSERT INTO hitlai.founding_tester_apps (full_name, email, selected_tier, status)
  VALUES ('Theo', 'theo@people.test', 'founding_pro', 'approved');
INSERT INTO hitlai.founding_tester_apps (full_name, email, selected_tier, platforms)
VALUES ('Ann Tester', 'ANN@people.test', 'founding_pro', '{UserTesting,Maze}'),
       ('Bob Tester', 'bob@people.test', 'founding_elite', '{}'),
       ('Cy Tester', 'cy@people.test', 'founding_member', '{}');
SELECT throws_ok($$SELECT hitlai.review_early_adopter_app(gen_random_uuid(), 'approved')$$,
                 '42501', NULL, 'R1/G1: anonymous roles can''t review');
RESET ROLE;
SELECT is((SELECT array_agg(DISTINCT status) FROM hitlai.early_adopter_apps), '{pending}'::text[],
          'A2: anonymous early-adopter applications are pending, even one that asked to be approved');
SELECT is((SELECT count(*) FROM hitlai.early_adopter_apps WHERE reviewed_by IS NOT NULL OR reviewed_at IS NOT NULL), 0::bigint,
          'A2: ... and unreviewed');
SELECT is((SELECT array_agg(DISTINCT status) FROM hitlai.founding_tester_apps), '{pending}'::text[],
          'A2: anonymous founding-tester applications are pending, even one that asked to be approved');
SELECT id AS gamma FROM hitlai.early_adopter_apps WHERE company_name = 'Gamma' \gset
SELECT id AS delta FROM hitlai.early_adopter_apps WHERE company_name = 'Delta' \gset
SELECT id AS epsilon FROM hitlai.early_adopter_apps WHERE company_name = 'Epsilon' \gset
SELECT id AS zeta FROM hitlai.early_adopter_apps WHERE company_name = 'Zeta' \gset
SELECT id AS eta FROM hitlai.early_adopter_apps WHERE company_name = 'Eta' \gset
SELECT id AS ann FROM hitlai.founding_tester_apps WHERE full_name = 'Ann Tester' \gset
SELECT id AS bob FROM hitlai.founding_tester_apps WHERE full_name = 'Bob Tester' \gset
SELECT id AS cy FROM hitlai.founding_tester_apps WHERE full_name = 'Cy Tester' \gset

-- Not privileged: 42501 even with EXECUTE (the code checks the caller), nothing changed.
GRANT EXECUTE ON FUNCTION hitlai.review_early_adopter_app(uuid, text), hitlai.review_founding_tester_app(uuid, text) TO hl_mk_app;
CALL pg_temp.become('hl_mk_app', '10000000-0000-4000-8000-0000000000d1');
SELECT throws_ok(format($$SELECT hitlai.review_early_adopter_app(%L, 'approved')$$, :'gamma'),
                 '42501', NULL, 'R1: a signed-in user who is not privileged can''t review an early adopter');
SELECT throws_ok(format($$SELECT hitlai.review_founding_tester_app(%L, 'approved')$$, :'ann'),
                 '42501', NULL, 'R1: a signed-in user who is not privileged can''t review a founding tester');
RESET ROLE;
SELECT is((SELECT status FROM hitlai.early_adopter_apps WHERE id = :'gamma'), 'pending', 'R1: a refused review changes nothing');

-- Arguments.
SELECT throws_ok(format($$SELECT hitlai.review_early_adopter_app(%L, 'pending')$$, :'gamma'), '22023', NULL,
                 'R1: "pending" is not a decision');
SELECT throws_ok(format($$SELECT hitlai.review_early_adopter_app(%L, 'Approved')$$, :'gamma'), '22023', NULL,
                 'R1: decisions are spelled exactly');
SELECT throws_ok(format($$SELECT hitlai.review_founding_tester_app(%L, NULL)$$, :'ann'), '22023', NULL,
                 'R1: a NULL decision is invalid');
SELECT throws_ok($$SELECT hitlai.review_early_adopter_app('00000000-0000-4000-8000-000000000000', 'approved')$$, '22023', NULL,
                 'R1: an unknown early-adopter application id is invalid');
SELECT throws_ok($$SELECT hitlai.review_founding_tester_app('00000000-0000-4000-8000-000000000000', 'rejected')$$, '22023', NULL,
                 'R1: an unknown founding-tester application id is invalid');
SELECT throws_ok($$SELECT hitlai.review_early_adopter_app(NULL, 'rejected')$$, '22023', NULL,
                 'R1: a NULL id is invalid');

-- pending -> waitlisted -> approved (R1, R2), reviewer recorded.
SELECT set_config('request.jwt.claims', '{"sub": "10000000-0000-4000-8000-0000000000ad"}', true);
SELECT is(hitlai.review_early_adopter_app(:'gamma', 'waitlisted'), NULL, 'R2: waitlisting returns NULL');
SELECT results_eq(format($$SELECT status, reviewed_by, reviewed_at = now() FROM hitlai.early_adopter_apps WHERE id = %L$$, :'gamma'),
  $$VALUES ('waitlisted'::text, '10000000-0000-4000-8000-0000000000ad'::uuid, true)$$,
  'R1: pending -> waitlisted sets status, reviewed_by = hitlai.uid() and reviewed_at');
SELECT throws_ok(format($$SELECT hitlai.review_early_adopter_app(%L, 'waitlisted')$$, :'gamma'), 'HL002', NULL,
                 'R1: waitlisted -> waitlisted is not a move');
SELECT hitlai.review_early_adopter_app(:'gamma', 'approved') AS gamma_co \gset
SELECT results_eq(format($$SELECT name, email, industry, company_size, early_adopter_tier, plan_type, monthly_test_quota,
                                  discount_percentage, tests_used_this_month
                             FROM hitlai.companies WHERE id = %L$$, :'gamma_co'),
  $$VALUES ('Gamma'::text, 'ops@gamma.test'::text, 'retail'::text, '11-50'::text, 'early_pro'::text, 'pro'::text, 250, 40.00::numeric(5,2), 0)$$,
  'R2: approval creates the company from the application and its company tier (email normalised)');
SELECT is((SELECT status FROM hitlai.early_adopter_apps WHERE id = :'gamma'), 'approved', 'R1: waitlisted -> approved');
SELECT is((SELECT count(*) FROM hitlai.company_members WHERE company_id = :'gamma_co'), 0::bigint,
          'R2: without auth.users nobody is invited');
SELECT throws_ok(format($$SELECT hitlai.review_early_adopter_app(%L, 'approved')$$, :'gamma'), 'HL002', NULL,
                 'R1: approving twice is refused (approved is final)');
SELECT throws_ok(format($$SELECT hitlai.review_early_adopter_app(%L, 'rejected')$$, :'gamma'), 'HL002', NULL,
                 'R1: approved -> rejected is refused');
SELECT throws_ok(format($$SELECT hitlai.review_early_adopter_app(%L, 'waitlisted')$$, :'gamma'), 'HL002', NULL,
                 'R1: approved -> waitlisted is refused');
SELECT is((SELECT count(*) FROM hitlai.companies WHERE email = 'ops@gamma.test'), 1::bigint, 'R2: still exactly one company');

-- pending -> approved directly; unlimited tier; custom tier.
SELECT set_config('request.jwt.claims', '', true);
SELECT hitlai.review_early_adopter_app(:'eta', 'approved') AS eta_co \gset
SELECT results_eq(format($$SELECT plan_type, monthly_test_quota, discount_percentage FROM hitlai.companies WHERE id = %L$$, :'eta_co'),
  $$VALUES ('pro'::text, 7, 12.50::numeric(5,2))$$, 'R2: a tier added by the DBA is used');
SELECT is((SELECT reviewed_by FROM hitlai.early_adopter_apps WHERE id = :'eta'), NULL,
          'R1: reviewed_by is NULL for a caller without a user id');
UPDATE hitlai.plan_tiers SET monthly_test_quota = NULL WHERE tier = 'early_starter';
SELECT hitlai.review_early_adopter_app(:'delta', 'approved') AS delta_co \gset
SELECT is((SELECT monthly_test_quota FROM hitlai.companies WHERE id = :'delta_co'), NULL,
          'R2: a tier without quota gives an unlimited company');

-- unknown tier: 22023, nothing changed
SELECT is(pg_temp.err(format($$SELECT hitlai.review_early_adopter_app(%L, 'approved')$$, :'epsilon')),
          '22023 | unknown company tier "no_such_tier" | Add it to hitlai.plan_tiers first.', 'R2: an unknown company tier is invalid (message names it)');
SELECT is((SELECT status FROM hitlai.early_adopter_apps WHERE id = :'epsilon'), 'pending', 'R2: ... and the application stays pending');
-- email taken: 23505, nothing changed
INSERT INTO hitlai.companies (name, email) VALUES ('Taken', 'OPS@taken.test');
SELECT count(*) AS companies_before FROM hitlai.companies \gset
SELECT is(pg_temp.err(format($$SELECT hitlai.review_early_adopter_app(%L, 'approved')$$, :'zeta')),
          '23505 | a company with email "ops@taken.test" already exists | The application was left unchanged.',
          'R2: a company with the application''s email exists: 23505');
SELECT results_eq(format($$SELECT status, reviewed_by, reviewed_at FROM hitlai.early_adopter_apps WHERE id = %L$$, :'zeta'),
  $$VALUES ('pending'::text, NULL::uuid, NULL::timestamptz)$$, 'R2: ... and the application is unchanged');
SELECT is((SELECT count(*) FROM hitlai.companies), :'companies_before'::bigint, 'R2: ... and no company was created');
-- the application may still be rejected
SELECT is(hitlai.review_early_adopter_app(:'zeta', 'rejected'), NULL, 'R1: pending -> rejected returns NULL');
SELECT throws_ok(format($$SELECT hitlai.review_early_adopter_app(%L, 'approved')$$, :'zeta'), 'HL002', NULL,
                 'R1: rejected is final');

-- ---------------------------------------------------------------- founding testers
SELECT is(hitlai.review_founding_tester_app(:'ann', 'approved'), :'ann'::uuid, 'R1: the founding-tester review returns the application id');
SELECT is(hitlai.review_founding_tester_app(:'bob', 'waitlisted'), :'bob'::uuid, 'R1: pending -> waitlisted (founding tester)');
SELECT is(hitlai.review_founding_tester_app(:'bob', 'rejected'), :'bob'::uuid, 'R1: waitlisted -> rejected (founding tester)');
SELECT throws_ok(format($$SELECT hitlai.review_founding_tester_app(%L, 'approved')$$, :'bob'), 'HL002', NULL,
                 'R1: a rejected founding tester can''t be approved');

-- R3: the claim
CALL pg_temp.become('hl_mk_app', '10000000-0000-4000-8000-0000000000e1', ' Ann@People.Test');
SELECT hitlai.claim_founding_tester_profile() AS ann_tester \gset
RESET ROLE;
SELECT results_eq(format($$SELECT user_id, email, display_name, founding_tester_tier, revenue_share_pct, equity_percentage,
                                  previous_platforms, is_verified FROM hitlai.human_testers WHERE id = %L$$, :'ann_tester'),
  $$VALUES ('10000000-0000-4000-8000-0000000000e1'::uuid, 'ann@people.test'::text, 'Ann Tester'::text, 'founding_pro'::text,
            80.00::numeric(5,2), 0.0100::numeric(7,4), '{UserTesting,Maze}'::text[], true)$$,
  'R3: the claim creates the caller''s verified profile from the application and the tester tier (email matched normalised)');
SELECT ctid::text AS ann_ctid FROM hitlai.human_testers WHERE id = :'ann_tester' \gset
CALL pg_temp.become('hl_mk_app', '10000000-0000-4000-8000-0000000000e1', 'ann@people.test');
SELECT is(hitlai.claim_founding_tester_profile(), :'ann_tester'::uuid, 'R3: claiming again returns the same tester');
RESET ROLE;
SELECT is((SELECT ctid::text FROM hitlai.human_testers WHERE id = :'ann_tester'), :'ann_ctid',
          'R3: ... and changes nothing (no new row version)');

-- an existing profile is brought up to date
INSERT INTO hitlai.human_testers (user_id, email, display_name) VALUES ('10000000-0000-4000-8000-0000000000e3', 'cy.old@people.test', 'Cy');
SELECT hitlai.review_founding_tester_app(:'cy', 'approved') IS NOT NULL AS ok \gset
CALL pg_temp.become('hl_mk_app', '10000000-0000-4000-8000-0000000000e3', 'cy@people.test');
SELECT hitlai.claim_founding_tester_profile() AS cy_tester \gset
RESET ROLE;
SELECT results_eq(format($$SELECT user_id, email, display_name, founding_tester_tier, revenue_share_pct, is_verified
                             FROM hitlai.human_testers WHERE id = %L$$, :'cy_tester'),
  $$VALUES ('10000000-0000-4000-8000-0000000000e3'::uuid, 'cy@people.test'::text, 'Cy Tester'::text, 'founding_member'::text, 75.00::numeric(5,2), true)$$,
  'R3: an existing profile of the caller is updated, not duplicated');

-- the wrong callers
CALL pg_temp.become('hl_mk_app', '10000000-0000-4000-8000-0000000000e2', 'bob@people.test');
SELECT throws_ok('SELECT hitlai.claim_founding_tester_profile()', '42501', NULL, 'R3: a rejected applicant can''t claim');
CALL pg_temp.become('hl_mk_app', '10000000-0000-4000-8000-0000000000e4', 'someone@people.test');
SELECT throws_ok('SELECT hitlai.claim_founding_tester_profile()', '42501', NULL, 'R3: a user without an application can''t claim');
CALL pg_temp.become('hl_mk_app', '10000000-0000-4000-8000-0000000000e4');
SELECT throws_ok('SELECT hitlai.claim_founding_tester_profile()', '42501', NULL,
                 'R3: a user without an email (no claim, no auth.users) can''t claim');
CALL pg_temp.become('hl_mk_app', NULL);
SELECT throws_ok('SELECT hitlai.claim_founding_tester_profile()', '42501', NULL, 'R3: an anonymous caller can''t claim');
CALL pg_temp.become('hl_mk_anon', NULL);
SELECT throws_ok('SELECT hitlai.claim_founding_tester_profile()', '42501', NULL, 'R3/G1: anonymous roles may not execute the claim');
RESET ROLE;
SELECT is((SELECT count(*) FROM hitlai.human_testers WHERE user_id IN ('10000000-0000-4000-8000-0000000000e2', '10000000-0000-4000-8000-0000000000e4')),
          0::bigint, 'R3: refused claims created no profile');

-- a second approved user with the same email can't take Ann's profile email
CALL pg_temp.become('hl_mk_app', '10000000-0000-4000-8000-0000000000e5', 'ann@people.test');
SELECT throws_ok('SELECT hitlai.claim_founding_tester_profile()', '23505', NULL,
                 'R3: another user claiming with an email that already has a profile gets 23505');
RESET ROLE;
SELECT is((SELECT user_id FROM hitlai.human_testers WHERE email = 'ann@people.test'), '10000000-0000-4000-8000-0000000000e1'::uuid,
          'R3: ... and Ann''s profile is untouched');

SELECT * FROM finish();
ROLLBACK;
