-- Shape of the extension: S1 (exactly the tables of D1-D12, D15, D16 and D17, every object in schema hitlai, DROP
-- EXTENSION removes everything), primary keys, the exact set of foreign keys with their
-- ON DELETE actions, D14 (seed indexes by name, an index on every foreign key), S8
-- (pg_extension_config_dump of every table), A2/A6 (RLS on every table, fails closed).
BEGIN;
SELECT plan(99);

CREATE TEMP TABLE all_tables (t name) ON COMMIT DROP;
INSERT INTO all_tables VALUES ('companies'), ('company_members'), ('test_runs'), ('issues'), ('human_testers'),
  ('tester_assignments'), ('milestones'), ('early_adopter_apps'), ('founding_tester_apps'),
  ('training_data'), ('fine_tuning_jobs'), ('webhooks'), ('plan_tiers'), ('fine_tuning_job_examples'), ('webhook_deliveries');

-- S1: exactly the tables of D1-D12 and D15-D17 (the temp table keeps its old name).
SELECT has_schema('hitlai', 'S1: schema hitlai exists');
SELECT tables_are('hitlai', ARRAY(SELECT t FROM all_tables), 'S1: schema hitlai holds exactly the tables of D1-D12 and D15-D17');
SELECT is((SELECT count(*) FROM pg_class WHERE relnamespace = 'hitlai'::regnamespace AND relkind IN ('r', 'p', 'f')),
          15::bigint, 'S1: exactly fifteen tables (no partitioned or foreign tables besides)');
SELECT is((SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'hitlai'), 'hitlai',
          'S1: the extension lives in schema hitlai');
SELECT is((SELECT extrelocatable FROM pg_extension WHERE extname = 'hitlai'), false, 'S1: the extension is not relocatable');
SELECT has_pk('hitlai', t, format('D: %s has a primary key', t)) FROM all_tables ORDER BY t;

-- Every foreign key of D2-D12, with its ON DELETE action; nothing else (vanilla
-- PostgreSQL: no auth.users, so user_id columns are plain uuids, S6).
SELECT set_eq($$
  SELECT c.conrelid::regclass::text AS tbl, a.attname::text AS col, c.confrelid::regclass::text AS reftbl,
         ra.attname::text AS refcol, c.confdeltype::text AS on_delete
    FROM pg_constraint c
    JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ALL (c.conkey)
    JOIN pg_attribute ra ON ra.attrelid = c.confrelid AND ra.attnum = ALL (c.confkey)
   WHERE c.contype = 'f' AND c.connamespace = 'hitlai'::regnamespace
     AND c.confrelid IN (SELECT oid FROM pg_class WHERE relnamespace = 'hitlai'::regnamespace)$$,
  $$VALUES ('hitlai.company_members', 'company_id', 'hitlai.companies', 'id', 'c'),
           ('hitlai.test_runs', 'company_id', 'hitlai.companies', 'id', 'c'),
           ('hitlai.test_runs', 'tester_id', 'hitlai.human_testers', 'id', 'n'),
           ('hitlai.issues', 'test_run_id', 'hitlai.test_runs', 'id', 'c'),
           ('hitlai.tester_assignments', 'test_run_id', 'hitlai.test_runs', 'id', 'c'),
           ('hitlai.tester_assignments', 'tester_id', 'hitlai.human_testers', 'id', 'c'),
           ('hitlai.training_data', 'test_run_id', 'hitlai.test_runs', 'id', 'c'),
           ('hitlai.webhooks', 'company_id', 'hitlai.companies', 'id', 'c'),
           ('hitlai.fine_tuning_job_examples', 'job_id', 'hitlai.fine_tuning_jobs', 'id', 'c'),
           ('hitlai.fine_tuning_job_examples', 'training_data_id', 'hitlai.training_data', 'id', 'r'),
           ('hitlai.webhook_deliveries', 'webhook_id', 'hitlai.webhooks', 'id', 'c'),
           ('hitlai.webhook_deliveries', 'company_id', 'hitlai.companies', 'id', 'c')$$,
  'D2-D12, D15, D16: exactly the foreign keys of SPEC, single-column, with ON DELETE CASCADE (c) / SET NULL (n) / RESTRICT (r)');
-- S6: user_id columns reference auth.users(id) ON DELETE CASCADE only when auth.users exists.
SELECT set_eq($$
  SELECT c.conrelid::regclass::text AS tbl, a.attname::text AS col, c.confrelid::regclass::text AS reftbl,
         c.confdeltype::text AS on_delete
    FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ALL (c.conkey)
   WHERE c.contype = 'f' AND c.connamespace = 'hitlai'::regnamespace
     AND c.confrelid NOT IN (SELECT oid FROM pg_class WHERE relnamespace = 'hitlai'::regnamespace)$$,
  CASE WHEN to_regclass('auth.users') IS NULL
       THEN $$SELECT NULL::text AS a, NULL::text AS b, NULL::text AS c, NULL::text AS d WHERE false$$
       ELSE $$VALUES ('hitlai.company_members', 'user_id', 'auth.users', 'c'),
                     ('hitlai.human_testers', 'user_id', 'auth.users', 'c')$$ END,
  'S6: foreign keys leaving schema hitlai: none without auth.users, else user_id -> auth.users ON DELETE CASCADE');
SELECT is_empty($$SELECT conname FROM pg_constraint
                   WHERE contype = 'f' AND connamespace = 'hitlai'::regnamespace
                     AND (confupdtype <> 'a' OR confmatchtype <> 's' OR condeferrable)$$,
                'D: foreign keys are ON UPDATE NO ACTION, MATCH SIMPLE, not deferrable');

-- D14: the seed's indexes under the seed's names, with the seed's definitions.
CREATE TEMP TABLE seed_idx (idx name, tbl name, cols name[], def text) ON COMMIT DROP;
INSERT INTO seed_idx VALUES
  ('idx_test_runs_company_id', 'test_runs', '{company_id}', 'btree (company_id)'),
  ('idx_test_runs_tester_id', 'test_runs', '{tester_id}', 'btree (tester_id)'),
  ('idx_test_runs_status', 'test_runs', '{status}', 'btree (status)'),
  ('idx_test_runs_created_at', 'test_runs', '{created_at}', 'btree (created_at DESC)'),
  ('idx_issues_test_run_id', 'issues', '{test_run_id}', 'btree (test_run_id)'),
  ('idx_issues_severity', 'issues', '{severity}', 'btree (severity)'),
  ('idx_human_testers_user_id', 'human_testers', '{user_id}', 'btree (user_id)'),
  ('idx_human_testers_is_verified', 'human_testers', '{is_verified}', 'btree (is_verified)'),
  ('idx_companies_email', 'companies', '{email}', 'btree (email)'),
  ('idx_companies_stripe_customer_id', 'companies', '{stripe_customer_id}', 'btree (stripe_customer_id)'),
  ('idx_test_runs_platform_type', 'test_runs', '{"((platform_details ->> ''type''::text))"}',
   'btree (((platform_details ->> ''type''::text)))'),
  ('idx_issues_metadata', 'issues', '{metadata}', 'gin (metadata)');
SELECT has_index('hitlai', tbl, idx, cols, format('D14: index %s on %s%s', idx, tbl, cols)) FROM seed_idx ORDER BY idx;
SELECT is(pg_get_indexdef(format('hitlai.%I', idx)::regclass),
          format('CREATE INDEX %s ON hitlai.%s USING %s', idx, tbl, def),
          format('D14: %s is exactly the seed''s index: USING %s', idx, def))
  FROM seed_idx ORDER BY idx;
SELECT index_is_type('hitlai', 'issues', 'idx_issues_metadata', 'gin', 'D14: idx_issues_metadata uses gin');
SELECT is((SELECT (indoption[0] & 1)::int FROM pg_index WHERE indexrelid = 'hitlai.idx_test_runs_created_at'::regclass),
          1, 'D14: idx_test_runs_created_at is DESC');
SELECT is_empty($$SELECT idx FROM seed_idx s JOIN pg_index i ON i.indexrelid = format('hitlai.%I', s.idx)::regclass
                   WHERE NOT i.indisvalid OR i.indpred IS NOT NULL$$,
                'D14: the seed indexes are valid and not partial');
-- D14/A5: every foreign key has an index whose leading columns are the key's columns.
SELECT is_empty($$
  SELECT c.conrelid::regclass, c.conname FROM pg_constraint c
   WHERE c.contype = 'f' AND c.connamespace = 'hitlai'::regnamespace
     AND NOT EXISTS (
       SELECT 1 FROM pg_index i
        WHERE i.indrelid = c.conrelid AND i.indisvalid AND i.indpred IS NULL
          AND (i.indkey::int2[])[0:cardinality(c.conkey) - 1] @> c.conkey
          AND (i.indkey::int2[])[0:cardinality(c.conkey) - 1] <@ c.conkey)$$,
  'D14: no unindexed foreign key (each has an index led by its columns)');
SELECT cmp_ok((SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND connamespace = 'hitlai'::regnamespace),
              '>=', 10::bigint, 'D14: the check above covered at least the ten foreign keys of D2-D12 and D15');

-- S8: every table is registered with pg_extension_config_dump.
SELECT set_eq($$SELECT unnest(extconfig)::regclass::text FROM pg_extension WHERE extname = 'hitlai'$$,
              $$SELECT 'hitlai.' || t FROM all_tables$$,
              'S8: pg_extension.extconfig holds exactly the thirteen tables (pg_dump dumps their rows)');
SELECT is((SELECT cardinality(extconfig) = cardinality(extcondition) FROM pg_extension WHERE extname = 'hitlai'),
          true, 'S8: one extcondition per registered table');

-- A2: row-level security is enabled on every table.
SELECT ok((SELECT relrowsecurity FROM pg_class WHERE oid = format('hitlai.%I', t)::regclass),
          format('A2: row-level security is enabled on %s', t)) FROM all_tables ORDER BY t;

-- A6: with no policy in place, a role that does not bypass RLS sees no rows, though
-- every table has one. Policies (added by later parts) are dropped inside this
-- transaction to model "until policies are in place".
INSERT INTO hitlai.companies (id, name, email, monthly_test_quota)
  VALUES ('00000000-0000-0000-0000-0000000000c1', 'Acme', 'acme@s1.test', NULL);
INSERT INTO hitlai.company_members (company_id, user_id, role, joined_at)
  VALUES ('00000000-0000-0000-0000-0000000000c1', '00000000-0000-0000-0000-00000000a001', 'owner', now());
INSERT INTO hitlai.human_testers (id, user_id, email, display_name)
  VALUES ('00000000-0000-0000-0000-0000000000e1', '00000000-0000-0000-0000-00000000a002', 'ann@s1.test', 'Ann');
INSERT INTO hitlai.test_runs (id, company_id, tester_id, url, mission)
  VALUES ('00000000-0000-0000-0000-0000000000d1', '00000000-0000-0000-0000-0000000000c1',
          '00000000-0000-0000-0000-0000000000e1', 'https://acme.example/', 'Buy');
INSERT INTO hitlai.issues (test_run_id, title) VALUES ('00000000-0000-0000-0000-0000000000d1', 'Broken');
INSERT INTO hitlai.tester_assignments (test_run_id, tester_id)
  VALUES ('00000000-0000-0000-0000-0000000000d1', '00000000-0000-0000-0000-0000000000e1');
INSERT INTO hitlai.milestones (phase, tests_required) VALUES ('s1-phase', 100);
INSERT INTO hitlai.early_adopter_apps (company_name, contact_name, email, selected_tier)
  VALUES ('Acme', 'Ann', 'ann@ea.s1.test', 'pioneer');
INSERT INTO hitlai.founding_tester_apps (full_name, email, selected_tier) VALUES ('Bob', 'bob@ft.s1.test', 'founder');
INSERT INTO hitlai.training_data (test_run_id, input_data, output_data) VALUES ('00000000-0000-0000-0000-0000000000d1',
  '{"url": "https://acme.example/", "mission": "Buy", "persona": null, "platform": "web"}',
  '{"sentiment_score": null, "issues": [{"title": "Broken", "severity": "medium"}], "recommendations": [], "positives": []}')
  ON CONFLICT (test_run_id) DO NOTHING;
INSERT INTO hitlai.fine_tuning_jobs (model_type) VALUES ('gpt-4o-mini');
INSERT INTO hitlai.webhooks (company_id, url, events)
  VALUES ('00000000-0000-0000-0000-0000000000c1', 'https://acme.example/hook', '{issue.created}');
INSERT INTO hitlai.fine_tuning_job_examples (job_id, training_data_id, split)
  SELECT j.id, t.id, 'train' FROM hitlai.fine_tuning_jobs j, hitlai.training_data t;
INSERT INTO hitlai.issues (test_run_id, title) VALUES ('00000000-0000-0000-0000-0000000000d1', 'Broken too');  -- W1: a delivery

CREATE FUNCTION pg_temp.row_count(t name) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
  EXECUTE format('SELECT count(*) FROM hitlai.%I', t) INTO n;
  RETURN n;
END $$;
SELECT is_empty($$SELECT t FROM all_tables WHERE pg_temp.row_count(t) = 0$$,
                'A6: (setup) every table holds at least one row for a privileged role');

DO $$
DECLARE p record;
BEGIN
  FOR p IN SELECT policyname, tablename FROM pg_policies WHERE schemaname = 'hitlai' LOOP
    EXECUTE format('DROP POLICY %I ON hitlai.%I', p.policyname, p.tablename);
  END LOOP;
END $$;
CREATE ROLE hl_rls_probe NOLOGIN NOSUPERUSER NOBYPASSRLS;
GRANT USAGE ON SCHEMA hitlai TO hl_rls_probe;
GRANT SELECT ON ALL TABLES IN SCHEMA hitlai TO hl_rls_probe;
GRANT SELECT ON all_tables TO hl_rls_probe;
SET LOCAL ROLE hl_rls_probe;
SELECT is(pg_temp.row_count(t), 0::bigint,
          format('A6: without policies a role that does not bypass RLS sees no row of %s (fails closed)', t))
  FROM all_tables ORDER BY t;
RESET ROLE;

-- S1: every member object of the extension is in schema hitlai, and every object in
-- schema hitlai belongs to the extension.
SELECT ext.oid AS ext_oid FROM pg_extension ext WHERE extname = 'hitlai' \gset
SELECT is_empty(format($$
  SELECT (pg_identify_object(classid, objid, objsubid)).* FROM pg_depend
   WHERE refclassid = 'pg_extension'::regclass AND refobjid = %s AND deptype = 'e'
     AND classid <> 'pg_event_trigger'::regclass  -- S7's event trigger: not a schema object
     AND (pg_identify_object(classid, objid, objsubid)).schema IS DISTINCT FROM 'hitlai'$$, :ext_oid),
  'S1: every object of the extension is in schema hitlai');
SELECT is_empty(format($$
  SELECT 'pg_class', oid::regclass::text FROM pg_class
   WHERE relnamespace = 'hitlai'::regnamespace AND relkind NOT IN ('i', 'I', 't')
     AND NOT EXISTS (SELECT 1 FROM pg_depend WHERE classid = 'pg_class'::regclass AND objid = pg_class.oid
                       AND refobjid = %1$s AND deptype = 'e')
  UNION ALL
  SELECT 'pg_proc', oid::regprocedure::text FROM pg_proc
   WHERE pronamespace = 'hitlai'::regnamespace
     AND NOT EXISTS (SELECT 1 FROM pg_depend WHERE classid = 'pg_proc'::regclass AND objid = pg_proc.oid
                       AND refobjid = %1$s AND deptype = 'e')
  UNION ALL
  SELECT 'pg_type', oid::regtype::text FROM pg_type t
   WHERE typnamespace = 'hitlai'::regnamespace AND typrelid = 0
     AND NOT EXISTS (SELECT 1 FROM pg_type e WHERE e.typarray = t.oid)
     AND NOT EXISTS (SELECT 1 FROM pg_depend WHERE classid = 'pg_type'::regclass AND objid = t.oid
                       AND refobjid = %1$s AND deptype = 'e')$$, :ext_oid),
  'S1: every table, view, sequence, function and type in schema hitlai belongs to the extension');
SELECT is((SELECT count(*) FROM pg_depend WHERE refobjid = :ext_oid AND deptype = 'e'
             AND classid = 'pg_class'::regclass AND objid IN (SELECT format('hitlai.%I', t)::regclass FROM all_tables)),
          15::bigint, 'S1: the fifteen tables are members of the extension');

-- S1: DROP EXTENSION hitlai CASCADE removes every object, and CREATE EXTENSION creates
-- nothing outside schema hitlai. Catalog snapshots: (catalog, key, schema of the object
-- or of the table it belongs to; '-' for bookkeeping rows; 'hitlai-schema' for rows about
-- schema hitlai itself). No DDL happens between the snapshots but the extension and
-- schema commands. PostgreSQL keeps the schema that CREATE EXTENSION made (with any
-- grants the install script made on it) after DROP EXTENSION; DROP SCHEMA hitlai
-- afterwards must then restore the catalogs exactly.
CREATE FUNCTION pg_temp.catalog_objects() RETURNS TABLE (cat text, key text, nsp name) LANGUAGE sql AS $$
  SELECT 'pg_class', c.oid::text,
         CASE WHEN n.nspname = 'pg_toast'
              THEN coalesce((SELECT r.relnamespace::regnamespace::name FROM pg_class r
                              WHERE r.reltoastrelid IN (c.oid, (SELECT i.indrelid FROM pg_index i WHERE i.indexrelid = c.oid))),
                            n.nspname)
              ELSE n.nspname END
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  UNION ALL SELECT 'pg_proc', oid::text, pronamespace::regnamespace::name FROM pg_proc
  UNION ALL SELECT 'pg_type', oid::text, typnamespace::regnamespace::name FROM pg_type
  UNION ALL SELECT 'pg_operator', oid::text, oprnamespace::regnamespace::name FROM pg_operator
  UNION ALL SELECT 'pg_opclass', oid::text, opcnamespace::regnamespace::name FROM pg_opclass
  UNION ALL SELECT 'pg_opfamily', oid::text, opfnamespace::regnamespace::name FROM pg_opfamily
  UNION ALL SELECT 'pg_collation', oid::text, collnamespace::regnamespace::name FROM pg_collation
  UNION ALL SELECT 'pg_conversion', oid::text, connamespace::regnamespace::name FROM pg_conversion
  UNION ALL SELECT 'pg_ts_config', oid::text, cfgnamespace::regnamespace::name FROM pg_ts_config
  UNION ALL SELECT 'pg_ts_dict', oid::text, dictnamespace::regnamespace::name FROM pg_ts_dict
  UNION ALL SELECT 'pg_statistic_ext', oid::text, stxnamespace::regnamespace::name FROM pg_statistic_ext
  UNION ALL SELECT 'pg_constraint', oid::text, connamespace::regnamespace::name FROM pg_constraint
  UNION ALL SELECT 'pg_trigger', t.oid::text, c.relnamespace::regnamespace::name
              FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
  UNION ALL SELECT 'pg_policy', p.oid::text, c.relnamespace::regnamespace::name
              FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
  UNION ALL SELECT 'pg_attrdef', d.oid::text, c.relnamespace::regnamespace::name
              FROM pg_attrdef d JOIN pg_class c ON c.oid = d.adrelid
  UNION ALL SELECT 'pg_rewrite', r.oid::text, c.relnamespace::regnamespace::name
              FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class
  UNION ALL SELECT 'pg_extension', oid::text || ' ' || extname, extnamespace::regnamespace::name FROM pg_extension
  -- objects outside any schema: any new one is "outside hitlai"
  UNION ALL SELECT 'pg_namespace', oid::text || ' ' || nspname, nspname FROM pg_namespace
  UNION ALL SELECT 'pg_cast', oid::text, NULL FROM pg_cast
  UNION ALL SELECT 'pg_event_trigger', oid::text, NULL FROM pg_event_trigger
  UNION ALL SELECT 'pg_language', oid::text, NULL FROM pg_language
  UNION ALL SELECT 'pg_am', oid::text, NULL FROM pg_am
  UNION ALL SELECT 'pg_foreign_data_wrapper', oid::text, NULL FROM pg_foreign_data_wrapper
  UNION ALL SELECT 'pg_foreign_server', oid::text, NULL FROM pg_foreign_server
  UNION ALL SELECT 'pg_publication', oid::text, NULL FROM pg_publication
  UNION ALL SELECT 'pg_transform', oid::text, NULL FROM pg_transform
  UNION ALL SELECT 'pg_default_acl', oid::text, NULL FROM pg_default_acl
  UNION ALL SELECT 'pg_authid', oid::text || ' ' || rolname, NULL FROM pg_authid
  UNION ALL SELECT 'pg_db_role_setting', setdatabase || ' ' || setrole || ' ' || setconfig::text, NULL FROM pg_db_role_setting
  -- bookkeeping rows: they must come and go with the objects
  UNION ALL SELECT 'pg_depend', d::text, CASE WHEN (d.classid, d.objid) = ('pg_namespace'::regclass, h.oid) THEN 'hitlai-schema' ELSE '-' END
              FROM pg_depend d LEFT JOIN pg_namespace h ON h.nspname = 'hitlai'
  UNION ALL SELECT 'pg_shdepend', d::text, CASE WHEN (d.classid, d.objid) = ('pg_namespace'::regclass, h.oid) THEN 'hitlai-schema' ELSE '-' END
              FROM pg_shdepend d LEFT JOIN pg_namespace h ON h.nspname = 'hitlai'
             WHERE d.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
  UNION ALL SELECT 'pg_description', d::text, CASE WHEN (d.classoid, d.objoid) = ('pg_namespace'::regclass, h.oid) THEN 'hitlai-schema' ELSE '-' END
              FROM pg_description d LEFT JOIN pg_namespace h ON h.nspname = 'hitlai'
  UNION ALL SELECT 'pg_init_privs', p::text, CASE WHEN (p.classoid, p.objoid) = ('pg_namespace'::regclass, h.oid) THEN 'hitlai-schema' ELSE '-' END
              FROM pg_init_privs p LEFT JOIN pg_namespace h ON h.nspname = 'hitlai'
  UNION ALL SELECT 'pg_seclabel', s::text, '-' FROM pg_seclabel s
$$;
CREATE TEMP TABLE snap_before (cat text, key text, nsp name) ON COMMIT DROP;
CREATE TEMP TABLE snap_dropped (cat text, key text, nsp name) ON COMMIT DROP;
CREATE TEMP TABLE snap_created (cat text, key text, nsp name) ON COMMIT DROP;
CREATE TEMP TABLE snap_dropped_again (cat text, key text, nsp name) ON COMMIT DROP;
CREATE TEMP TABLE snap_clean (cat text, key text, nsp name) ON COMMIT DROP;
CREATE TEMP TABLE snap_clean_again (cat text, key text, nsp name) ON COMMIT DROP;

INSERT INTO snap_before SELECT * FROM pg_temp.catalog_objects();
-- T1's milestone count waits for commit (a deferred constraint trigger); the rows this
-- file inserted queued it, and PostgreSQL refuses to drop a table with pending trigger
-- events: count now.
SET CONSTRAINTS ALL IMMEDIATE;
DROP EXTENSION hitlai CASCADE;
INSERT INTO snap_dropped SELECT * FROM pg_temp.catalog_objects();

SELECT is((SELECT count(*) FROM pg_extension WHERE extname = 'hitlai'), 0::bigint,
          'S1: after DROP EXTENSION hitlai CASCADE the extension is gone');
SELECT is((SELECT count(*) FROM pg_depend WHERE refclassid = 'pg_extension'::regclass AND refobjid = :ext_oid)
          + (SELECT count(*) FROM pg_depend WHERE classid = 'pg_extension'::regclass AND objid = :ext_oid),
          0::bigint, 'S1: no pg_depend row refers to the dropped extension');
SELECT is_empty($$
  SELECT 'pg_class', relname::text FROM pg_class WHERE relnamespace = 'hitlai'::regnamespace
  UNION ALL SELECT 'pg_proc', proname::text FROM pg_proc WHERE pronamespace = 'hitlai'::regnamespace
  UNION ALL SELECT 'pg_type', typname::text FROM pg_type WHERE typnamespace = 'hitlai'::regnamespace
  UNION ALL SELECT 'pg_operator', oprname::text FROM pg_operator WHERE oprnamespace = 'hitlai'::regnamespace
  UNION ALL SELECT 'pg_collation', collname::text FROM pg_collation WHERE collnamespace = 'hitlai'::regnamespace
  UNION ALL SELECT 'pg_opfamily', opfname::text FROM pg_opfamily WHERE opfnamespace = 'hitlai'::regnamespace
  UNION ALL SELECT 'pg_conversion', conname::text FROM pg_conversion WHERE connamespace = 'hitlai'::regnamespace
  UNION ALL SELECT 'pg_ts_config', cfgname::text FROM pg_ts_config WHERE cfgnamespace = 'hitlai'::regnamespace
  UNION ALL SELECT 'pg_constraint', conname::text FROM pg_constraint WHERE connamespace = 'hitlai'::regnamespace$$,
  'S1: after DROP EXTENSION schema hitlai is empty (no table, index, view, sequence, function, type, operator)');
SELECT has_schema('hitlai', 'S1: the (empty) schema hitlai itself remains: PostgreSQL does not drop a schema CREATE EXTENSION made');
SELECT is_empty($$SELECT * FROM snap_before WHERE nsp = 'hitlai' AND cat <> 'pg_namespace' INTERSECT SELECT * FROM snap_dropped$$,
                'S1: nothing that was in schema hitlai survives DROP EXTENSION (catalog snapshots)');
SELECT is_empty($$SELECT * FROM snap_dropped EXCEPT SELECT * FROM snap_before$$,
                'S1: DROP EXTENSION creates nothing');
SELECT lives_ok('DROP SCHEMA hitlai RESTRICT', 'S1: the schema left behind is empty: DROP SCHEMA hitlai (RESTRICT) succeeds');
INSERT INTO snap_clean SELECT * FROM pg_temp.catalog_objects();
-- Second cycle, from a database without schema hitlai.
CREATE EXTENSION hitlai;
INSERT INTO snap_created SELECT * FROM pg_temp.catalog_objects();
DROP EXTENSION hitlai CASCADE;
INSERT INTO snap_dropped_again SELECT * FROM pg_temp.catalog_objects();
DROP SCHEMA hitlai RESTRICT;
INSERT INTO snap_clean_again SELECT * FROM pg_temp.catalog_objects();

SELECT isnt_empty($$SELECT * FROM snap_created EXCEPT SELECT * FROM snap_clean$$,
                  'S1: (sanity) CREATE EXTENSION hitlai in the test made new catalog rows');
SELECT is_empty($$SELECT cat, key, nsp FROM (SELECT * FROM snap_created EXCEPT SELECT * FROM snap_clean) new_objects
                   WHERE nsp IS DISTINCT FROM 'hitlai' AND nsp NOT IN ('-', 'hitlai-schema')$$,
                'S1: CREATE EXTENSION hitlai creates nothing outside schema hitlai (tables, functions, types, casts, schemas, roles, event triggers, ...)');
SELECT is_empty($$SELECT * FROM snap_dropped_again EXCEPT SELECT * FROM snap_clean
                   EXCEPT SELECT * FROM snap_dropped_again WHERE nsp = 'hitlai-schema' OR cat = 'pg_namespace'$$,
                'S1: DROP EXTENSION hitlai CASCADE leaves nothing CREATE EXTENSION made, except schema hitlai itself (and its grants)');
SELECT is_empty($$(SELECT * FROM snap_clean_again EXCEPT SELECT * FROM snap_clean)
                  UNION ALL (SELECT * FROM snap_clean EXCEPT SELECT * FROM snap_clean_again)$$,
                'S1: CREATE EXTENSION + DROP EXTENSION + DROP SCHEMA hitlai leave the catalogs exactly as before');

SELECT * FROM finish();
ROLLBACK;
