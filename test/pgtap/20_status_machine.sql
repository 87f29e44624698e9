-- T4: status machine, completion timestamps, immutable columns (HL002, HL003); T5 emails.
BEGIN;
SELECT plan(26);

INSERT INTO hitlai.companies (id, name, email, monthly_test_quota)
  VALUES ('00000000-0000-0000-0000-0000000000c1', 'Acme', '  Ops@Acme.COM ', NULL);
SELECT is((SELECT email FROM hitlai.companies), 'ops@acme.com', 'T5: companies.email trimmed and lower-cased on insert');
UPDATE hitlai.companies SET email = 'NEW@Acme.com';
SELECT is((SELECT email FROM hitlai.companies), 'new@acme.com', 'T5: companies.email normalised on update');
INSERT INTO hitlai.human_testers (user_id, email, display_name) VALUES (gen_random_uuid(), ' Tes@X.IO', 't');
SELECT is((SELECT email FROM hitlai.human_testers), 'tes@x.io', 'T5: human_testers.email normalised');
INSERT INTO hitlai.early_adopter_apps (company_name, contact_name, email, selected_tier) VALUES ('a', 'b', 'E@A.IO ', 'x');
SELECT is((SELECT email FROM hitlai.early_adopter_apps), 'e@a.io', 'T5: early_adopter_apps.email normalised');
INSERT INTO hitlai.founding_tester_apps (full_name, email, selected_tier) VALUES ('a', ' F@A.IO', 'x');
SELECT is((SELECT email FROM hitlai.founding_tester_apps), 'f@a.io', 'T5: founding_tester_apps.email normalised');
SELECT throws_ok($$INSERT INTO hitlai.companies (name, email) VALUES ('B', 'New@ACME.com')$$, '23505', NULL,
                 'T5/D13: UNIQUE(email) is case-insensitive');

CREATE FUNCTION pg_temp.run(st text) RETURNS uuid LANGUAGE sql AS $$
  INSERT INTO hitlai.test_runs (company_id, url, mission, status, created_at)
  VALUES ('00000000-0000-0000-0000-0000000000c1', 'https://a.io', 'm', st, now() - interval '1500 ms')
  RETURNING id $$;

-- every allowed move
CREATE FUNCTION pg_temp.moves_ok(a text, b text) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE r uuid := pg_temp.run(a);
BEGIN
  UPDATE hitlai.test_runs SET status = b WHERE id = r;
  RETURN (SELECT status = b FROM hitlai.test_runs WHERE id = r);
END $$;
SELECT ok(pg_temp.moves_ok('pending', 'running'), 'T4: pending -> running');
SELECT ok(pg_temp.moves_ok('pending', 'completed'), 'T4: pending -> completed');
SELECT ok(pg_temp.moves_ok('pending', 'failed'), 'T4: pending -> failed');
SELECT ok(pg_temp.moves_ok('running', 'completed'), 'T4: running -> completed');
SELECT ok(pg_temp.moves_ok('running', 'failed'), 'T4: running -> failed');
SELECT ok(pg_temp.moves_ok('failed', 'pending'), 'T4: failed -> pending');

-- every forbidden move
SELECT throws_ok(format('UPDATE hitlai.test_runs SET status = %L WHERE id = %L', b, pg_temp.run(a)),
                 'HL002', format('test run status cannot change from "%s" to "%s"', a, b),
                 format('T4: %s -> %s raises HL002 naming both statuses', a, b))
  FROM (VALUES ('running', 'pending'), ('completed', 'pending'), ('completed', 'running'),
               ('completed', 'failed'), ('failed', 'running'), ('failed', 'completed')) v(a, b);

-- timestamps
SELECT pg_temp.run('running') AS r \gset
UPDATE hitlai.test_runs SET status = 'completed' WHERE id = :'r';
SELECT is((SELECT completed_at FROM hitlai.test_runs WHERE id = :'r'), now(),
          'T4: entering completed sets completed_at = now()');
SELECT cmp_ok((SELECT execution_time_ms FROM hitlai.test_runs WHERE id = :'r'), '>=', 1500::bigint,
              'T4: execution_time_ms = milliseconds from created_at to completed_at');
SELECT pg_temp.run('running') AS r2 \gset
UPDATE hitlai.test_runs SET status = 'completed', completed_at = created_at + interval '2 s',
                            execution_time_ms = 7 WHERE id = :'r2';
SELECT is((SELECT (completed_at - created_at, execution_time_ms) FROM hitlai.test_runs WHERE id = :'r2'),
          (interval '2 s', 7::bigint), 'T4: given completed_at and execution_time_ms are kept');
INSERT INTO hitlai.test_runs (company_id, url, mission, status, created_at)
  VALUES ('00000000-0000-0000-0000-0000000000c1', 'https://a.io', 'm', 'completed', now() - interval '3 s')
  RETURNING id AS r3 \gset
SELECT is((SELECT (completed_at, execution_time_ms) FROM hitlai.test_runs WHERE id = :'r3'),
          (now(), 3000::bigint), 'T4: a run inserted completed gets the same timestamps');
SELECT pg_temp.run('failed') AS r4 \gset
UPDATE hitlai.test_runs SET completed_at = now(), execution_time_ms = 5 WHERE id = :'r4';
UPDATE hitlai.test_runs SET status = 'pending' WHERE id = :'r4';
SELECT is((SELECT (completed_at, execution_time_ms) FROM hitlai.test_runs WHERE id = :'r4'),
          (NULL::timestamptz, NULL::bigint), 'T4: failed -> pending clears completed_at and execution_time_ms');

-- immutable columns
INSERT INTO hitlai.companies (id, name, email) VALUES ('00000000-0000-0000-0000-0000000000c2', 'Other', 'o@o.io');
SELECT throws_ok(format($$UPDATE hitlai.test_runs SET company_id = '00000000-0000-0000-0000-0000000000c2' WHERE id = %L$$, :'r'),
                 'HL003', 'column "company_id" of test_runs cannot be changed', 'T4: company_id is immutable (HL003 names it)');
SELECT throws_ok(format($$UPDATE hitlai.test_runs SET issues_found = 9 WHERE id = %L$$, :'r'),
                 'HL003', 'column "issues_found" of test_runs cannot be changed', 'T6: issues_found cannot be set by hand');
SELECT is((SELECT status FROM hitlai.test_runs WHERE id = :'r'), 'completed', 'T4: a failed statement leaves the row as it was');

SELECT * FROM finish();
ROLLBACK;
