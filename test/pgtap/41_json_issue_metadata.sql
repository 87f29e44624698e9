-- J2: issues.metadata is validated on INSERT and UPDATE and by
-- hitlai.validate_issue_metadata.
BEGIN;
SELECT plan(24);

\ir include/error_text.sql
CREATE FUNCTION pg_temp.ins(doc text) RETURNS text LANGUAGE sql AS $$
  SELECT format($f$INSERT INTO hitlai.issues (test_run_id, title, metadata)
                  SELECT id, 'J2 test', %L::jsonb FROM hitlai.test_runs WHERE mission = 'json41'$f$, doc)
$$;

INSERT INTO hitlai.companies (name, email, monthly_test_quota)
  VALUES ('json41', 'json41@example.com', NULL);
INSERT INTO hitlai.test_runs (company_id, url, mission)
  SELECT id, 'https://app.example.com', 'json41' FROM hitlai.companies WHERE name = 'json41';

SELECT col_has_check('hitlai', 'issues', 'metadata', 'J2: metadata has a CHECK');
SELECT lives_ok(pg_temp.ins('{"reproduction_steps": ["Step 1", "Step 2"],
  "expected_behavior": "Should display...", "actual_behavior": "Shows error...",
  "browser_console_errors": ["Error 1", "Error 2"],
  "network_requests": [{"url": "https://api.example.com", "status": 404, "method": "GET"}],
  "device_info": {"user_agent": "Mozilla/5.0...", "screen_resolution": "1920x1080"}}'),
  'J2: the seed example is accepted on INSERT');
SELECT lives_ok($$INSERT INTO hitlai.issues (test_run_id, title)
                  SELECT id, 'default' FROM hitlai.test_runs WHERE mission = 'json41'$$,
                'J2: the column default {} is accepted');
SELECT is(hitlai.validate_issue_metadata('{"custom": [1, 2]}'), '{"custom": [1, 2]}'::jsonb,
          'J2: validate_issue_metadata returns the document, unknown keys kept');

SELECT is(pg_temp.err(pg_temp.ins(doc)),
          '23514 | invalid JSON document in column "metadata" of relation "issues" | ' || detail,
          'J2 INSERT: ' || detail)
FROM (VALUES
  ('"text"', 'metadata: expected an object, got "text"'),
  ('{"reproduction_steps": "click"}', 'metadata.reproduction_steps: expected an array, got "click"'),
  ('{"reproduction_steps": ["a", 2]}', 'metadata.reproduction_steps[1]: expected a string, got 2'),
  ('{"expected_behavior": ["x"]}', 'metadata.expected_behavior: expected a string, got an array'),
  ('{"actual_behavior": null}', 'metadata.actual_behavior: expected a string, got null'),
  ('{"browser_console_errors": ["e", {"x": 1}]}',
   'metadata.browser_console_errors[1]: expected a string, got an object'),
  ('{"network_requests": {"url": "x"}}', 'metadata.network_requests: expected an array, got an object'),
  ('{"network_requests": [{"url": "x"}, 5]}', 'metadata.network_requests[1]: expected an object, got 5'),
  ('{"network_requests": [{"url": "x"}, {"status": 200}]}',
   'metadata.network_requests[1].url: required key is missing'),
  ('{"network_requests": [{"url": true}]}', 'metadata.network_requests[0].url: expected a string, got true'),
  ('{"network_requests": [{"url": "x", "status": 99}]}',
   'metadata.network_requests[0].status: expected an integer between 100 and 599, got 99'),
  ('{"network_requests": [{"url": "x", "status": 600}]}',
   'metadata.network_requests[0].status: expected an integer of at most 599, got 600'),
  ('{"network_requests": [{"url": "x", "status": 404.5}]}',
   'metadata.network_requests[0].status: expected an integer between 100 and 599, got 404.5'),
  ('{"network_requests": [{"url": "x", "method": "FETCH"}]}',
   'metadata.network_requests[0].method: expected one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, got "FETCH"'),
  ('{"device_info": "iPhone"}', 'metadata.device_info: expected an object, got "iPhone"'),
  ('{"device_info": {"user_agent": 1}}', 'metadata.device_info.user_agent: expected a string, got 1'),
  ('{"device_info": {"screen_resolution": "1920 x 1080"}}',
   'metadata.device_info.screen_resolution: expected a screen resolution like 1920x1080, got "1920 x 1080"')
) AS t(doc, detail);

SELECT is(pg_temp.err($$UPDATE hitlai.issues SET metadata = '{"network_requests": [{"url": "x", "status": 700}]}'
                        WHERE title = 'default'$$),
          '23514 | invalid JSON document in column "metadata" of relation "issues" | '
          'metadata.network_requests[0].status: expected an integer of at most 599, got 700',
          'J2 UPDATE: a bad status is rejected with its path');
SELECT throws_ok($$SELECT hitlai.validate_issue_metadata('{"device_info": {"screen_resolution": "big"}}')$$,
                 '23514', 'invalid JSON document in column "metadata" of relation "issues"',
                 'J2: validate_issue_metadata raises 23514 naming table and column');
SELECT is(pg_temp.err($$SELECT hitlai.validate_issue_metadata('{"reproduction_steps": [[]]}')$$),
          '23514 | invalid JSON document in column "metadata" of relation "issues" | '
          'metadata.reproduction_steps[0]: expected a string, got an array',
          'J2: validate_issue_metadata DETAIL names path and reason');

SELECT * FROM finish();
ROLLBACK;
