-- D4 issues: columns, FK to test_runs ON DELETE CASCADE, severity CHECK (seed, D13).
-- Helpers (pg_temp.*) are repeated in every 1x file so each file runs alone.
BEGIN;
SELECT plan(67);

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
  ('issues',  1, 'id',               'uuid',                     true,  'gen_random_uuid()'),
  ('issues',  2, 'test_run_id',      'uuid',                     true,  NULL),
  ('issues',  3, 'title',            'text',                     true,  NULL),
  ('issues',  4, 'description',      'text',                     false, NULL),
  ('issues',  5, 'severity',         'text',                     true,  'medium'),
  ('issues',  6, 'category',         'text',                     false, NULL),
  ('issues',  7, 'element_selector', 'text',                     false, NULL),
  ('issues',  8, 'screenshot_url',   'text',                     false, NULL),
  ('issues',  9, 'metadata',         'jsonb',                    true,  '{}'),
  ('issues', 10, 'created_at',       'timestamp with time zone', true,  'now()');
SELECT pg_temp.column_tests('issues', 'D4');

SELECT fk_ok('hitlai', 'issues', 'test_run_id', 'hitlai', 'test_runs', 'id',
             'D4: issues.test_run_id references test_runs(id)');
SELECT is(pg_temp.fk_action('issues', 'test_run_id'), 'c'::"char",
          'D4: issues.test_run_id is ON DELETE CASCADE (pg_constraint.confdeltype)');

INSERT INTO hitlai.companies (id, name, email, monthly_test_quota) VALUES
  ('00000000-0000-0000-0000-0000000000c1', 'Acme', 'acme@d4.test', NULL);
INSERT INTO hitlai.test_runs (id, company_id, url, mission) VALUES
  ('00000000-0000-0000-0000-0000000000d1', '00000000-0000-0000-0000-0000000000c1', 'https://acme.example/', 'Buy'),
  ('00000000-0000-0000-0000-0000000000d2', '00000000-0000-0000-0000-0000000000c1', 'https://acme.example/', 'Sell');
CREATE TEMP TABLE base ON COMMIT DROP AS
  SELECT '{"test_run_id": "00000000-0000-0000-0000-0000000000d1", "title": "Button hidden"}'::jsonb AS doc;

SELECT pg_temp.accepts('issues', doc, 'D4: a minimal issue (run, title) is accepted') FROM base;
SELECT is((SELECT row(severity, metadata, created_at = now())::text FROM hitlai.issues
            WHERE test_run_id = '00000000-0000-0000-0000-0000000000d1'),
          row('medium', '{}'::jsonb, true)::text, 'D4: defaults are applied on insert (medium, {}, now())');
SELECT pg_temp.not_null_tests('issues', doc, 'D4') FROM base;
SELECT throws_ok(pg_temp.ins('issues', doc || '{"test_run_id": "00000000-0000-0000-0000-0000000000ff"}'),
  '23503', NULL, 'D4: an issue of a run that does not exist is rejected with 23503') FROM base;

SELECT pg_temp.rejects_check('issues', doc || jsonb_build_object('severity', v), 'issues_severity_check',
                             format('D4/D13 (seed): severity %L rejected', v))
  FROM base, unnest(ARRAY['urgent', 'High', '']) AS v;
SELECT pg_temp.accepts('issues', doc || jsonb_build_object('severity', v), format('D4/D13: severity %L accepted', v))
  FROM base, unnest(ARRAY['low', 'medium', 'high', 'critical']) AS v;
SELECT pg_temp.accepts('issues', doc || '{"test_run_id": "00000000-0000-0000-0000-0000000000d2"}',
                       'D4: an issue of the second run is accepted') FROM base;

SELECT is((SELECT count(*) FROM hitlai.issues i JOIN hitlai.test_runs r ON r.id = i.test_run_id
            WHERE r.company_id = '00000000-0000-0000-0000-0000000000c1'),
          6::bigint, 'D4: rejected rows wrote nothing (6 accepted rows)');

DELETE FROM hitlai.test_runs WHERE id = '00000000-0000-0000-0000-0000000000d1';
SELECT is((SELECT count(*) FROM hitlai.issues WHERE test_run_id = '00000000-0000-0000-0000-0000000000d1'),
          0::bigint, 'D4: deleting a run deletes its issues (ON DELETE CASCADE)');
SELECT is((SELECT count(*) FROM hitlai.issues WHERE test_run_id = '00000000-0000-0000-0000-0000000000d2'),
          1::bigint, 'D4: issues of other runs are untouched');
DELETE FROM hitlai.companies WHERE id = '00000000-0000-0000-0000-0000000000c1';
SELECT is((SELECT count(*) FROM hitlai.issues WHERE test_run_id = '00000000-0000-0000-0000-0000000000d2'),
          0::bigint, 'D3/D4: deleting a company deletes its runs'' issues (cascade through test_runs)');

SELECT * FROM finish();
ROLLBACK;
