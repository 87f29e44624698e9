-- Shared by test/pgtap/12_*.sql … 18_*.sql (\ir include/spec_helpers.sql after
-- include/row_helpers.sql): a spec table of the columns SPEC gives, and the assertions
-- generated from it.
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
       AND (attname !~ '^stats_' OR %L NOT IN ('companies', 'human_testers', 'webhooks'))$q$, t, t, t),
    format('%s: %s has exactly the seed''s columns (plus stats_* state columns on companies, human_testers and webhooks)', req, t));
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

