-- rls_read (member): the 20 newest runs an authenticated member of company :n can see,
-- the way PostgREST asks: role and JWT claim set for the transaction, RLS filters.
-- @FILTER@ is empty (RLS alone decides) or the explicit company filter a dashboard
-- would send anyway (?company_id=eq.<id>), with RLS still applied on top.
\set n random(:lo, :hi)
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claim.sub', md5('member' || :n)::uuid::text, true);
SELECT * FROM hitlai.test_runs @FILTER@ ORDER BY created_at DESC LIMIT 20;
END;
