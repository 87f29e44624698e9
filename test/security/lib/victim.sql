-- hitlai's privileged paths, run by the superuser (the victim of the security suite): a
-- SECURITY DEFINER function, every trigger family (status machine, quota, counters,
-- tester stats, training capture, milestones, last-owner guard with its auth.users
-- look-up), the stats views and the admin functions. Every name is schema-qualified and
-- every literal typed, so that only hitlai's own code could be captured by what an
-- attacker planted. Leaves no rows behind. Errors are reported by the caller.
\set QUIET 1
SET request.jwt.claims = '{"sub":"a0000000-0000-4000-8000-000000000001"}';
SELECT hitlai.create_company('Victim Co'::pg_catalog.text,
                             ('victim-' OPERATOR(pg_catalog.||) pg_catalog.gen_random_uuid()::pg_catalog.text
                              OPERATOR(pg_catalog.||) '@co.test')::pg_catalog.text) AS co \gset
RESET request.jwt.claims;
INSERT INTO hitlai.milestones (phase, tests_required) VALUES ('victim'::pg_catalog.text, 1::pg_catalog.int4);
INSERT INTO hitlai.company_members (company_id, user_id, role)
  VALUES (:'co'::pg_catalog.uuid, 'a0000000-0000-4000-8000-000000000002'::pg_catalog.uuid, 'admin'::pg_catalog.text);
SET request.jwt.claims = '{"sub":"a0000000-0000-4000-8000-000000000002"}';
SELECT hitlai.accept_invitation(:'co'::pg_catalog.uuid);
RESET request.jwt.claims;
INSERT INTO hitlai.human_testers (id, user_id, email, display_name)
  VALUES ('b0000000-0000-4000-8000-000000000001'::pg_catalog.uuid,
          'a0000000-0000-4000-8000-000000000003'::pg_catalog.uuid,
          'Tester@Victim.test'::pg_catalog.text, 'T'::pg_catalog.text);
INSERT INTO hitlai.test_runs (id, company_id, tester_id, url, mission, test_type)
  VALUES ('c0000000-0000-4000-8000-000000000001'::pg_catalog.uuid, :'co'::pg_catalog.uuid,
          'b0000000-0000-4000-8000-000000000001'::pg_catalog.uuid, 'https://victim.test/'::pg_catalog.text,
          'm'::pg_catalog.text, 'hybrid'::pg_catalog.text);
INSERT INTO hitlai.tester_assignments (test_run_id, tester_id)
  VALUES ('c0000000-0000-4000-8000-000000000001'::pg_catalog.uuid, 'b0000000-0000-4000-8000-000000000001'::pg_catalog.uuid);
UPDATE hitlai.tester_assignments SET status = 'started'::pg_catalog.text
 WHERE test_run_id OPERATOR(pg_catalog.=) 'c0000000-0000-4000-8000-000000000001'::pg_catalog.uuid;
INSERT INTO hitlai.issues (id, test_run_id, title, severity)
  VALUES ('d0000000-0000-4000-8000-000000000001'::pg_catalog.uuid,
          'c0000000-0000-4000-8000-000000000001'::pg_catalog.uuid, 'i'::pg_catalog.text, 'high'::pg_catalog.text);
UPDATE hitlai.issues SET severity = 'low'::pg_catalog.text
 WHERE id OPERATOR(pg_catalog.=) 'd0000000-0000-4000-8000-000000000001'::pg_catalog.uuid;
UPDATE hitlai.test_runs SET status = 'running'::pg_catalog.text
 WHERE id OPERATOR(pg_catalog.=) 'c0000000-0000-4000-8000-000000000001'::pg_catalog.uuid;
UPDATE hitlai.test_runs SET status = 'completed'::pg_catalog.text, sentiment_score = 0.8::pg_catalog.numeric,
       company_ai_rating = 5::pg_catalog.int2, completed_at = pg_catalog.now(), cost = 3::pg_catalog.numeric
 WHERE id OPERATOR(pg_catalog.=) 'c0000000-0000-4000-8000-000000000001'::pg_catalog.uuid;
UPDATE hitlai.tester_assignments SET status = 'completed'::pg_catalog.text, completed_at = pg_catalog.now()
 WHERE test_run_id OPERATOR(pg_catalog.=) 'c0000000-0000-4000-8000-000000000001'::pg_catalog.uuid;
SELECT pg_catalog.count(*) FROM hitlai.company_stats;
SELECT pg_catalog.count(*) FROM hitlai.tester_performance;
SELECT hitlai.rebuild_stats();
SELECT pg_catalog.count(*) FROM hitlai.check_stats();
SELECT hitlai.reset_monthly_usage();
SELECT hitlai.remaining_quota(:'co'::pg_catalog.uuid);
-- the last owner leaves: HL004, after looking up auth.users when it exists
DO $$
BEGIN
  DELETE FROM hitlai.company_members m
   WHERE m.role OPERATOR(pg_catalog.=) 'owner'::pg_catalog.text
     AND m.user_id OPERATOR(pg_catalog.=) 'a0000000-0000-4000-8000-000000000001'::pg_catalog.uuid;
EXCEPTION WHEN SQLSTATE 'HL004' THEN NULL;
END
$$;
DELETE FROM hitlai.issues WHERE id OPERATOR(pg_catalog.=) 'd0000000-0000-4000-8000-000000000001'::pg_catalog.uuid;
DELETE FROM hitlai.test_runs WHERE id OPERATOR(pg_catalog.=) 'c0000000-0000-4000-8000-000000000001'::pg_catalog.uuid;
DELETE FROM hitlai.companies WHERE id OPERATOR(pg_catalog.=) :'co'::pg_catalog.uuid;
DELETE FROM hitlai.human_testers WHERE id OPERATOR(pg_catalog.=) 'b0000000-0000-4000-8000-000000000001'::pg_catalog.uuid;
DELETE FROM hitlai.milestones WHERE phase OPERATOR(pg_catalog.=) 'victim'::pg_catalog.text;
