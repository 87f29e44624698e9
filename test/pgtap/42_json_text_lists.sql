-- J3: human_testers.languages / previous_platforms and founding_tester_apps.specialties /
-- platforms hold distinct, non-blank, non-NULL values; DETAIL names the 1-based position.
BEGIN;
SELECT plan(16);

\ir include/error_text.sql
CREATE FUNCTION pg_temp.tester(col text, list text) RETURNS text LANGUAGE sql AS $$
  SELECT format($f$INSERT INTO hitlai.human_testers (user_id, email, display_name, %I)
                  VALUES (gen_random_uuid(), 'j3-' || gen_random_uuid() || '@example.com', 'T', %L::text[])$f$,
                col, list)
$$;
CREATE FUNCTION pg_temp.app(col text, list text) RETURNS text LANGUAGE sql AS $$
  SELECT format($f$INSERT INTO hitlai.founding_tester_apps (full_name, email, selected_tier, %I)
                  VALUES ('A', 'j3-' || gen_random_uuid() || '@example.com', 'gold', %L::text[])$f$,
                col, list)
$$;

SELECT lives_ok(pg_temp.tester('languages', '{English,Spanish,French}'), 'J3: the seed languages are accepted');
SELECT lives_ok(pg_temp.app('specialties', '{"UX Testing",Accessibility,Performance}'),
                'J3: the seed specialties are accepted');
SELECT lives_ok($$INSERT INTO hitlai.human_testers (user_id, email, display_name)
                  VALUES (gen_random_uuid(), 'j3-default@example.com', 'D')$$,
                'J3: the empty default is accepted');

SELECT is(pg_temp.err(stmt), '23514 | ' || msg || ' | ' || detail, 'J3: ' || detail)
FROM (VALUES
  (pg_temp.tester('languages', '{English,Spanish,English}'),
   'invalid value in column "languages" of relation "human_testers"', 'languages[3]: duplicate value "English"'),
  (pg_temp.tester('languages', '{English,English}'),
   'invalid value in column "languages" of relation "human_testers"', 'languages[2]: duplicate value "English"'),
  (pg_temp.tester('languages', '{English,NULL}'),
   'invalid value in column "languages" of relation "human_testers"', 'languages[2]: expected a non-blank string, got NULL'),
  (pg_temp.tester('languages', '{""}'),
   'invalid value in column "languages" of relation "human_testers"', 'languages[1]: expected a non-blank string, got ""'),
  (pg_temp.tester('previous_platforms', '{UserTesting,"   "}'),
   'invalid value in column "previous_platforms" of relation "human_testers"',
   'previous_platforms[2]: expected a non-blank string, got "   "'),
  (pg_temp.tester('previous_platforms', '{a,b,c,b}'),
   'invalid value in column "previous_platforms" of relation "human_testers"',
   'previous_platforms[4]: duplicate value "b"'),
  (pg_temp.app('specialties', '{UX,"",UX}'),
   'invalid value in column "specialties" of relation "founding_tester_apps"',
   'specialties[2]: expected a non-blank string, got ""'),
  (pg_temp.app('platforms', '{web,ios,web}'),
   'invalid value in column "platforms" of relation "founding_tester_apps"',
   'platforms[3]: duplicate value "web"'),
  (pg_temp.app('platforms', '{{web,ios},{android,macos}}'),
   'invalid value in column "platforms" of relation "founding_tester_apps"',
   'platforms: expected a one-dimensional array, got 2 dimensions')
) AS t(stmt, msg, detail);

SELECT lives_ok(pg_temp.tester('languages', '{English,english}'), 'J3: comparison is case-sensitive');
SELECT lives_ok(pg_temp.tester('languages', '[0:1]={German,French}'),
                'J3: arrays with another lower bound are accepted');
SELECT is(pg_temp.err($$UPDATE hitlai.human_testers SET languages = languages || 'Spanish'::text
                        WHERE email = 'j3-default@example.com' OR 'English' = ANY (languages)$$),
          '23514 | invalid value in column "languages" of relation "human_testers" | '
          'languages[4]: duplicate value "Spanish"',
          'J3 UPDATE: appending a duplicate is rejected with its position');
SELECT is(pg_temp.err($$UPDATE hitlai.founding_tester_apps SET specialties = array_append(specialties, NULL)$$),
          '23514 | invalid value in column "specialties" of relation "founding_tester_apps" | '
          'specialties[4]: expected a non-blank string, got NULL',
          'J3 UPDATE: appending NULL is rejected with its position');

SELECT * FROM finish();
ROLLBACK;
