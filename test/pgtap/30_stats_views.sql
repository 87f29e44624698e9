-- V1-V3: company_stats and tester_performance equal the seed's GROUP BY views on random
-- data (property test), check_stats()/rebuild_stats(), O(1) point lookups, A4.
BEGIN;
SELECT plan(15);

-- the seed's definitions, verbatim but schema-qualified
CREATE TEMP VIEW seed_company_stats AS
SELECT c.id, c.name, COUNT(tr.id) as total_tests, AVG(tr.sentiment_score) as avg_sentiment,
       SUM(tr.cost) as total_spent, c.tests_used_this_month, c.monthly_test_quota
FROM hitlai.companies c LEFT JOIN hitlai.test_runs tr ON tr.company_id = c.id GROUP BY c.id;
CREATE TEMP VIEW seed_tester_performance AS
SELECT ht.id, ht.display_name, ht.tests_completed, ht.average_rating, ht.total_earnings,
       COUNT(tr.id) as active_assignments
FROM hitlai.human_testers ht LEFT JOIN hitlai.test_runs tr ON tr.tester_id = ht.id
  AND tr.status IN ('pending', 'running') GROUP BY ht.id;

CREATE FUNCTION pg_temp.cols(v regclass) RETURNS text[] LANGUAGE sql AS $$
  SELECT array_agg(attname || ' ' || format_type(atttypid, atttypmod) ORDER BY attnum)
    FROM pg_attribute WHERE attrelid = v AND attnum > 0 $$;
SELECT is(pg_temp.cols('hitlai.company_stats'), pg_temp.cols('seed_company_stats'), 'V1: columns, names and types of the seed');
SELECT is(pg_temp.cols('hitlai.tester_performance'), pg_temp.cols('seed_tester_performance'), 'V2: columns, names and types of the seed');
SELECT ok((SELECT bool_and('security_invoker=true' = ANY (reloptions)) FROM pg_class
            WHERE oid IN ('hitlai.company_stats'::regclass, 'hitlai.tester_performance'::regclass)),
          'A4: both views are security_invoker');

-- random data: companies, testers, runs in every status, NULL and non-NULL sentiment/rating
SELECT setseed(0.42);
INSERT INTO hitlai.companies (name, email, monthly_test_quota)
  SELECT 'c' || g, 'c' || g || '@p.io', NULL FROM generate_series(1, 40) g;
INSERT INTO hitlai.human_testers (user_id, email, display_name, revenue_share_pct)
  SELECT gen_random_uuid(), 't' || g || '@p.io', 't' || g, (random() * 100)::numeric(5,2) FROM generate_series(1, 25) g;
CREATE TEMP TABLE ids AS
  SELECT array_agg(id ORDER BY id) FILTER (WHERE k = 'c') AS cs, array_agg(id ORDER BY id) FILTER (WHERE k = 't') AS ts
    FROM (SELECT id, 'c' AS k FROM hitlai.companies UNION ALL SELECT id, 't' FROM hitlai.human_testers) x;
INSERT INTO hitlai.test_runs (company_id, tester_id, url, mission, status, sentiment_score, cost, company_ai_rating)
  SELECT cs[1 + (random() * 29)::int],   -- companies 31..40 get no runs
         CASE WHEN random() < 0.7 THEN ts[1 + (random() * 24)::int] END,
         'https://a.io', 'm',
         (ARRAY['pending', 'running', 'completed', 'failed'])[1 + (random() * 3)::int],
         CASE WHEN random() < 0.6 THEN round(random()::numeric, 2) END,
         round((random() * 500)::numeric, 2),
         CASE WHEN random() < 0.5 THEN 1 + (random() * 4)::int END
    FROM ids, generate_series(1, 1500);
INSERT INTO hitlai.tester_assignments (test_run_id, tester_id, status)
  SELECT r.id, ts[1 + (random() * 24)::int], (ARRAY['assigned', 'started', 'declined'])[1 + (random() * 2)::int]
    FROM hitlai.test_runs r, ids WHERE r.status IN ('pending', 'running') AND random() < 0.4
  ON CONFLICT DO NOTHING;
-- status moves (allowed ones), money and rating changes, tester reassignments
UPDATE hitlai.test_runs SET status = 'running' WHERE status = 'pending' AND random() < 0.3;
UPDATE hitlai.test_runs SET status = 'completed', sentiment_score = CASE WHEN random() < 0.5 THEN 0.33 END,
                            company_ai_rating = 1 + (random() * 4)::int
 WHERE status = 'running' AND random() < 0.5;
UPDATE hitlai.test_runs SET status = 'pending' WHERE status = 'failed' AND random() < 0.5;
UPDATE hitlai.test_runs SET cost = cost + 1.01, company_ai_rating = NULL WHERE random() < 0.1;
UPDATE hitlai.test_runs r SET tester_id = CASE WHEN random() < 0.2 THEN NULL ELSE ids.ts[1 + (random() * 24)::int] END
  FROM ids WHERE random() < 0.15;
-- deletes: runs, a tester (ON DELETE SET NULL / CASCADE), companies (CASCADE)
DELETE FROM hitlai.test_runs WHERE random() < 0.1;
DELETE FROM hitlai.human_testers WHERE display_name IN ('t3', 't4');
DELETE FROM hitlai.companies WHERE name IN ('c1', 'c2', 'c35');
DELETE FROM hitlai.tester_assignments WHERE random() < 0.05;

SELECT cmp_ok((SELECT count(DISTINCT status) FROM hitlai.test_runs), '=', 4::bigint, 'property data: runs in every status');
SELECT ok((SELECT count(*) FILTER (WHERE sentiment_score IS NULL) > 0 AND count(*) FILTER (WHERE sentiment_score IS NOT NULL) > 0
             FROM hitlai.test_runs), 'property data: NULL and non-NULL sentiment');
SELECT results_eq('SELECT * FROM hitlai.company_stats ORDER BY id', 'SELECT * FROM seed_company_stats ORDER BY id',
                  'V1: company_stats equals the seed''s query on random data (NULLs included)');
SELECT results_eq('SELECT * FROM hitlai.tester_performance ORDER BY id', 'SELECT * FROM seed_tester_performance ORDER BY id',
                  'V2: tester_performance equals the seed''s query on random data');
SELECT is_empty('SELECT * FROM hitlai.check_stats()', 'V3: check_stats() finds nothing after the property run');
SELECT results_eq($$SELECT h.id, h.average_rating FROM hitlai.human_testers h ORDER BY h.id$$,
  $$SELECT h.id, COALESCE((SELECT round(avg(r.company_ai_rating), 2) FROM hitlai.tester_assignments a
       JOIN hitlai.test_runs r ON r.id = a.test_run_id WHERE a.tester_id = h.id AND a.status = 'completed'), 0)::numeric(3,2)
      FROM hitlai.human_testers h ORDER BY h.id$$,
  'T3: average_rating equals its definition after the property run');

-- bulk load with triggers disabled, then rebuild
CREATE TEMP TABLE live AS
  SELECT (SELECT array_agg(id ORDER BY id) FROM hitlai.companies) AS cs,
         (SELECT array_agg(id ORDER BY id) FROM hitlai.human_testers) AS ts;
ALTER TABLE hitlai.test_runs DISABLE TRIGGER USER;
INSERT INTO hitlai.test_runs (company_id, tester_id, url, mission, status, sentiment_score, cost)
  SELECT cs[1 + (random() * 20)::int], ts[1 + (random() * 15)::int], 'https://a.io', 'm', 'pending', 0.5, 2.50
    FROM live, generate_series(1, 500);
ALTER TABLE hitlai.test_runs ENABLE TRIGGER USER;
SELECT isnt_empty('SELECT * FROM hitlai.check_stats()', 'V3: check_stats() reports the state a bulk load without triggers left wrong');
SELECT cmp_ok(hitlai.rebuild_stats(), '>', 0, 'V3: rebuild_stats() corrects rows');
SELECT is_empty('SELECT * FROM hitlai.check_stats()', 'V3: check_stats() empty after rebuild_stats()');
SELECT results_eq('SELECT * FROM hitlai.company_stats ORDER BY id', 'SELECT * FROM seed_company_stats ORDER BY id',
                  'V1: equal to the seed after rebuild');

-- V3: point lookups read one row by index and never touch test_runs
SET LOCAL enable_seqscan = off;
CREATE FUNCTION pg_temp.plan(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE l text; r text := ''; BEGIN
  FOR l IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP r := r || l || E'\n'; END LOOP; RETURN r; END $$;
SELECT ok(pg_temp.plan($$SELECT * FROM hitlai.company_stats WHERE id = '00000000-0000-0000-0000-000000000001'$$)
            ~ 'Index Scan using companies_pkey' AND
          pg_temp.plan($$SELECT * FROM hitlai.company_stats WHERE id = '00000000-0000-0000-0000-000000000001'$$) !~ 'test_runs',
          'V3: company_stats point lookup is an index scan of companies, no test_runs');
SELECT ok(pg_temp.plan($$SELECT * FROM hitlai.tester_performance WHERE id = '00000000-0000-0000-0000-000000000001'$$)
            ~ 'Index Scan using human_testers_pkey' AND
          pg_temp.plan($$SELECT * FROM hitlai.tester_performance WHERE id = '00000000-0000-0000-0000-000000000001'$$) !~ 'test_runs',
          'V3: tester_performance point lookup is an index scan of human_testers, no test_runs');

SELECT * FROM finish();
ROLLBACK;
