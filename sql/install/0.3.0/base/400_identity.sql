-- Identity and membership (A1, A2, S6). The row-level security policies that use these
-- functions are in 410_policies.sql; grants in 900_grants.sql.

-- A1: the caller's user id from the JWT settings PostgREST sets (compiled, never raises).
CREATE FUNCTION @extschema@.uid() RETURNS pg_catalog.uuid
  LANGUAGE c STABLE PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_uid';
COMMENT ON FUNCTION @extschema@.uid() IS
  'A1: the caller''s user id: request.jwt.claim.sub, else request.jwt.claims->>''sub''; NULL when anonymous or malformed';
REVOKE ALL ON FUNCTION @extschema@.uid() FROM PUBLIC;

-- Helpers for the policies. Each is SECURITY DEFINER (so that a policy never queries
-- company_members / human_testers / tester_assignments under their own RLS, which
-- would recurse), STABLE, and answers only about the caller (hitlai.uid()): they take
-- no user id argument. Compiled (src/pg/policy_helpers.cpp): one prepared, schema-
-- qualified look-up each, run in the caller's snapshot, answered from a cache while
-- the caller's identity and snapshot stay the same (so at most once per statement, and
-- never across transactions). Policies call them as `(SELECT hitlai.f(…))` (an init
-- plan, once per statement) and compare with `= ANY (…)`, which an index scan can use;
-- test_runs_select also calls them directly so that the planner can estimate the rows
-- (410_policies.sql).

-- Companies where the caller is a joined member whose role is at least min_role
-- (viewer < member < admin < owner); '{}' when anonymous; 22023 for any other role.
-- Uses company_members (user_id, company_id).
CREATE FUNCTION @extschema@.member_company_ids(min_role pg_catalog.text DEFAULT 'viewer'::pg_catalog.text)
  RETURNS pg_catalog.uuid[]
  LANGUAGE c STABLE SECURITY DEFINER PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_member_company_ids';
COMMENT ON FUNCTION @extschema@.member_company_ids(pg_catalog.text) IS
  'A2: ids of the companies where the caller is a joined member with at least this role (policy helper)';
REVOKE ALL ON FUNCTION @extschema@.member_company_ids(pg_catalog.text) FROM PUBLIC;

-- The caller's human_testers.id (NULL if the caller has no tester profile).
CREATE FUNCTION @extschema@.my_tester_id() RETURNS pg_catalog.uuid
  LANGUAGE c STABLE SECURITY DEFINER PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_my_tester_id';
COMMENT ON FUNCTION @extschema@.my_tester_id() IS
  'A2: the caller''s human_testers.id, NULL without a tester profile (policy helper)';
REVOKE ALL ON FUNCTION @extschema@.my_tester_id() FROM PUBLIC;

-- Runs the caller works on as a tester: runs whose tester_id is the caller's profile,
-- and runs with an assignment of the caller's profile (for_write: only assignments in
-- status assigned, started or completed; declined and expired ones still let the
-- tester read the run, not write to it).
CREATE FUNCTION @extschema@.tester_run_ids(for_write boolean DEFAULT false) RETURNS pg_catalog.uuid[]
  LANGUAGE c STABLE SECURITY DEFINER PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_tester_run_ids';
COMMENT ON FUNCTION @extschema@.tester_run_ids(boolean) IS
  'A2: ids of the runs the caller tests (tester_id or an assignment; for_write: live assignments only) (policy helper)';
REVOKE ALL ON FUNCTION @extschema@.tester_run_ids(boolean) FROM PUBLIC;

-- A2: a signed-in user creates a company and becomes its joined owner. The body is
-- 0.2.0's, byte for byte (the catalog of a fresh install equals that of an upgrade,
-- which keeps it): every name in it is already qualified, the types are resolved with
-- the function's search_path (pg_catalog, pg_temp).
CREATE FUNCTION @extschema@.create_company(name pg_catalog.text, email pg_catalog.text)
  RETURNS pg_catalog.uuid
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  me uuid := @extschema@.uid();
  company uuid;
BEGIN
  IF me IS NULL THEN
    RAISE EXCEPTION 'only a signed-in user can create a company' USING ERRCODE = '42501',
      HINT = 'hitlai.uid() is NULL: set request.jwt.claims (or request.jwt.claim.sub).';
  END IF;
  IF $1 IS NULL OR $2 IS NULL THEN
    RAISE EXCEPTION 'create_company: % must not be NULL', CASE WHEN $1 IS NULL THEN 'name' ELSE 'email' END
      USING ERRCODE = '22023';
  END IF;
  INSERT INTO @extschema@.companies (name, email)
  VALUES ($1, @extschema@.normalize_email($2))
  RETURNING id INTO company;
  INSERT INTO @extschema@.company_members (company_id, user_id, role, joined_at)
  VALUES (company, me, 'owner', pg_catalog.now());
  RETURN company;
END
$$;
COMMENT ON FUNCTION @extschema@.create_company(pg_catalog.text, pg_catalog.text) IS
  'A2: creates a company whose joined owner is the caller; 23505 if the email is taken, 42501 when anonymous, 22023 for a NULL argument';
REVOKE ALL ON FUNCTION @extschema@.create_company(pg_catalog.text, pg_catalog.text) FROM PUBLIC;

-- A2: the invitee accepts a pending invitation (sets joined_at). Idempotent for a
-- member who already joined; 42501 without an invitation or when anonymous. The body is
-- that of 0.3.0's 020_accept_invitation.sql, which gives upgraded databases the same
-- qualified body.
CREATE FUNCTION @extschema@.accept_invitation(company_id pg_catalog.uuid) RETURNS pg_catalog.void
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  me pg_catalog.uuid := @extschema@.uid();
BEGIN
  IF me IS NULL THEN
    RAISE EXCEPTION 'only a signed-in user can accept an invitation' USING ERRCODE = '42501';
  END IF;
  UPDATE @extschema@.company_members m SET joined_at = pg_catalog.now()
   WHERE m.company_id OPERATOR(pg_catalog.=) $1 AND m.user_id OPERATOR(pg_catalog.=) me
     AND m.joined_at IS NULL;
  IF NOT FOUND AND NOT EXISTS (SELECT 1 FROM @extschema@.company_members m
                                WHERE m.company_id OPERATOR(pg_catalog.=) $1
                                  AND m.user_id OPERATOR(pg_catalog.=) me) THEN
    RAISE EXCEPTION 'no invitation to company % for the current user', $1
      USING ERRCODE = '42501';
  END IF;
END
$$;
COMMENT ON FUNCTION @extschema@.accept_invitation(pg_catalog.uuid) IS
  'A2: the caller accepts a pending invitation to the company (sets joined_at)';
REVOKE ALL ON FUNCTION @extschema@.accept_invitation(pg_catalog.uuid) FROM PUBLIC;

-- A2/E: a company keeps at least one joined owner (HL004). Compiled (src/pg/members.cpp);
-- SECURITY DEFINER so that its look-ups see every member whoever changes them.
CREATE FUNCTION @extschema@.keep_last_owner() RETURNS pg_catalog.trigger
  LANGUAGE c SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_keep_last_owner';
COMMENT ON FUNCTION @extschema@.keep_last_owner() IS
  'A2: trigger keeping at least one joined owner per company (SQLSTATE HL004)';
REVOKE ALL ON FUNCTION @extschema@.keep_last_owner() FROM PUBLIC;
CREATE TRIGGER keep_last_owner
  BEFORE UPDATE OR DELETE ON @extschema@.company_members
  FOR EACH ROW EXECUTE FUNCTION @extschema@.keep_last_owner();

-- A2: an assigned tester who is not a member changes only the tester's columns of a run
-- (42501). Named to fire before every other BEFORE UPDATE trigger of test_runs.
CREATE FUNCTION @extschema@.guard_tester_columns() RETURNS pg_catalog.trigger
  LANGUAGE c
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_guard_tester_columns';
COMMENT ON FUNCTION @extschema@.guard_tester_columns() IS
  'A2: trigger letting a non-member tester change only status, sentiment_score, recommendations, positives, final_report';
REVOKE ALL ON FUNCTION @extschema@.guard_tester_columns() FROM PUBLIC;
CREATE TRIGGER a_guard_tester_columns
  BEFORE UPDATE ON @extschema@.test_runs
  FOR EACH ROW EXECUTE FUNCTION @extschema@.guard_tester_columns();

-- S6: with Supabase's auth.users present at install time, user ids reference it.
DO $$
DECLARE
  users pg_catalog.regclass := pg_catalog.to_regclass('auth.users'::pg_catalog.text);
BEGIN
  IF users IS NULL THEN
    RETURN;
  END IF;
  -- S7: adding a foreign key plans a query on auth.users as the superuser running this
  -- script, and planning evaluates the IMMUTABLE functions of the table's partial-index
  -- predicates and index and statistics expressions. auth.users may belong to a role that
  -- is not a superuser (the database owner may have made it), so it must be an ordinary
  -- table whose indexes and statistics use nothing outside pg_catalog. Locked first, so
  -- that nobody adds an index or statistics object between the check and the use.
  LOCK TABLE auth.users IN SHARE ROW EXCLUSIVE MODE;
  IF (SELECT c.relkind FROM pg_catalog.pg_class c WHERE c.oid OPERATOR(pg_catalog.=) users::pg_catalog.oid)
     OPERATOR(pg_catalog.<>) 'r'::pg_catalog.char THEN
    RAISE NOTICE 'hitlai: auth.users is not an ordinary table; user_id columns stay plain uuids';
    RETURN;
  END IF;
  IF EXISTS (
       SELECT FROM pg_catalog.pg_depend d
        WHERE ((d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass
                AND d.objid OPERATOR(pg_catalog.=) ANY (
                      SELECT i.indexrelid FROM pg_catalog.pg_index i
                       WHERE i.indrelid OPERATOR(pg_catalog.=) users::pg_catalog.oid))
            OR (d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_statistic_ext'::pg_catalog.regclass
                AND d.objid OPERATOR(pg_catalog.=) ANY (
                      SELECT x.oid FROM pg_catalog.pg_statistic_ext x
                       WHERE x.stxrelid OPERATOR(pg_catalog.=) users::pg_catalog.oid)))
          AND ((d.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_proc'::pg_catalog.regclass
                AND d.refobjid OPERATOR(pg_catalog.<>) ALL (
                      SELECT p.oid FROM pg_catalog.pg_proc p
                       WHERE p.pronamespace OPERATOR(pg_catalog.=) 'pg_catalog'::pg_catalog.regnamespace::pg_catalog.oid))
            OR (d.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_operator'::pg_catalog.regclass
                AND d.refobjid OPERATOR(pg_catalog.<>) ALL (
                      SELECT o.oid FROM pg_catalog.pg_operator o
                       WHERE o.oprnamespace OPERATOR(pg_catalog.=) 'pg_catalog'::pg_catalog.regnamespace::pg_catalog.oid)))) THEN
    RAISE EXCEPTION 'auth.users has indexes or statistics that call functions or operators outside pg_catalog'
      USING ERRCODE = '42501',
            DETAIL = 'Creating the foreign keys from hitlai''s user_id columns to auth.users would run '
                     'them as a superuser.',
            HINT = 'Drop those indexes or statistics objects, or have a superuser create the extension.';
  END IF;
  IF NOT EXISTS (
       SELECT 1
         FROM pg_catalog.pg_index i
         JOIN pg_catalog.pg_attribute a
           ON a.attrelid OPERATOR(pg_catalog.=) i.indrelid
          AND a.attnum OPERATOR(pg_catalog.=) i.indkey[0]
        WHERE i.indrelid OPERATOR(pg_catalog.=) users::pg_catalog.oid
          AND i.indisunique AND i.indnatts OPERATOR(pg_catalog.=) 1
          AND i.indpred IS NULL AND a.attname OPERATOR(pg_catalog.=) 'id'::pg_catalog.name
          AND a.atttypid OPERATOR(pg_catalog.=) 'pg_catalog.uuid'::pg_catalog.regtype::pg_catalog.oid) THEN
    RAISE NOTICE 'hitlai: auth.users has no unique uuid column "id"; user_id columns stay plain uuids';
    RETURN;
  END IF;
  ALTER TABLE @extschema@.company_members
    ADD CONSTRAINT company_members_user_id_fkey FOREIGN KEY (user_id)
    REFERENCES auth.users (id) ON DELETE CASCADE;
  ALTER TABLE @extschema@.human_testers
    ADD CONSTRAINT human_testers_user_id_fkey FOREIGN KEY (user_id)
    REFERENCES auth.users (id) ON DELETE CASCADE;
END
$$;
