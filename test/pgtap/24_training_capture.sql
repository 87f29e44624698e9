-- T2: training data captured, refreshed, frozen, deleted.
BEGIN;
SELECT plan(9);

INSERT INTO hitlai.companies (id, name, email, monthly_test_quota) VALUES ('00000000-0000-0000-0000-0000000000e1', 'T', 't@t.io', NULL);
INSERT INTO hitlai.test_runs (id, company_id, url, mission, persona, platform_details, status, sentiment_score,
                              recommendations, positives, ai_model_used)
  VALUES ('00000000-0000-0000-0000-0000000000e2', '00000000-0000-0000-0000-0000000000e1', 'https://shop.io', 'Buy',
          'casual', '{"type": "mobile"}', 'running', 0.75, '{Fix validation}', '{Fast}', 'gpt-x');
INSERT INTO hitlai.issues (id, test_run_id, title, severity, created_at) VALUES
  ('00000000-0000-0000-0000-000000000011', '00000000-0000-0000-0000-0000000000e2', 'low', 'low', now()),
  ('00000000-0000-0000-0000-000000000012', '00000000-0000-0000-0000-0000000000e2', 'crit late', 'critical', now() + interval '1 s'),
  ('00000000-0000-0000-0000-000000000013', '00000000-0000-0000-0000-0000000000e2', 'crit b', 'critical', now()),
  ('00000000-0000-0000-0000-000000000010', '00000000-0000-0000-0000-0000000000e2', 'crit a', 'critical', now()),
  ('00000000-0000-0000-0000-000000000014', '00000000-0000-0000-0000-0000000000e2', 'high', 'high', now());
UPDATE hitlai.test_runs SET status = 'completed', company_ai_rating = 3;
SELECT is((SELECT count(*) FROM hitlai.training_data), 0::bigint, 'T2: rating 3: no training row');
UPDATE hitlai.test_runs SET company_ai_rating = 4;
SELECT is((SELECT input_data FROM hitlai.training_data),
          '{"url": "https://shop.io", "mission": "Buy", "persona": "casual", "platform": "mobile"}'::jsonb,
          'T2: input_data');
SELECT is((SELECT output_data FROM hitlai.training_data),
          '{"sentiment_score": 0.75, "issues": [{"title": "crit a", "severity": "critical"}, {"title": "crit b", "severity": "critical"},
            {"title": "crit late", "severity": "critical"}, {"title": "high", "severity": "high"}, {"title": "low", "severity": "low"}],
            "recommendations": ["Fix validation"], "positives": ["Fast"]}'::jsonb,
          'T2: output_data, issues ordered critical -> low, then created_at, id');
SELECT is((SELECT (rating, model_type) FROM hitlai.training_data), (4::smallint, 'gpt-x'::text), 'T2: rating and model_type');
UPDATE hitlai.test_runs SET positives = '{Fast,Clear}', company_ai_rating = 5;
SELECT is((SELECT (output_data -> 'positives', rating) FROM hitlai.training_data), ('["Fast", "Clear"]'::jsonb, 5::smallint),
          'T2: a later update refreshes the row');
DELETE FROM hitlai.issues WHERE severity = 'low';
SELECT is((SELECT jsonb_array_length(output_data -> 'issues') FROM hitlai.training_data), 4, 'T2: issue changes refresh the row');
UPDATE hitlai.test_runs SET company_ai_rating = NULL;
SELECT is((SELECT count(*) FROM hitlai.training_data), 0::bigint, 'T2: rating becomes NULL: unused row deleted');
UPDATE hitlai.test_runs SET company_ai_rating = 4;
UPDATE hitlai.training_data SET used_for_training = true;
UPDATE hitlai.test_runs SET positives = '{Changed}', company_ai_rating = 1;
SELECT is((SELECT (output_data -> 'positives', rating) FROM hitlai.training_data), ('["Fast", "Clear"]'::jsonb, 4::smallint),
          'T2: a used_for_training row is frozen (neither refreshed nor deleted)');
DELETE FROM hitlai.test_runs;
SELECT is((SELECT count(*) FROM hitlai.training_data), 0::bigint, 'T2: deleting the run deletes even a used row');

SELECT * FROM finish();
ROLLBACK;
