-- Row-level write guards (A2, G1; src/pg/write_guards.cpp). Application roles get
-- INSERT at table level (900_grants.sql), so what they may not choose on INSERT is
-- guarded per row here, for non-privileged callers only (privileged: superuser or
-- BYPASSRLS, of the session role or of the SECURITY DEFINER owner running the
-- statement; nothing is checked in restore mode, S8). Trigger arguments name columns,
-- `prefix*` every column starting with prefix (so stats_* columns a later version adds
-- are covered without touching this file). Trigger names start with `a_` so that they
-- fire before the other BEFORE INSERT triggers of their table (they judge what the
-- caller wrote).
--
-- test_runs has no guard: issues_found is forced to 0 by T4 (test_runs_status_trigger)
-- and every other column an application role may insert is either a run column it may
-- also update or checked by the policy (company_id); created_at is accepted as given,
-- like completed_at and execution_time_ms, which members may set anyway.

-- Columns that must keep their default on INSERT (else 42501 naming the column).
CREATE FUNCTION @extschema@.guard_insert_defaults() RETURNS pg_catalog.trigger
  LANGUAGE c
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_guard_insert_defaults';
COMMENT ON FUNCTION @extschema@.guard_insert_defaults() IS
  'A2: trigger raising 42501 when a non-privileged INSERT sets one of the named columns (arguments; prefix* patterns) to anything but its default';
REVOKE ALL ON FUNCTION @extschema@.guard_insert_defaults() FROM PUBLIC;

-- Columns overwritten with their default on INSERT.
CREATE FUNCTION @extschema@.force_insert_defaults() RETURNS pg_catalog.trigger
  LANGUAGE c
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_force_insert_defaults';
COMMENT ON FUNCTION @extschema@.force_insert_defaults() IS
  'A2: trigger resetting the named columns (arguments; prefix* patterns) to their defaults on a non-privileged INSERT';
REVOKE ALL ON FUNCTION @extschema@.force_insert_defaults() FROM PUBLIC;

-- A2 human_testers: a new profile has the protected columns, and every stats_* column
-- (V, T3), at their defaults.
CREATE TRIGGER a_guard_insert
  BEFORE INSERT ON @extschema@.human_testers
  FOR EACH ROW EXECUTE FUNCTION @extschema@.guard_insert_defaults(
    'is_verified', 'average_rating', 'tests_completed', 'total_earnings',
    'founding_tester_tier', 'revenue_share_pct', 'equity_percentage', 'stats_*', 'created_at');

-- A2 company_members: an invitation is created unjoined (joined_at is set by
-- hitlai.accept_invitation, or by hitlai.create_company for the creator).
CREATE TRIGGER a_guard_insert
  BEFORE INSERT ON @extschema@.company_members
  FOR EACH ROW EXECUTE FUNCTION @extschema@.guard_insert_defaults('joined_at', 'invited_at');

-- Record timestamps of the other tables application roles insert into.
CREATE TRIGGER a_guard_insert
  BEFORE INSERT ON @extschema@.issues
  FOR EACH ROW EXECUTE FUNCTION @extschema@.guard_insert_defaults('created_at');
CREATE TRIGGER a_guard_insert
  BEFORE INSERT ON @extschema@.tester_assignments
  FOR EACH ROW EXECUTE FUNCTION @extschema@.guard_insert_defaults('assigned_at');
CREATE TRIGGER a_guard_insert
  BEFORE INSERT ON @extschema@.webhooks
  FOR EACH ROW EXECUTE FUNCTION @extschema@.guard_insert_defaults('created_at');

-- A2 applications: "status is forced to pending, review columns to NULL" (and the
-- submission time is the server's).
CREATE TRIGGER a_force_insert_defaults
  BEFORE INSERT ON @extschema@.early_adopter_apps
  FOR EACH ROW EXECUTE FUNCTION @extschema@.force_insert_defaults(
    'status', 'reviewed_by', 'reviewed_at', 'created_at');
CREATE TRIGGER a_force_insert_defaults
  BEFORE INSERT ON @extschema@.founding_tester_apps
  FOR EACH ROW EXECUTE FUNCTION @extschema@.force_insert_defaults(
    'status', 'reviewed_by', 'reviewed_at', 'created_at');

-- A2 tester_assignments: moving to 'started' sets started_at (if the writer didn't), so
-- the assigned tester's `SET status = 'started'` passes the policy's WITH CHECK.
CREATE FUNCTION @extschema@.assignment_started_at() RETURNS pg_catalog.trigger
  LANGUAGE c
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_assignment_started_at';
COMMENT ON FUNCTION @extschema@.assignment_started_at() IS
  'A2: trigger setting tester_assignments.started_at = coalesce(started_at, now()) when status moves to started';
REVOKE ALL ON FUNCTION @extschema@.assignment_started_at() FROM PUBLIC;
CREATE TRIGGER a_assignment_started_at
  BEFORE UPDATE ON @extschema@.tester_assignments
  FOR EACH ROW EXECUTE FUNCTION @extschema@.assignment_started_at();
