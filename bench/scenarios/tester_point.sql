-- tester_point: one tester's row of @VIEW@ (hitlai.tester_performance or the seed's view).
-- Tester 1 has 1/12 of the runs with a tester (the largest); others are typical.
\set n random(:lo, :hi)
SELECT * FROM @VIEW@ WHERE id = md5('tester' || :n)::uuid;
