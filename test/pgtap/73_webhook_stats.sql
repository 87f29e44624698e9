-- W1/V3: companies.stats_active_webhooks is audited by check_stats() and repaired by
-- rebuild_stats(), like every stats_* column; the statement triggers on webhooks keep
-- it for inserts, activations, deactivations and deletes of several rows at once.
BEGIN;
SELECT plan(7);

INSERT INTO hitlai.companies (id, name, email) VALUES
  ('00000000-0000-0000-0000-0000000000c1', 'C1', 'c1@w1stats.test'),
  ('00000000-0000-0000-0000-0000000000c2', 'C2', 'c2@w1stats.test');
INSERT INTO hitlai.webhooks (company_id, url, events, is_active) VALUES
  ('00000000-0000-0000-0000-0000000000c1', 'https://a.example/1', '{test_run.created}', true),
  ('00000000-0000-0000-0000-0000000000c1', 'https://a.example/2', '{test_run.created}', true),
  ('00000000-0000-0000-0000-0000000000c1', 'https://a.example/3', '{test_run.created}', false),
  ('00000000-0000-0000-0000-0000000000c2', 'https://b.example/1', '{issue.created}', true);

SELECT is(ARRAY(SELECT stats_active_webhooks FROM hitlai.companies
                 WHERE id IN ('00000000-0000-0000-0000-0000000000c1', '00000000-0000-0000-0000-0000000000c2') ORDER BY id),
          ARRAY[2, 1], 'W1: a multi-row insert counts the active webhooks of each company');
UPDATE hitlai.webhooks SET is_active = NOT is_active WHERE company_id = '00000000-0000-0000-0000-0000000000c1';
SELECT is((SELECT stats_active_webhooks FROM hitlai.companies WHERE id = '00000000-0000-0000-0000-0000000000c1'),
          1, 'W1: one statement activating one webhook and deactivating two leaves one');
DELETE FROM hitlai.webhooks WHERE company_id = '00000000-0000-0000-0000-0000000000c2';
SELECT is((SELECT stats_active_webhooks FROM hitlai.companies WHERE id = '00000000-0000-0000-0000-0000000000c2'),
          0, 'W1: deleting the active webhook counts it out');
SELECT is_empty($$SELECT * FROM hitlai.check_stats() WHERE column_name = 'stats_active_webhooks'$$,
                'V3: check_stats() finds stats_active_webhooks right');

UPDATE hitlai.companies SET stats_active_webhooks = 7 WHERE id = '00000000-0000-0000-0000-0000000000c1';
SELECT results_eq($$SELECT table_name, id, column_name, stored, actual FROM hitlai.check_stats()
                     WHERE column_name = 'stats_active_webhooks'$$,
                  $$VALUES ('companies'::text, '00000000-0000-0000-0000-0000000000c1'::uuid,
                            'stats_active_webhooks'::text, '7'::text, '1'::text)$$,
                  'V3: check_stats() reports a wrong stats_active_webhooks with the stored and actual counts');
SELECT cmp_ok(hitlai.rebuild_stats(), '>=', 1, 'V3: rebuild_stats() repairs it');
SELECT is_empty($$SELECT * FROM hitlai.check_stats()$$, 'V3: nothing left for check_stats() to report');

SELECT * FROM finish();
ROLLBACK;
