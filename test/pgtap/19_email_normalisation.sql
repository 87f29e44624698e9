-- D13/T5: email columns are stored trimmed and lower-cased (companies, human_testers,
-- early_adopter_apps, founding_tester_apps), on INSERT and UPDATE, so UNIQUE(email) is
-- case-insensitive. The T5 triggers are a separate piece of work: until they exist the
-- assertions on stored values and on case-insensitive uniqueness fail, by design.
BEGIN;
SELECT plan(23);

-- The normalisation function itself (0.1.0).
SELECT is(hitlai.normalize_email(E'\t Foo.Bar@Example.COM \n'), 'foo.bar@example.com',
          'D13: normalize_email trims white space and lower-cases');
SELECT is(hitlai.normalize_email('already@lower.test'), 'already@lower.test',
          'D13: normalize_email keeps a normalised address unchanged');

INSERT INTO hitlai.companies (id, name, email, monthly_test_quota)
  VALUES ('00000000-0000-0000-0000-0000000000c1', 'Acme', E'  Foo.Bar@Example.COM\t', NULL);
INSERT INTO hitlai.human_testers (id, user_id, email, display_name)
  VALUES ('00000000-0000-0000-0000-0000000000e1', '00000000-0000-0000-0000-00000000a0e1', ' Ann@Tester.TEST ', 'Ann');
INSERT INTO hitlai.early_adopter_apps (id, company_name, contact_name, email, selected_tier)
  VALUES ('00000000-0000-0000-0000-0000000000f1', 'Acme', 'Ann', ' Ann@EA.Test ', 'pioneer');
INSERT INTO hitlai.founding_tester_apps (id, full_name, email, selected_tier)
  VALUES ('00000000-0000-0000-0000-0000000000f2', 'Bob', E'\nBob@FT.Test  ', 'founder');

SELECT is((SELECT email FROM hitlai.companies WHERE id = '00000000-0000-0000-0000-0000000000c1'),
          'foo.bar@example.com', 'D13/T5: companies.email is stored trimmed and lower-cased on INSERT');
SELECT is((SELECT email FROM hitlai.human_testers WHERE id = '00000000-0000-0000-0000-0000000000e1'),
          'ann@tester.test', 'D13/T5: human_testers.email is stored trimmed and lower-cased on INSERT');
SELECT is((SELECT email FROM hitlai.early_adopter_apps WHERE id = '00000000-0000-0000-0000-0000000000f1'),
          'ann@ea.test', 'D13/T5: early_adopter_apps.email is stored trimmed and lower-cased on INSERT');
SELECT is((SELECT email FROM hitlai.founding_tester_apps WHERE id = '00000000-0000-0000-0000-0000000000f2'),
          'bob@ft.test', 'D13/T5: founding_tester_apps.email is stored trimmed and lower-cased on INSERT');

UPDATE hitlai.companies SET email = ' New@Example.COM ' WHERE id = '00000000-0000-0000-0000-0000000000c1';
UPDATE hitlai.human_testers SET email = 'ANN2@Tester.test ' WHERE id = '00000000-0000-0000-0000-0000000000e1';
UPDATE hitlai.early_adopter_apps SET email = ' Ann2@EA.Test' WHERE id = '00000000-0000-0000-0000-0000000000f1';
UPDATE hitlai.founding_tester_apps SET email = 'BOB2@FT.TEST' WHERE id = '00000000-0000-0000-0000-0000000000f2';
SELECT is((SELECT email FROM hitlai.companies WHERE id = '00000000-0000-0000-0000-0000000000c1'),
          'new@example.com', 'D13/T5: companies.email is normalised on UPDATE');
SELECT is((SELECT email FROM hitlai.human_testers WHERE id = '00000000-0000-0000-0000-0000000000e1'),
          'ann2@tester.test', 'D13/T5: human_testers.email is normalised on UPDATE');
SELECT is((SELECT email FROM hitlai.early_adopter_apps WHERE id = '00000000-0000-0000-0000-0000000000f1'),
          'ann2@ea.test', 'D13/T5: early_adopter_apps.email is normalised on UPDATE');
SELECT is((SELECT email FROM hitlai.founding_tester_apps WHERE id = '00000000-0000-0000-0000-0000000000f2'),
          'bob2@ft.test', 'D13/T5: founding_tester_apps.email is normalised on UPDATE');

-- An UPDATE that doesn't touch email leaves it alone (and normalised).
UPDATE hitlai.companies SET industry = 'retail' WHERE id = '00000000-0000-0000-0000-0000000000c1';
SELECT is((SELECT email FROM hitlai.companies WHERE id = '00000000-0000-0000-0000-0000000000c1'),
          'new@example.com', 'D13/T5: an UPDATE of another column keeps the normalised email');

-- UNIQUE(email) is case-insensitive (and blind to surrounding white space).
SELECT throws_ok($$INSERT INTO hitlai.companies (name, email) VALUES ('Other', 'NEW@example.com')$$,
                 '23505', 'duplicate key value violates unique constraint "companies_email_key"',
                 'D13: companies.email is unique regardless of case');
SELECT throws_ok($$INSERT INTO hitlai.companies (name, email) VALUES ('Other', '  new@EXAMPLE.com ')$$,
                 '23505', 'duplicate key value violates unique constraint "companies_email_key"',
                 'D13: companies.email is unique regardless of surrounding white space');
SELECT throws_ok($$INSERT INTO hitlai.human_testers (user_id, email, display_name)
                   VALUES ('00000000-0000-0000-0000-00000000a0e2', 'Ann2@TESTER.test', 'Imposter')$$,
                 '23505', 'duplicate key value violates unique constraint "human_testers_email_key"',
                 'D13: human_testers.email is unique regardless of case');
INSERT INTO hitlai.companies (id, name, email) VALUES ('00000000-0000-0000-0000-0000000000c2', 'Beta', 'beta@example.com');
SELECT throws_ok($$UPDATE hitlai.companies SET email = 'BETA@Example.com' WHERE id = '00000000-0000-0000-0000-0000000000c1'$$,
                 '23505', 'duplicate key value violates unique constraint "companies_email_key"',
                 'D13: changing an email to another company''s email in other case is rejected');
SELECT is((SELECT count(*) FROM hitlai.companies WHERE lower(btrim(email)) IN ('new@example.com', 'beta@example.com')),
          2::bigint, 'D13: the rejected duplicates wrote nothing');

-- Letters beyond ASCII are folded as lower() folds them under the column's collation
-- (the test clusters use C.UTF-8, where "É" folds to "é").
SELECT is(hitlai.normalize_email(E' \u00C9MILE@\u00C9cole.Example '), lower(E'\u00C9MILE@\u00C9cole.Example'),
          'D13: normalize_email folds letters beyond ASCII as lower() does');
INSERT INTO hitlai.companies (id, name, email) VALUES ('00000000-0000-0000-0000-0000000000c3', 'Emile', E' \u00C9MILE@\u00C9cole.Example ');
SELECT is((SELECT email FROM hitlai.companies WHERE id = '00000000-0000-0000-0000-0000000000c3'),
          E'\u00E9mile@\u00E9cole.example', 'D13/T5: companies.email with letters beyond ASCII is stored lower-cased');
SELECT throws_ok($$INSERT INTO hitlai.companies (name, email) VALUES ('Other', E'\u00E9mile@\u00E9cole.example')$$,
                 '23505', 'duplicate key value violates unique constraint "companies_email_key"',
                 'D13: companies.email is unique regardless of the case of letters beyond ASCII');
INSERT INTO hitlai.founding_tester_apps (id, full_name, email, selected_tier)
  VALUES ('00000000-0000-0000-0000-0000000000f3', 'Zoe', E'Z\u00D6E@Example.TEST', 'founder');
SELECT is((SELECT email FROM hitlai.founding_tester_apps WHERE id = '00000000-0000-0000-0000-0000000000f3'),
          E'z\u00F6e@example.test', 'D13/T5: founding_tester_apps.email with letters beyond ASCII is stored lower-cased');

-- Looking a company up by any spelling works once stored values are normalised.
SELECT is((SELECT id FROM hitlai.companies WHERE email = hitlai.normalize_email(' NEW@Example.com ')),
          '00000000-0000-0000-0000-0000000000c1'::uuid,
          'D13: a lookup by normalize_email(input) finds the row');

-- Every email column holds only normalised values.
SELECT is_empty($$
  SELECT 'companies', email FROM hitlai.companies WHERE email IS DISTINCT FROM hitlai.normalize_email(email)
  UNION ALL SELECT 'human_testers', email FROM hitlai.human_testers WHERE email IS DISTINCT FROM hitlai.normalize_email(email)
  UNION ALL SELECT 'early_adopter_apps', email FROM hitlai.early_adopter_apps WHERE email IS DISTINCT FROM hitlai.normalize_email(email)
  UNION ALL SELECT 'founding_tester_apps', email FROM hitlai.founding_tester_apps WHERE email IS DISTINCT FROM hitlai.normalize_email(email)$$,
  'D13/T5: no stored email differs from its normalised form');
SELECT is(hitlai.normalize_email(NULL), NULL, 'D13: normalize_email(NULL) is NULL (STRICT)');

SELECT * FROM finish();
ROLLBACK;
