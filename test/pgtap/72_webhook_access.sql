-- W6: hitlai.redeliver_webhook and hitlai.rotate_webhook_secret: who may call them
-- (owner/admin of the company, privileged roles; 42501 for everyone else, the same
-- answer for unknown and foreign ids), what they change (W2: the replaced secret keeps
-- signing for 24 hours; a redelivered delivery is pending again, due now, same id),
-- the states they refuse (55000), their invalid arguments (22023), the columns behind
-- the rotation (hitlai's own: no application role writes them), and their definition
-- and grants (S7, G1: SECURITY DEFINER, search_path pinned, application roles only).
BEGIN;
SELECT plan(80);

CREATE ROLE hl_wa_app NOLOGIN;
CREATE ROLE hl_wa_anon NOLOGIN;
CREATE ROLE hl_wa_nobody NOLOGIN;
CREATE ROLE hl_wa_bypass NOLOGIN BYPASSRLS;
DO $$ BEGIN
  PERFORM hitlai.grant_app_role('hl_wa_app');
  PERFORM hitlai.grant_anon_role('hl_wa_anon');
END $$;
-- a privileged role that is not a superuser (like Supabase's service_role)
GRANT USAGE ON SCHEMA hitlai TO hl_wa_bypass;
GRANT EXECUTE ON FUNCTION hitlai.redeliver_webhook(uuid), hitlai.rotate_webhook_secret(uuid) TO hl_wa_bypass;

-- Switch to a role and user id (NULL key: anonymous), as test/rls/matrix.sql does.
CREATE PROCEDURE pg_temp.become(r text, k text) LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('SET LOCAL ROLE %I', r);
  PERFORM set_config('request.jwt.claims',
    CASE WHEN k IS NULL THEN '' ELSE json_build_object('sub', '10000000-0000-4000-8000-0000000000' || k)::text END, true);
END $$;
GRANT EXECUTE ON PROCEDURE pg_temp.become(text, text) TO PUBLIC;
CREATE FUNCTION pg_temp.hook(k text) RETURNS uuid LANGUAGE sql AS $$ SELECT ('60000000-0000-4000-8000-0000000000' || k)::uuid $$;
CREATE FUNCTION pg_temp.dlv(k text) RETURNS uuid LANGUAGE sql AS $$ SELECT ('70000000-0000-4000-8000-0000000000' || k)::uuid $$;
GRANT EXECUTE ON FUNCTION pg_temp.hook(text), pg_temp.dlv(text) TO PUBLIC;
-- secrets returned to a signed-in caller, kept for the checks made as superuser
CREATE TEMP TABLE got (k text PRIMARY KEY, secret text);
GRANT SELECT, INSERT ON got TO PUBLIC;

INSERT INTO hitlai.companies (id, name, email, monthly_test_quota) VALUES
  ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'Alpha', 'ops@alpha.w6.test', NULL),
  ('bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', 'Beta', 'ops@beta.w6.test', NULL);
INSERT INTO hitlai.company_members (company_id, user_id, role, joined_at)
SELECT c::uuid, ('10000000-0000-4000-8000-0000000000' || k)::uuid, r, now() FROM (VALUES
  ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'a1', 'owner'),
  ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'a2', 'admin'),
  ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'a3', 'member'),
  ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'a4', 'viewer'),
  ('bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', 'b1', 'owner')) v(c, k, r);
-- a1: Alpha's active webhook; a2: Alpha's, deactivated below; b1: Beta's.
INSERT INTO hitlai.webhooks (id, company_id, url, events) VALUES
  (pg_temp.hook('a1'), 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'https://alpha.w6.test/hook', '{test_run.created}'),
  (pg_temp.hook('a2'), 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'https://alpha.w6.test/off', '{test_run.created}'),
  (pg_temp.hook('b1'), 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', 'https://beta.w6.test/hook', '{test_run.created}');
-- Deliveries in every state, as the worker leaves them.
INSERT INTO hitlai.webhook_deliveries (id, webhook_id, company_id, event_type, payload, status, attempts,
                                       next_attempt_at, last_attempt_at, last_status_code, last_error, delivered_at)
SELECT pg_temp.dlv(k), pg_temp.hook(h), c::uuid, 'test_run.created', '{"type": "test_run.created"}', s, n,
       now() + na, now() - interval '1 hour', code, err, CASE WHEN s = 'succeeded' THEN now() - interval '1 hour' END
  FROM (VALUES
  ('a1', 'a1', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'succeeded',  1, NULL,                  200,  NULL),
  ('a2', 'a1', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'failed',     8, NULL,                  500,  'HTTP 500'),
  ('a3', 'a1', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'cancelled',  2, NULL,                  410,  'HTTP 410: the webhook was disabled'),
  ('a4', 'a1', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'pending',    3, interval '1 hour',     503,  'HTTP 503'),
  ('a5', 'a1', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'delivering', 1, interval '5 minutes',  NULL, NULL),
  ('a6', 'a1', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'succeeded',  1, NULL,                  204,  NULL),
  ('a7', 'a2', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'succeeded',  1, NULL,                  200,  NULL),
  ('b1', 'b1', 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', 'failed',     8, NULL,                  500,  'HTTP 500'))
  v(k, h, c, s, n, na, code, err);
UPDATE hitlai.webhooks SET is_active = false WHERE id = pg_temp.hook('a2');
CREATE TEMP TABLE before_d AS SELECT * FROM hitlai.webhook_deliveries;
CREATE TEMP TABLE before_w AS SELECT * FROM hitlai.webhooks;
-- whether delivery k is as it was before the calls
CREATE FUNCTION pg_temp.unchanged(k text) RETURNS boolean LANGUAGE sql AS $$
  SELECT (SELECT d::text FROM hitlai.webhook_deliveries d WHERE d.id = pg_temp.dlv(k))
       = (SELECT b::text FROM before_d b WHERE b.id = pg_temp.dlv(k))
$$;
-- status|attempts|due now|delivered_at null of delivery k
CREATE FUNCTION pg_temp.state(k text) RETURNS text LANGUAGE sql AS $$
  SELECT concat_ws('|', status, attempts, next_attempt_at = now(), delivered_at IS NULL)
    FROM hitlai.webhook_deliveries WHERE id = pg_temp.dlv(k)
$$;
-- secret, previous secret, its expiry of webhook k
CREATE FUNCTION pg_temp.secrets(k text) RETURNS text LANGUAGE sql AS $$
  SELECT concat_ws('|', secret, coalesce(stats_previous_secret, '-'),
                   coalesce((stats_previous_secret_expires_at - now())::text, '-'))
    FROM hitlai.webhooks WHERE id = pg_temp.hook(k)
$$;

-- ---------------------------------------------------------------- definitions and grants
SELECT is((SELECT row(p.prosecdef, p.proconfig, p.prorettype::regtype)::text FROM pg_proc p
            WHERE p.oid = 'hitlai.redeliver_webhook(uuid)'::regprocedure),
          row(true, '{"search_path=pg_catalog, pg_temp"}'::text[], 'void'::regtype)::text,
          'W6/S7: redeliver_webhook(uuid) returns void, SECURITY DEFINER, search_path pg_catalog, pg_temp');
SELECT is((SELECT row(p.prosecdef, p.proconfig, p.prorettype::regtype)::text FROM pg_proc p
            WHERE p.oid = 'hitlai.rotate_webhook_secret(uuid)'::regprocedure),
          row(true, '{"search_path=pg_catalog, pg_temp"}'::text[], 'text'::regtype)::text,
          'W6/S7: rotate_webhook_secret(uuid) returns text, SECURITY DEFINER, search_path pg_catalog, pg_temp');
SELECT ok(has_function_privilege('hl_wa_app', 'hitlai.redeliver_webhook(uuid)', 'EXECUTE')
          AND has_function_privilege('hl_wa_app', 'hitlai.rotate_webhook_secret(uuid)', 'EXECUTE'),
          'G1: application roles may execute both');
SELECT ok(NOT has_function_privilege('hl_wa_anon', 'hitlai.redeliver_webhook(uuid)', 'EXECUTE')
          AND NOT has_function_privilege('hl_wa_anon', 'hitlai.rotate_webhook_secret(uuid)', 'EXECUTE'),
          'G1: anonymous roles may execute neither');
SELECT ok(NOT has_function_privilege('hl_wa_nobody', 'hitlai.redeliver_webhook(uuid)', 'EXECUTE')
          AND NOT has_function_privilege('hl_wa_nobody', 'hitlai.rotate_webhook_secret(uuid)', 'EXECUTE'),
          'G1: a role without grants may execute neither');
SELECT is((SELECT count(*) FROM pg_proc p, aclexplode(p.proacl) x
            WHERE p.oid IN ('hitlai.redeliver_webhook(uuid)'::regprocedure, 'hitlai.rotate_webhook_secret(uuid)'::regprocedure)
              AND x.grantee = 0), 0::bigint,
          'G1: PUBLIC holds no privilege on either');
SELECT ok((SELECT proacl IS NOT NULL FROM pg_proc WHERE oid = 'hitlai.redeliver_webhook(uuid)'::regprocedure)
          AND (SELECT proacl IS NOT NULL FROM pg_proc WHERE oid = 'hitlai.rotate_webhook_secret(uuid)'::regprocedure),
          'G1: both have an explicit ACL (no default EXECUTE for PUBLIC)');

-- ---------------------------------------------------------------- hitlai's columns
SELECT has_column('hitlai', 'webhooks', 'stats_previous_secret', 'W6: webhooks.stats_previous_secret exists');
SELECT col_type_is('hitlai', 'webhooks', 'stats_previous_secret_expires_at', 'timestamp with time zone',
                   'W6: webhooks.stats_previous_secret_expires_at is a timestamptz');
SELECT is(pg_temp.secrets('a1'), (SELECT secret FROM before_w WHERE id = pg_temp.hook('a1')) || '|-|-',
          'W6: a webhook that was never rotated has no previous secret');
CALL pg_temp.become('hl_wa_app', 'a1');
SELECT throws_ok($$UPDATE hitlai.webhooks SET stats_previous_secret = 'whsec_bXlvd24=' WHERE id = pg_temp.hook('a1')$$,
                 '42501', 'permission denied for table webhooks',
                 'A2/W6: an owner can''t write stats_previous_secret (no UPDATE privilege on the column)');
SELECT throws_ok($$UPDATE hitlai.webhooks SET stats_previous_secret_expires_at = now() + interval '1 year' WHERE id = pg_temp.hook('a1')$$,
                 '42501', 'permission denied for table webhooks',
                 'A2/W6: an owner can''t write stats_previous_secret_expires_at');
SELECT throws_ok($$INSERT INTO hitlai.webhooks (company_id, url, events, stats_previous_secret)
                   VALUES ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'https://alpha.w6.test/new', '{issue.created}', 'whsec_bXlvd24=')$$,
                 '42501', 'permission denied to set column "stats_previous_secret" of "webhooks"',
                 'A2/W6: an owner can''t insert a webhook with stats_previous_secret (insert guard)');
SELECT throws_ok($$INSERT INTO hitlai.webhooks (company_id, url, events, stats_previous_secret_expires_at)
                   VALUES ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'https://alpha.w6.test/new', '{issue.created}', now() + interval '1 year')$$,
                 '42501', 'permission denied to set column "stats_previous_secret_expires_at" of "webhooks"',
                 'A2/W6: an owner can''t insert a webhook with stats_previous_secret_expires_at (insert guard)');
SELECT lives_ok($$INSERT INTO hitlai.webhooks (company_id, url, events)
                   VALUES ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'https://alpha.w6.test/new', '{issue.created}')$$,
                'A2: an owner still inserts a webhook leaving them out');
RESET ROLE;
SELECT is((SELECT count(*) FROM hitlai.webhooks WHERE stats_previous_secret IS NOT NULL
              OR stats_previous_secret_expires_at IS NOT NULL), 0::bigint,
          'W6: the refused writes left nothing');

-- ---------------------------------------------------------------- rotate_webhook_secret
CALL pg_temp.become('hl_wa_app', 'a1');
SELECT lives_ok($$INSERT INTO got SELECT 'r1', hitlai.rotate_webhook_secret(pg_temp.hook('a1'))$$,
                'W6: the company owner rotates the secret');
RESET ROLE;
SELECT ok((SELECT secret ~ '^whsec_[A-Za-z0-9+/]{32}$' AND length(decode(substr(secret, 7), 'base64')) = 24
             FROM got WHERE k = 'r1'),
          'W6: it returns a new whsec_ secret (base64 of 24 bytes)');
SELECT isnt((SELECT secret FROM got WHERE k = 'r1'), (SELECT secret FROM before_w WHERE id = pg_temp.hook('a1')),
            'W6: the new secret differs from the old one');
SELECT is(pg_temp.secrets('a1'),
          (SELECT secret FROM got WHERE k = 'r1') || '|' || (SELECT secret FROM before_w WHERE id = pg_temp.hook('a1')) || '|1 day',
          'W2/W6: secret is the returned one, stats_previous_secret the old one, expiring now() + 24 h');
SELECT is((SELECT stats_previous_secret_expires_at FROM hitlai.webhooks WHERE id = pg_temp.hook('a1')),
          now() + interval '24 hours', 'W6: stats_previous_secret_expires_at is exactly now() + 24 hours');
SELECT is(ARRAY(SELECT row(w.url, w.events, w.is_active, w.company_id, w.created_at)::text FROM hitlai.webhooks w
                 WHERE w.id = pg_temp.hook('a1')),
          ARRAY(SELECT row(w.url, w.events, w.is_active, w.company_id, w.created_at)::text FROM before_w w
                 WHERE w.id = pg_temp.hook('a1')),
          'W6: the rotation changes nothing else of the webhook');
SELECT is(ARRAY(SELECT secret FROM hitlai.webhooks WHERE id IN (pg_temp.hook('a2'), pg_temp.hook('b1')) ORDER BY id),
          ARRAY(SELECT secret FROM before_w WHERE id IN (pg_temp.hook('a2'), pg_temp.hook('b1')) ORDER BY id),
          'W6: other webhooks keep their secrets');

CALL pg_temp.become('hl_wa_app', 'a2');
SELECT lives_ok($$INSERT INTO got SELECT 'r2', hitlai.rotate_webhook_secret(pg_temp.hook('a1'))$$,
                'W6: a company admin rotates it again');
RESET ROLE;
SELECT ok((SELECT secret ~ '^whsec_[A-Za-z0-9+/]{32}$' FROM got WHERE k = 'r2')
          AND (SELECT secret FROM got WHERE k = 'r2') <> ALL (ARRAY[(SELECT secret FROM got WHERE k = 'r1'),
                                                                   (SELECT secret FROM before_w WHERE id = pg_temp.hook('a1'))]),
          'W6: the second rotation returns yet another whsec_ secret');
SELECT is(pg_temp.secrets('a1'),
          (SELECT secret FROM got WHERE k = 'r2') || '|' || (SELECT secret FROM got WHERE k = 'r1') || '|1 day',
          'W6: a second rotation keeps only the secret it replaced (the first one is gone)');
SELECT is((SELECT count(*) FROM hitlai.webhooks
            WHERE (SELECT secret FROM before_w WHERE id = pg_temp.hook('a1')) IN (secret, stats_previous_secret)), 0::bigint,
          'W6: the original secret signs no more');

-- refusals: 42501, the same message for a foreign and an unknown id; nothing changes
CALL pg_temp.become('hl_wa_app', 'a3');
SELECT throws_ok($$SELECT hitlai.rotate_webhook_secret(pg_temp.hook('a1'))$$, '42501', 'permission denied for this webhook',
                 'W6: a plain member can''t rotate (42501)');
CALL pg_temp.become('hl_wa_app', 'a4');
SELECT throws_ok($$SELECT hitlai.rotate_webhook_secret(pg_temp.hook('a1'))$$, '42501', 'permission denied for this webhook',
                 'W6: a viewer can''t rotate (42501)');
CALL pg_temp.become('hl_wa_app', 'b1');
SELECT throws_ok($$SELECT hitlai.rotate_webhook_secret(pg_temp.hook('a1'))$$, '42501', 'permission denied for this webhook',
                 'W6: the owner of another company can''t rotate (42501)');
CALL pg_temp.become('hl_wa_app', 'd1');
SELECT throws_ok($$SELECT hitlai.rotate_webhook_secret(pg_temp.hook('a1'))$$, '42501', 'permission denied for this webhook',
                 'W6: a signed-in user of no company can''t rotate (42501)');
CALL pg_temp.become('hl_wa_app', 'a1');
SELECT throws_ok($$SELECT hitlai.rotate_webhook_secret(pg_temp.hook('ff'))$$, '42501', 'permission denied for this webhook',
                 'W6: an unknown id gets the same 42501 and message as a foreign one (ids can''t be probed)');
SELECT throws_ok($$SELECT hitlai.rotate_webhook_secret(pg_temp.hook('b1'))$$, '42501', 'permission denied for this webhook',
                 'W6: Alpha''s owner can''t rotate Beta''s webhook');
SELECT throws_ok($$SELECT hitlai.rotate_webhook_secret(NULL)$$, '22023', 'webhook_id must not be NULL',
                 'W6: NULL is an invalid argument (22023)');
CALL pg_temp.become('hl_wa_app', NULL);
SELECT throws_ok($$SELECT hitlai.rotate_webhook_secret(pg_temp.hook('a1'))$$, '42501', NULL,
                 'W6: a signed-in role without a user id can''t rotate (42501)');
CALL pg_temp.become('hl_wa_anon', NULL);
SELECT throws_ok($$SELECT hitlai.rotate_webhook_secret(pg_temp.hook('a1'))$$, '42501',
                 'permission denied for function rotate_webhook_secret',
                 'G1/W6: anonymous roles can''t call rotate_webhook_secret (42501)');
RESET ROLE;
SELECT is(pg_temp.secrets('a1'),
          (SELECT secret FROM got WHERE k = 'r2') || '|' || (SELECT secret FROM got WHERE k = 'r1') || '|1 day',
          'W6: the refused calls changed nothing');
SELECT is(ARRAY(SELECT w::text FROM hitlai.webhooks w WHERE id = pg_temp.hook('b1')),
          ARRAY(SELECT w::text FROM before_w w WHERE id = pg_temp.hook('b1')),
          'W6: Beta''s webhook is untouched');

-- privileged callers
SELECT throws_ok($$SELECT hitlai.rotate_webhook_secret(pg_temp.hook('ff'))$$, '22023', 'unknown webhook',
                 'W6: a superuser naming an unknown webhook: 22023');
SELECT throws_ok($$SELECT hitlai.rotate_webhook_secret(NULL)$$, '22023', 'webhook_id must not be NULL',
                 'W6: a superuser passing NULL: 22023');
SELECT lives_ok($$INSERT INTO got SELECT 's1', hitlai.rotate_webhook_secret(pg_temp.hook('b1'))$$,
                'W6: a superuser rotates any company''s webhook');
SELECT is(pg_temp.secrets('b1'),
          (SELECT secret FROM got WHERE k = 's1') || '|' || (SELECT secret FROM before_w WHERE id = pg_temp.hook('b1')) || '|1 day',
          'W6: the superuser''s rotation is stored like any other');
SET LOCAL ROLE hl_wa_bypass;
SELECT throws_ok($$SELECT hitlai.rotate_webhook_secret(pg_temp.hook('ff'))$$, '22023', 'unknown webhook',
                 'W6: a BYPASSRLS role naming an unknown webhook: 22023');
SELECT lives_ok($$INSERT INTO got SELECT 'x1', hitlai.rotate_webhook_secret(pg_temp.hook('b1'))$$,
                'W6: a BYPASSRLS role rotates any company''s webhook');
RESET ROLE;
SELECT is(pg_temp.secrets('b1'),
          (SELECT secret FROM got WHERE k = 'x1') || '|' || (SELECT secret FROM got WHERE k = 's1') || '|1 day',
          'W6: the BYPASSRLS role''s rotation is stored');

-- ---------------------------------------------------------------- redeliver_webhook
CALL pg_temp.become('hl_wa_app', 'a1');
SELECT lives_ok($$SELECT hitlai.redeliver_webhook(pg_temp.dlv('a1'))$$, 'W6: the owner redelivers a succeeded delivery');
CALL pg_temp.become('hl_wa_app', 'a2');
SELECT lives_ok($$SELECT hitlai.redeliver_webhook(pg_temp.dlv('a2'))$$, 'W6: an admin redelivers a failed delivery');
SELECT lives_ok($$SELECT hitlai.redeliver_webhook(pg_temp.dlv('a3'))$$, 'W6: an admin redelivers a cancelled delivery');
RESET ROLE;
SELECT is(pg_temp.state('a1'), 'pending|0|t|t', 'W6: the succeeded delivery is pending, attempts 0, due now, delivered_at NULL');
SELECT is(pg_temp.state('a2'), 'pending|0|t|t', 'W6: the failed delivery is pending, attempts 0, due now');
SELECT is(pg_temp.state('a3'), 'pending|0|t|t', 'W6: the cancelled delivery is pending, attempts 0, due now');
SELECT is(ARRAY(SELECT row(d.id, d.webhook_id, d.company_id, d.event_type, d.payload, d.created_at)::text
                  FROM hitlai.webhook_deliveries d WHERE d.id IN (pg_temp.dlv('a1'), pg_temp.dlv('a2'), pg_temp.dlv('a3')) ORDER BY d.id),
          ARRAY(SELECT row(d.id, d.webhook_id, d.company_id, d.event_type, d.payload, d.created_at)::text
                  FROM before_d d WHERE d.id IN (pg_temp.dlv('a1'), pg_temp.dlv('a2'), pg_temp.dlv('a3')) ORDER BY d.id),
          'W6: same id (the webhook-id), webhook, event and payload');
SELECT is((SELECT count(*) FROM hitlai.webhook_deliveries), (SELECT count(*) FROM before_d),
          'W6: redelivery adds no delivery');
SELECT ok(pg_temp.unchanged('a6') AND pg_temp.unchanged('b1'), 'W6: other deliveries are untouched');

-- states it refuses: 55000, nothing changed
CALL pg_temp.become('hl_wa_app', 'a1');
SELECT throws_ok($$SELECT hitlai.redeliver_webhook(pg_temp.dlv('a4'))$$, '55000', 'webhook delivery is pending',
                 'W6: a pending delivery can''t be redelivered (55000)');
SELECT throws_ok($$SELECT hitlai.redeliver_webhook(pg_temp.dlv('a5'))$$, '55000', 'webhook delivery is delivering',
                 'W6: a delivering delivery can''t be redelivered (55000)');
SELECT throws_ok($$SELECT hitlai.redeliver_webhook(pg_temp.dlv('a7'))$$, '55000', 'the delivery''s webhook is not active',
                 'W6: a delivery of an inactive webhook can''t be redelivered (55000)');
SELECT throws_ok($$SELECT hitlai.redeliver_webhook(pg_temp.dlv('a1'))$$, '55000', 'webhook delivery is pending',
                 'W6: a delivery just redelivered is pending: a second redelivery is refused');
RESET ROLE;
SELECT ok(pg_temp.unchanged('a4'), 'W6: the pending delivery is unchanged (attempts, schedule)');
SELECT ok(pg_temp.unchanged('a5'), 'W6: the delivering delivery is unchanged (its lease)');
SELECT ok(pg_temp.unchanged('a7'), 'W6: the delivery of the inactive webhook is unchanged');
SELECT throws_ok($$SELECT hitlai.redeliver_webhook(pg_temp.dlv('a5'))$$, '55000', 'webhook delivery is delivering',
                 'W6: a superuser can''t redeliver a delivering delivery either (55000)');

-- refusals: 42501, the same for a foreign and an unknown id; nothing changes
CALL pg_temp.become('hl_wa_app', 'a3');
SELECT throws_ok($$SELECT hitlai.redeliver_webhook(pg_temp.dlv('a6'))$$, '42501', 'permission denied for this webhook delivery',
                 'W6: a plain member can''t redeliver (42501)');
CALL pg_temp.become('hl_wa_app', 'a4');
SELECT throws_ok($$SELECT hitlai.redeliver_webhook(pg_temp.dlv('a6'))$$, '42501', 'permission denied for this webhook delivery',
                 'W6: a viewer can''t redeliver (42501)');
CALL pg_temp.become('hl_wa_app', 'b1');
SELECT throws_ok($$SELECT hitlai.redeliver_webhook(pg_temp.dlv('a6'))$$, '42501', 'permission denied for this webhook delivery',
                 'W6: the owner of another company can''t redeliver (42501)');
SELECT throws_ok($$SELECT hitlai.redeliver_webhook(pg_temp.dlv('a4'))$$, '42501', 'permission denied for this webhook delivery',
                 'W6: another tenant learns nothing about the state of a delivery (42501, not 55000)');
CALL pg_temp.become('hl_wa_app', 'a1');
SELECT throws_ok($$SELECT hitlai.redeliver_webhook(pg_temp.dlv('ff'))$$, '42501', 'permission denied for this webhook delivery',
                 'W6: an unknown id gets the same 42501 and message as a foreign one');
SELECT throws_ok($$SELECT hitlai.redeliver_webhook(pg_temp.dlv('b1'))$$, '42501', 'permission denied for this webhook delivery',
                 'W6: Alpha''s owner can''t redeliver Beta''s delivery');
SELECT throws_ok($$SELECT hitlai.redeliver_webhook(NULL)$$, '22023', 'delivery_id must not be NULL',
                 'W6: NULL is an invalid argument (22023)');
CALL pg_temp.become('hl_wa_anon', NULL);
SELECT throws_ok($$SELECT hitlai.redeliver_webhook(pg_temp.dlv('a6'))$$, '42501',
                 'permission denied for function redeliver_webhook',
                 'G1/W6: anonymous roles can''t call redeliver_webhook (42501)');
RESET ROLE;
SELECT ok(pg_temp.unchanged('a6') AND pg_temp.unchanged('b1'), 'W6: the refused calls changed nothing');

-- privileged callers
SELECT throws_ok($$SELECT hitlai.redeliver_webhook(pg_temp.dlv('ff'))$$, '22023', 'unknown webhook delivery',
                 'W6: a superuser naming an unknown delivery: 22023');
SELECT throws_ok($$SELECT hitlai.redeliver_webhook(NULL)$$, '22023', 'delivery_id must not be NULL',
                 'W6: a superuser passing NULL: 22023');
SET LOCAL ROLE hl_wa_bypass;
SELECT throws_ok($$SELECT hitlai.redeliver_webhook(pg_temp.dlv('ff'))$$, '22023', 'unknown webhook delivery',
                 'W6: a BYPASSRLS role naming an unknown delivery: 22023');
SELECT lives_ok($$SELECT hitlai.redeliver_webhook(pg_temp.dlv('b1'))$$, 'W6: a BYPASSRLS role redelivers any company''s delivery');
RESET ROLE;
SELECT is(pg_temp.state('b1'), 'pending|0|t|t', 'W6: Beta''s failed delivery is pending again, due now');
SELECT lives_ok($$SELECT hitlai.redeliver_webhook(pg_temp.dlv('a6'))$$, 'W6: a superuser redelivers any company''s delivery');
SELECT is(pg_temp.state('a6'), 'pending|0|t|t', 'W6: the superuser''s redelivery is pending, due now');

-- reactivating the webhook makes its deliveries redeliverable again
UPDATE hitlai.webhooks SET is_active = true WHERE id = pg_temp.hook('a2');
CALL pg_temp.become('hl_wa_app', 'a2');
SELECT lives_ok($$SELECT hitlai.redeliver_webhook(pg_temp.dlv('a7'))$$,
                'W6: once the webhook is active again its succeeded delivery can be redelivered');
RESET ROLE;
SELECT is(pg_temp.state('a7'), 'pending|0|t|t', 'W6: and it is pending, due now');

SELECT * FROM finish();
ROLLBACK;
