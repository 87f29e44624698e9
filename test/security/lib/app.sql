-- hitlai's paths as the application roles use them (logged in as authenticator, then
-- SET ROLE, like PostgREST): SECURITY DEFINER functions and policy helpers for a
-- signed-in user, the admin paths for service_role, the anonymous inserts. Fully
-- qualified; leaves no rows behind (service_role deletes them).
\set QUIET 1
SET ROLE authenticated;
SET request.jwt.claims = '{"sub":"a0000000-0000-4000-8000-000000000004"}';
SELECT hitlai.create_company('App Co'::pg_catalog.text,
                             ('app-' OPERATOR(pg_catalog.||) pg_catalog.gen_random_uuid()::pg_catalog.text
                              OPERATOR(pg_catalog.||) '@co.test')::pg_catalog.text) AS aco \gset
SELECT pg_catalog.count(*) FROM hitlai.companies;
SELECT pg_catalog.count(*) FROM hitlai.company_members;
INSERT INTO hitlai.company_members (company_id, user_id, role)
  VALUES (:'aco'::pg_catalog.uuid, 'a0000000-0000-4000-8000-000000000005'::pg_catalog.uuid, 'member'::pg_catalog.text);
INSERT INTO hitlai.test_runs (id, company_id, url, mission)
  VALUES ('c0000000-0000-4000-8000-000000000002'::pg_catalog.uuid, :'aco'::pg_catalog.uuid,
          'https://app.test/'::pg_catalog.text, 'm'::pg_catalog.text);
UPDATE hitlai.test_runs SET status = 'running'::pg_catalog.text
 WHERE id OPERATOR(pg_catalog.=) 'c0000000-0000-4000-8000-000000000002'::pg_catalog.uuid;
INSERT INTO hitlai.issues (test_run_id, title)
  VALUES ('c0000000-0000-4000-8000-000000000002'::pg_catalog.uuid, 'i'::pg_catalog.text);
SELECT pg_catalog.count(*) FROM hitlai.test_runs;
SELECT pg_catalog.count(*) FROM hitlai.issues;
SELECT pg_catalog.count(*) FROM hitlai.company_stats;
SET request.jwt.claims = '{"sub":"a0000000-0000-4000-8000-000000000005"}';
SELECT hitlai.accept_invitation(:'aco'::pg_catalog.uuid);
SET request.jwt.claims = '{"sub":"a0000000-0000-4000-8000-000000000006"}';
INSERT INTO hitlai.human_testers (user_id, email, display_name)
  VALUES ('a0000000-0000-4000-8000-000000000006'::pg_catalog.uuid, 'app-tester@app.test'::pg_catalog.text,
          'A'::pg_catalog.text);
SELECT pg_catalog.count(*) FROM hitlai.human_testers;
SELECT pg_catalog.count(*) FROM hitlai.tester_performance;
SELECT pg_catalog.count(*) FROM hitlai.test_runs;
SET request.jwt.claims = '{"sub":"a0000000-0000-4000-8000-000000000004"}';
DO $$
BEGIN
  DELETE FROM hitlai.company_members m WHERE m.user_id OPERATOR(pg_catalog.=) 'a0000000-0000-4000-8000-000000000004'::pg_catalog.uuid;
EXCEPTION WHEN SQLSTATE 'HL004' THEN NULL;
END
$$;
RESET request.jwt.claims;
SET ROLE anon;
SELECT pg_catalog.count(*) FROM hitlai.milestones;
INSERT INTO hitlai.early_adopter_apps (company_name, contact_name, email, selected_tier)
  VALUES ('X'::pg_catalog.text, 'Y'::pg_catalog.text, 'x@x.test'::pg_catalog.text, 'founding'::pg_catalog.text);
SET ROLE service_role;
SELECT hitlai.rebuild_stats();
SELECT pg_catalog.count(*) FROM hitlai.check_stats();
DELETE FROM hitlai.early_adopter_apps;
DELETE FROM hitlai.human_testers WHERE user_id OPERATOR(pg_catalog.=) 'a0000000-0000-4000-8000-000000000006'::pg_catalog.uuid;
DELETE FROM hitlai.companies WHERE id OPERATOR(pg_catalog.=) :'aco'::pg_catalog.uuid;
