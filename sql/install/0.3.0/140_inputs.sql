-- S10 inputs: refused where they are written, never at a later, unrelated step.
--  * infinity / -infinity in tester_assignments timestamps: 22008 (test_runs checks its
--    own created_at / completed_at in the T4 trigger, src/pg/run_status.cpp).
--  * J4/J5: the fields T2 builds training documents from are bounded at their write
--    (test_runs: url + mission + persona, recommendations + positives; issues: titles
--    per run), 23514 naming the limit (src/pg/run_status.cpp, src/pg/issue_counts.cpp).
--  * D18: webhooks.events holds no duplicates (23514, DETAIL naming the position).
CREATE FUNCTION @extschema@.refuse_infinite_timestamps() RETURNS trigger
  LANGUAGE c
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_refuse_infinite_timestamps';
COMMENT ON FUNCTION @extschema@.refuse_infinite_timestamps() IS
  'S10: 22008 for infinity / -infinity written into a timestamp column';
REVOKE ALL ON FUNCTION @extschema@.refuse_infinite_timestamps() FROM PUBLIC;
CREATE TRIGGER refuse_infinite_timestamps_trigger
  BEFORE INSERT OR UPDATE ON @extschema@.tester_assignments
  FOR EACH ROW EXECUTE FUNCTION @extschema@.refuse_infinite_timestamps();

-- D18: rows written before 0.3.0 keep each event once (first occurrence, same order),
-- then the constraint holds for every later write.
UPDATE @extschema@.webhooks w
   SET events = ARRAY(SELECT e.ev FROM pg_catalog.unnest(w.events) WITH ORDINALITY AS e(ev, pos)
                       GROUP BY e.ev ORDER BY pg_catalog.min(e.pos))
 WHERE pg_catalog.cardinality(w.events) OPERATOR(pg_catalog.<>)
       (SELECT pg_catalog.count(DISTINCT e.ev) FROM pg_catalog.unnest(w.events) AS e(ev));
ALTER TABLE @extschema@.webhooks
  ADD CONSTRAINT webhooks_events_distinct_check
  CHECK (@extschema@.check_text_list(events, 'webhooks'::pg_catalog.text, 'events'::pg_catalog.text));
