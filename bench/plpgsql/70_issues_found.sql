-- T6: test_runs.issues_found = number of issues of the run. Statement-level with
-- transition tables: a multi-row INSERT of issues updates each run once (and so
-- refreshes its training row, T2, once). Deleting a run cascades to its issues; the
-- update of the already deleted run then finds nothing, which is what we want.
CREATE FUNCTION bench_plpgsql.issues_found_on_insert() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  UPDATE hitlai.test_runs r SET issues_found = r.issues_found + n.cnt
    FROM (SELECT test_run_id, count(*)::integer AS cnt FROM new_issues GROUP BY test_run_id) n
   WHERE r.id = n.test_run_id;
  RETURN NULL;
END
$$;

CREATE FUNCTION bench_plpgsql.issues_found_on_delete() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  UPDATE hitlai.test_runs r SET issues_found = greatest(0, r.issues_found - n.cnt)
    FROM (SELECT test_run_id, count(*)::integer AS cnt FROM old_issues GROUP BY test_run_id) n
   WHERE r.id = n.test_run_id;
  RETURN NULL;
END
$$;

CREATE FUNCTION bench_plpgsql.issues_found_on_update() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  -- Issues moved to another run: +1 for the new run, -1 for the old one.
  UPDATE hitlai.test_runs r SET issues_found = greatest(0, r.issues_found + d.delta)
    FROM (SELECT run, sum(delta)::integer AS delta
            FROM (SELECT n.test_run_id AS run, 1 AS delta
                    FROM new_issues n JOIN old_issues o USING (id)
                   WHERE n.test_run_id <> o.test_run_id
                  UNION ALL
                  SELECT o.test_run_id, -1
                    FROM new_issues n JOIN old_issues o USING (id)
                   WHERE n.test_run_id <> o.test_run_id) m
           GROUP BY run) d
   WHERE r.id = d.run AND d.delta <> 0;
  RETURN NULL;
END
$$;

CREATE TRIGGER t6_issues_found_insert AFTER INSERT ON hitlai.issues
  REFERENCING NEW TABLE AS new_issues
  FOR EACH STATEMENT EXECUTE FUNCTION bench_plpgsql.issues_found_on_insert();
CREATE TRIGGER t6_issues_found_delete AFTER DELETE ON hitlai.issues
  REFERENCING OLD TABLE AS old_issues
  FOR EACH STATEMENT EXECUTE FUNCTION bench_plpgsql.issues_found_on_delete();
CREATE TRIGGER t6_issues_found_update AFTER UPDATE ON hitlai.issues
  REFERENCING OLD TABLE AS old_issues NEW TABLE AS new_issues
  FOR EACH STATEMENT EXECUTE FUNCTION bench_plpgsql.issues_found_on_update();
