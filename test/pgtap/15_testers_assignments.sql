-- D5 human_testers and D6 tester_assignments: columns, UNIQUE user_id/email, the seed
-- and SPEC CHECKs (age, location_country ISO alpha-2, tech_literacy, primary_device,
-- ratings, percentages), FKs of assignments (both ON DELETE CASCADE), UNIQUE(run, tester).
BEGIN;
SELECT plan(211);

\ir include/row_helpers.sql
\ir include/spec_helpers.sql

INSERT INTO spec VALUES
  ('human_testers',  1, 'id',                   'uuid',                     true,  'gen_random_uuid()'),
  ('human_testers',  2, 'user_id',              'uuid',                     true,  NULL),
  ('human_testers',  3, 'email',                'text',                     true,  NULL),
  ('human_testers',  4, 'display_name',         'text',                     true,  NULL),
  ('human_testers',  5, 'age',                  'integer',                  false, NULL),
  ('human_testers',  6, 'gender',               'text',                     false, NULL),
  ('human_testers',  7, 'occupation',           'text',                     false, NULL),
  ('human_testers',  8, 'education_level',      'text',                     false, NULL),
  ('human_testers',  9, 'location_country',     'text',                     false, NULL),
  ('human_testers', 10, 'tech_literacy',        'text',                     false, NULL),
  ('human_testers', 11, 'primary_device',       'text',                     false, NULL),
  ('human_testers', 12, 'languages',            'text[]',                   true,  '{}'),
  ('human_testers', 13, 'years_of_testing_exp', 'integer',                  false, NULL),
  ('human_testers', 14, 'previous_platforms',   'text[]',                   true,  '{}'),
  ('human_testers', 15, 'is_verified',          'boolean',                  true,  'false'),
  ('human_testers', 16, 'average_rating',       'numeric(3,2)',             true,  '0'),
  ('human_testers', 17, 'tests_completed',      'integer',                  true,  '0'),
  ('human_testers', 18, 'total_earnings',       'numeric(12,2)',            true,  '0'),
  ('human_testers', 19, 'founding_tester_tier', 'text',                     false, NULL),
  ('human_testers', 20, 'revenue_share_pct',    'numeric(5,2)',             true,  '70'),
  ('human_testers', 21, 'equity_percentage',    'numeric(7,4)',             true,  '0'),
  ('human_testers', 22, 'created_at',           'timestamp with time zone', true,  'now()'),
  ('tester_assignments', 1, 'id',           'uuid',                     true,  'gen_random_uuid()'),
  ('tester_assignments', 2, 'test_run_id',  'uuid',                     true,  NULL),
  ('tester_assignments', 3, 'tester_id',    'uuid',                     true,  NULL),
  ('tester_assignments', 4, 'assigned_at',  'timestamp with time zone', true,  'now()'),
  ('tester_assignments', 5, 'started_at',   'timestamp with time zone', false, NULL),
  ('tester_assignments', 6, 'completed_at', 'timestamp with time zone', false, NULL),
  ('tester_assignments', 7, 'status',       'text',                     true,  'assigned');
SELECT pg_temp.column_tests('human_testers', 'D5');
SELECT pg_temp.column_tests('tester_assignments', 'D6');

-- D5 behaviour. Each accepted row needs its own user_id and email.
CREATE FUNCTION pg_temp.tester(n int, extra jsonb DEFAULT '{}') RETURNS jsonb LANGUAGE sql AS $$
  SELECT jsonb_build_object('user_id', format('00000000-0000-0000-0001-%s', lpad(n::text, 12, '0')),
                            'email', format('t%s@d5.test', n), 'display_name', format('Tester %s', n)) || extra
$$;
SELECT pg_temp.accepts('human_testers', pg_temp.tester(1), 'D5: a minimal tester (user_id, email, display_name) is accepted');
SELECT is((SELECT row(languages, previous_platforms, is_verified, average_rating, tests_completed, total_earnings,
                      revenue_share_pct, equity_percentage, created_at = now())::text
             FROM hitlai.human_testers WHERE email = 't1@d5.test'),
          row('{}'::text[], '{}'::text[], false, 0.00, 0, 0.00, 70.00, 0.0000, true)::text,
          'D5: defaults are applied on insert ({}, {}, false, 0, 0, 0, 70, 0, now())');
SELECT pg_temp.not_null_tests('human_testers', pg_temp.tester(2), 'D5');

SELECT pg_temp.rejects_check('human_testers', pg_temp.tester(3, '{"age": 17}'), 'human_testers_age_check',
                             'D5 (seed): age 17 rejected (>= 18)');
SELECT pg_temp.accepts('human_testers', pg_temp.tester(4, '{"age": 18}'), 'D5: age 18 accepted');
SELECT pg_temp.rejects_check('human_testers', pg_temp.tester(5, jsonb_build_object('location_country', v)),
                             'human_testers_location_country_check',
                             format('D5: location_country %L rejected (ISO 3166-1 alpha-2, upper case)', v))
  FROM unnest(ARRAY['de', 'XX', 'DEU', 'De', 'D', '', ' DE', 'UK']) AS v;
SELECT pg_temp.accepts('human_testers', pg_temp.tester(n, jsonb_build_object('location_country', v)),
                       format('D5: location_country %L accepted', v))
  FROM (VALUES (6, 'DE'), (7, 'US'), (8, 'GB'), (9, 'BR')) v(n, v);
SELECT pg_temp.accepts('human_testers', pg_temp.tester(10, '{"location_country": null}'),
                       'D5: location_country NULL accepted');
SELECT pg_temp.rejects_check('human_testers', pg_temp.tester(11, '{"tech_literacy": "guru"}'),
                             'human_testers_tech_literacy_check', 'D5: tech_literacy ''guru'' rejected');
SELECT pg_temp.accepts('human_testers', pg_temp.tester(n, jsonb_build_object('tech_literacy', v)),
                       format('D5: tech_literacy %L accepted', v))
  FROM (VALUES (12, 'low'), (13, 'medium'), (14, 'high'), (15, 'expert')) v(n, v);
SELECT pg_temp.rejects_check('human_testers', pg_temp.tester(16, '{"primary_device": "watch"}'),
                             'human_testers_primary_device_check', 'D5: primary_device ''watch'' rejected');
SELECT pg_temp.accepts('human_testers', pg_temp.tester(n, jsonb_build_object('primary_device', v)),
                       format('D5: primary_device %L accepted', v))
  FROM (VALUES (17, 'desktop'), (18, 'mobile'), (19, 'tablet')) v(n, v);
SELECT pg_temp.rejects_check('human_testers', pg_temp.tester(20, '{"years_of_testing_exp": -1}'),
                             'human_testers_years_of_testing_exp_check', 'D5: years_of_testing_exp -1 rejected (>= 0)');
SELECT pg_temp.accepts('human_testers', pg_temp.tester(21, '{"years_of_testing_exp": 0}'),
                       'D5: years_of_testing_exp 0 accepted');
SELECT pg_temp.rejects_check('human_testers', pg_temp.tester(n, jsonb_build_object(c, v)), k,
                             format('D5 (seed/SPEC): %s %s rejected', c, v))
  FROM (VALUES (22, 'average_rating', -0.01, 'human_testers_average_rating_check'),
               (23, 'average_rating', 5.01, 'human_testers_average_rating_check'),
               (24, 'revenue_share_pct', -0.01, 'human_testers_revenue_share_pct_check'),
               (25, 'revenue_share_pct', 100.01, 'human_testers_revenue_share_pct_check'),
               (26, 'equity_percentage', -0.0001, 'human_testers_equity_percentage_check'),
               (27, 'equity_percentage', 100.0001, 'human_testers_equity_percentage_check')) v(n, c, v, k);
SELECT pg_temp.accepts('human_testers', pg_temp.tester(n, jsonb_build_object(c, v)),
                       format('D5: %s %s accepted', c, v))
  FROM (VALUES (28, 'average_rating', 0), (29, 'average_rating', 5),
               (30, 'revenue_share_pct', 0), (31, 'revenue_share_pct', 100),
               (32, 'equity_percentage', 0), (33, 'equity_percentage', 100)) v(n, c, v);

SELECT col_is_unique('hitlai', 'human_testers', 'user_id', 'D5: human_testers.user_id is UNIQUE');
SELECT col_is_unique('hitlai', 'human_testers', 'email', 'D5: human_testers.email is UNIQUE');
SELECT pg_temp.rejects_dup('human_testers', pg_temp.tester(1, '{"email": "other@d5.test"}'),
                           'human_testers_user_id_key', 'D5: a second profile for the same user_id is rejected with 23505');
SELECT pg_temp.rejects_dup('human_testers', pg_temp.tester(34, '{"email": "t1@d5.test"}'),
                           'human_testers_email_key', 'D5: a second tester with the same email is rejected with 23505');
SELECT is((SELECT count(*) FROM hitlai.human_testers WHERE email LIKE '%@d5.test'),
          21::bigint, 'D5: rejected rows wrote nothing (21 accepted rows)');

-- D6 tester_assignments
SELECT fk_ok('hitlai', 'tester_assignments', 'test_run_id', 'hitlai', 'test_runs', 'id',
             'D6: tester_assignments.test_run_id references test_runs(id)');
SELECT fk_ok('hitlai', 'tester_assignments', 'tester_id', 'hitlai', 'human_testers', 'id',
             'D6: tester_assignments.tester_id references human_testers(id)');
SELECT is(pg_temp.fk_action('tester_assignments', 'test_run_id'), 'c'::"char",
          'D6: tester_assignments.test_run_id is ON DELETE CASCADE (pg_constraint.confdeltype)');
SELECT is(pg_temp.fk_action('tester_assignments', 'tester_id'), 'c'::"char",
          'D6: tester_assignments.tester_id is ON DELETE CASCADE (pg_constraint.confdeltype)');

INSERT INTO hitlai.companies (id, name, email, monthly_test_quota) VALUES
  ('00000000-0000-0000-0000-0000000000c1', 'Acme', 'acme@d6.test', NULL);
INSERT INTO hitlai.test_runs (id, company_id, url, mission, test_type)
  SELECT format('00000000-0000-0000-0000-0000000000d%s', n)::uuid, '00000000-0000-0000-0000-0000000000c1',
         'https://acme.example/', 'Run ' || n, 'human'
    FROM generate_series(1, 7) n;
INSERT INTO hitlai.human_testers (id, user_id, email, display_name)
  SELECT format('00000000-0000-0000-0000-0000000000e%s', n)::uuid,
         format('00000000-0000-0000-0002-0000000000e%s', n)::uuid, format('e%s@d6.test', n), 'E' || n
    FROM generate_series(1, 3) n;
CREATE FUNCTION pg_temp.assignment(run int, tester int, extra jsonb DEFAULT '{}') RETURNS jsonb LANGUAGE sql AS $$
  SELECT jsonb_build_object('test_run_id', format('00000000-0000-0000-0000-0000000000d%s', run),
                            'tester_id', format('00000000-0000-0000-0000-0000000000e%s', tester)) || extra
$$;
SELECT pg_temp.accepts('tester_assignments', pg_temp.assignment(1, 1), 'D6: an assignment (run, tester) is accepted');
SELECT is((SELECT row(status, assigned_at = now(), started_at, completed_at)::text FROM hitlai.tester_assignments
            WHERE test_run_id = '00000000-0000-0000-0000-0000000000d1'),
          row('assigned', true, NULL::timestamptz, NULL::timestamptz)::text,
          'D6: defaults are applied on insert (assigned, assigned_at = now())');
SELECT pg_temp.not_null_tests('tester_assignments', pg_temp.assignment(1, 2), 'D6');
SELECT throws_ok(pg_temp.ins('tester_assignments', pg_temp.assignment(1, 9)),
  '23503', NULL, 'D6: an assignment of a tester that does not exist is rejected with 23503');
SELECT throws_ok(pg_temp.ins('tester_assignments', pg_temp.assignment(9, 1)),
  '23503', NULL, 'D6: an assignment to a run that does not exist is rejected with 23503');
SELECT pg_temp.rejects_check('tester_assignments', pg_temp.assignment(2, 1, jsonb_build_object('status', v)),
                             'tester_assignments_status_check', format('D6: status %L rejected', v))
  FROM unnest(ARRAY['done', 'Assigned', 'pending']) AS v;
SELECT pg_temp.accepts('tester_assignments', pg_temp.assignment(n, 1, jsonb_build_object('status', v)),
                       format('D6: status %L accepted', v))
  FROM (VALUES (3, 'assigned'), (4, 'started'), (5, 'completed'), (6, 'declined'), (7, 'expired')) v(n, v);
SELECT col_is_unique('hitlai', 'tester_assignments', ARRAY['test_run_id', 'tester_id']::name[],
                     'D6: UNIQUE(test_run_id, tester_id)');
SELECT pg_temp.rejects_dup('tester_assignments', pg_temp.assignment(1, 1, '{"status": "started"}'),
                           'tester_assignments_test_run_id_tester_id_key',
                           'D6: the same tester twice on one run is rejected with 23505');
SELECT pg_temp.accepts('tester_assignments', pg_temp.assignment(1, 2), 'D6: a second tester on the same run is accepted');
SELECT pg_temp.accepts('tester_assignments', pg_temp.assignment(1, 3), 'D6: a third tester on the same run is accepted');
SELECT is((SELECT count(*) FROM hitlai.tester_assignments a JOIN hitlai.test_runs r ON r.id = a.test_run_id
            WHERE r.company_id = '00000000-0000-0000-0000-0000000000c1'),
          8::bigint, 'D6: rejected rows wrote nothing (8 accepted rows)');

-- ON DELETE CASCADE by behaviour, from both parents.
DELETE FROM hitlai.test_runs WHERE id = '00000000-0000-0000-0000-0000000000d1';
SELECT is((SELECT count(*) FROM hitlai.tester_assignments WHERE test_run_id = '00000000-0000-0000-0000-0000000000d1'),
          0::bigint, 'D6: deleting a run deletes its assignments (ON DELETE CASCADE)');
DELETE FROM hitlai.human_testers WHERE id = '00000000-0000-0000-0000-0000000000e1';
SELECT is((SELECT count(*) FROM hitlai.tester_assignments WHERE tester_id = '00000000-0000-0000-0000-0000000000e1'),
          0::bigint, 'D6: deleting a tester deletes its assignments (ON DELETE CASCADE)');
SELECT is((SELECT count(*) FROM hitlai.test_runs WHERE id = '00000000-0000-0000-0000-0000000000d3'),
          1::bigint, 'D6: deleting a tester keeps the runs it was assigned to');

SELECT * FROM finish();
ROLLBACK;
