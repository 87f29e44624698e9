-- S10: one company's data never makes another company's statement fail. Every run's
-- contribution to the counters it feeds is bounded where it is written: a run costs at
-- most 100000.00 (23514 at the writing company's own INSERT/UPDATE), so its share of a
-- tester's total_earnings is bounded too; the tester counters that many companies add
-- to (tests_completed, total_earnings) saturate at their type's maximum instead of
-- raising 22003 (src/pg/tester_stats.cpp, docs/tenant-isolation.md).
ALTER TABLE @extschema@.test_runs
  ADD CONSTRAINT test_runs_cost_max_check CHECK (cost OPERATOR(pg_catalog.<=) 100000.00::pg_catalog.numeric);
