-- Q1-Q4: monthly quota. Statement-level AFTER INSERT trigger with a transition table:
-- rows skipped by ON CONFLICT DO NOTHING are not in it (they use no quota), and a
-- multi-row INSERT locks and updates each company row once, in id order (lock order:
-- companies by id). Raising HL001 aborts the statement, so nothing is half-written.

CREATE FUNCTION bench_plpgsql.current_period() RETURNS date
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
RETURN (date_trunc('month', now() AT TIME ZONE 'UTC'))::date;

CREATE FUNCTION bench_plpgsql.quota_on_insert() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  p date := bench_plpgsql.current_period();
  over record;
BEGIN
  -- Lock the companies of the inserted runs in id order (no deadlock between bulk
  -- inserts). NO KEY UPDATE, not UPDATE: the INSERT already holds KEY SHARE on them
  -- (foreign key check), and two inserters upgrading to FOR UPDATE would deadlock.
  PERFORM 1 FROM hitlai.companies c
   WHERE c.id IN (SELECT company_id FROM new_runs)
   ORDER BY c.id FOR NO KEY UPDATE;
  -- Q2 (roll over a finished month) and Q1 (count) in one UPDATE per statement.
  WITH n AS (SELECT company_id, count(*)::integer AS cnt FROM new_runs GROUP BY company_id),
       u AS (
         UPDATE hitlai.companies c
            SET tests_used_this_month =
                  CASE WHEN c.usage_period_start < p THEN 0 ELSE c.tests_used_this_month END + n.cnt,
                usage_period_start = greatest(c.usage_period_start, p)
           FROM n
          WHERE c.id = n.company_id
         RETURNING c.name, c.monthly_test_quota, c.tests_used_this_month, n.cnt)
  SELECT * INTO over FROM u
   WHERE u.monthly_test_quota IS NOT NULL AND u.tests_used_this_month > u.monthly_test_quota
   LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'monthly test quota of company "%" exceeded', over.name
      USING ERRCODE = 'HL001',
            DETAIL = format('used %s of %s tests this month',
                            over.tests_used_this_month - over.cnt, over.monthly_test_quota);
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER q1_quota AFTER INSERT ON hitlai.test_runs
  REFERENCING NEW TABLE AS new_runs
  FOR EACH STATEMENT EXECUTE FUNCTION bench_plpgsql.quota_on_insert();

-- Q3
CREATE FUNCTION bench_plpgsql.reset_monthly_usage() RETURNS integer
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  p date := bench_plpgsql.current_period();
  n integer;
BEGIN
  UPDATE hitlai.companies SET tests_used_this_month = 0, usage_period_start = p
   WHERE usage_period_start < p;
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END
$$;

-- Q4
CREATE FUNCTION bench_plpgsql.remaining_quota(company uuid) RETURNS integer
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
RETURN (SELECT CASE WHEN c.monthly_test_quota IS NULL THEN NULL
                    ELSE greatest(c.monthly_test_quota
                                  - CASE WHEN c.usage_period_start < bench_plpgsql.current_period()
                                         THEN 0 ELSE c.tests_used_this_month END, 0) END
          FROM hitlai.companies c WHERE c.id = company);
