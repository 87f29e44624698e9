-- D12 webhooks: columns, FK to companies ON DELETE CASCADE, https URLs (http only for
-- localhost), events a non-empty subset of the four event names, the generated secret
-- (whsec_ + base64 of 24 random bytes), UNIQUE(company_id, url).
BEGIN;
SELECT plan(87);

\ir include/row_helpers.sql
\ir include/spec_helpers.sql

INSERT INTO spec VALUES
  ('webhooks', 1, 'id',         'uuid',                     true, 'gen_random_uuid()'),
  ('webhooks', 2, 'company_id', 'uuid',                     true, NULL),
  ('webhooks', 3, 'url',        'text',                     true, NULL),
  ('webhooks', 4, 'events',     'text[]',                   true, NULL),
  ('webhooks', 5, 'secret',     'text',                     true, 'hitlai.new_webhook_secret()'),
  ('webhooks', 6, 'is_active',  'boolean',                  true, 'true'),
  ('webhooks', 7, 'created_at', 'timestamp with time zone', true, 'now()');
SELECT pg_temp.column_tests('webhooks', 'D12');
SELECT fk_ok('hitlai', 'webhooks', 'company_id', 'hitlai', 'companies', 'id',
             'D12: webhooks.company_id references companies(id)');
SELECT is(pg_temp.fk_action('webhooks', 'company_id'), 'c'::"char",
          'D12: webhooks.company_id is ON DELETE CASCADE (pg_constraint.confdeltype)');

INSERT INTO hitlai.companies (id, name, email, monthly_test_quota) VALUES
  ('00000000-0000-0000-0000-0000000000c1', 'Acme', 'acme@d12.test', NULL),
  ('00000000-0000-0000-0000-0000000000c2', 'Beta', 'beta@d12.test', NULL);
CREATE FUNCTION pg_temp.hook(url text, extra jsonb DEFAULT '{}') RETURNS jsonb LANGUAGE sql AS $$
  SELECT jsonb_build_object('company_id', '00000000-0000-0000-0000-0000000000c1', 'url', url,
                            'events', '["test_run.completed"]'::jsonb) || extra
$$;

SELECT pg_temp.accepts('webhooks', pg_temp.hook('https://hooks.acme.example/a'), 'D12: a webhook is accepted');
SELECT is((SELECT row(is_active, created_at = now())::text FROM hitlai.webhooks WHERE url = 'https://hooks.acme.example/a'),
          row(true, true)::text, 'D12: defaults are applied on insert (is_active true)');
SELECT pg_temp.not_null_tests('webhooks', pg_temp.hook('https://hooks.acme.example/nn'), 'D12');
SELECT throws_ok(pg_temp.ins('webhooks', pg_temp.hook('https://hooks.acme.example/fk',
                                                      '{"company_id": "00000000-0000-0000-0000-0000000000ff"}')),
  '23503', NULL, 'D12: a webhook of a company that does not exist is rejected with 23503');

-- url: absolute https; http only for localhost.
SELECT pg_temp.rejects_check('webhooks', pg_temp.hook(u), 'webhooks_url_check',
                             format('D12: url %L rejected (https required except localhost)', u))
  FROM unnest(ARRAY['http://example.com/hook', 'http://hooks.acme.example/a', 'ftp://x.y', 'example.com',
                    'javascript:alert(1)', '/rel', '', 'https://', 'http://localhost.evil.example/',
                    'http://localhost@evil.example/', 'http://127.0.0.1.evil.example/', 'http://10.0.0.1/hook',
                    'http://0.0.0.0/hook']) AS u;
SELECT pg_temp.accepts('webhooks', pg_temp.hook(u), format('D12: url %L accepted', u))
  FROM unnest(ARRAY['https://example.com/hook', 'https://hooks.acme.example:8443/x?y=1',
                    'http://localhost:8080/hook', 'http://localhost/', 'http://127.0.0.1:3000/hook',
                    'http://[::1]:3000/hook']) AS u;

-- events: non-empty subset of the four names.
SELECT pg_temp.rejects_check('webhooks', pg_temp.hook('https://example.com/ev', jsonb_build_object('events', e)),
                             'webhooks_events_check', format('D12: events %s rejected', e))
  FROM unnest(ARRAY['[]', '["test_run.deleted"]', '["test_run.created", "bogus"]', '["TEST_RUN.CREATED"]',
                    '[null]', '["issue.created", null]', '[""]']::jsonb[]) AS e;
SELECT pg_temp.accepts('webhooks', pg_temp.hook(format('https://example.com/ev%s', n), jsonb_build_object('events', e)),
                       format('D12: events %s accepted', e))
  FROM (VALUES (1, '["test_run.created"]'::jsonb), (2, '["test_run.failed"]'), (3, '["issue.created"]'),
               (4, '["test_run.created", "test_run.completed", "test_run.failed", "issue.created"]')) v(n, e);

-- secret: generated whsec_ + base64(24 bytes), different per row; an explicit one is kept.
SELECT is_empty($$SELECT secret FROM hitlai.webhooks
                   WHERE company_id = '00000000-0000-0000-0000-0000000000c1'
                     AND NOT (length(secret) = 38 AND secret ~ '^whsec_[A-Za-z0-9+/]{32}$'
                              AND length(decode(substr(secret, 7), 'base64')) = 24)$$,
                'D12: every generated secret is whsec_ + base64 of 24 bytes (38 characters)');
SELECT is((SELECT count(DISTINCT secret) FROM hitlai.webhooks WHERE company_id = '00000000-0000-0000-0000-0000000000c1'),
          (SELECT count(*) FROM hitlai.webhooks WHERE company_id = '00000000-0000-0000-0000-0000000000c1'),
          'D12: generated secrets differ between rows');
SELECT is((SELECT count(*) FROM hitlai.webhooks WHERE company_id = '00000000-0000-0000-0000-0000000000c1'),
          11::bigint, 'D12: the secret checks above saw the 11 accepted rows');
SELECT isnt(hitlai.new_webhook_secret(), hitlai.new_webhook_secret(),
            'D12: two calls of new_webhook_secret() in one statement differ');
SELECT pg_temp.accepts('webhooks', pg_temp.hook('https://example.com/own', '{"secret": "whsec_mine"}'),
                       'D12: an explicit secret is accepted');
SELECT is((SELECT secret FROM hitlai.webhooks WHERE url = 'https://example.com/own'), 'whsec_mine',
          'D12: an explicit secret is stored as given');
SELECT pg_temp.rejects_check('webhooks', pg_temp.hook('https://example.com/empty', '{"secret": ""}'),
                             'webhooks_secret_check', 'D12: an empty secret is rejected');

-- UNIQUE(company_id, url)
SELECT col_is_unique('hitlai', 'webhooks', ARRAY['company_id', 'url']::name[], 'D12: UNIQUE(company_id, url)');
SELECT pg_temp.rejects_dup('webhooks', pg_temp.hook('https://hooks.acme.example/a', '{"events": ["issue.created"]}'),
                           'webhooks_company_id_url_key', 'D12: the same url twice for one company is rejected with 23505');
SELECT pg_temp.accepts('webhooks', pg_temp.hook('https://hooks.acme.example/a',
                                                '{"company_id": "00000000-0000-0000-0000-0000000000c2"}'),
                       'D12: the same url for another company is accepted');
SELECT is((SELECT count(*) FROM hitlai.webhooks
            WHERE company_id IN ('00000000-0000-0000-0000-0000000000c1', '00000000-0000-0000-0000-0000000000c2')),
          13::bigint, 'D12: rejected rows wrote nothing (13 accepted rows)');

DELETE FROM hitlai.companies WHERE id = '00000000-0000-0000-0000-0000000000c1';
SELECT is((SELECT count(*) FROM hitlai.webhooks WHERE company_id = '00000000-0000-0000-0000-0000000000c1'),
          0::bigint, 'D12: deleting a company deletes its webhooks (ON DELETE CASCADE)');
SELECT is((SELECT count(*) FROM hitlai.webhooks WHERE company_id = '00000000-0000-0000-0000-0000000000c2'),
          1::bigint, 'D12: webhooks of other companies are untouched');

SELECT * FROM finish();
ROLLBACK;
