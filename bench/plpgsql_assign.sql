-- M1 in PL/pgSQL, the fair comparison for hitlai.assign_testers (bench scenario
-- "assign"). Same arguments, checks, errors, criteria, eligibility, order and locking
-- (run row FOR NO KEY UPDATE, testers FOR NO KEY UPDATE SKIP LOCKED), the same indexes
-- of the database; what it does not have is hitlai's compiled, trigger-maintained
-- state: it finds each tester's open assignments and latest assignment time with a
-- LATERAL aggregate over tester_assignments (index on tester_id), as a team writing
-- this in PL/pgSQL without extra columns would. Because no row of human_testers changes
-- when an assignment is made, the open count is checked again after the locks (a
-- second statement, whose snapshot sees assignments committed meanwhile), so that
-- max_active holds under concurrency too.
CREATE SCHEMA IF NOT EXISTS bench_plpgsql;

CREATE FUNCTION bench_plpgsql.criteria_list(criteria jsonb, k text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE v jsonb := criteria -> k; out text[];
BEGIN
  IF jsonb_typeof(v) IS DISTINCT FROM 'array'
     OR EXISTS (SELECT 1 FROM jsonb_array_elements(v) e WHERE jsonb_typeof(e) <> 'string' OR e #>> '{}' = '') THEN
    RAISE EXCEPTION 'invalid criteria key "%": expected an array of non-empty strings', k USING ERRCODE = '22023';
  END IF;
  SELECT array_agg(e) INTO out FROM jsonb_array_elements_text(v) e;
  RETURN coalesce(out, '{}');
END $$;

CREATE FUNCTION bench_plpgsql.assign_testers(run_id uuid, wanted integer, criteria jsonb DEFAULT '{}')
RETURNS SETOF hitlai.tester_assignments
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  k text; v jsonb;
  company uuid; st text;
  max_active int := 3; langs text[]; countries text[]; devices text[]; platforms text[];
  lit text[]; min_rating numeric; min_tests bigint;
  cands uuid[];
BEGIN
  IF wanted IS NULL OR wanted < 1 OR wanted > 100 THEN
    RAISE EXCEPTION 'wanted must be between 1 and 100, got %', wanted USING ERRCODE = '22023';
  END IF;
  criteria := coalesce(criteria, '{}');
  IF jsonb_typeof(criteria) <> 'object' THEN
    RAISE EXCEPTION 'criteria must be a JSON object' USING ERRCODE = '22023';
  END IF;
  FOR k, v IN SELECT * FROM jsonb_each(criteria) LOOP
    CASE k
      WHEN 'languages' THEN langs := bench_plpgsql.criteria_list(criteria, k);
      WHEN 'platforms' THEN platforms := bench_plpgsql.criteria_list(criteria, k);
      WHEN 'countries' THEN
        countries := bench_plpgsql.criteria_list(criteria, k);
        IF NOT (SELECT bool_and(hitlai.is_country_code(c)) FROM unnest(countries) c) THEN
          RAISE EXCEPTION 'invalid criteria key "countries"' USING ERRCODE = '22023';
        END IF;
      WHEN 'devices' THEN
        devices := bench_plpgsql.criteria_list(criteria, k);
        IF NOT devices <@ '{desktop,mobile,tablet}'::text[] THEN
          RAISE EXCEPTION 'invalid criteria key "devices"' USING ERRCODE = '22023';
        END IF;
      WHEN 'min_tech_literacy' THEN
        IF jsonb_typeof(v) <> 'string' OR NOT (v #>> '{}') = ANY ('{low,medium,high,expert}') THEN
          RAISE EXCEPTION 'invalid criteria key "min_tech_literacy"' USING ERRCODE = '22023';
        END IF;
        lit := (ARRAY['low', 'medium', 'high', 'expert'])[array_position('{low,medium,high,expert}'::text[], v #>> '{}'):];
      WHEN 'min_rating' THEN
        IF jsonb_typeof(v) <> 'number' OR (v #>> '{}')::numeric NOT BETWEEN 0 AND 5 THEN
          RAISE EXCEPTION 'invalid criteria key "min_rating"' USING ERRCODE = '22023';
        END IF;
        min_rating := (v #>> '{}')::numeric;
      WHEN 'min_tests_completed' THEN
        IF jsonb_typeof(v) <> 'number' OR (v #>> '{}')::numeric <> trunc((v #>> '{}')::numeric) OR (v #>> '{}')::numeric < 0 THEN
          RAISE EXCEPTION 'invalid criteria key "min_tests_completed"' USING ERRCODE = '22023';
        END IF;
        min_tests := (v #>> '{}')::bigint;
      WHEN 'max_active' THEN
        IF jsonb_typeof(v) <> 'number' OR (v #>> '{}') !~ '^[0-9]+$' OR (v #>> '{}')::int NOT BETWEEN 1 AND 50 THEN
          RAISE EXCEPTION 'invalid criteria key "max_active"' USING ERRCODE = '22023';
        END IF;
        max_active := (v #>> '{}')::int;
      ELSE
        RAISE EXCEPTION 'unknown criteria key "%"', k USING ERRCODE = '22023';
    END CASE;
  END LOOP;

  SELECT r.company_id INTO company FROM hitlai.test_runs r WHERE r.id = run_id;
  IF NOT (SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = session_user) THEN
    IF company IS NULL OR NOT company = ANY (hitlai.member_company_ids('member')) THEN
      RAISE EXCEPTION 'permission denied to assign testers to this test run' USING ERRCODE = '42501';
    END IF;
  ELSIF company IS NULL THEN
    RAISE EXCEPTION 'unknown test run' USING ERRCODE = '22023';
  END IF;
  SELECT r.status INTO st FROM hitlai.test_runs r WHERE r.id = run_id FOR NO KEY UPDATE;
  IF st NOT IN ('pending', 'running') THEN
    RAISE EXCEPTION 'test run is %', st USING ERRCODE = '55000';
  END IF;

  SELECT array_agg(c.id ORDER BY c.n, c.la NULLS FIRST, c.average_rating DESC, c.id) INTO cands
    FROM (SELECT h.id, o.n, o.la, h.average_rating
            FROM hitlai.human_testers h
           CROSS JOIN LATERAL (
                 SELECT count(*) FILTER (WHERE a.status IN ('assigned', 'started')) AS n,
                        max(a.assigned_at) AS la
                   FROM hitlai.tester_assignments a WHERE a.tester_id = h.id) o
           WHERE h.is_verified
             AND o.n < max_active
             AND (langs IS NULL OR h.languages @> langs)
             AND (countries IS NULL OR h.location_country = ANY (countries))
             AND (devices IS NULL OR h.primary_device = ANY (devices))
             AND (platforms IS NULL OR h.previous_platforms && platforms)
             AND (lit IS NULL OR h.tech_literacy = ANY (lit))
             AND (min_rating IS NULL OR h.average_rating >= min_rating)
             AND (min_tests IS NULL OR h.tests_completed >= min_tests)
             AND NOT EXISTS (SELECT 1 FROM hitlai.tester_assignments a
                              WHERE a.test_run_id = run_id AND a.tester_id = h.id)
             AND NOT EXISTS (SELECT 1 FROM hitlai.company_members m
                              WHERE m.company_id = company AND m.user_id = h.user_id)
           ORDER BY o.n, o.la NULLS FIRST, h.average_rating DESC, h.id
           LIMIT wanted
           FOR NO KEY UPDATE OF h SKIP LOCKED) c;

  -- the open counts again, now that the testers are locked (fresh snapshot)
  RETURN QUERY
  INSERT INTO hitlai.tester_assignments (test_run_id, tester_id)
  SELECT run_id, t.id
    FROM unnest(cands) WITH ORDINALITY t(id, o)
   WHERE (SELECT count(*) FROM hitlai.tester_assignments a
           WHERE a.tester_id = t.id AND a.status IN ('assigned', 'started')) < max_active
   ORDER BY t.o
  RETURNING *;
END $$;
