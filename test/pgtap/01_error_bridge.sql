-- S3: the error bridge between C++ and PostgreSQL, and hitlai.version() (S2).
BEGIN;
SELECT plan(17);

CREATE FUNCTION pg_temp.hl_throw(text) RETURNS int4
  LANGUAGE c STRICT AS 'hitlai', 'hitlai_test_throw';
CREATE FUNCTION pg_temp.hl_dtors() RETURNS int8
  LANGUAGE c STRICT AS 'hitlai', 'hitlai_test_destructor_count';

SELECT is(pg_temp.hl_throw('none'), 1, 'S3: the test entry point runs without error');

-- C++ exceptions become clean ERRORs with the right SQLSTATE
SELECT throws_ok($$SELECT pg_temp.hl_throw('runtime')$$, 'XX000',
                 'test: runtime_error from C++', 'S3: std::runtime_error -> XX000 with its message');
SELECT throws_ok($$SELECT pg_temp.hl_throw('hitlai')$$, '22023',
                 'test: hitlai::Error from C++', 'S3: hitlai::Error keeps its SQLSTATE and message');
SELECT throws_ok($$SELECT pg_temp.hl_throw('bad_alloc')$$, '53200',
                 'out of memory', 'S3: std::bad_alloc -> 53200 out of memory');
SELECT throws_ok($$SELECT pg_temp.hl_throw('unknown')$$, 'XX000',
                 'unknown C++ exception in hitlai', 'S3: a non-std exception -> XX000');

-- detail and hint survive the bridge
CREATE FUNCTION pg_temp.hl_error_fields(kind text, OUT state text, OUT msg text,
                                        OUT detail text, OUT hint text)
  LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_temp.hl_throw(kind);
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
                          detail = PG_EXCEPTION_DETAIL, hint = PG_EXCEPTION_HINT;
END $$;
SELECT is((SELECT row(detail, hint)::text FROM pg_temp.hl_error_fields('hitlai')),
          row('test detail', 'test hint')::text, 'S3: DETAIL and HINT of a hitlai::Error reach the client');

-- PostgreSQL errors inside guarded() become C++ exceptions: destructors run, and the
-- original error is re-raised unchanged
SELECT pg_temp.hl_dtors() AS before \gset
SELECT throws_ok($$SELECT pg_temp.hl_throw('pg')$$, '22012', 'division by zero',
                 'S3: a PostgreSQL error raised through guarded() keeps SQLSTATE and message');
SELECT is(pg_temp.hl_dtors() - :before, 3::int8,
          'S3: the three C++ objects alive at the PostgreSQL error were destroyed');
SELECT throws_ok($$SELECT pg_temp.hl_throw('runtime')$$, 'XX000', NULL, 'S3: again, C++ exception');
SELECT is(pg_temp.hl_dtors() - :before, 6::int8,
          'S3: destructors also run when a C++ exception unwinds');

-- the session stays usable after each kind of error, many times over
SELECT lives_ok($$
  DO $d$
  DECLARE k text;
  BEGIN
    FOR i IN 1..200 LOOP
      FOREACH k IN ARRAY ARRAY['runtime','hitlai','bad_alloc','unknown','pg'] LOOP
        BEGIN
          PERFORM pg_temp.hl_throw(k);
        EXCEPTION WHEN OTHERS THEN NULL;
        END;
      END LOOP;
    END LOOP;
  END $d$ $$, 'S3: 1000 errors in a row through the bridge leave the session usable');
SELECT is(pg_temp.hl_dtors() - :before, 3006::int8,
          'S3: every object of those 1000 calls was destroyed');
SELECT is((SELECT count(*) FROM hitlai.companies), 0::bigint,
          'S3: the session still runs queries after the errors');

-- hitlai.version(): the library's version equals the installed SQL version
SELECT is(hitlai.version(), (SELECT extversion FROM pg_extension WHERE extname = 'hitlai'),
          'S2: hitlai.version() from hitlai.so matches pg_extension.extversion');
SELECT matches(hitlai.version(), '^\d+\.\d+\.\d+$', 'S2: hitlai.version() is a SemVer version');
SELECT is((SELECT prolang FROM pg_proc WHERE oid = 'hitlai.version()'::regprocedure),
          (SELECT oid FROM pg_language WHERE lanname = 'c'), 'S2: hitlai.version() is LANGUAGE c');
SELECT is((SELECT proconfig FROM pg_proc WHERE oid = 'hitlai.version()'::regprocedure),
          ARRAY['search_path=pg_catalog, pg_temp'], 'S7: hitlai.version() has a fixed search_path');

SELECT * FROM finish();
ROLLBACK;
