-- Data of the assign scenario (M1): :testers testers (90% verified, varied languages,
-- countries, devices, literacy, ratings), 100 companies, :runs pending runs to assign
-- to, and a history: every other tester holds two assignments on history runs (one in
-- three declined), assigned at different times, so open counts and "last assigned"
-- differ between testers. Ids without lookups: run n is md5('run' || n)::uuid.
INSERT INTO hitlai.companies (id, name, email, monthly_test_quota)
SELECT md5('company' || i)::uuid, 'Company ' || i, 'c' || i || '@bench.test', NULL
  FROM generate_series(1, 100) i;
INSERT INTO hitlai.company_members (company_id, user_id, role, joined_at)
SELECT md5('company' || i)::uuid, md5('member' || i)::uuid, 'owner', now()
  FROM generate_series(1, 100) i;
INSERT INTO hitlai.human_testers (id, user_id, email, display_name, is_verified, languages,
                                  location_country, primary_device, tech_literacy,
                                  average_rating, tests_completed)
SELECT md5('tester' || i)::uuid, md5('tuser' || i)::uuid, 't' || i || '@bench.test', 'Tester ' || i,
       i % 10 <> 0,
       CASE i % 5 WHEN 0 THEN '{English}' WHEN 1 THEN '{English,German}' WHEN 2 THEN '{German}'
                  WHEN 3 THEN '{English,Spanish}' ELSE '{French}' END::text[],
       (ARRAY['US', 'DE', 'GB', 'FR', 'ES'])[1 + i % 5],
       (ARRAY['desktop', 'mobile', 'tablet'])[1 + i % 3],
       (ARRAY['low', 'medium', 'high', 'expert'])[1 + i % 4],
       ((i::bigint * 7919) % 500) / 100.0,
       (i * 31) % 40
  FROM generate_series(1, :testers) i;
INSERT INTO hitlai.test_runs (id, company_id, url, mission, test_type)
SELECT md5('run' || i)::uuid, md5('company' || (1 + i % 100))::uuid, 'https://bench.test', 'm', 'hybrid'
  FROM generate_series(1, :runs) i;
INSERT INTO hitlai.test_runs (id, company_id, url, mission, test_type)
SELECT md5('hist' || i)::uuid, md5('company' || (1 + i % 100))::uuid, 'https://bench.test', 'h', 'hybrid'
  FROM generate_series(0, 999) i;
INSERT INTO hitlai.tester_assignments (test_run_id, tester_id, assigned_at, status)
SELECT md5('hist' || ((i * k) % 500 + (k - 1) * 500))::uuid, md5('tester' || i)::uuid,
       now() - ((i * 13 + k) % 10000) * interval '1 minute',
       CASE WHEN (i + k) % 3 = 0 THEN 'declined' ELSE 'assigned' END
  FROM generate_series(2, :testers, 2) i, generate_series(1, 2) k;
