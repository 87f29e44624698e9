-- T2: training data captured, refreshed, frozen, deleted.
BEGIN;
SELECT plan(25);

INSERT INTO hitlai.companies (id, name, email, monthly_test_quota) VALUES ('00000000-0000-0000-0000-0000000000e1', 'T', 't@t.io', NULL);
INSERT INTO hitlai.test_runs (id, company_id, url, mission, persona, platform_details, status, sentiment_score,
                              recommendations, positives, ai_model_used)
  VALUES ('00000000-0000-0000-0000-0000000000e2', '00000000-0000-0000-0000-0000000000e1', 'https://shop.io', 'Buy',
          'casual', '{"type": "mobile"}', 'running', 0.75, '{Fix validation}', '{Fast}', 'gpt-x');
INSERT INTO hitlai.issues (id, test_run_id, title, severity, created_at) VALUES
  ('00000000-0000-0000-0000-000000000011', '00000000-0000-0000-0000-0000000000e2', 'low', 'low', now()),
  ('00000000-0000-0000-0000-000000000012', '00000000-0000-0000-0000-0000000000e2', 'crit late', 'critical', now() + interval '1 s'),
  ('00000000-0000-0000-0000-000000000013', '00000000-0000-0000-0000-0000000000e2', 'crit b', 'critical', now()),
  ('00000000-0000-0000-0000-000000000010', '00000000-0000-0000-0000-0000000000e2', 'crit a', 'critical', now()),
  ('00000000-0000-0000-0000-000000000014', '00000000-0000-0000-0000-0000000000e2', 'high', 'high', now());
UPDATE hitlai.test_runs SET status = 'completed', company_ai_rating = 3;
SELECT is((SELECT count(*) FROM hitlai.training_data), 0::bigint, 'T2: rating 3: no training row');
UPDATE hitlai.test_runs SET company_ai_rating = 4;
SELECT is((SELECT input_data FROM hitlai.training_data),
          '{"url": "https://shop.io", "mission": "Buy", "persona": "casual", "platform": "mobile"}'::jsonb,
          'T2: input_data');
SELECT is((SELECT output_data FROM hitlai.training_data),
          '{"sentiment_score": 0.75, "issues": [{"title": "crit a", "severity": "critical"}, {"title": "crit b", "severity": "critical"},
            {"title": "crit late", "severity": "critical"}, {"title": "high", "severity": "high"}, {"title": "low", "severity": "low"}],
            "recommendations": ["Fix validation"], "positives": ["Fast"]}'::jsonb,
          'T2: output_data, issues ordered critical -> low, then created_at, id');
SELECT is((SELECT (rating, model_type) FROM hitlai.training_data), (4::smallint, 'gpt-x'::text), 'T2: rating and model_type');
UPDATE hitlai.test_runs SET positives = '{Fast,Clear}', company_ai_rating = 5;
SELECT is((SELECT (output_data -> 'positives', rating) FROM hitlai.training_data), ('["Fast", "Clear"]'::jsonb, 5::smallint),
          'T2: a later update refreshes the row');
DELETE FROM hitlai.issues WHERE severity = 'low';
SELECT is((SELECT jsonb_array_length(output_data -> 'issues') FROM hitlai.training_data), 4, 'T2: issue changes refresh the row');
UPDATE hitlai.test_runs SET company_ai_rating = NULL;
SELECT is((SELECT count(*) FROM hitlai.training_data), 0::bigint, 'T2: rating becomes NULL: unused row deleted');
UPDATE hitlai.test_runs SET company_ai_rating = 4;
UPDATE hitlai.training_data SET used_for_training = true;
UPDATE hitlai.test_runs SET positives = '{Changed}', company_ai_rating = 1;
SELECT is((SELECT (output_data -> 'positives', rating) FROM hitlai.training_data), ('["Fast", "Clear"]'::jsonb, 4::smallint),
          'T2: a used_for_training row is frozen (neither refreshed nor deleted)');
DELETE FROM hitlai.test_runs;
SELECT is((SELECT count(*) FROM hitlai.training_data), 0::bigint, 'T2: deleting the run deletes even a used row');

-- The one-run path builds the document from the run's row and reads its issues by
-- index; statements of several runs read both with queries. The same content gives the
-- same documents either way: p1 alone, p2 and p3 in one statement, with NULLs, escapes,
-- an empty string and a numeric with trailing zeros.
INSERT INTO hitlai.test_runs (id, company_id, url, mission, persona, platform_details, status, sentiment_score,
                              recommendations, positives, ai_model_used)
  SELECT ('00000000-0000-0000-0000-0000000000f' || g)::uuid, '00000000-0000-0000-0000-0000000000e1',
         'https://x.io/a?q="1"&b=\n', E'Line 1\nLine "2" \\ tab\t é ✓', NULL,
         '{"type": "web", "browser": "firefox"}', 'running', 0.70,
         ARRAY['a "quoted" one', E'back\\slash', ''], '{}', NULL
    FROM generate_series(1, 3) g;
INSERT INTO hitlai.issues (test_run_id, title, severity, created_at)
  SELECT ('00000000-0000-0000-0000-0000000000f' || g)::uuid, E'Title "x" \\ ✓', 'medium', '2026-01-01'
    FROM generate_series(1, 3) g;
UPDATE hitlai.test_runs SET status = 'completed', company_ai_rating = 4 WHERE id = '00000000-0000-0000-0000-0000000000f1';
UPDATE hitlai.test_runs SET status = 'completed', company_ai_rating = 4
 WHERE id IN ('00000000-0000-0000-0000-0000000000f2', '00000000-0000-0000-0000-0000000000f3');
SELECT is((SELECT (input_data, output_data, rating, model_type)::text FROM hitlai.training_data
            WHERE test_run_id = '00000000-0000-0000-0000-0000000000f1'),
          (SELECT (input_data, output_data, rating, model_type)::text FROM hitlai.training_data
            WHERE test_run_id = '00000000-0000-0000-0000-0000000000f2'),
          'T2: a one-run capture builds the document a several-run statement builds');
SELECT is((SELECT output_data ->> 'sentiment_score' || (output_data -> 'recommendations')::text FROM hitlai.training_data
            WHERE test_run_id = '00000000-0000-0000-0000-0000000000f1'),
          '0.7["a \"quoted\" one", "back\\slash", ""]',
          'T2: the one-run document holds the sentiment as a number and the strings as written');
-- refreshed by a new issue: p1 alone (T6's one-run path), p2 and p3 in one statement
INSERT INTO hitlai.issues (test_run_id, title, severity, created_at)
  VALUES ('00000000-0000-0000-0000-0000000000f1', 'late', 'critical', '2026-01-02');
INSERT INTO hitlai.issues (test_run_id, title, severity, created_at)
  VALUES ('00000000-0000-0000-0000-0000000000f2', 'late', 'critical', '2026-01-02'),
         ('00000000-0000-0000-0000-0000000000f3', 'late', 'critical', '2026-01-02');
SELECT is((SELECT output_data::text FROM hitlai.training_data WHERE test_run_id = '00000000-0000-0000-0000-0000000000f1'),
          (SELECT output_data::text FROM hitlai.training_data WHERE test_run_id = '00000000-0000-0000-0000-0000000000f2'),
          'T2: a one-run refresh by a new issue gives the document a several-run refresh gives');

-- A NULL element of recommendations or positives (the columns allow them) is left out of
-- the document, whose arrays hold strings only (J5): rating such a run succeeds.
INSERT INTO hitlai.test_runs (id, company_id, url, mission, status, recommendations, positives)
  VALUES ('00000000-0000-0000-0000-0000000000f9', '00000000-0000-0000-0000-0000000000e1', 'https://n.io', 'm',
          'running', ARRAY['a', NULL, 'b'], ARRAY[NULL]::text[]);
UPDATE hitlai.test_runs SET status = 'completed', company_ai_rating = 5 WHERE id = '00000000-0000-0000-0000-0000000000f9';
SELECT is((SELECT (output_data -> 'recommendations')::text || (output_data -> 'positives')::text
             FROM hitlai.training_data WHERE test_run_id = '00000000-0000-0000-0000-0000000000f9'),
          '["a", "b"][]', 'T2/J5: NULL array elements are left out of the document');

-- A one-run refresh of a run that has its row rewrites that row without a statement
-- (docs/internals.md, "Counter rows written without the executor") when nothing could
-- tell the difference: the values of the upsert's DO UPDATE, with the index entries (the
-- digest index is an expression index). With an INSERT or UPDATE trigger on
-- training_data it runs the upsert, and the trigger fires as before.
-- (pg_stat_xact_user_functions counts the SQL calls of the J5 CHECK function: the upsert
-- evaluates the CHECK constraints for its insert half and again for its DO UPDATE; the
-- direct rewrite calls the validator itself, which that view does not count.)
SET LOCAL track_functions = 'all';
CREATE FUNCTION pg_temp.j5_calls() RETURNS bigint LANGUAGE sql AS $$
  SELECT coalesce(sum(calls), 0) FROM pg_stat_xact_user_functions
   WHERE schemaname = 'hitlai' AND funcname = 'check_training_output' $$;
CREATE TEMP TABLE td_seen (n int);
CREATE FUNCTION pg_temp.td_note() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN INSERT INTO td_seen VALUES (1); RETURN NULL; END $$;
CREATE TRIGGER zz_note AFTER UPDATE ON hitlai.training_data FOR EACH ROW EXECUTE FUNCTION pg_temp.td_note();
CREATE TEMP TABLE j5_before AS SELECT pg_temp.j5_calls() AS n;
INSERT INTO hitlai.issues (test_run_id, title, severity, created_at)
  VALUES ('00000000-0000-0000-0000-0000000000f1', 'later', 'high', '2026-01-03');
SELECT is((SELECT count(*) FROM td_seen) || '/' || (pg_temp.j5_calls() - (SELECT n FROM j5_before)) || '/'
          || (SELECT jsonb_array_length(output_data -> 'issues') FROM hitlai.training_data
               WHERE test_run_id = '00000000-0000-0000-0000-0000000000f1'),
          '1/2/3', 'T2: with an UPDATE trigger on training_data, a one-run refresh runs the upsert, which fires it');
DROP TRIGGER zz_note ON hitlai.training_data;
UPDATE j5_before SET n = pg_temp.j5_calls();
INSERT INTO hitlai.issues (test_run_id, title, severity, created_at)
  VALUES ('00000000-0000-0000-0000-0000000000f1', 'latest', 'high', '2026-01-04');
SELECT is((SELECT output_data -> 'issues' FROM hitlai.training_data WHERE test_run_id = '00000000-0000-0000-0000-0000000000f1')
          || jsonb_build_array(pg_temp.j5_calls() - (SELECT n FROM j5_before)),
          '[{"title": "late", "severity": "critical"}, {"title": "later", "severity": "high"},
            {"title": "latest", "severity": "high"}, {"title": "Title \"x\" \\ ✓", "severity": "medium"}, 0]'::jsonb,
          'T2: without one, the one-run refresh rewrites the row without the statement');
SET LOCAL enable_seqscan = off;
SET LOCAL enable_bitmapscan = off;
SELECT is((SELECT count(*) FROM hitlai.training_data t
            WHERE hitlai.training_doc_digest(t.input_data, t.output_data)
                  = (SELECT hitlai.training_doc_digest(input_data, output_data) FROM hitlai.training_data
                      WHERE test_run_id = '00000000-0000-0000-0000-0000000000f1')),
          1::bigint, 'T2: the refreshed row is found through the digest index by its new documents');
RESET enable_seqscan;
RESET enable_bitmapscan;
UPDATE hitlai.training_data SET used_for_training = true WHERE test_run_id = '00000000-0000-0000-0000-0000000000f1';
INSERT INTO hitlai.issues (test_run_id, title, severity, created_at)
  VALUES ('00000000-0000-0000-0000-0000000000f1', 'frozen', 'low', '2026-01-05');
SELECT is((SELECT jsonb_array_length(output_data -> 'issues') FROM hitlai.training_data
            WHERE test_run_id = '00000000-0000-0000-0000-0000000000f1'),
          4, 'T2: a one-run refresh leaves a row used for training as it is');
-- The first capture of a run inserts its row the same way (the upsert's insert, with
-- D10's defaults for the other columns); with an INSERT trigger on training_data it runs
-- the upsert.
INSERT INTO hitlai.test_runs (id, company_id, url, mission, status) VALUES
  ('00000000-0000-0000-0000-0000000000fb', '00000000-0000-0000-0000-0000000000e1', 'https://c.io', 'm', 'running'),
  ('00000000-0000-0000-0000-0000000000fc', '00000000-0000-0000-0000-0000000000e1', 'https://c.io', 'm', 'running');
UPDATE j5_before SET n = pg_temp.j5_calls();
UPDATE hitlai.test_runs SET status = 'completed', company_ai_rating = 5 WHERE id = '00000000-0000-0000-0000-0000000000fb';
SELECT is((SELECT (pg_temp.j5_calls() - (SELECT n FROM j5_before)) || '/' || rating || '/' || used_for_training || '/'
                  || (created_at = now()) || '/' || (id IS NOT NULL) || '/' || output_data
             FROM hitlai.training_data WHERE test_run_id = '00000000-0000-0000-0000-0000000000fb'),
          '0/5/false/true/true/{"issues": [], "positives": [], "recommendations": [], "sentiment_score": null}',
          'T2: a first one-run capture inserts the row without the statement, with the defaults of D10');
CREATE TRIGGER zz_ins AFTER INSERT ON hitlai.training_data FOR EACH ROW EXECUTE FUNCTION pg_temp.td_note();
DELETE FROM td_seen;
UPDATE j5_before SET n = pg_temp.j5_calls();
UPDATE hitlai.test_runs SET status = 'completed', company_ai_rating = 5 WHERE id = '00000000-0000-0000-0000-0000000000fc';
SELECT is((SELECT count(*) FROM td_seen) || '/' || (pg_temp.j5_calls() - (SELECT n FROM j5_before)), '1/1',
          'T2: with an INSERT trigger on training_data, a first capture runs the upsert, which fires it');
DROP TRIGGER zz_ins ON hitlai.training_data;
SET LOCAL enable_seqscan = off;
SET LOCAL enable_bitmapscan = off;
SELECT is((SELECT count(*) FROM hitlai.training_data t
            WHERE hitlai.training_doc_digest(t.input_data, t.output_data)
                  = (SELECT hitlai.training_doc_digest(input_data, output_data) FROM hitlai.training_data
                      WHERE test_run_id = '00000000-0000-0000-0000-0000000000fb'))
          || '/' || (SELECT count(*) FROM hitlai.training_data t
                      WHERE (t.created_at, t.id) = (SELECT created_at, id FROM hitlai.training_data
                                                     WHERE test_run_id = '00000000-0000-0000-0000-0000000000fb')),
          '2/1', 'T2: the directly inserted row is found through the digest (with fc''s, the same documents) and export-order indexes');
RESET enable_seqscan;
RESET enable_bitmapscan;
-- What the direct writes do not do themselves sends them to the statement: a CHECK
-- constraint or a column with a default that a user adds, and, for the skipped deletion
-- of a run's unwanted row, a user's DELETE trigger. A dropped column changes nothing.
CREATE TRIGGER zz_del AFTER DELETE ON hitlai.training_data FOR EACH STATEMENT EXECUTE FUNCTION pg_temp.td_note();
DELETE FROM td_seen;
INSERT INTO hitlai.test_runs (id, company_id, url, mission, status) VALUES
  ('00000000-0000-0000-0000-0000000000fd', '00000000-0000-0000-0000-0000000000e1', 'https://c.io', 'm', 'running'),
  ('00000000-0000-0000-0000-0000000000fe', '00000000-0000-0000-0000-0000000000e1', 'https://c.io', 'm', 'running'),
  ('00000000-0000-0000-0000-0000000000ff', '00000000-0000-0000-0000-0000000000e1', 'https://c.io', 'm', 'running'),
  ('00000000-0000-0000-0000-0000000000f8', '00000000-0000-0000-0000-0000000000e1', 'https://c.io', 'm', 'running');
UPDATE hitlai.test_runs SET status = 'completed', company_ai_rating = 2 WHERE id = '00000000-0000-0000-0000-0000000000fd';
SELECT is((SELECT count(*) FROM td_seen), 1::bigint,
          'T2: with a DELETE trigger on training_data, an unwanted completion runs the deletion, which fires it');
DROP TRIGGER zz_del ON hitlai.training_data;
ALTER TABLE hitlai.training_data ADD CONSTRAINT zz_model CHECK (model_type IS NOT NULL) NOT VALID;
SELECT throws_ok($$UPDATE hitlai.test_runs SET status = 'completed', company_ai_rating = 5
                    WHERE id = '00000000-0000-0000-0000-0000000000fe'$$,
  '23514', NULL, 'T2: a CHECK constraint a user adds to training_data holds for a capture');
ALTER TABLE hitlai.training_data DROP CONSTRAINT zz_model;
ALTER TABLE hitlai.training_data ADD COLUMN zz_source text DEFAULT 'capture';
UPDATE hitlai.test_runs SET status = 'completed', company_ai_rating = 5 WHERE id = '00000000-0000-0000-0000-0000000000ff';
SELECT is((SELECT zz_source FROM hitlai.training_data WHERE test_run_id = '00000000-0000-0000-0000-0000000000ff'),
          'capture', 'T2: a column a user adds with a default gets it in a captured row');
ALTER TABLE hitlai.training_data DROP COLUMN zz_source;
UPDATE j5_before SET n = pg_temp.j5_calls();
UPDATE hitlai.test_runs SET status = 'completed', company_ai_rating = 5 WHERE id = '00000000-0000-0000-0000-0000000000f8';
SELECT is((SELECT (pg_temp.j5_calls() - (SELECT n FROM j5_before)) || '/' || rating
             FROM hitlai.training_data WHERE test_run_id = '00000000-0000-0000-0000-0000000000f8'),
          '0/5', 'T2: with the column dropped again, the capture inserts the row directly');

-- Without an index that leads with issues.test_run_id (an operator dropped it), the
-- one-run paths read the issues with their queries instead: same documents.
DROP INDEX hitlai.idx_issues_test_run_id;
INSERT INTO hitlai.test_runs (id, company_id, url, mission, status) VALUES
  ('00000000-0000-0000-0000-0000000000fa', '00000000-0000-0000-0000-0000000000e1', 'https://d.io', 'm', 'running');
INSERT INTO hitlai.issues (test_run_id, title, severity, created_at)
  VALUES ('00000000-0000-0000-0000-0000000000fa', 'first', 'low', '2026-01-01');
UPDATE hitlai.test_runs SET status = 'completed', company_ai_rating = 4 WHERE id = '00000000-0000-0000-0000-0000000000fa';
INSERT INTO hitlai.issues (test_run_id, title, severity, created_at)
  VALUES ('00000000-0000-0000-0000-0000000000fa', 'second', 'high', '2026-01-02');
SELECT is((SELECT output_data -> 'issues' FROM hitlai.training_data
            WHERE test_run_id = '00000000-0000-0000-0000-0000000000fa'),
          '[{"title": "second", "severity": "high"}, {"title": "first", "severity": "low"}]'::jsonb,
          'T2: without the issues index, capture and refresh of one run still list its issues');

SELECT * FROM finish();
ROLLBACK;
