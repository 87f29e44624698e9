-- M1: one assign_testers call with typical criteria on a random pending run, rolled back
-- so that every call sees the same pool (the measure is the call, not a filling pool).
\set r random(1, :runs)
BEGIN;
SELECT count(*) FROM @FN@(md5('run' || :r)::uuid, 3,
  '{"languages": ["English"], "devices": ["desktop", "mobile"], "min_rating": 2}');
ROLLBACK;
