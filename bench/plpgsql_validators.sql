-- The J1 and J2 rules written in PL/pgSQL, the way a competent team would write them
-- without hitlai: same rules, same order of checks, same SQLSTATE, message and DETAIL as
-- hitlai.validate_platform_details / hitlai.validate_issue_metadata. Used only by the
-- benchmark (throughput of hitlai's compiled validators vs this, same rows, same run).
--
--   psql -d DB -f bench/plpgsql_validators.sql
--   SELECT plpgsql_validators.validate_platform_details('{"type": "web"}');
--
-- Creates schema plpgsql_validators (drop it with DROP SCHEMA plpgsql_validators CASCADE).
CREATE SCHEMA IF NOT EXISTS plpgsql_validators;

-- How a value looks in a message: strings quoted, numbers as written, containers by kind.
CREATE OR REPLACE FUNCTION plpgsql_validators.got(v jsonb) RETURNS text
  LANGUAGE sql IMMUTABLE
  SET search_path = pg_catalog, pg_temp
  RETURN CASE jsonb_typeof(v)
           WHEN 'object' THEN 'an object'
           WHEN 'array' THEN 'an array'
           ELSE v::text
         END;

CREATE OR REPLACE FUNCTION plpgsql_validators.fail(tbl text, col text, detail text)
  RETURNS void
  LANGUAGE plpgsql IMMUTABLE
  SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  RAISE EXCEPTION USING ERRCODE = 'check_violation',
    MESSAGE = format('invalid JSON document in column "%s" of relation "%s"', col, tbl),
    DETAIL = detail;
END $$;

-- J1
CREATE OR REPLACE FUNCTION plpgsql_validators.validate_platform_details(doc jsonb)
  RETURNS jsonb
  LANGUAGE plpgsql IMMUTABLE STRICT
  SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v jsonb;
  side text;
  n numeric;
BEGIN
  IF pg_column_size(doc) > 1048576 THEN
    PERFORM plpgsql_validators.fail('test_runs', 'platform_details',
      format('platform_details: document of %s bytes exceeds the limit of 1048576 bytes',
             pg_column_size(doc)));
  END IF;
  IF jsonb_typeof(doc) <> 'object' THEN
    PERFORM plpgsql_validators.fail('test_runs', 'platform_details',
      'platform_details: expected an object, got ' || plpgsql_validators.got(doc));
  END IF;

  v := doc -> 'type';
  IF v IS NULL THEN
    PERFORM plpgsql_validators.fail('test_runs', 'platform_details',
      'platform_details.type: required key is missing');
  ELSIF jsonb_typeof(v) <> 'string' OR v ->> 0 NOT IN ('web', 'mobile', 'console', 'vr') THEN
    PERFORM plpgsql_validators.fail('test_runs', 'platform_details',
      'platform_details.type: expected one of web, mobile, console, vr, got '
      || plpgsql_validators.got(v));
  END IF;

  v := doc -> 'browser';
  IF v IS NOT NULL AND (jsonb_typeof(v) <> 'string'
                        OR v ->> 0 NOT IN ('chrome', 'firefox', 'safari', 'edge')) THEN
    PERFORM plpgsql_validators.fail('test_runs', 'platform_details',
      'platform_details.browser: expected one of chrome, firefox, safari, edge, got '
      || plpgsql_validators.got(v));
  END IF;

  v := doc -> 'device';
  IF v IS NOT NULL AND (jsonb_typeof(v) <> 'string'
                        OR v ->> 0 NOT IN ('desktop', 'mobile', 'tablet')) THEN
    PERFORM plpgsql_validators.fail('test_runs', 'platform_details',
      'platform_details.device: expected one of desktop, mobile, tablet, got '
      || plpgsql_validators.got(v));
  END IF;

  v := doc -> 'viewport';
  IF v IS NOT NULL THEN
    IF jsonb_typeof(v) <> 'object' THEN
      PERFORM plpgsql_validators.fail('test_runs', 'platform_details',
        'platform_details.viewport: expected an object, got ' || plpgsql_validators.got(v));
    END IF;
    FOREACH side IN ARRAY ARRAY['width', 'height'] LOOP
      IF NOT v ? side THEN
        PERFORM plpgsql_validators.fail('test_runs', 'platform_details',
          format('platform_details.viewport.%s: required key is missing', side));
      END IF;
      IF jsonb_typeof(v -> side) <> 'number' THEN
        PERFORM plpgsql_validators.fail('test_runs', 'platform_details',
          format('platform_details.viewport.%s: expected a positive integer, got %s',
                 side, plpgsql_validators.got(v -> side)));
      END IF;
      n := (v ->> side)::numeric;
      IF n <> trunc(n) OR n < 1 THEN
        PERFORM plpgsql_validators.fail('test_runs', 'platform_details',
          format('platform_details.viewport.%s: expected a positive integer, got %s',
                 side, v ->> side));
      ELSIF n > 100000 THEN
        PERFORM plpgsql_validators.fail('test_runs', 'platform_details',
          format('platform_details.viewport.%s: expected an integer of at most 100000, got %s',
                 side, v ->> side));
      END IF;
    END LOOP;
  END IF;

  v := doc -> 'os';
  IF v IS NOT NULL AND (jsonb_typeof(v) <> 'string'
                        OR v ->> 0 NOT IN ('windows', 'macos', 'linux', 'ios', 'android')) THEN
    PERFORM plpgsql_validators.fail('test_runs', 'platform_details',
      'platform_details.os: expected one of windows, macos, linux, ios, android, got '
      || plpgsql_validators.got(v));
  END IF;

  v := doc -> 'version';
  IF v IS NOT NULL THEN
    IF jsonb_typeof(v) <> 'string' THEN
      PERFORM plpgsql_validators.fail('test_runs', 'platform_details',
        'platform_details.version: expected a string of at most 64 characters, got '
        || plpgsql_validators.got(v));
    ELSIF length(v ->> 0) > 64 THEN
      PERFORM plpgsql_validators.fail('test_runs', 'platform_details',
        format('platform_details.version: expected a string of at most 64 characters, '
               'got a string of %s characters', length(v ->> 0)));
    END IF;
  END IF;
  RETURN doc;
END $$;

-- J2
CREATE OR REPLACE FUNCTION plpgsql_validators.validate_issue_metadata(doc jsonb)
  RETURNS jsonb
  LANGUAGE plpgsql IMMUTABLE STRICT
  SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v jsonb;
  e jsonb;
  k text;
  i integer;
  n numeric;
BEGIN
  IF pg_column_size(doc) > 1048576 THEN
    PERFORM plpgsql_validators.fail('issues', 'metadata',
      format('metadata: document of %s bytes exceeds the limit of 1048576 bytes',
             pg_column_size(doc)));
  END IF;
  IF jsonb_typeof(doc) <> 'object' THEN
    PERFORM plpgsql_validators.fail('issues', 'metadata',
      'metadata: expected an object, got ' || plpgsql_validators.got(doc));
  END IF;

  -- keys in SPEC order; arrays of strings and plain strings
  FOREACH k IN ARRAY ARRAY['reproduction_steps', 'expected_behavior', 'actual_behavior',
                           'browser_console_errors'] LOOP
    v := doc -> k;
    CONTINUE WHEN v IS NULL;
    IF k IN ('expected_behavior', 'actual_behavior') THEN
      IF jsonb_typeof(v) <> 'string' THEN
        PERFORM plpgsql_validators.fail('issues', 'metadata',
          format('metadata.%s: expected a string, got %s', k, plpgsql_validators.got(v)));
      END IF;
    ELSE
      IF jsonb_typeof(v) <> 'array' THEN
        PERFORM plpgsql_validators.fail('issues', 'metadata',
          format('metadata.%s: expected an array, got %s', k, plpgsql_validators.got(v)));
      END IF;
      i := 0;
      FOR e IN SELECT value FROM jsonb_array_elements(v) LOOP
        IF jsonb_typeof(e) <> 'string' THEN
          PERFORM plpgsql_validators.fail('issues', 'metadata',
            format('metadata.%s[%s]: expected a string, got %s', k, i,
                   plpgsql_validators.got(e)));
        END IF;
        i := i + 1;
      END LOOP;
    END IF;
  END LOOP;

  v := doc -> 'network_requests';
  IF v IS NOT NULL THEN
    IF jsonb_typeof(v) <> 'array' THEN
      PERFORM plpgsql_validators.fail('issues', 'metadata',
        'metadata.network_requests: expected an array, got ' || plpgsql_validators.got(v));
    END IF;
    i := 0;
    FOR e IN SELECT value FROM jsonb_array_elements(v) LOOP
      IF jsonb_typeof(e) <> 'object' THEN
        PERFORM plpgsql_validators.fail('issues', 'metadata',
          format('metadata.network_requests[%s]: expected an object, got %s', i,
                 plpgsql_validators.got(e)));
      END IF;
      IF NOT e ? 'url' THEN
        PERFORM plpgsql_validators.fail('issues', 'metadata',
          format('metadata.network_requests[%s].url: required key is missing', i));
      ELSIF jsonb_typeof(e -> 'url') <> 'string' THEN
        PERFORM plpgsql_validators.fail('issues', 'metadata',
          format('metadata.network_requests[%s].url: expected a string, got %s', i,
                 plpgsql_validators.got(e -> 'url')));
      END IF;
      IF e ? 'status' THEN
        IF jsonb_typeof(e -> 'status') <> 'number' THEN
          PERFORM plpgsql_validators.fail('issues', 'metadata',
            format('metadata.network_requests[%s].status: expected an integer between 100 and 599, got %s',
                   i, plpgsql_validators.got(e -> 'status')));
        END IF;
        n := (e ->> 'status')::numeric;
        IF n <> trunc(n) OR n < 100 THEN
          PERFORM plpgsql_validators.fail('issues', 'metadata',
            format('metadata.network_requests[%s].status: expected an integer between 100 and 599, got %s',
                   i, e ->> 'status'));
        ELSIF n > 599 THEN
          PERFORM plpgsql_validators.fail('issues', 'metadata',
            format('metadata.network_requests[%s].status: expected an integer of at most 599, got %s',
                   i, e ->> 'status'));
        END IF;
      END IF;
      IF e ? 'method' AND (jsonb_typeof(e -> 'method') <> 'string' OR e ->> 'method' NOT IN
                           ('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS')) THEN
        PERFORM plpgsql_validators.fail('issues', 'metadata',
          format('metadata.network_requests[%s].method: expected one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, got %s',
                 i, plpgsql_validators.got(e -> 'method')));
      END IF;
      i := i + 1;
    END LOOP;
  END IF;

  v := doc -> 'device_info';
  IF v IS NOT NULL THEN
    IF jsonb_typeof(v) <> 'object' THEN
      PERFORM plpgsql_validators.fail('issues', 'metadata',
        'metadata.device_info: expected an object, got ' || plpgsql_validators.got(v));
    END IF;
    IF v ? 'user_agent' AND jsonb_typeof(v -> 'user_agent') <> 'string' THEN
      PERFORM plpgsql_validators.fail('issues', 'metadata',
        'metadata.device_info.user_agent: expected a string, got '
        || plpgsql_validators.got(v -> 'user_agent'));
    END IF;
    IF v ? 'screen_resolution' AND (jsonb_typeof(v -> 'screen_resolution') <> 'string'
        OR v ->> 'screen_resolution' !~ '^[1-9][0-9]{0,5}x[1-9][0-9]{0,5}$') THEN
      PERFORM plpgsql_validators.fail('issues', 'metadata',
        'metadata.device_info.screen_resolution: expected a screen resolution like 1920x1080, got '
        || plpgsql_validators.got(v -> 'screen_resolution'));
    END IF;
  END IF;
  RETURN doc;
END $$;

-- For CHECK constraints in the insert-path comparison.
CREATE OR REPLACE FUNCTION plpgsql_validators.check_platform_details(doc jsonb) RETURNS boolean
  LANGUAGE sql IMMUTABLE STRICT
  SET search_path = pg_catalog, pg_temp
  RETURN plpgsql_validators.validate_platform_details(doc) IS NOT NULL;
CREATE OR REPLACE FUNCTION plpgsql_validators.check_issue_metadata(doc jsonb) RETURNS boolean
  LANGUAGE sql IMMUTABLE STRICT
  SET search_path = pg_catalog, pg_temp
  RETURN plpgsql_validators.validate_issue_metadata(doc) IS NOT NULL;

-- ---- measurement ------------------------------------------------------------------------
-- Nanoseconds this backend has spent on a CPU (Linux /proc/<pid>/schedstat; superuser).
-- The comparisons below time with it rather than the wall clock, so that other load on the
-- machine (waiting for a CPU) does not count.
CREATE OR REPLACE FUNCTION plpgsql_validators.cpu_ns() RETURNS bigint
  LANGUAGE sql VOLATILE
  SET search_path = pg_catalog, pg_temp
  RETURN split_part(pg_read_file('/proc/' || pg_backend_pid() || '/schedstat'), ' ', 1)::bigint;

-- Realistic documents: n rows of platform_details (J1) and issue metadata (J2).
CREATE OR REPLACE FUNCTION plpgsql_validators.make_docs(n integer)
  RETURNS TABLE (g integer, pd jsonb, md jsonb)
  LANGUAGE sql VOLATILE
  SET search_path = pg_catalog, pg_temp
AS $$
  SELECT g,
    jsonb_build_object('type', (ARRAY['web', 'mobile', 'console', 'vr'])[1 + g % 4],
      'browser', (ARRAY['chrome', 'firefox', 'safari', 'edge'])[1 + g % 4],
      'device', (ARRAY['desktop', 'mobile', 'tablet'])[1 + g % 3],
      'viewport', jsonb_build_object('width', 320 + g % 1600, 'height', 480 + g % 900),
      'os', (ARRAY['windows', 'macos', 'linux', 'ios', 'android'])[1 + g % 5],
      'version', (100 + g % 30)::text || '.0.' || (g % 7)::text),
    jsonb_build_object(
      'reproduction_steps', jsonb_build_array('Open https://app.example.com/checkout',
                                              'Add item ' || g, 'Click Pay', 'Observe the error banner'),
      'expected_behavior', 'Payment succeeds and the confirmation page is shown',
      'actual_behavior', 'A red banner says "Something went wrong" (code ' || g % 500 || ')',
      'browser_console_errors', jsonb_build_array(
         'TypeError: cannot read properties of undefined (reading ''total'')',
         'Failed to load resource: the server responded with a status of 500'),
      'network_requests', jsonb_build_array(
         jsonb_build_object('url', 'https://api.example.com/cart/' || g, 'status', 200, 'method', 'GET'),
         jsonb_build_object('url', 'https://api.example.com/pay', 'status', 500, 'method', 'POST')),
      'device_info', jsonb_build_object(
         'user_agent', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36',
         'screen_resolution', '1920x1080'))
  FROM generate_series(1, n) AS g
$$;

-- Validation throughput, same rows, same run, variants interleaved `rounds` times; median
-- CPU milliseconds per variant ("scan" = the same query without validation; "without SET
-- search_path" = hitlai's C function bound without that clause). Run as a superuser.
--   SET temp_buffers = '256MB';  -- first thing in a fresh session: keeps the rows in memory
--   SELECT * FROM plpgsql_validators.compare_throughput(50000, 7);
DROP FUNCTION IF EXISTS plpgsql_validators.compare_throughput(integer, integer);
CREATE FUNCTION plpgsql_validators.compare_throughput(n integer, rounds integer)
  RETURNS TABLE (variant text, median_cpu_ms numeric, us_per_doc_net numeric)
  LANGUAGE plpgsql VOLATILE
  -- no SET search_path here (every name is qualified): the validators then run exactly as
  -- they do when called from a top-level statement
AS $$
DECLARE
  q text[] := ARRAY[
    'J1 scan',    'SELECT count(*) FROM pg_temp.bench_docs WHERE pd IS NOT NULL',
    'J1 hitlai',  'SELECT count(*) FROM pg_temp.bench_docs WHERE hitlai.validate_platform_details(pd) IS NOT NULL',
    'J1 hitlai without SET search_path', 'SELECT count(*) FROM pg_temp.bench_docs WHERE pg_temp.validate_platform_details_noset(pd) IS NOT NULL',
    'J1 plpgsql', 'SELECT count(*) FROM pg_temp.bench_docs WHERE plpgsql_validators.validate_platform_details(pd) IS NOT NULL',
    'J2 scan',    'SELECT count(*) FROM pg_temp.bench_docs WHERE md IS NOT NULL',
    'J2 hitlai',  'SELECT count(*) FROM pg_temp.bench_docs WHERE hitlai.validate_issue_metadata(md) IS NOT NULL',
    'J2 hitlai without SET search_path', 'SELECT count(*) FROM pg_temp.bench_docs WHERE pg_temp.validate_issue_metadata_noset(md) IS NOT NULL',
    'J2 plpgsql', 'SELECT count(*) FROM pg_temp.bench_docs WHERE plpgsql_validators.validate_issue_metadata(md) IS NOT NULL'];
  t0 bigint;
  c bigint;
BEGIN
  SET LOCAL client_min_messages = warning;
  DROP TABLE IF EXISTS pg_temp.bench_docs;
  DROP TABLE IF EXISTS pg_temp.bench_times;
  CREATE TEMP TABLE bench_docs AS SELECT * FROM plpgsql_validators.make_docs(n);
  ANALYZE pg_temp.bench_docs;
  CREATE TEMP TABLE bench_times (v text, ms float8);
  -- the same C functions without the SET search_path clause (superuser only: LANGUAGE c),
  -- to show what the clause costs per call
  CREATE OR REPLACE FUNCTION pg_temp.validate_platform_details_noset(jsonb) RETURNS jsonb
    LANGUAGE c IMMUTABLE STRICT AS 'hitlai', 'hitlai_validate_platform_details';
  CREATE OR REPLACE FUNCTION pg_temp.validate_issue_metadata_noset(jsonb) RETURNS jsonb
    LANGUAGE c IMMUTABLE STRICT AS 'hitlai', 'hitlai_validate_issue_metadata';
  FOR r IN 1..rounds LOOP
    FOR i IN 1..array_length(q, 1) / 2 LOOP
      t0 := plpgsql_validators.cpu_ns();
      EXECUTE q[2 * i] INTO c;
      INSERT INTO pg_temp.bench_times VALUES (q[2 * i - 1], (plpgsql_validators.cpu_ns() - t0) / 1e6);
    END LOOP;
  END LOOP;
  RETURN QUERY
    WITH m AS (SELECT v, percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS med
               FROM pg_temp.bench_times GROUP BY v)
    SELECT m.v, round(m.med::numeric, 1),
           round((1000 * (m.med - s.med) / n)::numeric, 3)
    FROM m JOIN m s ON s.v = left(m.v, 2) || ' scan'
    ORDER BY m.v;
END $$;

-- Insert path: INSERT … SELECT of n test_runs (J1) and n issues (J2) with hitlai's CHECK
-- constraints, without any validation, and with the PL/pgSQL rules as CHECKs; variants
-- interleaved `rounds` times, backend CPU time. It swaps the tables' CHECK constraints and adds rows: run it
-- as a superuser inside a transaction that is rolled back. Median milliseconds.
--   BEGIN; SELECT * FROM plpgsql_validators.compare_insert(20000, 5); ROLLBACK;
DROP FUNCTION IF EXISTS plpgsql_validators.compare_insert(integer, integer);
CREATE FUNCTION plpgsql_validators.compare_insert(n integer, rounds integer)
  RETURNS TABLE (tbl text, variant text, median_cpu_ms numeric)
  LANGUAGE plpgsql VOLATILE
  SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  variants text[] := ARRAY['none', 'hitlai', 'plpgsql'];
  fn_pd text[] := ARRAY[NULL, 'hitlai.check_platform_details', 'plpgsql_validators.check_platform_details'];
  fn_md text[] := ARRAY[NULL, 'hitlai.check_issue_metadata', 'plpgsql_validators.check_issue_metadata'];
  company uuid;
  run uuid;
  t0 bigint;
BEGIN
  SET LOCAL client_min_messages = warning;
  DROP TABLE IF EXISTS pg_temp.bench_docs;
  DROP TABLE IF EXISTS pg_temp.bench_times;
  CREATE TEMP TABLE bench_docs AS SELECT * FROM plpgsql_validators.make_docs(n);
  CREATE TEMP TABLE bench_times (t text, v text, ms float8);
  INSERT INTO hitlai.companies (name, email, monthly_test_quota)
    VALUES ('bench', 'bench-' || gen_random_uuid() || '@example.com', NULL) RETURNING id INTO company;
  INSERT INTO hitlai.test_runs (company_id, url, mission)
    VALUES (company, 'https://app.example.com', 'bench parent') RETURNING id INTO run;
  ALTER TABLE hitlai.test_runs DROP CONSTRAINT test_runs_platform_details_check;
  ALTER TABLE hitlai.issues DROP CONSTRAINT issues_metadata_check;
  FOR r IN 1..rounds LOOP
    FOR i IN 1..3 LOOP
      IF fn_pd[i] IS NOT NULL THEN
        EXECUTE format('ALTER TABLE hitlai.test_runs ADD CONSTRAINT bench_pd CHECK (%s(platform_details)) NOT VALID', fn_pd[i]);
        EXECUTE format('ALTER TABLE hitlai.issues ADD CONSTRAINT bench_md CHECK (%s(metadata)) NOT VALID', fn_md[i]);
      END IF;
      t0 := plpgsql_validators.cpu_ns();
      INSERT INTO hitlai.test_runs (company_id, url, mission, platform_details)
        SELECT company, 'https://app.example.com/p/' || g, 'bench', pd FROM pg_temp.bench_docs;
      INSERT INTO pg_temp.bench_times VALUES ('test_runs', variants[i], (plpgsql_validators.cpu_ns() - t0) / 1e6);
      t0 := plpgsql_validators.cpu_ns();
      INSERT INTO hitlai.issues (test_run_id, title, severity, metadata)
        SELECT run, 'Payment fails ' || g, 'high', md FROM pg_temp.bench_docs;
      INSERT INTO pg_temp.bench_times VALUES ('issues', variants[i], (plpgsql_validators.cpu_ns() - t0) / 1e6);
      DELETE FROM hitlai.issues WHERE test_run_id = run;
      DELETE FROM hitlai.test_runs WHERE company_id = company AND mission = 'bench';
      ALTER TABLE hitlai.test_runs DROP CONSTRAINT IF EXISTS bench_pd;
      ALTER TABLE hitlai.issues DROP CONSTRAINT IF EXISTS bench_md;
    END LOOP;
  END LOOP;
  RETURN QUERY
    SELECT b.t, b.v, round((percentile_cont(0.5) WITHIN GROUP (ORDER BY b.ms))::numeric, 1)
    FROM pg_temp.bench_times b GROUP BY b.t, b.v ORDER BY 1, 2;
END $$;
