-- Shared by test/pgtap/1x_*.sql (\ir include/row_helpers.sql after plan()): rows are
-- inserted as jsonb documents so that a bad row differs from a good one in one column.
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

