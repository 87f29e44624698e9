-- rls_read (member): the 20 newest runs an authenticated member of company :n can see,
-- the way PostgREST asks: role and JWT claim set for the transaction, RLS filters.
\set n random(:lo, :hi)
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claim.sub', md5('member' || :n)::uuid::text, true);
SELECT * FROM hitlai.test_runs ORDER BY created_at DESC LIMIT 20;
END;
