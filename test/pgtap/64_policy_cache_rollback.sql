-- A2, S10: the RLS helpers' cache never outlives a change that was rolled back. Under
-- REPEATABLE READ the snapshot and the command id stay the same across ROLLBACK TO
-- SAVEPOINT and across an exception caught in PL/pgSQL, so an answer cached inside the
-- subtransaction must be dropped when it aborts; and every statement that changes
-- membership, tester profiles or assignments drops it too.
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT plan(16);
CREATE ROLE hl_pc_app NOLOGIN;
DO $$ BEGIN PERFORM hitlai.grant_app_role('hl_pc_app'); END $$;

CREATE PROCEDURE pg_temp.become(r text, k text) LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('SET LOCAL ROLE %I', r);
  PERFORM set_config('request.jwt.claims',
    CASE WHEN k IS NULL THEN '' ELSE json_build_object('sub', '10000000-0000-4000-8000-0000000000' || k)::text END,
    true);
END $$;
-- Warms the cache of the three helpers without printing anything (runs as the caller).
CREATE PROCEDURE pg_temp.warm() LANGUAGE plpgsql AS $$
BEGIN
  PERFORM hitlai.member_company_ids('member'), hitlai.member_company_ids('viewer'),
          hitlai.member_company_ids('admin'), hitlai.my_tester_id(),
          hitlai.tester_run_ids(false), hitlai.tester_run_ids(true);
END $$;
GRANT EXECUTE ON PROCEDURE pg_temp.warm() TO PUBLIC;
-- Tries to insert a run of company Gamma as the caller; records 'inserted' or the SQLSTATE
-- in the setting hl.pc_insert (no pgTAP call in between, so the command id stays put).
CREATE PROCEDURE pg_temp.try_insert() LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO hitlai.test_runs (company_id, url, mission)
  VALUES ('cccccccc-cccc-4ccc-8ccc-cccccccccccc', 'https://gamma.test', 'x');
  PERFORM set_config('hl.pc_insert', 'inserted', true);
EXCEPTION WHEN OTHERS THEN
  PERFORM set_config('hl.pc_insert', SQLSTATE, true);
END $$;
GRANT EXECUTE ON PROCEDURE pg_temp.try_insert() TO PUBLIC;

INSERT INTO hitlai.companies (id, name, email) VALUES
  ('cccccccc-cccc-4ccc-8ccc-cccccccccccc', 'Gamma', 'ops@gamma.test');
INSERT INTO hitlai.company_members (company_id, user_id, role, joined_at)
SELECT 'cccccccc-cccc-4ccc-8ccc-cccccccccccc', ('10000000-0000-4000-8000-0000000000' || k)::uuid, r, j
  FROM (VALUES ('e1', 'owner', now()), ('e2', 'member', NULL), ('e3', 'member', now())) v(k, r, j);
INSERT INTO hitlai.human_testers (id, user_id, email, display_name) VALUES
  ('20000000-0000-4000-8000-0000000000f1', '10000000-0000-4000-8000-0000000000f1', 'f1@people.test', 'Fay');
INSERT INTO hitlai.test_runs (id, company_id, url, mission) VALUES
  ('30000000-0000-4000-8000-0000000000f1', 'cccccccc-cccc-4ccc-8ccc-cccccccccccc', 'https://gamma.test', 'buy');

-- 1. ROLLBACK TO SAVEPOINT after accept_invitation
CALL pg_temp.become('hl_pc_app', 'e2');
SAVEPOINT s1;
SELECT hitlai.accept_invitation('cccccccc-cccc-4ccc-8ccc-cccccccccccc') IS NULL AS accepted \gset
CALL pg_temp.warm();
ROLLBACK TO SAVEPOINT s1;
CALL pg_temp.try_insert();  -- first statement after the rollback: same snapshot, same command id
SELECT is(current_setting('hl.pc_insert'), '42501',
  'A2/S10: after ROLLBACK TO SAVEPOINT of accept_invitation (REPEATABLE READ) the invitee can''t insert a run');
SELECT is(hitlai.member_company_ids('member'), '{}'::uuid[],
  'A2/S10: ... and is no member');
SELECT is((SELECT count(*) FROM hitlai.test_runs)::int, 0,
  'A2/S10: ... nor read the company''s runs');

-- 2. an exception caught by a PL/pgSQL block, after accept_invitation
DO $$
BEGIN
  BEGIN
    PERFORM hitlai.accept_invitation('cccccccc-cccc-4ccc-8ccc-cccccccccccc');
    CALL pg_temp.warm();
    RAISE EXCEPTION 'undo';
  EXCEPTION WHEN raise_exception THEN NULL;
  END;
  CALL pg_temp.try_insert();
END $$;
SELECT is(current_setting('hl.pc_insert'), '42501',
  'A2/S10: after an exception caught in PL/pgSQL undid accept_invitation, the invitee can''t insert a run');
SELECT is(hitlai.member_company_ids('member'), '{}'::uuid[],
  'A2/S10: ... and is no member');

-- 3. a member removed and the removal rolled back: access comes back
CALL pg_temp.become('hl_pc_app', 'e1');
SAVEPOINT s2;
DELETE FROM hitlai.company_members WHERE user_id = '10000000-0000-4000-8000-0000000000e3'::uuid;
CALL pg_temp.become('hl_pc_app', 'e3');
CALL pg_temp.warm();
ROLLBACK TO SAVEPOINT s2;
CALL pg_temp.become('hl_pc_app', 'e3');
SELECT is(hitlai.member_company_ids('member'), '{cccccccc-cccc-4ccc-8ccc-cccccccccccc}'::uuid[],
  'A2/S10: a removal undone by ROLLBACK TO gives the member the company back');

-- 4. a role change rolled back (member promoted to admin, then undone)
RESET ROLE;
SAVEPOINT s3;
UPDATE hitlai.company_members SET role = 'admin' WHERE user_id = '10000000-0000-4000-8000-0000000000e3'::uuid;
CALL pg_temp.become('hl_pc_app', 'e3');
CALL pg_temp.warm();
ROLLBACK TO SAVEPOINT s3;
CALL pg_temp.become('hl_pc_app', 'e3');
SELECT is(hitlai.member_company_ids('admin'), '{}'::uuid[],
  'A2/S10: a promotion undone by ROLLBACK TO leaves the member without admin rights');

-- 5. create_company rolled back
CALL pg_temp.become('hl_pc_app', 'e4');
SAVEPOINT s4;
SELECT hitlai.create_company('Delta', 'ops@delta.test') AS delta \gset
CALL pg_temp.warm();
ROLLBACK TO SAVEPOINT s4;
SELECT is(hitlai.member_company_ids('viewer'), '{}'::uuid[],
  'A2/S10: create_company undone by ROLLBACK TO leaves the caller in no company');

-- 6. a tester profile rolled back (my_tester_id)
SAVEPOINT s5;
INSERT INTO hitlai.human_testers (user_id, email, display_name)
  VALUES ('10000000-0000-4000-8000-0000000000e4', 'n1@people.test', 'Ned');
CALL pg_temp.warm();
ROLLBACK TO SAVEPOINT s5;
SELECT is(hitlai.my_tester_id(), NULL::uuid,
  'A2/S10: a tester profile undone by ROLLBACK TO: my_tester_id() is NULL again');

-- 7. an assignment rolled back (tester_run_ids)
RESET ROLE;
SAVEPOINT s6;
INSERT INTO hitlai.tester_assignments (test_run_id, tester_id)
  VALUES ('30000000-0000-4000-8000-0000000000f1', '20000000-0000-4000-8000-0000000000f1');
CALL pg_temp.become('hl_pc_app', 'f1');
CALL pg_temp.warm();
ROLLBACK TO SAVEPOINT s6;
CALL pg_temp.become('hl_pc_app', 'f1');
SELECT is(hitlai.tester_run_ids(false), '{}'::uuid[],
  'A2/S10: an assignment undone by ROLLBACK TO: the tester tests no run');
SELECT is((SELECT count(*) FROM hitlai.test_runs)::int, 0, 'A2/S10: ... and reads no run');

-- 8. every change path drops the cache at once (no rollback): accept, remove, re-add
CALL pg_temp.become('hl_pc_app', 'e2');
CALL pg_temp.warm();
SELECT hitlai.accept_invitation('cccccccc-cccc-4ccc-8ccc-cccccccccccc') IS NULL AS accepted \gset
SELECT is(hitlai.member_company_ids('member'), '{cccccccc-cccc-4ccc-8ccc-cccccccccccc}'::uuid[],
  'A2: accept_invitation is seen by the next statement');
CALL pg_temp.become('hl_pc_app', 'e1');
DELETE FROM hitlai.company_members WHERE user_id = '10000000-0000-4000-8000-0000000000e2'::uuid;
CALL pg_temp.become('hl_pc_app', 'e2');
SELECT is(hitlai.member_company_ids('member'), '{}'::uuid[], 'A2: a removal is seen by the next statement');
RESET ROLE;
INSERT INTO hitlai.tester_assignments (test_run_id, tester_id)
  VALUES ('30000000-0000-4000-8000-0000000000f1', '20000000-0000-4000-8000-0000000000f1');
CALL pg_temp.become('hl_pc_app', 'f1');
SELECT is(hitlai.tester_run_ids(false), '{30000000-0000-4000-8000-0000000000f1}'::uuid[],
  'A2: a new assignment is seen by the next statement');

-- 9. nested savepoints: the inner rollback drops what the inner level cached, the
-- outer change stays visible
RESET ROLE;
SAVEPOINT outer_sp;
INSERT INTO hitlai.company_members (company_id, user_id, role, joined_at)
  VALUES ('cccccccc-cccc-4ccc-8ccc-cccccccccccc', '10000000-0000-4000-8000-0000000000e2', 'viewer', now());
SAVEPOINT inner_sp;
CALL pg_temp.become('hl_pc_app', 'e1');
UPDATE hitlai.company_members SET role = 'member' WHERE user_id = '10000000-0000-4000-8000-0000000000e2'::uuid;
CALL pg_temp.become('hl_pc_app', 'e2');
CALL pg_temp.warm();
ROLLBACK TO SAVEPOINT inner_sp;
CALL pg_temp.become('hl_pc_app', 'e2');
SELECT is(hitlai.member_company_ids('member'), '{}'::uuid[],
  'A2/S10: inner ROLLBACK TO: the promotion to member is gone');
SELECT is(hitlai.member_company_ids('viewer'), '{cccccccc-cccc-4ccc-8ccc-cccccccccccc}'::uuid[],
  'A2/S10: ... while the outer savepoint''s viewer membership stays');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
