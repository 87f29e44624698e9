-- W1/D15: the webhook outbox: one delivery per event and matching active webhook,
-- written by the event's statement, set-wise, gone with a rolled back (sub)transaction.
-- W4: deactivating/deleting a webhook cancels/removes its undelivered deliveries.
-- W6: owner/admin of the company read its deliveries, nobody else.
BEGIN;
SELECT plan(52);

-- D15 shape
SELECT has_table('hitlai', 'webhook_deliveries', 'D15: table webhook_deliveries exists');
SELECT columns_are('hitlai', 'webhook_deliveries',
  ARRAY['id', 'webhook_id', 'company_id', 'event_type', 'payload', 'status', 'attempts',
        'next_attempt_at', 'last_attempt_at', 'last_status_code', 'last_error', 'delivered_at',
        'created_at'], 'D15: the columns of webhook_deliveries');
SELECT fk_ok('hitlai', 'webhook_deliveries', 'webhook_id', 'hitlai', 'webhooks', 'id',
             'D15: webhook_id references webhooks');
SELECT fk_ok('hitlai', 'webhook_deliveries', 'company_id', 'hitlai', 'companies', 'id',
             'D15: company_id references companies');
SELECT is(ARRAY(SELECT confdeltype::text FROM pg_constraint
                 WHERE conrelid = 'hitlai.webhook_deliveries'::regclass AND contype = 'f' ORDER BY conname),
          ARRAY['c', 'c'], 'D15: both foreign keys are ON DELETE CASCADE');
SELECT is((SELECT count(*) FROM pg_index i WHERE i.indrelid = 'hitlai.webhook_deliveries'::regclass
             AND i.indkey[0] IN (SELECT attnum FROM pg_attribute WHERE attrelid = i.indrelid
                                   AND attname IN ('webhook_id', 'company_id'))), 2::bigint,
          'D14: an index on each foreign key of webhook_deliveries');
SELECT ok((SELECT relrowsecurity FROM pg_class WHERE oid = 'hitlai.webhook_deliveries'::regclass),
          'A2: row-level security is on');
SELECT ok((SELECT 'hitlai.webhook_deliveries'::regclass::oid = ANY (extconfig) FROM pg_extension WHERE extname = 'hitlai'),
          'S8: webhook_deliveries is dumped with its rows (pg_extension_config_dump)');
SELECT col_default_is('hitlai', 'webhook_deliveries', 'status', 'pending', 'D15: status defaults to pending');
SELECT throws_ok($$INSERT INTO hitlai.webhook_deliveries (webhook_id, company_id, event_type, payload, status)
                   SELECT gen_random_uuid(), gen_random_uuid(), 'test_run.created', '{}', 'lost'$$,
                 '23514', NULL, 'D15: status is one of the five');

INSERT INTO hitlai.companies (id, name, email, monthly_test_quota) VALUES
  ('00000000-0000-0000-0000-0000000000a1', 'A', 'a@w1.test', NULL),
  ('00000000-0000-0000-0000-0000000000b1', 'B', 'b@w1.test', NULL),
  ('00000000-0000-0000-0000-0000000000c1', 'C', 'c@w1.test', 3);
INSERT INTO hitlai.webhooks (id, company_id, url, events, is_active) VALUES
  ('00000000-0000-0000-0000-00000000aa01', '00000000-0000-0000-0000-0000000000a1', 'https://a.example/all',
   '{test_run.created,test_run.completed,test_run.failed,issue.created}', true),
  ('00000000-0000-0000-0000-00000000aa02', '00000000-0000-0000-0000-0000000000a1', 'https://a.example/off',
   '{test_run.created,test_run.completed,test_run.failed,issue.created}', false),
  ('00000000-0000-0000-0000-00000000aa03', '00000000-0000-0000-0000-0000000000a1', 'https://a.example/issues',
   '{issue.created}', true),
  ('00000000-0000-0000-0000-00000000bb01', '00000000-0000-0000-0000-0000000000b1', 'https://b.example/all',
   '{test_run.created,test_run.completed,test_run.failed,issue.created}', true);

SELECT is(ARRAY(SELECT stats_active_webhooks FROM hitlai.companies ORDER BY id), ARRAY[2, 1, 0],
          'W1: companies.stats_active_webhooks counts active webhooks');

CREATE FUNCTION pg_temp.deliveries(hook text) RETURNS text[] LANGUAGE sql AS $$
  SELECT coalesce(array_agg(event_type || ':' || status ORDER BY created_at, event_type, id), '{}')
    FROM hitlai.webhook_deliveries WHERE webhook_id = ('00000000-0000-0000-0000-0000000' || hook)::uuid
$$;

-- test_run.created
INSERT INTO hitlai.test_runs (id, company_id, url, mission)
  VALUES ('00000000-0000-0000-0000-000000000a01', '00000000-0000-0000-0000-0000000000a1', 'https://app.a', 'm1');
SELECT is(pg_temp.deliveries('0aa01'), '{test_run.created:pending}', 'W1: an inserted run yields test_run.created');
SELECT is(pg_temp.deliveries('0aa02'), '{}', 'W1: an inactive webhook gets nothing');
SELECT is(pg_temp.deliveries('0aa03'), '{}', 'W1: a webhook not subscribed to the type gets nothing');
SELECT is(pg_temp.deliveries('0bb01'), '{}', 'W1: another company''s webhook gets nothing');
SELECT is((SELECT payload - 'timestamp' FROM hitlai.webhook_deliveries WHERE webhook_id = '00000000-0000-0000-0000-00000000aa01'),
          jsonb_build_object('type', 'test_run.created', 'data', jsonb_build_object(
            'id', '00000000-0000-0000-0000-000000000a01', 'company_id', '00000000-0000-0000-0000-0000000000a1',
            'status', 'pending', 'test_type', 'ai', 'url', 'https://app.a', 'mission', 'm1',
            'sentiment_score', NULL, 'issues_found', 0, 'cost', 0.00,
            'created_at', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
            'completed_at', NULL)),
          'W1: the payload of test_run.created (type, data)');
SELECT is((SELECT payload ->> 'timestamp' FROM hitlai.webhook_deliveries WHERE webhook_id = '00000000-0000-0000-0000-00000000aa01'),
          to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), 'W1: timestamp is the event time, ISO 8601 UTC');
SET LOCAL TimeZone = 'America/New_York';
INSERT INTO hitlai.test_runs (id, company_id, url, mission)
  VALUES ('00000000-0000-0000-0000-000000000a02', '00000000-0000-0000-0000-0000000000a1', 'https://app.a', 'm2');
RESET TimeZone;
SELECT is((SELECT payload -> 'data' ->> 'created_at' FROM hitlai.webhook_deliveries
            WHERE payload -> 'data' ->> 'id' = '00000000-0000-0000-0000-000000000a02'),
          to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), 'W1: timestamps are UTC whatever the session time zone');
SELECT is((SELECT status || next_attempt_at::text || attempts FROM hitlai.webhook_deliveries
            WHERE payload -> 'data' ->> 'id' = '00000000-0000-0000-0000-000000000a02'),
          'pending' || now()::text || '0', 'D15/W3: a new delivery is pending, due now, never attempted');

-- completed / failed
UPDATE hitlai.test_runs SET status = 'running' WHERE id = '00000000-0000-0000-0000-000000000a01';
SELECT is(cardinality(pg_temp.deliveries('0aa01')), 2, 'W1: pending -> running yields no event');
UPDATE hitlai.test_runs SET status = 'completed' WHERE id = '00000000-0000-0000-0000-000000000a01';
SELECT is((SELECT count(*) FROM hitlai.webhook_deliveries WHERE event_type = 'test_run.completed'
             AND webhook_id = '00000000-0000-0000-0000-00000000aa01' AND payload -> 'data' ->> 'status' = 'completed'
             AND payload -> 'data' ->> 'completed_at' IS NOT NULL), 1::bigint,
          'W1: running -> completed yields test_run.completed with the completed run');
UPDATE hitlai.test_runs SET status = 'failed' WHERE id = '00000000-0000-0000-0000-000000000a02';
SELECT is((SELECT count(*) FROM hitlai.webhook_deliveries WHERE event_type = 'test_run.failed'), 1::bigint,
          'W1: pending -> failed yields test_run.failed');
UPDATE hitlai.test_runs SET status = 'pending' WHERE id = '00000000-0000-0000-0000-000000000a02';
UPDATE hitlai.test_runs SET status = 'failed', mission = 'again' WHERE id IN ('00000000-0000-0000-0000-000000000a02');
SELECT is((SELECT count(*) FROM hitlai.webhook_deliveries WHERE event_type = 'test_run.failed'), 2::bigint,
          'W1: failing again after failed -> pending is a new event');
UPDATE hitlai.test_runs SET mission = 'edited' WHERE id = '00000000-0000-0000-0000-000000000a01';
SELECT is((SELECT count(*) FROM hitlai.webhook_deliveries), 5::bigint, 'W1: other updates yield no event');

INSERT INTO hitlai.test_runs (company_id, url, mission, status) VALUES
  ('00000000-0000-0000-0000-0000000000a1', 'https://app.a', 'done', 'completed'),
  ('00000000-0000-0000-0000-0000000000a1', 'https://app.a', 'broke', 'failed');
SELECT is(ARRAY(SELECT event_type FROM hitlai.webhook_deliveries WHERE payload -> 'data' ->> 'mission' IN ('done', 'broke')
                 ORDER BY payload -> 'data' ->> 'mission', event_type),
          ARRAY['test_run.created', 'test_run.failed', 'test_run.completed', 'test_run.created'],
          'W1: a run inserted completed (failed) yields created and completed (failed)');

-- issue.created
INSERT INTO hitlai.issues (id, test_run_id, title, severity, category) VALUES
  ('00000000-0000-0000-0000-0000000001e1', '00000000-0000-0000-0000-000000000a01', 'Broken button', 'high', 'ui');
SELECT is(pg_temp.deliveries('0aa03'), '{issue.created:pending}', 'W1: an inserted issue yields issue.created');
SELECT is((SELECT payload -> 'data' FROM hitlai.webhook_deliveries WHERE webhook_id = '00000000-0000-0000-0000-00000000aa03'),
          jsonb_build_object('id', '00000000-0000-0000-0000-0000000001e1', 'test_run_id', '00000000-0000-0000-0000-000000000a01',
                             'title', 'Broken button', 'severity', 'high', 'category', 'ui',
                             'created_at', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')),
          'W1: the payload of issue.created');
SELECT is((SELECT count(*) FROM hitlai.webhook_deliveries WHERE event_type = 'issue.created'), 2::bigint,
          'W1: one issue.created per subscribed active webhook');

-- company without webhooks; another company's events
INSERT INTO hitlai.test_runs (id, company_id, url, mission)
  VALUES ('00000000-0000-0000-0000-000000000c01', '00000000-0000-0000-0000-0000000000c1', 'https://app.c', 'c');
INSERT INTO hitlai.issues (test_run_id, title) VALUES ('00000000-0000-0000-0000-000000000c01', 'c issue');
SELECT is((SELECT count(*) FROM hitlai.webhook_deliveries WHERE company_id = '00000000-0000-0000-0000-0000000000c1'), 0::bigint,
          'W1: a company without webhooks records nothing');
INSERT INTO hitlai.test_runs (company_id, url, mission) VALUES ('00000000-0000-0000-0000-0000000000b1', 'https://app.b', 'b');
SELECT is(pg_temp.deliveries('0bb01'), '{test_run.created:pending}', 'W1: B''s run reaches B''s webhook');
SELECT is((SELECT count(*) FROM hitlai.webhook_deliveries d JOIN hitlai.webhooks w ON w.id = d.webhook_id
            WHERE w.company_id <> d.company_id OR (d.payload -> 'data' ->> 'company_id')::uuid IS DISTINCT FROM d.company_id
                  AND d.event_type <> 'issue.created'), 0::bigint,
          'W1: no delivery carries another company''s event');

-- rollback: a failing statement and a rolled back savepoint leave nothing
SELECT throws_ok($$INSERT INTO hitlai.test_runs (company_id, url, mission)
                   SELECT c, 'https://x', 'q' FROM (VALUES ('00000000-0000-0000-0000-0000000000a1'::uuid),
                     ('00000000-0000-0000-0000-0000000000c1'), ('00000000-0000-0000-0000-0000000000c1'),
                     ('00000000-0000-0000-0000-0000000000c1')) v(c)$$,
                 'HL001', NULL, 'Q1: a statement over C''s quota fails');
SELECT is((SELECT count(*) FROM hitlai.webhook_deliveries WHERE payload -> 'data' ->> 'mission' = 'q'), 0::bigint,
          'W1: the failed statement recorded no delivery');
SAVEPOINT s1;
INSERT INTO hitlai.test_runs (company_id, url, mission) VALUES ('00000000-0000-0000-0000-0000000000a1', 'https://x', 'sp');
SELECT is((SELECT count(*) FROM hitlai.webhook_deliveries WHERE payload -> 'data' ->> 'mission' = 'sp'), 1::bigint,
          'W1: inside the savepoint the delivery is there');
ROLLBACK TO SAVEPOINT s1;
SELECT is((SELECT count(*) FROM hitlai.webhook_deliveries WHERE payload -> 'data' ->> 'mission' = 'sp'), 0::bigint,
          'W1: ROLLBACK TO SAVEPOINT removes it');

-- bulk: 10k runs in one statement, three companies
INSERT INTO hitlai.test_runs (company_id, url, mission)
  SELECT (ARRAY['00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-0000000000b1',
                '00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-0000000000a1']::uuid[])[1 + g % 4],
         'https://bulk', 'bulk ' || g
    FROM generate_series(1, 10000) g;
SELECT is((SELECT array_agg(n ORDER BY w) FROM (SELECT webhook_id::text w, count(*) n FROM hitlai.webhook_deliveries
             WHERE payload -> 'data' ->> 'url' = 'https://bulk' GROUP BY 1) x),
          ARRAY[7500, 2500]::bigint[], 'W1: a 10k-row INSERT ... SELECT records one delivery per run and webhook');
SELECT is((SELECT count(DISTINCT payload -> 'data' ->> 'id') FROM hitlai.webhook_deliveries
            WHERE payload -> 'data' ->> 'url' = 'https://bulk'), 10000::bigint, 'W1: every run of the bulk insert once');
UPDATE hitlai.test_runs SET status = 'failed' WHERE url = 'https://bulk' AND company_id = '00000000-0000-0000-0000-0000000000b1';
SELECT is((SELECT count(*) FROM hitlai.webhook_deliveries WHERE event_type = 'test_run.failed'
             AND webhook_id = '00000000-0000-0000-0000-00000000bb01'), 2500::bigint,
          'W1: a 2.5k-row UPDATE into failed records one test_run.failed each');

-- deactivating cancels; reactivating counts again; deleting removes
UPDATE hitlai.webhook_deliveries SET status = 'succeeded' WHERE webhook_id = '00000000-0000-0000-0000-00000000aa03';
UPDATE hitlai.webhooks SET is_active = false WHERE id = '00000000-0000-0000-0000-00000000aa01';
SELECT is((SELECT array_agg(DISTINCT status) FROM hitlai.webhook_deliveries WHERE webhook_id = '00000000-0000-0000-0000-00000000aa01'),
          '{cancelled}', 'W4: deactivating a webhook cancels its undelivered deliveries');
SELECT is(pg_temp.deliveries('0aa03'), '{issue.created:succeeded}', 'W4: other webhooks'' deliveries are untouched');
SELECT is((SELECT stats_active_webhooks FROM hitlai.companies WHERE id = '00000000-0000-0000-0000-0000000000a1'), 1,
          'W1: the count follows deactivation');
INSERT INTO hitlai.test_runs (company_id, url, mission) VALUES ('00000000-0000-0000-0000-0000000000a1', 'https://x', 'after off');
SELECT is((SELECT count(*) FROM hitlai.webhook_deliveries WHERE payload -> 'data' ->> 'mission' = 'after off'), 0::bigint,
          'W1: a deactivated webhook gets no new events');
UPDATE hitlai.webhooks SET is_active = true WHERE company_id = '00000000-0000-0000-0000-0000000000a1';
SELECT is((SELECT stats_active_webhooks FROM hitlai.companies WHERE id = '00000000-0000-0000-0000-0000000000a1'), 3,
          'W1: the count follows (re)activation');
DELETE FROM hitlai.webhooks WHERE id = '00000000-0000-0000-0000-00000000bb01';
SELECT is((SELECT count(*) FROM hitlai.webhook_deliveries WHERE company_id = '00000000-0000-0000-0000-0000000000b1'), 0::bigint,
          'W4: deleting a webhook removes its deliveries');
SELECT is((SELECT stats_active_webhooks FROM hitlai.companies WHERE id = '00000000-0000-0000-0000-0000000000b1'), 0,
          'W1: the count follows deletion');

-- S8: nothing recorded in restore mode
SET LOCAL hitlai.restore_mode = on;
INSERT INTO hitlai.test_runs (company_id, url, mission) VALUES ('00000000-0000-0000-0000-0000000000a1', 'https://x', 'restored');
RESET hitlai.restore_mode;
SELECT is((SELECT count(*) FROM hitlai.webhook_deliveries WHERE payload -> 'data' ->> 'mission' = 'restored'), 0::bigint,
          'S8: rows loaded in restore mode emit no event');

-- W6: owner/admin read their company's deliveries; members, viewers and others none
CREATE ROLE hl_w6_app NOLOGIN;
SELECT hitlai.grant_app_role('hl_w6_app');
GRANT SELECT ON hitlai.webhook_deliveries TO hl_w6_app;
INSERT INTO hitlai.company_members (company_id, user_id, role, joined_at) VALUES
  ('00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-00000000f001', 'owner', now()),
  ('00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-00000000f002', 'admin', now()),
  ('00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-00000000f003', 'member', now()),
  ('00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-00000000f004', 'viewer', now()),
  ('00000000-0000-0000-0000-0000000000b1', '00000000-0000-0000-0000-00000000f005', 'owner', now());
CREATE FUNCTION pg_temp.seen_by(uid text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
  PERFORM set_config('request.jwt.claim.sub', '00000000-0000-0000-0000-00000000' || uid, true);
  SET LOCAL ROLE hl_w6_app;
  SELECT count(*) INTO n FROM hitlai.webhook_deliveries;
  RESET ROLE;
  RETURN n;
END $$;
SELECT is(pg_temp.seen_by('f001'), (SELECT count(*) FROM hitlai.webhook_deliveries WHERE company_id = '00000000-0000-0000-0000-0000000000a1'),
          'W6: the owner reads the company''s deliveries');
SELECT is(pg_temp.seen_by('f002'), (SELECT count(*) FROM hitlai.webhook_deliveries WHERE company_id = '00000000-0000-0000-0000-0000000000a1'),
          'W6: an admin reads the company''s deliveries');
SELECT is(pg_temp.seen_by('f003') + pg_temp.seen_by('f004') + pg_temp.seen_by('f005') + pg_temp.seen_by('f0ff'), 0::bigint,
          'W6: a member, a viewer, another company''s owner and a stranger read none');

-- W1 for a one-run UPDATE into completed/failed, whichever way the company's webhooks
-- are found: from the company row written for a cost change, or by primary key.
INSERT INTO hitlai.companies (id, name, email, monthly_test_quota) VALUES
  ('00000000-0000-0000-0000-0000000000d1', 'D', 'd@w1.test', NULL);
INSERT INTO hitlai.test_runs (id, company_id, url, mission, status) VALUES
  ('00000000-0000-0000-0000-000000000e01', '00000000-0000-0000-0000-0000000000a1', 'https://one', 'e1', 'running'),
  ('00000000-0000-0000-0000-000000000e02', '00000000-0000-0000-0000-0000000000d1', 'https://one', 'e2', 'running'),
  ('00000000-0000-0000-0000-000000000e03', '00000000-0000-0000-0000-0000000000d1', 'https://one', 'e3', 'running'),
  ('00000000-0000-0000-0000-000000000e04', '00000000-0000-0000-0000-0000000000d1', 'https://one', 'e4', 'running');
UPDATE hitlai.test_runs SET status = 'completed', cost = 12.50, sentiment_score = 0.4
 WHERE id = '00000000-0000-0000-0000-000000000e01';
SELECT is((SELECT count(*) FROM hitlai.webhook_deliveries WHERE event_type = 'test_run.completed'
             AND webhook_id = '00000000-0000-0000-0000-00000000aa01'
             AND payload -> 'data' ->> 'id' = '00000000-0000-0000-0000-000000000e01'), 1::bigint,
          'W1: a one-run move into completed with a new cost yields test_run.completed');
UPDATE hitlai.test_runs SET status = 'completed', cost = 3 WHERE id = '00000000-0000-0000-0000-000000000e02';
UPDATE hitlai.test_runs SET status = 'failed' WHERE id = '00000000-0000-0000-0000-000000000e03';
SELECT is((SELECT count(*) FROM hitlai.webhook_deliveries WHERE company_id = '00000000-0000-0000-0000-0000000000d1'),
          0::bigint, 'W1: a company without webhooks gets no delivery for its one-run moves');
INSERT INTO hitlai.webhooks (id, company_id, url, events, is_active) VALUES
  ('00000000-0000-0000-0000-00000000dd01', '00000000-0000-0000-0000-0000000000d1', 'https://d.example/all',
   '{test_run.completed,test_run.failed}', true);
UPDATE hitlai.test_runs SET status = 'completed', cost = 4 WHERE id = '00000000-0000-0000-0000-000000000e04';
UPDATE hitlai.test_runs SET status = 'pending' WHERE id = '00000000-0000-0000-0000-000000000e03';
UPDATE hitlai.test_runs SET status = 'failed' WHERE id = '00000000-0000-0000-0000-000000000e03';
SELECT is(pg_temp.deliveries('0dd01'), '{test_run.completed:pending,test_run.failed:pending}',
          'W1: once the company has an active webhook, both one-run paths record events');

SELECT * FROM finish();
ROLLBACK;
