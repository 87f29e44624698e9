-- V1/V2: the seed's GROUP BY views, verbatim (security_invoker, A4).
CREATE VIEW bench_plpgsql.company_stats WITH (security_invoker = true) AS
SELECT
  c.id,
  c.name,
  COUNT(tr.id) as total_tests,
  AVG(tr.sentiment_score) as avg_sentiment,
  SUM(tr.cost) as total_spent,
  c.tests_used_this_month,
  c.monthly_test_quota
FROM hitlai.companies c
LEFT JOIN hitlai.test_runs tr ON tr.company_id = c.id
GROUP BY c.id;

CREATE VIEW bench_plpgsql.tester_performance WITH (security_invoker = true) AS
SELECT
  ht.id,
  ht.display_name,
  ht.tests_completed,
  ht.average_rating,
  ht.total_earnings,
  COUNT(tr.id) as active_assignments
FROM hitlai.human_testers ht
LEFT JOIN hitlai.test_runs tr ON tr.tester_id = ht.id
  AND tr.status IN ('pending', 'running')
GROUP BY ht.id;
