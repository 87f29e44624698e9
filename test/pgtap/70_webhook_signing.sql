-- W2: webhook signatures in SQL (Standard Webhooks vector; verification rules).
BEGIN;
SELECT plan(15);

SELECT is(hitlai.webhook_signature('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
          'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}'),
          'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
          'W2: the Standard Webhooks specification''s example signature');
SELECT ok(hitlai.verify_webhook_signature('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
          'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}',
          'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=', 2147483647),
          'W2: the example verifies (with a tolerance reaching back to 2021)');
SELECT ok(NOT hitlai.verify_webhook_signature('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
          'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}',
          'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='),
          'W2: the 2021 example is outside the default 300 s tolerance');

CREATE TEMP TABLE k AS
  SELECT hitlai.new_webhook_secret() AS s1, hitlai.new_webhook_secret() AS s2,
         floor(extract(epoch FROM now()))::bigint AS ts;  -- whole seconds, as the server counts them

SELECT matches(hitlai.webhook_signature(s1, 'id1', ts, '{}'), '^v1,[A-Za-z0-9+/]{43}=$',
               'W2: v1, then 44 characters of base64') FROM k;
SELECT ok(hitlai.verify_webhook_signature(s1, 'id1', ts, '{}',
          hitlai.webhook_signature(s1, 'id1', ts, '{}')), 'W2: a fresh signature verifies') FROM k;
SELECT ok(hitlai.verify_webhook_signature(s1, 'id1', ts - 300, '{}',
          hitlai.webhook_signature(s1, 'id1', ts - 300, '{}')), 'W2: 300 s old is still inside') FROM k;
SELECT ok(NOT hitlai.verify_webhook_signature(s1, 'id1', ts - 301, '{}',
          hitlai.webhook_signature(s1, 'id1', ts - 301, '{}')), 'W2: 301 s old is outside') FROM k;
SELECT ok(NOT hitlai.verify_webhook_signature(s1, 'id1', ts + 301, '{}',
          hitlai.webhook_signature(s1, 'id1', ts + 301, '{}')), 'W2: 301 s in the future is outside') FROM k;
SELECT ok(NOT hitlai.verify_webhook_signature(s2, 'id1', ts, '{}',
          hitlai.webhook_signature(s1, 'id1', ts, '{}')), 'W2: another secret does not verify') FROM k;
SELECT ok(NOT hitlai.verify_webhook_signature(s1, 'id1', ts, '{ }',
          hitlai.webhook_signature(s1, 'id1', ts, '{}')), 'W2: a changed body does not verify') FROM k;
SELECT ok(NOT hitlai.verify_webhook_signature(s1, 'id2', ts, '{}',
          hitlai.webhook_signature(s1, 'id1', ts, '{}')), 'W2: another message id does not verify') FROM k;
SELECT ok(hitlai.verify_webhook_signature(s2, 'id1', ts, '{}',
          hitlai.webhook_signature(s1, 'id1', ts, '{}') || ' ' || hitlai.webhook_signature(s2, 'id1', ts, '{}'))
          AND hitlai.verify_webhook_signature(s1, 'id1', ts, '{}',
          hitlai.webhook_signature(s1, 'id1', ts, '{}') || ' ' || hitlai.webhook_signature(s2, 'id1', ts, '{}')),
          'W2: a header with two signatures verifies under either secret') FROM k;

SELECT throws_ok($$SELECT hitlai.verify_webhook_signature('whsec_c2VjcmV0', 'i', 1, 'b', 'v1,x', -1)$$,
                 '22023', NULL, 'W2: a negative tolerance is an invalid argument');
SELECT throws_ok($$SELECT hitlai.webhook_signature('', 'i', 1, 'b')$$,
                 '22023', NULL, 'W2: an empty secret is an invalid argument');
SELECT ok(hitlai.webhook_signature(NULL, 'i', 1, 'b') IS NULL, 'W2: STRICT: NULL in, NULL out');

SELECT * FROM finish();
ROLLBACK;
