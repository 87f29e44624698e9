-- rls_read (privileged): the same 20 runs read by a role that bypasses RLS, with the
-- company filter written explicitly (same transaction shape as the member script).
\set n random(:lo, :hi)
BEGIN;
SELECT set_config('request.jwt.claim.sub', md5('member' || :n)::uuid::text, true);
SELECT * FROM hitlai.test_runs WHERE company_id = md5('company' || :n)::uuid ORDER BY created_at DESC LIMIT 20;
END;
