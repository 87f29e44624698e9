-- The read database: :runs test runs over :companies companies and :testers testers.
-- Company 1 holds 10% of the runs (a big customer), spread over the whole year like the
-- others; tester 1 has 1/12 of the runs that have a tester. 60% of the runs have a
-- tester, 70% are completed (with sentiment, cost, 60% of them rated), 10% each pending,
-- running, failed; completed runs with a tester have a completed tester_assignment.
-- Loaded with every trigger off (session_replication_role = replica also skips the FK
-- checks; the generated data is consistent), then the counters are computed by SQL and
-- hitlai.rebuild_stats() (V3) is called by the runner when it exists.
\set ON_ERROR_STOP on
SET session_replication_role = replica;
INSERT INTO hitlai.companies (id, name, email, monthly_test_quota, plan_type)
SELECT md5('company' || n)::uuid, 'Company ' || n, 'c' || n || '@bench.example',
       CASE WHEN n % 3 = 0 THEN NULL ELSE 1000000 END, 'pro'
  FROM generate_series(1, :companies) AS n;
INSERT INTO hitlai.human_testers (id, user_id, email, display_name)
SELECT md5('tester' || n)::uuid, md5('tuser' || n)::uuid, 't' || n || '@bench.example', 'Tester ' || n
  FROM generate_series(1, :testers) AS n;
-- One joined member per company (user md5('member' || n)), for rls_read.
INSERT INTO hitlai.company_members (company_id, user_id, role, joined_at)
SELECT md5('company' || n)::uuid, md5('member' || n)::uuid, 'member', now()
  FROM generate_series(1, :companies) AS n;
INSERT INTO hitlai.milestones (phase, tests_required)
VALUES ('alpha', 100), ('beta', 10000), ('launch', 1000000);

INSERT INTO hitlai.test_runs (company_id, tester_id, url, mission, test_type, persona,
                              platform_details, status, sentiment_score, cost,
                              company_ai_rating, ai_model_used, created_at, completed_at,
                              execution_time_ms)
SELECT md5('company' || c)::uuid,
       CASE WHEN has_tester THEN md5('tester' || t)::uuid END,
       'https://app' || c || '.example.com/flow/' || (g % 50), 'Mission ' || (g % 17),
       CASE WHEN has_tester THEN 'hybrid' ELSE 'ai' END, 'persona_' || (g % 5),
       '{"type": "web", "browser": "chrome", "device": "desktop"}', st,
       CASE WHEN st = 'completed' THEN ((h2 % 101) / 100.0)::numeric(3, 2) END,
       CASE WHEN st = 'completed' THEN (h2 % 10000) / 100.0 ELSE 0 END,
       CASE WHEN st = 'completed' AND (h1 / 7) % 5 < 3 THEN (1 + (h1 / 11) % 5)::smallint END,
       'gpt-4o', created,
       CASE WHEN st = 'completed' THEN created + interval '20 minutes' END,
       CASE WHEN st = 'completed' THEN 1200000 END
  FROM (SELECT g,
               CASE WHEN g % 10 = 0 THEN 1 ELSE 2 + h1 % (:companies - 1) END AS c,
               h2 % 5 < 3 AS has_tester,
               CASE WHEN (h3 / 10) % 12 = 0 THEN 1 ELSE 2 + (h3 / 10) % (:testers - 1) END AS t,
               (ARRAY['completed','completed','completed','completed','completed','completed',
                      'completed','failed','pending','running'])[1 + h3 % 10] AS st,
               h1, h2,
               now() - interval '365 days' * (1 - g::float8 / :runs) AS created
          FROM (SELECT g, abs(hashint8(g * 3)) AS h1, abs(hashint8(g * 3 + 1)) AS h2,
                       abs(hashint8(g * 3 + 2)) AS h3
                  FROM generate_series(1, :runs) AS g) s) r;

-- T3's record of the credit: a completed assignment for each completed run's tester.
INSERT INTO hitlai.tester_assignments (test_run_id, tester_id, status, assigned_at, started_at, completed_at)
SELECT id, tester_id, 'completed', created_at, created_at, completed_at
  FROM hitlai.test_runs WHERE status = 'completed' AND tester_id IS NOT NULL;

-- Counters, computed by SQL (what the triggers would have made).
UPDATE hitlai.companies c SET tests_used_this_month = n.cnt
  FROM (SELECT company_id, count(*) AS cnt FROM hitlai.test_runs
         WHERE created_at >= date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
         GROUP BY company_id) n
 WHERE c.id = n.company_id;
UPDATE hitlai.human_testers h
   SET tests_completed = s.done, total_earnings = s.earned, average_rating = s.rating
  FROM (SELECT r.tester_id, count(*) AS done,
               sum(round(r.cost * 70 / 100, 2)) AS earned,
               coalesce(round(avg(r.company_ai_rating), 2), 0) AS rating
          FROM hitlai.test_runs r
         WHERE r.status = 'completed' AND r.tester_id IS NOT NULL
         GROUP BY r.tester_id) s
 WHERE h.id = s.tester_id;
UPDATE hitlai.milestones SET tests_completed = :runs,
       is_unlocked = :runs >= tests_required,
       unlocked_at = CASE WHEN :runs >= tests_required THEN now() END;
RESET session_replication_role;
