-- V1-V3: the seed's aggregate views, answered from the stats_* state kept by the compiled
-- triggers (the stats_* columns of 100_tables.sql): a point lookup reads one row of
-- companies or human_testers by primary key and never touches test_runs. Same columns,
-- names, types and values as the seed's GROUP BY definitions on any data: COUNT ->
-- bigint, SUM(cost) NULL without runs, AVG(sentiment_score) = sum / count by numeric
-- division (NULL when no score), exactly as numeric_avg computes it.
CREATE VIEW @extschema@.company_stats WITH (security_invoker = true) AS
SELECT c.id,
       c.name,
       c.stats_run_count AS total_tests,
       CASE WHEN c.stats_sentiment_count OPERATOR(pg_catalog.>) 0
            THEN c.stats_sentiment_sum::pg_catalog.numeric
                 OPERATOR(pg_catalog./) c.stats_sentiment_count::pg_catalog.numeric
       END AS avg_sentiment,
       CASE WHEN c.stats_run_count OPERATOR(pg_catalog.>) 0
            THEN c.stats_cost_sum::pg_catalog.numeric END AS total_spent,
       c.tests_used_this_month,
       c.monthly_test_quota
  FROM @extschema@.companies c;
COMMENT ON VIEW @extschema@.company_stats IS
  'V1: per company: total_tests, avg_sentiment, total_spent, usage and quota (O(1) per company)';

CREATE VIEW @extschema@.tester_performance WITH (security_invoker = true) AS
SELECT h.id,
       h.display_name,
       h.tests_completed,
       h.average_rating,
       h.total_earnings,
       h.stats_active_assignments AS active_assignments
  FROM @extschema@.human_testers h;
COMMENT ON VIEW @extschema@.tester_performance IS
  'V2: per tester: completed tests, rating, earnings, runs pending/running (O(1) per tester)';
REVOKE ALL ON @extschema@.company_stats, @extschema@.tester_performance FROM PUBLIC;

CREATE FUNCTION @extschema@.rebuild_stats() RETURNS integer
  LANGUAGE c VOLATILE
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_rebuild_stats';
COMMENT ON FUNCTION @extschema@.rebuild_stats() IS
  'V3: recomputes the stats_* state (and average_rating) from the tables, e.g. after a bulk load with triggers disabled; returns the rows corrected';
REVOKE ALL ON FUNCTION @extschema@.rebuild_stats() FROM PUBLIC;

CREATE FUNCTION @extschema@.check_stats()
  RETURNS TABLE (table_name pg_catalog.text, id pg_catalog.uuid, column_name pg_catalog.text,
                 stored pg_catalog.text, actual pg_catalog.text)
  LANGUAGE c STABLE
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_check_stats';
COMMENT ON FUNCTION @extschema@.check_stats() IS
  'V3: rows where the stats_* state disagrees with the tables (empty when consistent)';
REVOKE ALL ON FUNCTION @extschema@.check_stats() FROM PUBLIC;
