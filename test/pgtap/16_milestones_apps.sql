-- D7 milestones, D8 early_adopter_apps, D9 founding_tester_apps: columns, UNIQUE phase,
-- CHECKs with boundary values (tests_required > 0, volumes/years >= 0, availability 0..168,
-- application status). The status CHECK of the applications is exercised by UPDATE (a
-- privileged reviewer setting it), because A2 may force status to pending on INSERT.
BEGIN;
SELECT plan(241);

\ir include/row_helpers.sql
\ir include/spec_helpers.sql

INSERT INTO spec VALUES
  ('milestones', 1, 'id',              'uuid',                     true,  'gen_random_uuid()'),
  ('milestones', 2, 'phase',           'text',                     true,  NULL),
  ('milestones', 3, 'tests_required',  'integer',                  true,  NULL),
  ('milestones', 4, 'tests_completed', 'integer',                  true,  '0'),
  ('milestones', 5, 'is_unlocked',     'boolean',                  true,  'false'),
  ('milestones', 6, 'unlocked_at',     'timestamp with time zone', false, NULL),
  ('milestones', 7, 'created_at',      'timestamp with time zone', true,  'now()'),
  ('milestones', 8, 'updated_at',      'timestamp with time zone', true,  'now()'),
  ('early_adopter_apps',  1, 'id',                  'uuid',                     true,  'gen_random_uuid()'),
  ('early_adopter_apps',  2, 'company_name',        'text',                     true,  NULL),
  ('early_adopter_apps',  3, 'contact_name',        'text',                     true,  NULL),
  ('early_adopter_apps',  4, 'email',               'text',                     true,  NULL),
  ('early_adopter_apps',  5, 'phone',               'text',                     false, NULL),
  ('early_adopter_apps',  6, 'website',             'text',                     false, NULL),
  ('early_adopter_apps',  7, 'company_size',        'text',                     false, NULL),
  ('early_adopter_apps',  8, 'industry',            'text',                     false, NULL),
  ('early_adopter_apps',  9, 'monthly_test_volume', 'integer',                  false, NULL),
  ('early_adopter_apps', 10, 'current_approach',    'text',                     false, NULL),
  ('early_adopter_apps', 11, 'why_interested',      'text',                     false, NULL),
  ('early_adopter_apps', 12, 'selected_tier',       'text',                     true,  NULL),
  ('early_adopter_apps', 13, 'status',              'text',                     true,  'pending'),
  ('early_adopter_apps', 14, 'reviewed_by',         'uuid',                     false, NULL),
  ('early_adopter_apps', 15, 'reviewed_at',         'timestamp with time zone', false, NULL),
  ('early_adopter_apps', 16, 'created_at',          'timestamp with time zone', true,  'now()'),
  ('founding_tester_apps',  1, 'id',                  'uuid',                     true,  'gen_random_uuid()'),
  ('founding_tester_apps',  2, 'full_name',           'text',                     true,  NULL),
  ('founding_tester_apps',  3, 'email',               'text',                     true,  NULL),
  ('founding_tester_apps',  4, 'phone',               'text',                     false, NULL),
  ('founding_tester_apps',  5, 'location',            'text',                     false, NULL),
  ('founding_tester_apps',  6, 'linkedin_url',        'text',                     false, NULL),
  ('founding_tester_apps',  7, 'portfolio_url',       'text',                     false, NULL),
  ('founding_tester_apps',  8, 'years_experience',    'integer',                  false, NULL),
  ('founding_tester_apps',  9, 'specialties',         'text[]',                   true,  '{}'),
  ('founding_tester_apps', 10, 'platforms',           'text[]',                   true,  '{}'),
  ('founding_tester_apps', 11, 'availability_hours',  'integer',                  false, NULL),
  ('founding_tester_apps', 12, 'why_interested',      'text',                     false, NULL),
  ('founding_tester_apps', 13, 'relevant_experience', 'text',                     false, NULL),
  ('founding_tester_apps', 14, 'sample_work_url',     'text',                     false, NULL),
  ('founding_tester_apps', 15, 'selected_tier',       'text',                     true,  NULL),
  ('founding_tester_apps', 16, 'status',              'text',                     true,  'pending'),
  ('founding_tester_apps', 17, 'reviewed_by',         'uuid',                     false, NULL),
  ('founding_tester_apps', 18, 'reviewed_at',         'timestamp with time zone', false, NULL),
  ('founding_tester_apps', 19, 'created_at',          'timestamp with time zone', true,  'now()');
SELECT pg_temp.column_tests('milestones', 'D7');
SELECT pg_temp.column_tests('early_adopter_apps', 'D8');
SELECT pg_temp.column_tests('founding_tester_apps', 'D9');

-- D7 milestones
SELECT pg_temp.accepts('milestones', '{"phase": "d7-alpha", "tests_required": 1}',
                       'D7: tests_required 1 accepted (> 0)');
SELECT is((SELECT row(tests_completed, is_unlocked, unlocked_at, created_at = now(), updated_at = now())::text
             FROM hitlai.milestones WHERE phase = 'd7-alpha'),
          row(0, false, NULL::timestamptz, true, true)::text, 'D7: defaults are applied on insert');
SELECT pg_temp.not_null_tests('milestones', '{"phase": "d7-nn", "tests_required": 5}', 'D7');
SELECT pg_temp.rejects_check('milestones', jsonb_build_object('phase', 'd7-bad', 'tests_required', v),
                             'milestones_tests_required_check', format('D7: tests_required %s rejected (> 0)', v))
  FROM unnest(ARRAY[0, -1]) AS v;
SELECT col_is_unique('hitlai', 'milestones', 'phase', 'D7: milestones.phase is UNIQUE');
SELECT pg_temp.rejects_dup('milestones', '{"phase": "d7-alpha", "tests_required": 2}', 'milestones_phase_key',
                           'D7: a second milestone with the same phase is rejected with 23505');
SELECT is((SELECT count(*) FROM hitlai.milestones WHERE phase LIKE 'd7-%'), 1::bigint,
          'D7: rejected rows wrote nothing');

-- D8 early_adopter_apps
CREATE TEMP TABLE base ON COMMIT DROP AS
  SELECT '{"company_name": "Acme", "contact_name": "Ann", "email": "ann@d8.test", "selected_tier": "pioneer"}'::jsonb AS ea,
         '{"full_name": "Bob", "email": "bob@d9.test", "selected_tier": "founder"}'::jsonb AS ft;
SELECT pg_temp.accepts('early_adopter_apps', ea, 'D8: a minimal application is accepted') FROM base;
SELECT is((SELECT row(status, reviewed_by, reviewed_at, created_at = now())::text
             FROM hitlai.early_adopter_apps WHERE email = 'ann@d8.test'),
          row('pending', NULL::uuid, NULL::timestamptz, true)::text, 'D8: defaults are applied on insert (pending)');
SELECT pg_temp.not_null_tests('early_adopter_apps', ea, 'D8') FROM base;
SELECT pg_temp.rejects_check('early_adopter_apps', ea || '{"monthly_test_volume": -1}',
                             'early_adopter_apps_monthly_test_volume_check', 'D8: monthly_test_volume -1 rejected (>= 0)')
  FROM base;
SELECT pg_temp.accepts('early_adopter_apps', ea || '{"monthly_test_volume": 0}', 'D8: monthly_test_volume 0 accepted')
  FROM base;
SELECT throws_ok(format($$UPDATE hitlai.early_adopter_apps SET status = %L WHERE email = 'ann@d8.test'$$, v),
                 '23514', 'new row for relation "early_adopter_apps" violates check constraint "early_adopter_apps_status_check"',
                 format('D8: status %L rejected', v))
  FROM unnest(ARRAY['accepted', 'Pending', '']) AS v;
SELECT lives_ok(format($$UPDATE hitlai.early_adopter_apps SET status = %L WHERE email = 'ann@d8.test'$$, v),
                format('D8: status %L accepted', v))
  FROM unnest(ARRAY['approved', 'rejected', 'waitlisted', 'pending']) AS v;
SELECT is((SELECT count(*) FROM hitlai.early_adopter_apps WHERE email = 'ann@d8.test'), 2::bigint,
          'D8: rejected rows wrote nothing (2 accepted rows)');

-- D9 founding_tester_apps
SELECT pg_temp.accepts('founding_tester_apps', ft, 'D9: a minimal application is accepted') FROM base;
SELECT is((SELECT row(status, specialties, platforms, reviewed_by, reviewed_at, created_at = now())::text
             FROM hitlai.founding_tester_apps WHERE email = 'bob@d9.test'),
          row('pending', '{}'::text[], '{}'::text[], NULL::uuid, NULL::timestamptz, true)::text,
          'D9: defaults are applied on insert (pending, {}, {})');
SELECT pg_temp.not_null_tests('founding_tester_apps', ft, 'D9') FROM base;
SELECT pg_temp.rejects_check('founding_tester_apps', ft || '{"years_experience": -1}',
                             'founding_tester_apps_years_experience_check', 'D9: years_experience -1 rejected (>= 0)')
  FROM base;
SELECT pg_temp.accepts('founding_tester_apps', ft || '{"years_experience": 0}', 'D9: years_experience 0 accepted')
  FROM base;
SELECT pg_temp.rejects_check('founding_tester_apps', ft || jsonb_build_object('availability_hours', v),
                             'founding_tester_apps_availability_hours_check',
                             format('D9: availability_hours %s rejected (0..168)', v))
  FROM base, unnest(ARRAY[-1, 169]) AS v;
SELECT pg_temp.accepts('founding_tester_apps', ft || jsonb_build_object('availability_hours', v),
                       format('D9: availability_hours %s accepted', v))
  FROM base, unnest(ARRAY[0, 168]) AS v;
SELECT throws_ok(format($$UPDATE hitlai.founding_tester_apps SET status = %L WHERE email = 'bob@d9.test'$$, v),
                 '23514', 'new row for relation "founding_tester_apps" violates check constraint "founding_tester_apps_status_check"',
                 format('D9: status %L rejected', v))
  FROM unnest(ARRAY['accepted', 'Approved', '']) AS v;
SELECT lives_ok(format($$UPDATE hitlai.founding_tester_apps SET status = %L WHERE email = 'bob@d9.test'$$, v),
                format('D9: status %L accepted', v))
  FROM unnest(ARRAY['approved', 'rejected', 'waitlisted', 'pending']) AS v;
SELECT is((SELECT count(*) FROM hitlai.founding_tester_apps WHERE email = 'bob@d9.test'), 4::bigint,
          'D9: rejected rows wrote nothing (4 accepted rows)');

SELECT * FROM finish();
ROLLBACK;
