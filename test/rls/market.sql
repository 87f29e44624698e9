-- Shared body of the marketplace RLS suites (A2, G1, D17, R2, R3, M1, M3): who sees the
-- rows that plan_tiers, the review functions, claim_founding_tester_profile and
-- assign_testers create. Included (\ir) by test/pgtap/63_market_rls_vanilla.sql and
-- test/pgtap/64_market_rls_supabase.sql, which have opened the transaction and set
-- :app_role and :anon_role.
--
-- People (user ids 10000000-0000-4000-8000-0000000000XX): a1 owner, a3 member, a4 viewer
-- of company A; c1, c2 testers; d1 signed in, no membership (applies as a company and as
-- a founding tester).
-- (the includer declares the number of tests: 28)

CREATE PROCEDURE pg_temp.become(r text, k text, email text DEFAULT NULL) LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('SET LOCAL ROLE %I', r);
  PERFORM set_config('request.jwt.claims',
    CASE WHEN k IS NULL THEN ''
         ELSE json_strip_nulls(json_build_object('sub', '10000000-0000-4000-8000-0000000000' || k, 'email', email))::text END,
    true);
END $$;
CREATE FUNCTION pg_temp.n(q text) RETURNS int LANGUAGE plpgsql AS $$
DECLARE c int; BEGIN EXECUTE q; GET DIAGNOSTICS c = ROW_COUNT; RETURN c; END $$;
GRANT EXECUTE ON FUNCTION pg_temp.n(text) TO PUBLIC;
-- What application roles need in 0.3.0 (the grants part gives it; repeated here so the
-- suite runs before that part exists).
SELECT format('GRANT SELECT ON hitlai.plan_tiers TO %I', :'app_role') AS g1 \gset
SELECT format('GRANT EXECUTE ON FUNCTION hitlai.claim_founding_tester_profile(), hitlai.assign_testers(uuid, integer, jsonb) TO %I', :'app_role') AS g2 \gset
:g1;
:g2;

DO $$ BEGIN
  IF pg_catalog.to_regclass('auth.users') IS NOT NULL THEN
    EXECUTE $q$INSERT INTO auth.users (id, email)
      SELECT ('10000000-0000-4000-8000-0000000000' || k)::uuid, upper(k) || '@People.test'
        FROM unnest('{a1,a3,a4,c1,c2,d1}'::text[]) k$q$;
  END IF;
END $$;
INSERT INTO hitlai.companies (id, name, email, monthly_test_quota) VALUES
  ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'Alpha', 'ops@alpha.test', NULL);
INSERT INTO hitlai.company_members (company_id, user_id, role, joined_at)
SELECT 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', ('10000000-0000-4000-8000-0000000000' || k)::uuid, r, now()
  FROM (VALUES ('a1', 'owner'), ('a3', 'member'), ('a4', 'viewer')) v(k, r);
INSERT INTO hitlai.human_testers (id, user_id, email, display_name, is_verified, average_rating) VALUES
  ('20000000-0000-4000-8000-0000000000c1', '10000000-0000-4000-8000-0000000000c1', 'c1@people.test', 'Tess', true, 4.9),
  ('20000000-0000-4000-8000-0000000000c2', '10000000-0000-4000-8000-0000000000c2', 'c2@people.test', 'Tom', true, 4.1);
INSERT INTO hitlai.test_runs (id, company_id, url, mission, test_type) VALUES
  ('30000000-0000-4000-8000-0000000000a1', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'https://alpha.test', 'sign up', 'hybrid');

-- ---------------------------------------------------------------- plan_tiers (D17)
CALL pg_temp.become(:'app_role', 'a1');
SELECT cmp_ok((SELECT count(*) FROM hitlai.plan_tiers), '>=', 6::bigint, 'D17: an owner reads the tiers');
CALL pg_temp.become(:'app_role', 'a4');
SELECT cmp_ok((SELECT count(*) FROM hitlai.plan_tiers), '>=', 6::bigint, 'D17: a viewer reads the tiers');
CALL pg_temp.become(:'app_role', 'c1');
SELECT cmp_ok((SELECT count(*) FROM hitlai.plan_tiers), '>=', 6::bigint, 'D17: a tester reads the tiers');
CALL pg_temp.become(:'app_role', 'd1');
SELECT cmp_ok((SELECT count(*) FROM hitlai.plan_tiers), '>=', 6::bigint, 'D17: a signed-in outsider reads the tiers');
SELECT throws_ok($$DELETE FROM hitlai.plan_tiers$$, '42501', NULL, 'D17: a signed-in user can''t delete tiers');
CALL pg_temp.become(:'anon_role', NULL);
SELECT throws_ok($$SELECT 1 FROM hitlai.plan_tiers$$, '42501', NULL, 'D17: anonymous visitors can''t read the tiers');

-- ---------------------------------------------------------------- assignments (M1, A2)
CALL pg_temp.become(:'app_role', 'a3');
SELECT is((SELECT count(*) FROM hitlai.assign_testers('30000000-0000-4000-8000-0000000000a1', 2)), 2::bigint,
          'M1: a member assigns two testers');
SELECT is((SELECT count(*) FROM hitlai.tester_assignments), 2::bigint, 'A2: the member reads both new assignments');
CALL pg_temp.become(:'app_role', 'a1');
SELECT is((SELECT count(*) FROM hitlai.tester_assignments), 2::bigint, 'A2: the owner reads both new assignments');
CALL pg_temp.become(:'app_role', 'a4');
SELECT is((SELECT count(*) FROM hitlai.tester_assignments), 2::bigint, 'A2: the viewer reads both new assignments');
SELECT throws_ok($$SELECT * FROM hitlai.assign_testers('30000000-0000-4000-8000-0000000000a1', 1)$$, '42501', NULL,
                 'M1: the viewer can''t assign');
CALL pg_temp.become(:'app_role', 'c1');
SELECT is((SELECT array_agg(tester_id) FROM hitlai.tester_assignments), '{20000000-0000-4000-8000-0000000000c1}'::uuid[],
          'A2: a tester reads only own assignment');
SELECT is((SELECT count(*) FROM hitlai.test_runs), 1::bigint, 'A2: the assigned tester reads the run');
SELECT is(pg_temp.n($$UPDATE hitlai.tester_assignments SET status = 'started', started_at = now()$$), 1,
          'M3: the tester starts own assignment');
SELECT throws_ok($$SELECT * FROM hitlai.assign_testers('30000000-0000-4000-8000-0000000000a1', 1)$$, '42501', NULL,
                 'M1: a tester can''t assign');
CALL pg_temp.become(:'app_role', 'c2');
SELECT is(pg_temp.n($$UPDATE hitlai.tester_assignments SET status = 'declined'$$), 1, 'M3: the other tester declines');
CALL pg_temp.become(:'app_role', 'd1');
SELECT is((SELECT count(*) FROM hitlai.tester_assignments), 0::bigint, 'A2: an outsider reads no assignment');
SELECT throws_ok($$SELECT * FROM hitlai.assign_testers('30000000-0000-4000-8000-0000000000a1', 1)$$, '42501', NULL,
                 'M1: an outsider can''t assign');
CALL pg_temp.become(:'anon_role', NULL);
SELECT throws_ok($$SELECT 1 FROM hitlai.tester_assignments$$, '42501', NULL, 'A2: anonymous visitors read no assignment');
RESET ROLE;
SELECT results_eq($$SELECT display_name, stats_open_assignments FROM hitlai.human_testers ORDER BY 1$$,
                  $$VALUES ('Tess'::text, 1::bigint), ('Tom', 0)$$,
                  'M3: started counts as active, declined does not (whoever moved them)');

-- ---------------------------------------------------------------- reviewed rows (R2, R3)
CALL pg_temp.become(:'anon_role', NULL);
INSERT INTO hitlai.early_adopter_apps (company_name, contact_name, email, selected_tier)
  VALUES ('Delta', 'Dee', 'D1@people.test', 'early_pro');
INSERT INTO hitlai.founding_tester_apps (full_name, email, selected_tier) VALUES ('Dee', 'd1@PEOPLE.test', 'founding_elite');
RESET ROLE;
SELECT hitlai.review_early_adopter_app((SELECT id FROM hitlai.early_adopter_apps WHERE company_name = 'Delta'), 'approved') AS delta_co \gset
SELECT hitlai.review_founding_tester_app((SELECT id FROM hitlai.founding_tester_apps WHERE full_name = 'Dee'), 'approved') IS NOT NULL AS ok \gset
CALL pg_temp.become(:'app_role', 'd1');
SELECT is((SELECT count(*) FROM hitlai.companies), 0::bigint, 'R2/A2: the applicant sees the new company only after joining');
SELECT set_config('hl.delta_co', :'delta_co', true) IS NOT NULL AS ok \gset
DO $$ BEGIN
  IF pg_catalog.to_regclass('auth.users') IS NOT NULL THEN
    PERFORM hitlai.accept_invitation(current_setting('hl.delta_co')::uuid);
  END IF;
END $$;
SELECT is((SELECT count(*) FROM hitlai.companies),
          CASE WHEN pg_catalog.to_regclass('auth.users') IS NULL THEN 0 ELSE 1 END::bigint,
          'R2/A2: with auth.users the applicant was invited as owner and, having accepted, reads the company (without it: no invitation)');
SELECT is((SELECT string_agg(role, ',') FROM hitlai.company_members),
          CASE WHEN pg_catalog.to_regclass('auth.users') IS NULL THEN NULL ELSE 'owner' END,
          'R2/A2: ... as its owner');
CALL pg_temp.become(:'app_role', 'd1', 'D1@People.test');  -- the email claim (Supabase: auth.users would do)
SELECT hitlai.claim_founding_tester_profile() AS dee_tester \gset
SELECT is((SELECT array_agg(id) FROM hitlai.human_testers), ARRAY[:'dee_tester'::uuid], 'R3/A2: the claimed profile is readable by its tester only ...');
CALL pg_temp.become(:'app_role', 'a1');
SELECT is((SELECT count(*) FROM hitlai.human_testers), 0::bigint, 'R3/A2: ... not by a company owner');
CALL pg_temp.become(:'app_role', 'c1');
SELECT is((SELECT count(*) FROM hitlai.human_testers WHERE id = :'dee_tester'), 0::bigint, 'R3/A2: ... nor by another tester');
CALL pg_temp.become(:'anon_role', NULL);
SELECT throws_ok($$SELECT 1 FROM hitlai.human_testers$$, '42501', NULL, 'R3/A2: ... nor by anonymous visitors');
SELECT throws_ok($$SELECT 1 FROM hitlai.early_adopter_apps$$, '42501', NULL, 'A2: anonymous visitors can''t read applications back');
RESET ROLE;
