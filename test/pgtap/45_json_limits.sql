-- J: big and deep documents are accepted or rejected cleanly (no crash, bounded work):
-- 100k-element arrays, 10k-deep nesting, 5 MiB strings, the 1 MiB limit.
BEGIN;
SELECT plan(15);

\ir include/error_text.sql

INSERT INTO hitlai.companies (name, email, monthly_test_quota)
  VALUES ('json45', 'json45@example.com', NULL);
INSERT INTO hitlai.test_runs (company_id, url, mission)
  SELECT id, 'https://app.example.com', 'json45' FROM hitlai.companies WHERE name = 'json45';

-- 100k-element arrays: walked element by element (known key) or not at all (unknown key)
SELECT lives_ok($$INSERT INTO hitlai.issues (test_run_id, title, metadata)
  SELECT id, 'big', jsonb_build_object('reproduction_steps',
           (SELECT jsonb_agg('s'::text) FROM generate_series(1, 100000)))
  FROM hitlai.test_runs WHERE mission = 'json45'$$,
  'J2: a 100k-element array of strings is accepted');
SELECT is(pg_temp.err($$SELECT hitlai.validate_issue_metadata(jsonb_build_object('browser_console_errors',
            (SELECT jsonb_agg('e'::text) FROM generate_series(1, 100000)) || '[null]'::jsonb))$$),
          '23514 | invalid JSON document in column "metadata" of relation "issues" | '
          'metadata.browser_console_errors[100000]: expected a string, got null',
          'J2: the bad last element of a 100001-element array is found');
SELECT is(pg_temp.err($$SELECT hitlai.validate_issue_metadata(jsonb_build_object('network_requests',
            (SELECT jsonb_agg(jsonb_build_object('url', 'u', 'status', 200)) FROM generate_series(1, 15000))
            || '[{"url": "u", "status": 1000}]'::jsonb))$$),
          '23514 | invalid JSON document in column "metadata" of relation "issues" | '
          'metadata.network_requests[15000].status: expected an integer of at most 599, got 1000',
          'J2: the bad last object of a 15001-object array is found');
SELECT lives_ok($$SELECT hitlai.validate_platform_details(jsonb_build_object('type', 'web', 'samples',
                    (SELECT jsonb_agg(g % 2 = 0) FROM generate_series(1, 100000) g)))$$,
                'J1: a 100k-element array under an unknown key is accepted');
SELECT matches(pg_temp.err($$SELECT hitlai.validate_platform_details(jsonb_build_object('type', 'web', 'samples',
                 (SELECT jsonb_agg(g) FROM generate_series(1, 100000) g)))$$),
               '^23514 \| .* \| platform_details: document of \d+ bytes exceeds the limit of 1048576 bytes$',
               'J1: 100k numbers (over 1 MiB as jsonb) are rejected by size');

-- 10k-deep nesting
SELECT lives_ok($$SELECT hitlai.validate_platform_details(('{"type": "web", "x": ' || repeat('[', 10000)
                    || repeat(']', 10000) || '}')::jsonb)$$,
                'J1: 10k-deep nesting under an unknown key is accepted');
SELECT lives_ok($$SELECT hitlai.validate_platform_details(('{"type": "web", "x": ' || repeat('{"a": ', 10000)
                    || '1' || repeat('}', 10000) || '}')::jsonb)$$,
                'J1: 10k-deep object nesting under an unknown key is accepted');
SELECT is(pg_temp.err($$SELECT hitlai.validate_platform_details(('{"type": "web", "viewport": '
            || repeat('{"width": ', 10000) || '1' || repeat('}', 10000) || '}')::jsonb)$$),
          '23514 | invalid JSON document in column "platform_details" of relation "test_runs" | '
          'platform_details.viewport.width: expected a positive integer, got an object',
          'J1: 10k-deep nesting under a known key fails at the schema''s depth');
SELECT is(pg_temp.err($$SELECT hitlai.validate_issue_metadata(('{"reproduction_steps": ' || repeat('[', 10000)
            || repeat(']', 10000) || '}')::jsonb)$$),
          '23514 | invalid JSON document in column "metadata" of relation "issues" | '
          'metadata.reproduction_steps[0]: expected a string, got an array',
          'J2: 10k-deep arrays under a known key fail at the first level');

-- the 1 MiB limit (bytes of the stored jsonb), checked before the document is walked
SELECT matches(pg_temp.err($$SELECT hitlai.validate_platform_details(jsonb_build_object('type', 'web',
                 'note', repeat('a', 5 * 1024 * 1024)))$$),
               '^23514 \| invalid JSON document in column "platform_details" of relation "test_runs" \| '
               'platform_details: document of 52429\d\d bytes exceeds the limit of 1048576 bytes$',
               'J1: a document with a 5 MiB string is rejected by size');
SELECT matches(pg_temp.err($$UPDATE hitlai.test_runs SET platform_details = jsonb_build_object('type', 'web',
                 'note', repeat('a', 5 * 1024 * 1024)) WHERE mission = 'json45'$$),
               '^23514 \| .* \| platform_details: document of \d+ bytes exceeds the limit of 1048576 bytes$',
               'J1 UPDATE: a 5 MiB document is rejected by size');
SELECT matches(pg_temp.err($$SELECT hitlai.validate_issue_metadata(jsonb_build_object('reproduction_steps',
                 (SELECT jsonb_agg(repeat('x', 20)) FROM generate_series(1, 100000))))$$),
               '^23514 \| .* \| metadata: document of \d+ bytes exceeds the limit of 1048576 bytes$',
               'J2: a 100k-element array over 1 MiB is rejected by size');
SELECT lives_ok($$UPDATE hitlai.test_runs SET platform_details = jsonb_build_object('type', 'web',
                   'note', repeat('a', 1000000)) WHERE mission = 'json45'$$,
                'J1: a compressible document just under 1 MiB is accepted');
SELECT lives_ok($$UPDATE hitlai.test_runs SET persona = 'p' WHERE mission = 'json45'$$,
                'J1: an UPDATE of another column re-checks the stored (toasted) document fine');
SELECT is((SELECT length(platform_details ->> 'note') FROM hitlai.test_runs WHERE mission = 'json45'),
          1000000, 'J1: the big document is stored unchanged');

SELECT * FROM finish();
ROLLBACK;
