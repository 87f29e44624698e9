-- A1: hitlai.uid() reads the JWT settings as Supabase's auth.uid() does, and gives NULL
-- (never an error) for missing, empty or malformed claims.
BEGIN;
SELECT plan(16);
SELECT is(hitlai.uid(), NULL, 'A1: no claims -> NULL');
SET LOCAL request.jwt.claims = '{"sub":"9f1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d","role":"authenticated"}';
SELECT is(hitlai.uid(), '9f1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d'::uuid, 'A1: request.jwt.claims ->> sub');
SET LOCAL request.jwt.claim.sub = '00000000-0000-4000-8000-000000000001';
SELECT is(hitlai.uid(), '00000000-0000-4000-8000-000000000001'::uuid, 'A1: request.jwt.claim.sub wins over claims');
SET LOCAL request.jwt.claim.sub = '';
SELECT is(hitlai.uid(), '9f1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d'::uuid, 'A1: an empty claim.sub falls back to claims');
SET LOCAL request.jwt.claim.sub = 'not-a-uuid';
SELECT is(hitlai.uid(), NULL, 'A1: a malformed claim.sub -> NULL (no fallback, as auth.uid())');
RESET request.jwt.claim.sub;
SELECT is(hitlai.uid(), '9f1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d'::uuid, 'A1: answer follows the settings (cache invalidated)');
SET LOCAL request.jwt.claims = '{"sub":"9F1B2C3D4E5F4A6B8C7D0E1F2A3B4C5D"}';
SELECT is(hitlai.uid(), '9f1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d'::uuid, 'A1: any uuid spelling uuid_in accepts');
SET LOCAL request.jwt.claims = '';
SELECT is(hitlai.uid(), NULL, 'A1: empty claims -> NULL');
SET LOCAL request.jwt.claims = '{"sub":';
SELECT is(hitlai.uid(), NULL, 'A1: bad JSON -> NULL');
SET LOCAL request.jwt.claims = '{"sub":"abc"}';
SELECT is(hitlai.uid(), NULL, 'A1: non-uuid sub -> NULL');
SET LOCAL request.jwt.claims = '{"sub":42}';
SELECT is(hitlai.uid(), NULL, 'A1: non-string sub -> NULL');
SET LOCAL request.jwt.claims = '["9f1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d"]';
SELECT is(hitlai.uid(), NULL, 'A1: claims not an object -> NULL');
SET LOCAL request.jwt.claims = '{"role":"anon"}';
SELECT is(hitlai.uid(), NULL, 'A1: no sub (anon key) -> NULL');
SELECT is((SELECT provolatile FROM pg_proc WHERE oid = 'hitlai.uid()'::regprocedure), 's',
  'A1: uid() is STABLE (one value per statement)');
SELECT is((SELECT prolang FROM pg_proc WHERE oid = 'hitlai.uid()'::regprocedure),
  (SELECT oid FROM pg_language WHERE lanname = 'c'), 'S2: uid() is compiled');
-- Policies never call uid() or its helpers per row: every call is inside a sub-SELECT.
SELECT is((SELECT count(*)::int FROM pg_policies
            WHERE schemaname = 'hitlai'
              AND (regexp_replace(coalesce(qual, '') || ' ' || coalesce(with_check, ''),
                                  '\(\s*SELECT hitlai\.\w+\([^()]*\)( AS \w+)?\)', '', 'g')
                   ~ 'hitlai\.(uid|member_company_ids|tester_run_ids|my_tester_id)\(')), 0,
  'A2/A5: identity calls in policies are wrapped in (SELECT …)');
SELECT * FROM finish();
ROLLBACK;
