-- Q1-Q4: monthly quota, rollover, unlimited, ON CONFLICT, errors; V1 insert side.
BEGIN;
SELECT plan(18);

INSERT INTO hitlai.companies (id, name, email, monthly_test_quota) VALUES
  ('00000000-0000-0000-0000-0000000000a1', 'Quota Co', 'q@q.io', 3),
  ('00000000-0000-0000-0000-0000000000a2', 'Free Co', 'u@u.io', NULL);

SELECT is(hitlai.remaining_quota('00000000-0000-0000-0000-0000000000a1'), 3, 'Q4: remaining_quota of a fresh company');
SELECT is(hitlai.remaining_quota('00000000-0000-0000-0000-0000000000a2'), NULL, 'Q4: NULL when unlimited');
INSERT INTO hitlai.test_runs (company_id, url, mission)
  SELECT '00000000-0000-0000-0000-0000000000a1', 'https://a.io', 'm' FROM generate_series(1, 2);
SELECT is((SELECT tests_used_this_month FROM hitlai.companies WHERE name = 'Quota Co'), 2, 'Q1: each run uses one test');
SELECT is(hitlai.remaining_quota('00000000-0000-0000-0000-0000000000a1'), 1, 'Q4: remaining_quota counts down');
SELECT throws_ok($$INSERT INTO hitlai.test_runs (company_id, url, mission)
                   SELECT '00000000-0000-0000-0000-0000000000a1', 'https://a.io', 'm' FROM generate_series(1, 2)$$,
                 'HL001', 'monthly test quota of company "Quota Co" exceeded', 'Q1: exceeding the quota raises HL001 naming the company');
CREATE FUNCTION pg_temp.detail(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE d text; BEGIN EXECUTE q; RETURN NULL;
EXCEPTION WHEN OTHERS THEN GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL; RETURN d; END $$;
SELECT is(pg_temp.detail($$INSERT INTO hitlai.test_runs (company_id, url, mission)
                   SELECT '00000000-0000-0000-0000-0000000000a1', 'https://a.io', 'm' FROM generate_series(1, 2)$$),
          'used 2 of 3 tests this month', 'Q1: DETAIL says used N of M tests this month');
SELECT is((SELECT (tests_used_this_month, stats_run_count) FROM hitlai.companies WHERE name = 'Quota Co'),
          (2, 2::bigint), 'Q1: a rejected statement moves no counter');
SELECT is((SELECT count(*) FROM hitlai.test_runs), 2::bigint, 'Q1: a rejected statement leaves no row');
INSERT INTO hitlai.test_runs (company_id, url, mission) VALUES ('00000000-0000-0000-0000-0000000000a1', 'https://a.io', 'm');
SELECT is(hitlai.remaining_quota('00000000-0000-0000-0000-0000000000a1'), 0, 'Q1: the last test of the quota can be used');

-- ON CONFLICT DO NOTHING: skipped rows use no quota
SELECT id AS existing FROM hitlai.test_runs LIMIT 1 \gset
UPDATE hitlai.companies SET monthly_test_quota = 10 WHERE name = 'Quota Co';
INSERT INTO hitlai.test_runs (id, company_id, url, mission)
  VALUES (:'existing', '00000000-0000-0000-0000-0000000000a1', 'https://a.io', 'm'),
         (gen_random_uuid(), '00000000-0000-0000-0000-0000000000a1', 'https://a.io', 'm')
  ON CONFLICT (id) DO NOTHING;
SELECT is((SELECT tests_used_this_month FROM hitlai.companies WHERE name = 'Quota Co'), 4,
          'Q1: rows skipped by ON CONFLICT DO NOTHING use no quota');

-- unlimited
INSERT INTO hitlai.test_runs (company_id, url, mission)
  SELECT '00000000-0000-0000-0000-0000000000a2', 'https://a.io', 'm' FROM generate_series(1, 50);
SELECT is((SELECT tests_used_this_month FROM hitlai.companies WHERE name = 'Free Co'), 50, 'Q1: unlimited quota counts but never rejects');

-- rollover (Q2): move the period back a month
UPDATE hitlai.companies SET usage_period_start = (usage_period_start - interval '1 month')::date,
                            monthly_test_quota = 4
 WHERE name = 'Quota Co';
SELECT is(hitlai.remaining_quota('00000000-0000-0000-0000-0000000000a1'), 4, 'Q4: an old period counts as 0');
INSERT INTO hitlai.test_runs (company_id, url, mission) VALUES ('00000000-0000-0000-0000-0000000000a1', 'https://a.io', 'm');
SELECT is((SELECT (tests_used_this_month, usage_period_start) FROM hitlai.companies WHERE name = 'Quota Co'),
          (1, date_trunc('month', now() AT TIME ZONE 'UTC')::date),
          'Q2: first insert of a new month resets usage and the period before counting');

-- Q3
UPDATE hitlai.companies SET usage_period_start = (usage_period_start - interval '2 months')::date;
UPDATE hitlai.companies SET usage_period_start = date_trunc('month', now() AT TIME ZONE 'UTC')::date WHERE name = 'Free Co';
SELECT is(hitlai.reset_monthly_usage(), 1, 'Q3: reset_monthly_usage resets only companies whose period is over');
SELECT is((SELECT array_agg(tests_used_this_month ORDER BY name) FROM hitlai.companies), ARRAY[50, 0],
          'Q3: the reset company is at 0, the other untouched');
SELECT throws_ok($$SELECT hitlai.remaining_quota(gen_random_uuid())$$, '22023', NULL,
                 'Q4: remaining_quota of an unknown company raises 22023');

-- Q1 of a one-run INSERT writes the company row without an UPDATE statement
-- (docs/internals.md, "Counter rows written without the executor"): a trigger on
-- companies does not fire for it, only T1's commit-time event is queued (its count is
-- checked in 22_milestones); the UPDATE of a statement of several runs still fires it.
CREATE TEMP TABLE seen (n int);
CREATE FUNCTION pg_temp.note() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN INSERT INTO seen VALUES (1); RETURN NULL; END $$;
CREATE TRIGGER zz_note AFTER UPDATE ON hitlai.companies FOR EACH ROW EXECUTE FUNCTION pg_temp.note();
INSERT INTO hitlai.test_runs (company_id, url, mission, cost, sentiment_score)
  VALUES ('00000000-0000-0000-0000-0000000000a2', 'https://a.io', 'm', 12.50, 0.25);
SELECT is((SELECT count(*) FROM seen) || '/' ||
          (SELECT (tests_used_this_month, stats_run_count, stats_cost_sum, stats_sentiment_sum,
                   stats_sentiment_count)::text FROM hitlai.companies WHERE name = 'Free Co'),
          '0/(51,51,12.50,0.25,1)', 'Q1/V1: one run counted without an UPDATE statement: no trigger on companies fires');
INSERT INTO hitlai.test_runs (company_id, url, mission)
  SELECT '00000000-0000-0000-0000-0000000000a2', 'https://a.io', 'm' FROM generate_series(1, 2);
SELECT is((SELECT count(*) FROM seen) || '/' ||
          (SELECT tests_used_this_month FROM hitlai.companies WHERE name = 'Free Co'),
          '1/53', 'Q1: the UPDATE of a statement of several runs still fires it');
DROP TRIGGER zz_note ON hitlai.companies;

SELECT * FROM finish();
ROLLBACK;
