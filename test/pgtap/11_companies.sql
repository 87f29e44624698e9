-- D1 companies: columns, types, NOT NULL, defaults, UNIQUE and CHECK constraints (Q2's
-- usage_period_start included). Rows are inserted as jsonb documents through
-- pg_temp.ins() so each bad row differs from a good one in exactly one column.
BEGIN;
SELECT plan(93);

\ir include/row_helpers.sql

-- The columns SPEC D1 gives: name, type, NOT NULL, default (NULL: no default).
CREATE TEMP TABLE spec (ord int, col name, typ text, nn boolean, def text) ON COMMIT DROP;
INSERT INTO spec VALUES
  ( 1, 'id',                    'uuid',                     true,  'gen_random_uuid()'),
  ( 2, 'name',                  'text',                     true,  NULL),
  ( 3, 'email',                 'text',                     true,  NULL),
  ( 4, 'industry',              'text',                     false, NULL),
  ( 5, 'company_size',          'text',                     false, NULL),
  ( 6, 'tests_used_this_month', 'integer',                  true,  '0'),
  ( 7, 'monthly_test_quota',    'integer',                  false, '10'),
  ( 8, 'plan_type',             'text',                     true,  'free'),
  ( 9, 'stripe_customer_id',    'text',                     false, NULL),
  (10, 'early_adopter_tier',    'text',                     false, NULL),
  (11, 'discount_percentage',   'numeric(5,2)',             true,  '0'),
  (12, 'created_at',            'timestamp with time zone', true,  'now()'),
  (13, 'usage_period_start',    'date',                     true,
       '(date_trunc(''month''::text, timezone(''UTC''::text, now())))::date');

SELECT has_table('hitlai', 'companies', 'D1: table hitlai.companies exists');
SELECT has_pk('hitlai', 'companies', 'D1: companies has a primary key');
SELECT col_is_pk('hitlai', 'companies', 'id', 'D: companies.id is the primary key');
SELECT is_empty($$
  SELECT attname FROM pg_attribute
   WHERE attrelid = 'hitlai.companies'::regclass AND attnum > 0 AND NOT attisdropped
     AND attname NOT IN (SELECT col FROM spec) AND attname !~ '^stats_'$$,
  'D1: companies has no column beyond SPEC''s (except stats_* state columns)');
SELECT has_column('hitlai', 'companies', col, format('D1: companies.%s exists', col))
  FROM spec ORDER BY ord;
SELECT col_type_is('hitlai', 'companies', col, typ, format('D1: companies.%s is %s', col, typ))
  FROM spec ORDER BY ord;
SELECT CASE WHEN nn THEN col_not_null('hitlai', 'companies', col, format('D1: companies.%s is NOT NULL', col))
            ELSE col_is_null('hitlai', 'companies', col, format('D1: companies.%s is nullable', col)) END
  FROM spec ORDER BY ord;
SELECT CASE WHEN def IS NULL
            THEN col_hasnt_default('hitlai', 'companies', col, format('D1: companies.%s has no default', col))
            ELSE col_default_is('hitlai', 'companies', col, def, format('D1: companies.%s defaults to %s', col, def)) END
  FROM spec ORDER BY ord;

-- Q2/D1: the default of usage_period_start is the first day of the current month in UTC,
-- whatever the session's time zone. now() can't be moved, so the stored default
-- expression is evaluated with now() replaced by instants next to a month boundary.
CREATE FUNCTION pg_temp.period_default_at(ts timestamptz, zone text) RETURNS date
  LANGUAGE plpgsql AS $$
DECLARE
  expr text;
  result date;
BEGIN
  SELECT pg_get_expr(d.adbin, d.adrelid) INTO STRICT expr
    FROM pg_attrdef d JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
   WHERE d.adrelid = 'hitlai.companies'::regclass AND a.attname = 'usage_period_start';
  PERFORM set_config('timezone', zone, true);
  EXECUTE 'SELECT ' || replace(expr, 'now()', quote_literal(ts) || '::timestamptz') INTO result;
  RETURN result;
END $$;
SELECT is(pg_temp.period_default_at('2026-01-31 23:30:00+00', 'Pacific/Kiritimati'), date '2026-01-01',
          'Q2/D1: usage_period_start default is the UTC month (UTC Jan 31 23:30 is Feb 1 in UTC+14)');
SELECT is(pg_temp.period_default_at('2026-02-01 00:30:00+00', 'Pacific/Pago_Pago'), date '2026-02-01',
          'Q2/D1: usage_period_start default is the UTC month (UTC Feb 1 00:30 is Jan 31 in UTC-11)');
SET LOCAL timezone = 'Pacific/Kiritimati';

-- Behaviour. Base row: valid; each test changes one column.
INSERT INTO hitlai.companies (id, name, email, monthly_test_quota)
VALUES ('00000000-0000-0000-0000-0000000000c1', 'Acme', 'base@d1.test', NULL);
SELECT is((SELECT usage_period_start FROM hitlai.companies WHERE email = 'base@d1.test'),
          (date_trunc('month', now() AT TIME ZONE 'UTC'))::date,
          'Q2/D1: an inserted company gets usage_period_start = first day of this UTC month (session in UTC+14)');
SELECT is((SELECT row(tests_used_this_month, plan_type, discount_percentage, created_at = now())::text
             FROM hitlai.companies WHERE email = 'base@d1.test'),
          row(0, 'free', 0.00, true)::text, 'D1: defaults are applied on insert');
RESET timezone;

-- NOT NULL (23502), for every NOT NULL column.
SELECT pg_temp.rejects_null('companies', '{"name": "N", "email": "nn@d1.test"}', col,
                            format('D1: companies.%s NULL is rejected with 23502', col))
  FROM spec WHERE nn ORDER BY ord;

-- CHECKs (23514) and boundary values.
SELECT pg_temp.rejects_check('companies', '{"name": "X", "email": "c1@d1.test", "tests_used_this_month": -1}',
  'companies_tests_used_this_month_check', 'D1: tests_used_this_month -1 rejected (>= 0)');
SELECT pg_temp.accepts('companies', '{"name": "X", "email": "ok1@d1.test", "tests_used_this_month": 0}',
  'D1: tests_used_this_month 0 accepted');
SELECT pg_temp.rejects_check('companies', '{"name": "X", "email": "c2@d1.test", "monthly_test_quota": -1}',
  'companies_monthly_test_quota_check', 'D1: monthly_test_quota -1 rejected (>= 0)');
SELECT pg_temp.accepts('companies', '{"name": "X", "email": "ok2@d1.test", "monthly_test_quota": 0}',
  'D1: monthly_test_quota 0 accepted');
SELECT pg_temp.accepts('companies', '{"name": "X", "email": "ok3@d1.test", "monthly_test_quota": null}',
  'D1/Q1: monthly_test_quota NULL (unlimited) accepted');
SELECT pg_temp.rejects_check('companies', '{"name": "X", "email": "c3@d1.test", "plan_type": "gold"}',
  'companies_plan_type_check', 'D1: plan_type ''gold'' rejected');
SELECT pg_temp.rejects_check('companies', '{"name": "X", "email": "c4@d1.test", "plan_type": "Free"}',
  'companies_plan_type_check', 'D1: plan_type is case-sensitive (''Free'' rejected)');
SELECT pg_temp.accepts('companies', jsonb_build_object('name', 'X', 'email', p || '@plan.d1.test', 'plan_type', p),
  format('D1: plan_type ''%s'' accepted', p))
  FROM unnest(ARRAY['free', 'starter', 'pro', 'enterprise']) AS p;
SELECT pg_temp.rejects_check('companies', '{"name": "X", "email": "c5@d1.test", "discount_percentage": -0.01}',
  'companies_discount_percentage_check', 'D1: discount_percentage -0.01 rejected (0..100)');
SELECT pg_temp.rejects_check('companies', '{"name": "X", "email": "c6@d1.test", "discount_percentage": 100.01}',
  'companies_discount_percentage_check', 'D1: discount_percentage 100.01 rejected (0..100)');
SELECT pg_temp.accepts('companies', '{"name": "X", "email": "ok4@d1.test", "discount_percentage": 0}',
  'D1: discount_percentage 0 accepted');
SELECT pg_temp.accepts('companies', '{"name": "X", "email": "ok5@d1.test", "discount_percentage": 100}',
  'D1: discount_percentage 100 accepted');
SELECT throws_ok(pg_temp.ins('companies', '{"name": "X", "email": "c7@d1.test", "discount_percentage": 1000}'),
  '22003', NULL, 'D1: discount_percentage is numeric(5,2): 1000 overflows (22003)');
SELECT pg_temp.rejects_check('companies', '{"name": "X", "email": "c8@d1.test", "usage_period_start": "2026-01-15"}',
  'companies_usage_period_start_check', 'Q2: usage_period_start must be the first day of a month');
SELECT pg_temp.accepts('companies', '{"name": "X", "email": "ok6@d1.test", "usage_period_start": "2026-01-01"}',
  'Q2: usage_period_start on the first day of a month accepted');

-- UNIQUE (23505).
SELECT col_is_unique('hitlai', 'companies', 'email', 'D1: companies.email is UNIQUE');
SELECT col_is_unique('hitlai', 'companies', 'stripe_customer_id', 'D1: companies.stripe_customer_id is UNIQUE');
SELECT pg_temp.rejects_dup('companies', '{"name": "Other", "email": "base@d1.test"}',
  'companies_email_key', 'D1: a second company with the same email is rejected with 23505');
SELECT pg_temp.accepts('companies', '{"name": "S1", "email": "s1@d1.test", "stripe_customer_id": "cus_1"}',
  'D1: a stripe_customer_id accepted');
SELECT pg_temp.rejects_dup('companies', '{"name": "S2", "email": "s2@d1.test", "stripe_customer_id": "cus_1"}',
  'companies_stripe_customer_id_key', 'D1: a duplicate stripe_customer_id is rejected with 23505');
SELECT pg_temp.accepts('companies', '{"name": "S3", "email": "s3@d1.test", "stripe_customer_id": null}',
  'D1: several companies without a stripe_customer_id are fine (NULLs are distinct)');

-- Nothing but the accepted rows was written.
SELECT is((SELECT count(*) FROM hitlai.companies WHERE email LIKE '%d1.test'), 13::bigint,
          'D1: rejected rows wrote nothing (1 base + 12 accepted rows)');

SELECT * FROM finish();
ROLLBACK;
