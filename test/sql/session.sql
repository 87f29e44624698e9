-- A short scripted session: exact output of install, writes, a refused row, uninstall.
-- (S1, D1, D3, E)
\set VERBOSITY terse
CREATE EXTENSION hitlai;
SELECT extversion = hitlai.version() AS library_matches_sql
  FROM pg_extension WHERE extname = 'hitlai';
SELECT count(*) AS tables FROM pg_tables WHERE schemaname = 'hitlai';

INSERT INTO hitlai.companies (name, email) VALUES ('Acme Shop', 'ops@acme.test')
  RETURNING name, email, plan_type, monthly_test_quota, tests_used_this_month;

INSERT INTO hitlai.test_runs (company_id, url, mission)
  SELECT id, 'https://shop.acme.test/checkout', 'Buy a red shoe as a new customer'
    FROM hitlai.companies WHERE name = 'Acme Shop'
  RETURNING url, test_type, status, platform_details, issues_found, cost;

-- a sentiment score out of 0..1 is refused by its CHECK constraint (SQLSTATE 23514)
UPDATE hitlai.test_runs SET sentiment_score = 1.5;
\echo SQLSTATE :LAST_ERROR_SQLSTATE
-- an unknown plan is refused too, and nothing of the statement is written
INSERT INTO hitlai.companies (name, email, plan_type)
  VALUES ('Beta', 'beta@beta.test', 'gold');
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT count(*) AS companies, max(sentiment_score) AS max_sentiment
  FROM hitlai.companies LEFT JOIN hitlai.test_runs ON true;

DROP EXTENSION hitlai CASCADE;
-- Every object is gone. The schema itself was made by CREATE EXTENSION (control file
-- "schema = hitlai") and PostgreSQL leaves it, empty, for the DBA to drop.
SELECT count(*) AS objects_left FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = 'hitlai';
SELECT count(*) AS functions_left FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname = 'hitlai';
DROP SCHEMA hitlai;
