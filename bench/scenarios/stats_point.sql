-- stats_point: one company's row of @VIEW@ (hitlai.company_stats, or the seed's GROUP BY
-- view bench_plpgsql.company_stats on the same data). Company 1 holds 10% of the runs
-- (-D lo=1 -D hi=1: the largest); -D lo=2 -D hi=<companies>: a random typical one.
\set n random(:lo, :hi)
SELECT * FROM @VIEW@ WHERE id = md5('company' || :n)::uuid;
