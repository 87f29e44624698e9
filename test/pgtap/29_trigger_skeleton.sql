-- E: a hitlai trigger function attached by hand to the wrong timing, level, event or
-- table is refused before it reads anything (src/pg/trigger.hpp), with the SQLSTATE and
-- message each function has always raised (39P01, or XX000 for the A2 guards).
BEGIN;
SELECT plan(11);

CREATE TABLE pg_temp.hl_skel (id int PRIMARY KEY, email text, status text,
                              started_at timestamptz);
INSERT INTO pg_temp.hl_skel VALUES (1, 'A@B.TEST', 'assigned', NULL);

CREATE TRIGGER t1 AFTER UPDATE ON pg_temp.hl_skel
  FOR EACH ROW EXECUTE FUNCTION hitlai.normalize_email_trigger();
SELECT throws_ok($$UPDATE pg_temp.hl_skel SET email = 'C@D.TEST'$$, '39P01',
  'normalize_email_trigger: must be a BEFORE ROW trigger',
  'E: T5''s trigger fired AFTER is refused (timing)');
DROP TRIGGER t1 ON pg_temp.hl_skel;

CREATE TRIGGER t2 BEFORE UPDATE ON pg_temp.hl_skel
  FOR EACH STATEMENT EXECUTE FUNCTION hitlai.normalize_email_trigger();
SELECT throws_ok($$UPDATE pg_temp.hl_skel SET email = 'C@D.TEST'$$, '39P01',
  'normalize_email_trigger: must be a BEFORE ROW trigger',
  'E: T5''s trigger fired FOR EACH STATEMENT is refused (level)');
DROP TRIGGER t2 ON pg_temp.hl_skel;

CREATE TRIGGER t3 AFTER INSERT ON pg_temp.hl_skel
  FOR EACH STATEMENT EXECUTE FUNCTION hitlai.stats_after_truncate();
SELECT throws_ok($$INSERT INTO pg_temp.hl_skel VALUES (2, 'x@y.test', 'assigned', NULL)$$, '39P01',
  'stats_after_truncate: must be AFTER TRUNCATE ... FOR EACH STATEMENT',
  'E: the TRUNCATE trigger of V1-V3 fired by INSERT is refused (event)');
DROP TRIGGER t3 ON pg_temp.hl_skel;

CREATE TRIGGER t4 AFTER INSERT ON pg_temp.hl_skel
  FOR EACH STATEMENT EXECUTE FUNCTION hitlai.issues_after_insert();
SELECT throws_ok($$INSERT INTO pg_temp.hl_skel VALUES (2, 'x@y.test', 'assigned', NULL)$$, '39P01',
  'issues_after_insert: must be a trigger on table issues',
  'E: T6''s issues trigger on another table is refused (table)');
DROP TRIGGER t4 ON pg_temp.hl_skel;

CREATE TRIGGER t5 BEFORE UPDATE ON pg_temp.hl_skel
  FOR EACH ROW EXECUTE FUNCTION hitlai.test_runs_before_write();
SELECT throws_ok($$UPDATE pg_temp.hl_skel SET email = 'C@D.TEST'$$, '39P01',
  'test_runs_before_write: must be a trigger on table test_runs',
  'E: T4''s trigger on another table is refused (table)');
DROP TRIGGER t5 ON pg_temp.hl_skel;

CREATE TRIGGER t6 BEFORE INSERT ON pg_temp.hl_skel
  FOR EACH ROW EXECUTE FUNCTION hitlai.keep_last_owner();
SELECT throws_ok($$INSERT INTO pg_temp.hl_skel VALUES (2, 'x@y.test', 'assigned', NULL)$$, 'XX000',
  'keep_last_owner: must fire for UPDATE or DELETE',
  'E: A2''s last-owner trigger fired by INSERT is refused (event, its own message)');
DROP TRIGGER t6 ON pg_temp.hl_skel;

CREATE TRIGGER t7 BEFORE UPDATE ON pg_temp.hl_skel
  FOR EACH ROW EXECUTE FUNCTION hitlai.guard_insert_defaults('email');
SELECT throws_ok($$UPDATE pg_temp.hl_skel SET email = 'C@D.TEST'$$, 'XX000',
  'hitlai: guard_insert_defaults: must be a BEFORE INSERT ... FOR EACH ROW trigger',
  'E: A2''s insert guard fired by UPDATE is refused');
DROP TRIGGER t7 ON pg_temp.hl_skel;

-- S7: every hitlai trigger function, attached with its own timing, level and event to a
-- look-alike table outside schema hitlai (pg_temp.<its table>, same columns, one row),
-- is refused before it reads anything: a role that may execute the SECURITY DEFINER
-- ones could otherwise have them run, with the superuser's rights, over columns of
-- types (and casts) it wrote. Only T5's normaliser, which is not SECURITY DEFINER and
-- changes nothing but its row, may be used on any table (below).
CREATE FUNCTION pg_temp.fire_elsewhere(tbl name, tgtype int2, def text) RETURNS text
LANGUAGE plpgsql AS $f$
DECLARE
  ev text; stmt text; result text;
BEGIN
  EXECUTE format('CREATE TEMP TABLE %I AS SELECT * FROM hitlai.%I WITH NO DATA', tbl, tbl);
  EXECUTE format('INSERT INTO pg_temp.%I DEFAULT VALUES', tbl);
  IF tgtype & 4 <> 0 THEN ev := 'INSERT'; stmt := format('INSERT INTO pg_temp.%I DEFAULT VALUES', tbl);
  ELSIF tgtype & 16 <> 0 THEN ev := 'UPDATE'; stmt := format('UPDATE pg_temp.%I SET id = id', tbl);
  ELSIF tgtype & 8 <> 0 THEN ev := 'DELETE'; stmt := format('DELETE FROM pg_temp.%I', tbl);
  ELSE ev := 'TRUNCATE'; stmt := format('TRUNCATE pg_temp.%I', tbl);
  END IF;
  EXECUTE format('CREATE TRIGGER hl_elsewhere %s %s ON pg_temp.%I FOR EACH %s %s',
                 CASE WHEN tgtype & 2 <> 0 THEN 'BEFORE' ELSE 'AFTER' END, ev, tbl,
                 CASE WHEN tgtype & 1 <> 0 THEN 'ROW' ELSE 'STATEMENT' END,
                 substring(def FROM 'EXECUTE FUNCTION .*$'));
  BEGIN
    EXECUTE stmt;
    result := 'ran';
  EXCEPTION WHEN OTHERS THEN
    result := SQLSTATE || ' ' || SQLERRM;
  END;
  EXECUTE format('DROP TABLE pg_temp.%I', tbl);
  RETURN result;
END
$f$;
CREATE TEMP TABLE hl_elsewhere ON COMMIT DROP AS
  SELECT p.proname, c.relname, p.prosecdef,
         pg_temp.fire_elsewhere(c.relname, t.tgtype, pg_get_triggerdef(t.oid)) AS result
    FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid
   WHERE c.relnamespace = 'hitlai'::regnamespace AND p.pronamespace = 'hitlai'::regnamespace
     AND NOT t.tgisinternal AND p.proname <> 'normalize_email_trigger';
SELECT is_empty($$SELECT proname, relname, result FROM hl_elsewhere
                   WHERE result NOT LIKE '%: must be a trigger on a table of schema hitlai'$$,
  'S7: no hitlai trigger function runs on a look-alike table outside schema hitlai');
SELECT cmp_ok((SELECT count(DISTINCT proname)::int FROM hl_elsewhere WHERE prosecdef), '>=', 10,
  'S7: ... the SECURITY DEFINER ones among them (T1-T3, T6, M1, A2''s last owner, ...)');
SELECT is((SELECT count(*) FROM hl_elsewhere WHERE result NOT LIKE '39P01 %' AND result NOT LIKE 'XX000 %'), 0::bigint,
  'S7: ... each with its documented SQLSTATE (39P01, XX000 for the A2 guards)');

-- Attached as it should be, the same function does its work (T5).
CREATE TRIGGER t8 BEFORE UPDATE ON pg_temp.hl_skel
  FOR EACH ROW EXECUTE FUNCTION hitlai.normalize_email_trigger();
UPDATE pg_temp.hl_skel SET email = ' C@D.TEST ';
SELECT is((SELECT email FROM pg_temp.hl_skel WHERE id = 1), 'c@d.test',
  'T5: the same function attached BEFORE ... FOR EACH ROW normalises the email');

SELECT * FROM finish();
ROLLBACK;
