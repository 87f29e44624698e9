-- T1: every milestone counts the inserted runs, once per INSERT statement (transition
-- table), locking the milestone rows in id order; unlocks on first reaching the target.
CREATE FUNCTION bench_plpgsql.milestones_on_insert() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  n integer;
BEGIN
  SELECT count(*) INTO n FROM new_runs;
  IF n = 0 THEN
    RETURN NULL;
  END IF;
  PERFORM 1 FROM hitlai.milestones ORDER BY id FOR NO KEY UPDATE;
  UPDATE hitlai.milestones
     SET tests_completed = tests_completed + n,
         updated_at = now(),
         unlocked_at = CASE WHEN NOT is_unlocked AND tests_completed + n >= tests_required
                            THEN now() ELSE unlocked_at END,
         is_unlocked = is_unlocked OR tests_completed + n >= tests_required;
  RETURN NULL;
END
$$;

-- Named so that it fires after q1_quota (lock order: companies before milestones).
CREATE TRIGGER t1_milestones AFTER INSERT ON hitlai.test_runs
  REFERENCING NEW TABLE AS new_runs
  FOR EACH STATEMENT EXECUTE FUNCTION bench_plpgsql.milestones_on_insert();
