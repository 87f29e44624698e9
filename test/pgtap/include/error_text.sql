-- Shared by test/pgtap/4x_*.sql: "<sqlstate> | <message> | <detail>" of the error a
-- statement raises, or 'no error'.
CREATE FUNCTION pg_temp.err(stmt text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE s text; m text; d text;
BEGIN
  EXECUTE stmt;
  RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS s = RETURNED_SQLSTATE, m = MESSAGE_TEXT, d = PG_EXCEPTION_DETAIL;
  RETURN s || ' | ' || m || ' | ' || coalesce(d, '');
END $$;
