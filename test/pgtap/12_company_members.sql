-- D2 company_members: columns, FK to companies ON DELETE CASCADE, role CHECK,
-- UNIQUE(company_id, user_id). Helpers (pg_temp.*) are repeated in every 1x file so each
-- file runs alone.
BEGIN;
SELECT plan(50);

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
  ('company_members', 1, 'id',         'uuid',                     true,  'gen_random_uuid()'),
  ('company_members', 2, 'company_id', 'uuid',                     true,  NULL),
  ('company_members', 3, 'user_id',    'uuid',                     true,  NULL),
  ('company_members', 4, 'role',       'text',                     true,  'member'),
  ('company_members', 5, 'invited_at', 'timestamp with time zone', true,  'now()'),
  ('company_members', 6, 'joined_at',  'timestamp with time zone', false, NULL);
SELECT pg_temp.column_tests('company_members', 'D2');

-- Foreign key (D2, D14 index checked in 10_shape.sql).
SELECT fk_ok('hitlai', 'company_members', 'company_id', 'hitlai', 'companies', 'id',
             'D2: company_members.company_id references companies(id)');
SELECT is(pg_temp.fk_action('company_members', 'company_id'), 'c'::"char",
          'D2: company_members.company_id is ON DELETE CASCADE (pg_constraint.confdeltype)');

INSERT INTO hitlai.companies (id, name, email, monthly_test_quota) VALUES
  ('00000000-0000-0000-0000-0000000000c1', 'Acme', 'acme@d2.test', NULL),
  ('00000000-0000-0000-0000-0000000000c2', 'Beta', 'beta@d2.test', NULL);
INSERT INTO hitlai.company_members (company_id, user_id, role, joined_at) VALUES
  ('00000000-0000-0000-0000-0000000000c1', '00000000-0000-0000-0000-00000000a001', 'owner', now());

SELECT pg_temp.not_null_tests('company_members',
  '{"company_id": "00000000-0000-0000-0000-0000000000c1", "user_id": "00000000-0000-0000-0000-00000000a0ff"}', 'D2');
SELECT throws_ok(pg_temp.ins('company_members',
  '{"company_id": "00000000-0000-0000-0000-0000000000ff", "user_id": "00000000-0000-0000-0000-00000000a0ff"}'),
  '23503', NULL, 'D2: a member of a company that does not exist is rejected with 23503');

-- role CHECK and boundary values
SELECT pg_temp.rejects_check('company_members',
  '{"company_id": "00000000-0000-0000-0000-0000000000c1", "user_id": "00000000-0000-0000-0000-00000000a0f1", "role": "guest"}',
  'company_members_role_check', 'D2: role ''guest'' rejected with 23514');
SELECT pg_temp.rejects_check('company_members',
  '{"company_id": "00000000-0000-0000-0000-0000000000c1", "user_id": "00000000-0000-0000-0000-00000000a0f2", "role": "Owner"}',
  'company_members_role_check', 'D2: role is case-sensitive (''Owner'' rejected)');
SELECT pg_temp.accepts('company_members',
  jsonb_build_object('company_id', '00000000-0000-0000-0000-0000000000c2', 'user_id', u, 'role', r),
  format('D2: role ''%s'' accepted', r))
  FROM (VALUES ('owner', '00000000-0000-0000-0000-00000000b001'), ('admin', '00000000-0000-0000-0000-00000000b002'),
               ('member', '00000000-0000-0000-0000-00000000b003'), ('viewer', '00000000-0000-0000-0000-00000000b004')) v(r, u);
SELECT is((SELECT row(role, joined_at IS NULL, invited_at = now())::text FROM hitlai.company_members
            WHERE company_id = '00000000-0000-0000-0000-0000000000c1'
              AND user_id = '00000000-0000-0000-0000-00000000a001'),
          row('owner', false, true)::text, 'D2: the inserted owner row holds what was given and invited_at = now()');

-- UNIQUE(company_id, user_id)
SELECT col_is_unique('hitlai', 'company_members', ARRAY['company_id', 'user_id']::name[],
                     'D2: UNIQUE(company_id, user_id)');
SELECT pg_temp.rejects_dup('company_members',
  '{"company_id": "00000000-0000-0000-0000-0000000000c1", "user_id": "00000000-0000-0000-0000-00000000a001", "role": "viewer"}',
  'company_members_company_id_user_id_key', 'D2: the same user twice in one company is rejected with 23505');
SELECT pg_temp.accepts('company_members',
  '{"company_id": "00000000-0000-0000-0000-0000000000c2", "user_id": "00000000-0000-0000-0000-00000000a001"}',
  'D2: the same user may be a member of another company');
SELECT is((SELECT role FROM hitlai.company_members
            WHERE company_id = '00000000-0000-0000-0000-0000000000c2' AND user_id = '00000000-0000-0000-0000-00000000a001'),
          'member', 'D2: role defaults to member');

SELECT is((SELECT count(*) FROM hitlai.company_members
            WHERE company_id IN ('00000000-0000-0000-0000-0000000000c1', '00000000-0000-0000-0000-0000000000c2')),
          6::bigint, 'D2: rejected rows wrote nothing (1 base + 5 accepted rows)');

-- ON DELETE CASCADE by behaviour: deleting a company deletes its members (the last owner
-- included), and only its members.
DELETE FROM hitlai.companies WHERE id = '00000000-0000-0000-0000-0000000000c1';
SELECT is((SELECT count(*) FROM hitlai.company_members WHERE company_id = '00000000-0000-0000-0000-0000000000c1'),
          0::bigint, 'D2: deleting a company deletes its members (ON DELETE CASCADE)');
SELECT is((SELECT count(*) FROM hitlai.company_members WHERE company_id = '00000000-0000-0000-0000-0000000000c2'),
          5::bigint, 'D2: members of other companies are untouched');

SELECT * FROM finish();
ROLLBACK;
