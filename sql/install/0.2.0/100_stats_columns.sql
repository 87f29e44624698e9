-- State behind the aggregate views (V1, V2) and the tester rating (T3): extra stats_*
-- columns on companies and human_testers, maintained by the compiled triggers of
-- 110..170 (never written by application roles: grants leave them out).
ALTER TABLE @extschema@.companies
  ADD COLUMN stats_run_count       bigint        NOT NULL DEFAULT 0,
  ADD COLUMN stats_cost_sum        numeric(30,2) NOT NULL DEFAULT 0,
  ADD COLUMN stats_sentiment_sum   numeric(30,2) NOT NULL DEFAULT 0,
  ADD COLUMN stats_sentiment_count bigint        NOT NULL DEFAULT 0;
COMMENT ON COLUMN @extschema@.companies.stats_run_count IS
  'V1: number of test_runs of the company (maintained by hitlai)';
COMMENT ON COLUMN @extschema@.companies.stats_cost_sum IS
  'V1: sum of test_runs.cost of the company (maintained by hitlai)';
COMMENT ON COLUMN @extschema@.companies.stats_sentiment_sum IS
  'V1: sum of non-NULL test_runs.sentiment_score of the company (maintained by hitlai)';
COMMENT ON COLUMN @extschema@.companies.stats_sentiment_count IS
  'V1: number of non-NULL test_runs.sentiment_score of the company (maintained by hitlai)';

ALTER TABLE @extschema@.human_testers
  ADD COLUMN stats_active_assignments bigint NOT NULL DEFAULT 0,
  ADD COLUMN stats_rating_sum         bigint NOT NULL DEFAULT 0,
  ADD COLUMN stats_rating_count       bigint NOT NULL DEFAULT 0;
COMMENT ON COLUMN @extschema@.human_testers.stats_active_assignments IS
  'V2: number of test_runs with tester_id = this tester in pending or running (maintained by hitlai)';
COMMENT ON COLUMN @extschema@.human_testers.stats_rating_sum IS
  'T3: sum of company_ai_rating over rated runs with a completed assignment of this tester (maintained by hitlai)';
COMMENT ON COLUMN @extschema@.human_testers.stats_rating_count IS
  'T3: number of rated runs with a completed assignment of this tester (maintained by hitlai)';
