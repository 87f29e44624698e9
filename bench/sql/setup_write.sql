-- Data of the write databases (hitlai, plpgsql, bare): :companies companies with no
-- quota (NULL: nothing is rejected), :testers testers, three milestones, and the
-- documents of the validate scenario. Ids are md5-derived so that scripts can name
-- company n as md5('company' || n)::uuid without a lookup.
\set ON_ERROR_STOP on
INSERT INTO hitlai.companies (id, name, email, monthly_test_quota, plan_type)
SELECT md5('company' || n)::uuid, 'Company ' || n, ' C' || n || '@Bench.Example ', NULL, 'enterprise'
  FROM generate_series(1, :companies) AS n;
INSERT INTO hitlai.human_testers (id, user_id, email, display_name)
SELECT md5('tester' || n)::uuid, md5('tuser' || n)::uuid, 'T' || n || '@bench.example', 'Tester ' || n
  FROM generate_series(1, :testers) AS n;
INSERT INTO hitlai.milestones (phase, tests_required)
VALUES ('alpha', 100), ('beta', 10000), ('launch', 1000000);
\ir docs.sql
ANALYZE;
