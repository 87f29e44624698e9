-- T3: tester stats when a run enters `completed` (row-level; credited testers locked
-- in id order), plus average_rating kept right when a rating changes after completion
-- or a completed assignment disappears (run deleted: the FK cascade deletes it).

CREATE FUNCTION bench_plpgsql.tester_average_rating(tester uuid) RETURNS numeric
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
RETURN (SELECT coalesce(round(avg(r.company_ai_rating), 2), 0)
          FROM hitlai.tester_assignments a
          JOIN hitlai.test_runs r ON r.id = a.test_run_id
         WHERE a.tester_id = tester AND a.status = 'completed'
           AND r.company_ai_rating IS NOT NULL);

CREATE FUNCTION bench_plpgsql.tester_stats_on_complete() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  testers uuid[];
BEGIN
  SELECT array_agg(t ORDER BY t) INTO testers
    FROM (SELECT NEW.tester_id AS t WHERE NEW.tester_id IS NOT NULL
          UNION
          SELECT a.tester_id FROM hitlai.tester_assignments a
           WHERE a.test_run_id = NEW.id AND a.status IN ('assigned', 'started', 'completed')) s;
  IF testers IS NULL THEN
    RETURN NULL;
  END IF;
  -- Lock order: human_testers by id.
  PERFORM 1 FROM hitlai.human_testers WHERE id = ANY (testers) ORDER BY id FOR NO KEY UPDATE;
  INSERT INTO hitlai.tester_assignments AS a (test_run_id, tester_id, status, completed_at)
  SELECT NEW.id, t, 'completed', now() FROM unnest(testers) AS t
  ON CONFLICT (test_run_id, tester_id)
  DO UPDATE SET status = 'completed', completed_at = now();
  UPDATE hitlai.human_testers h
     SET tests_completed = h.tests_completed + 1,
         total_earnings = h.total_earnings
                          + round(NEW.cost * h.revenue_share_pct / 100 / cardinality(testers), 2),
         average_rating = bench_plpgsql.tester_average_rating(h.id)
   WHERE h.id = ANY (testers);
  RETURN NULL;
END
$$;

CREATE TRIGGER t3_tester_stats AFTER UPDATE ON hitlai.test_runs
  FOR EACH ROW WHEN (NEW.status = 'completed' AND OLD.status <> 'completed')
  EXECUTE FUNCTION bench_plpgsql.tester_stats_on_complete();
CREATE TRIGGER t3_tester_stats_insert AFTER INSERT ON hitlai.test_runs
  FOR EACH ROW WHEN (NEW.status = 'completed')
  EXECUTE FUNCTION bench_plpgsql.tester_stats_on_complete();

-- A rating set or changed on an already completed run.
CREATE FUNCTION bench_plpgsql.tester_rating_changed() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  UPDATE hitlai.human_testers h
     SET average_rating = bench_plpgsql.tester_average_rating(h.id)
   WHERE h.id IN (SELECT a.tester_id FROM hitlai.tester_assignments a
                   WHERE a.test_run_id = NEW.id AND a.status = 'completed'
                   ORDER BY a.tester_id);
  RETURN NULL;
END
$$;

CREATE TRIGGER t3_tester_rating AFTER UPDATE OF company_ai_rating ON hitlai.test_runs
  FOR EACH ROW WHEN (OLD.status = 'completed' AND NEW.status = 'completed'
                     AND OLD.company_ai_rating IS DISTINCT FROM NEW.company_ai_rating)
  EXECUTE FUNCTION bench_plpgsql.tester_rating_changed();

-- A completed assignment removed (directly or by deleting its run).
CREATE FUNCTION bench_plpgsql.tester_assignment_gone() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  UPDATE hitlai.human_testers h
     SET average_rating = bench_plpgsql.tester_average_rating(h.id)
   WHERE h.id = OLD.tester_id;
  RETURN NULL;
END
$$;

CREATE TRIGGER t3_assignment_gone AFTER DELETE ON hitlai.tester_assignments
  FOR EACH ROW WHEN (OLD.status = 'completed')
  EXECUTE FUNCTION bench_plpgsql.tester_assignment_gone();
