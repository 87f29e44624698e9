-- E: a hitlai trigger function attached by hand to the wrong timing, level, event or
-- table is refused before it reads anything (src/pg/trigger.hpp), with the SQLSTATE and
-- message each function has always raised (39P01, or XX000 for the A2 guards).
BEGIN;
SELECT plan(8);

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

-- Attached as it should be, the same function does its work (T5).
CREATE TRIGGER t8 BEFORE UPDATE ON pg_temp.hl_skel
  FOR EACH ROW EXECUTE FUNCTION hitlai.normalize_email_trigger();
UPDATE pg_temp.hl_skel SET email = ' C@D.TEST ';
SELECT is((SELECT email FROM pg_temp.hl_skel WHERE id = 1), 'c@d.test',
  'T5: the same function attached BEFORE ... FOR EACH ROW normalises the email');

SELECT * FROM finish();
ROLLBACK;
