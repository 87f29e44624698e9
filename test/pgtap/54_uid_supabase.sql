-- A1/S6 in the Supabase world: hitlai.uid() agrees with Supabase's auth.uid() wherever
-- auth.uid() answers, and answers NULL where auth.uid() raises.
\c hitlai_supabase
BEGIN;
SELECT plan(5);
SELECT is(hitlai.uid(), auth.uid(), 'A1: no claims: same as auth.uid()');
SET LOCAL request.jwt.claims = '{"sub":"9f1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d","role":"authenticated"}';
SELECT is(hitlai.uid(), auth.uid(), 'A1: claims: same as auth.uid()');
SET LOCAL request.jwt.claim.sub = '00000000-0000-4000-8000-000000000001';
SELECT is(hitlai.uid(), auth.uid(), 'A1: claim.sub: same as auth.uid()');
SET LOCAL request.jwt.claim.sub = 'garbage';
SELECT throws_ok('SELECT auth.uid()', '22P02', NULL, 'A1: auth.uid() raises on a malformed sub ...');
SELECT is(hitlai.uid(), NULL, 'A1: ... hitlai.uid() gives NULL');
SELECT * FROM finish();
ROLLBACK;
