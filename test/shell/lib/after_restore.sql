-- Writes run identically on a source database and on its restored copy (60_backup_restore.t):
-- the restored database must be live (triggers, quota, validation back in force once
-- the restore session is gone) and give the same results. Fixed ids, so that the two
-- databases can be compared; errors are part of the output and compared too.
\set VERBOSITY sqlstate
-- a completed, well-rated run with an issue for Globex (under quota)
INSERT INTO hitlai.test_runs (id, company_id, url, mission, test_type, status, sentiment_score,
                              company_ai_rating, ai_model_used, cost)
  SELECT '00000000-0000-4000-8000-000000000001', id, 'https://app.globex.test/after/1',
         'Check the statement page', 'ai', 'completed', 0.9, 5, 'gpt-4o', 3
    FROM hitlai.companies WHERE name = 'Globex';
INSERT INTO hitlai.issues (id, test_run_id, title, severity)
  VALUES ('00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000001',
          'Statement PDF is blank', 'critical');
-- one more run for Acme, already at its quota of 5 (refused when Q1 exists)
INSERT INTO hitlai.test_runs (id, company_id, url, mission)
  SELECT '00000000-0000-4000-8000-000000000003', id, 'https://shop.acme.test/after', 'One too many'
    FROM hitlai.companies WHERE name = 'Acme Shop';
-- a running hybrid run completes (credits testers when T3 exists)
UPDATE hitlai.test_runs SET status = 'completed', sentiment_score = 0.5, company_ai_rating = 4
 WHERE id = (SELECT id FROM hitlai.test_runs WHERE test_type = 'hybrid' AND status = 'running'
              ORDER BY url LIMIT 1);
-- a forbidden status move (refused when T4 exists)
UPDATE hitlai.test_runs SET status = 'running'
 WHERE id = (SELECT id FROM hitlai.test_runs WHERE status = 'completed' ORDER BY url LIMIT 1);
-- an invalid document (refused when J1 exists)
UPDATE hitlai.test_runs SET platform_details = '{"type": "fridge"}'
 WHERE id = '00000000-0000-4000-8000-000000000001';
-- a run of the bulk is deleted
DELETE FROM hitlai.test_runs WHERE url = 'https://erp.initech.test/screen/30';
