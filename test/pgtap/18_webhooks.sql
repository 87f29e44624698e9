-- D12 webhooks: columns, FK to companies ON DELETE CASCADE, https URLs (http only for
-- localhost), events a non-empty subset of the four event names, the generated secret
-- (whsec_ + base64 of 24 random bytes), UNIQUE(company_id, url). Helpers (pg_temp.*) are
-- repeated in every 1x file so each file runs alone.
BEGIN;
SELECT plan(87);

-- INSERT statement for the columns named in doc (others take their defaults).
CREATE FUNCTION pg_temp.ins(tbl text, doc jsonb) RETURNS text LANGUAGE sql AS $$
  SELECT format('INSERT INTO hitlai.%I (%s) SELECT %s FROM pg_catalog.jsonb_populate_record(NULL::hitlai.%I, %L::jsonb)',
                tbl, cols, cols, tbl, doc)
    FROM (SELECT string_agg(quote_ident(k), ', ' ORDER BY k) AS cols
            FROM jsonb_object_keys(doc) AS k) s
$$;
CREATE FUNCTION pg_temp.rejects_check(tbl text, doc jsonb, con text, descr text)
  RETURNS text LANGUAGE sql AS $$
  SELECT throws_ok(pg_temp.ins(tbl, doc), '23514',
                   format('new row for relation "%s" violates check constraint "%s"', tbl, con), descr)
$$;
CREATE FUNCTION pg_temp.rejects_null(tbl text, doc jsonb, col text, descr text)
  RETURNS text LANGUAGE sql AS $$
  SELECT throws_ok(pg_temp.ins(tbl, doc || jsonb_build_object(col, NULL)), '23502',
                   format('null value in column "%s" of relation "%s" violates not-null constraint', col, tbl),
                   descr)
$$;
CREATE FUNCTION pg_temp.rejects_dup(tbl text, doc jsonb, con text, descr text)
  RETURNS text LANGUAGE sql AS $$
  SELECT throws_ok(pg_temp.ins(tbl, doc), '23505',
                   format('duplicate key value violates unique constraint "%s"', con), descr)
$$;
CREATE FUNCTION pg_temp.accepts(tbl text, doc jsonb, descr text) RETURNS text LANGUAGE sql AS $$
  SELECT lives_ok(pg_temp.ins(tbl, doc), descr)
$$;

-- Columns SPEC gives: table, order, name, type, NOT NULL, default (NULL: no default).
CREATE TEMP TABLE spec (tbl name, ord int, col name, typ text, nn boolean, def text) ON COMMIT DROP;
-- 4 + 4 * (number of columns) assertions for table tbl, citing requirement req.
CREATE FUNCTION pg_temp.column_tests(t name, req text) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
  s record;
BEGIN
  RETURN NEXT has_table('hitlai', t, format('%s: table hitlai.%s exists', req, t));
  RETURN NEXT has_pk('hitlai', t, format('%s: %s has a primary key', req, t));
  RETURN NEXT col_is_pk('hitlai', t, 'id', format('D: %s.id is the primary key', t));
  RETURN NEXT is_empty(format($q$
    SELECT attname FROM pg_attribute
     WHERE attrelid = 'hitlai.%I'::regclass AND attnum > 0 AND NOT attisdropped
       AND attname NOT IN (SELECT col FROM spec WHERE tbl = %L)
       AND (attname !~ '^stats_' OR %L NOT IN ('companies', 'human_testers'))$q$, t, t, t),
    format('%s: %s has exactly the seed''s columns (plus stats_* state columns on companies/human_testers)', req, t));
  FOR s IN SELECT * FROM spec WHERE tbl = t ORDER BY ord LOOP
    RETURN NEXT has_column('hitlai', t, s.col, format('%s: %s.%s exists', req, t, s.col));
  END LOOP;
  FOR s IN SELECT * FROM spec WHERE tbl = t ORDER BY ord LOOP
    RETURN NEXT col_type_is('hitlai', t, s.col, s.typ, format('%s: %s.%s is %s', req, t, s.col, s.typ));
  END LOOP;
  FOR s IN SELECT * FROM spec WHERE tbl = t ORDER BY ord LOOP
    IF s.nn THEN
      RETURN NEXT col_not_null('hitlai', t, s.col, format('%s: %s.%s is NOT NULL', req, t, s.col));
    ELSE
      RETURN NEXT col_is_null('hitlai', t, s.col, format('%s: %s.%s is nullable', req, t, s.col));
    END IF;
  END LOOP;
  FOR s IN SELECT * FROM spec WHERE tbl = t ORDER BY ord LOOP
    IF s.def IS NULL THEN
      RETURN NEXT col_hasnt_default('hitlai', t, s.col, format('%s: %s.%s has no default', req, t, s.col));
    ELSE
      RETURN NEXT col_default_is('hitlai', t, s.col, s.def,
                                 format('%s: %s.%s defaults to %s', req, t, s.col, s.def));
    END IF;
  END LOOP;
END $$;
-- 23502 for each NOT NULL column of t, starting from the valid row doc.
CREATE FUNCTION pg_temp.not_null_tests(t name, doc jsonb, req text) RETURNS SETOF text LANGUAGE sql AS $$
  SELECT pg_temp.rejects_null(t, doc, col, format('%s: %s.%s NULL is rejected with 23502', req, t, col))
    FROM spec WHERE tbl = t AND nn ORDER BY ord
$$;
-- ON DELETE action of the foreign key on t(col): 'c' cascade, 'n' set null.
CREATE FUNCTION pg_temp.fk_action(t name, c name) RETURNS "char" LANGUAGE sql AS $$
  SELECT confdeltype FROM pg_constraint
   WHERE conrelid = format('hitlai.%I', t)::regclass AND contype = 'f'
     AND conkey = ARRAY[(SELECT attnum FROM pg_attribute
                          WHERE attrelid = format('hitlai.%I', t)::regclass AND attname = c)]
$$;

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
