-- training database (issue 16 benchmarks): :rows training_data rows of realistic size
-- (T2 shapes, strings with quotes, backslashes, newlines and non-ASCII), 10 % of them of
-- model type 'gpt-small' (the 100k-of-1M export), 2 % duplicates of the row before.
-- Loaded with session_replication_role = replica (no triggers, no FK checks: the runs
-- themselves are not needed by the export); the J4/J5 CHECK constraints still run.
SET session_replication_role = replica;
INSERT INTO hitlai.training_data (id, test_run_id, input_data, output_data, rating, model_type, created_at)
SELECT md5('td' || n)::uuid, md5('run' || n)::uuid,
       jsonb_build_object('url', 'https://shop' || (m % 997) || '.example.com/checkout?step=' || (m % 7),
                          'mission', 'Buy the "' || (m % 50) || '" item, pay by card\nand check the receipt ' || m || ' — ✓',
                          'persona', (ARRAY['casual_user', 'power_user', 'senior', NULL])[1 + m % 4],
                          'platform', (ARRAY['web', 'mobile'])[1 + m % 2]),
       jsonb_build_object('sentiment_score', round((m % 100) / 100.0, 2),
                          'issues', jsonb_build_array(
                             jsonb_build_object('title', 'Payment form rejects valid card ' || m, 'severity', 'critical'),
                             jsonb_build_object('title', 'Back\slash in the "address" field', 'severity', 'medium')),
                          'recommendations', jsonb_build_array('Validate cards client-side', 'Show errors inline ' || m),
                          'positives', jsonb_build_array('Fast page load')),
       4 + n % 2,
       CASE WHEN n % 10 = 0 THEN 'gpt-small' ELSE 'gpt-big' END,
       timestamptz '2026-01-01' + n * interval '1 second'
  FROM (SELECT n, CASE WHEN n % 50 = 0 THEN n - 10 ELSE n END AS m FROM generate_series(1, :rows) n) g;
RESET session_replication_role;
VACUUM ANALYZE hitlai.training_data;
