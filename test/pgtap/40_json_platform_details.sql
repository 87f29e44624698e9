-- J1: test_runs.platform_details is validated on INSERT and UPDATE and by
-- hitlai.validate_platform_details; 23514, message naming table and column, DETAIL
-- naming the JSON path and the reason.
BEGIN;
SELECT plan(29);

\ir include/error_text.sql
CREATE FUNCTION pg_temp.ins(doc text) RETURNS text LANGUAGE sql AS $$
  SELECT format($f$INSERT INTO hitlai.test_runs (company_id, url, mission, platform_details)
                  SELECT id, 'https://app.example.com', 'J1 test', %L::jsonb
                  FROM hitlai.companies WHERE name = 'json40'$f$, doc)
$$;

INSERT INTO hitlai.companies (name, email, monthly_test_quota)
  VALUES ('json40', 'json40@example.com', NULL);

SELECT col_has_check('hitlai', 'test_runs', 'platform_details', 'J1: platform_details has a CHECK');

-- the seed's example and the column default are accepted
SELECT lives_ok(pg_temp.ins('{"type": "web", "browser": "chrome", "device": "desktop",
  "viewport": {"width": 1920, "height": 1080}, "os": "windows", "version": "120.0.0"}'),
  'J1: the seed example is accepted on INSERT');
SELECT lives_ok($$INSERT INTO hitlai.test_runs (company_id, url, mission)
                  SELECT id, 'https://app.example.com', 'default' FROM hitlai.companies
                  WHERE name = 'json40'$$, 'J1: the column default {"type": "web"} is accepted');
SELECT is(hitlai.validate_platform_details('{"type": "mobile", "os": "ios"}'),
          '{"type": "mobile", "os": "ios"}'::jsonb, 'J1: validate_platform_details returns the document');

-- unknown keys are kept
SELECT lives_ok(pg_temp.ins('{"type": "vr", "headset": {"model": "Quest 3"}}'), 'J1: unknown keys are accepted');
SELECT is((SELECT platform_details -> 'headset' ->> 'model' FROM hitlai.test_runs
           WHERE platform_details ->> 'type' = 'vr'), 'Quest 3', 'J1: unknown keys are kept');

-- each document breaks exactly one rule
SELECT is(pg_temp.err(pg_temp.ins(doc)),
          '23514 | invalid JSON document in column "platform_details" of relation "test_runs" | ' || detail,
          'J1 INSERT: ' || detail)
FROM (VALUES
  ('[]', 'platform_details: expected an object, got an array'),
  ('{"browser": "chrome"}', 'platform_details.type: required key is missing'),
  ('{"type": "tv"}', 'platform_details.type: expected one of web, mobile, console, vr, got "tv"'),
  ('{"type": "web", "browser": "opera"}',
   'platform_details.browser: expected one of chrome, firefox, safari, edge, got "opera"'),
  ('{"type": "web", "device": "watch"}',
   'platform_details.device: expected one of desktop, mobile, tablet, got "watch"'),
  ('{"type": "web", "viewport": [1920, 1080]}', 'platform_details.viewport: expected an object, got an array'),
  ('{"type": "web", "viewport": {"height": 1080}}', 'platform_details.viewport.width: required key is missing'),
  ('{"type": "web", "viewport": {"width": -5, "height": 1080}}',
   'platform_details.viewport.width: expected a positive integer, got -5'),
  ('{"type": "web", "viewport": {"width": 10.5, "height": 1080}}',
   'platform_details.viewport.width: expected a positive integer, got 10.5'),
  ('{"type": "web", "viewport": {"width": "wide", "height": 1080}}',
   'platform_details.viewport.width: expected a positive integer, got "wide"'),
  ('{"type": "web", "viewport": {"width": 1920, "height": 100001}}',
   'platform_details.viewport.height: expected an integer of at most 100000, got 100001'),
  ('{"type": "web", "viewport": {"width": 1e400, "height": 1}}',
   'platform_details.viewport.width: expected an integer of at most 100000, got 1' || repeat('0', 71) || '...'),
  ('{"type": "web", "os": "beos"}',
   'platform_details.os: expected one of windows, macos, linux, ios, android, got "beos"'),
  ('{"type": "web", "version": 120}', 'platform_details.version: expected a string of at most 64 characters, got 120'),
  ('{"type": "web", "version": "' || repeat('é', 65) || '"}',
   'platform_details.version: expected a string of at most 64 characters, got a string of 65 characters')
) AS t(doc, detail);

SELECT lives_ok(pg_temp.ins('{"type": "web", "version": "' || repeat('é', 64) || '", "viewport": {"width": 1e0, "height": 100000.0}}'),
  'J1: 64 two-byte characters, integral 1e0 and 100000.0 are accepted');

-- UPDATE is checked too, and the row is unchanged afterwards
SELECT is(pg_temp.err($$UPDATE hitlai.test_runs SET platform_details = '{"type": "web", "viewport": {"width": -5, "height": 1}}'
                        WHERE mission = 'default'$$),
          '23514 | invalid JSON document in column "platform_details" of relation "test_runs" | '
          'platform_details.viewport.width: expected a positive integer, got -5',
          'J1 UPDATE: the SPEC example is rejected with its path');
SELECT is(pg_temp.err($$UPDATE hitlai.test_runs SET platform_details = platform_details - 'type'
                        WHERE mission = 'default'$$),
          '23514 | invalid JSON document in column "platform_details" of relation "test_runs" | '
          'platform_details.type: required key is missing',
          'J1 UPDATE: removing the required key is rejected');
SELECT is((SELECT platform_details FROM hitlai.test_runs WHERE mission = 'default'),
          '{"type": "web"}'::jsonb, 'J1: the rejected UPDATEs changed nothing');

-- the validator raises the same error
SELECT throws_ok($$SELECT hitlai.validate_platform_details('{"type": "web", "browser": "lynx"}')$$,
                 '23514', 'invalid JSON document in column "platform_details" of relation "test_runs"',
                 'J1: validate_platform_details raises 23514 naming table and column');
SELECT is(pg_temp.err($$SELECT hitlai.validate_platform_details('{"type": "web", "viewport": {"width": 0, "height": 1}}')$$),
          '23514 | invalid JSON document in column "platform_details" of relation "test_runs" | '
          'platform_details.viewport.width: expected a positive integer, got 0',
          'J1: validate_platform_details DETAIL names path and reason');

-- deterministic order: keys in SPEC order, not in the document's order
SELECT is(pg_temp.err($$SELECT hitlai.validate_platform_details('{"version": 1, "os": 2, "browser": 3, "type": "web"}')$$),
          '23514 | invalid JSON document in column "platform_details" of relation "test_runs" | '
          'platform_details.browser: expected one of chrome, firefox, safari, edge, got 3',
          'J1: the first violation in SPEC key order is reported');
SELECT is(hitlai.validate_platform_details(NULL), NULL, 'J1: validate_platform_details(NULL) is NULL');

SELECT * FROM finish();
ROLLBACK;
