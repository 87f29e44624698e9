-- J1/J2 for the plpgsql variant. bench/run.sh loads bench/plpgsql_validators.sql (PL/pgSQL
-- validators written by the JSON helper) when it exists and then calls this procedure
-- with the names of the two validators it found; it adds the CHECK constraints that
-- make INSERT/UPDATE validate platform_details (J1) and issues.metadata (J2), NOT VALID
-- so existing rows are not rescanned.
CREATE PROCEDURE bench_plpgsql.wire_validators(platform_details_fn regproc, issue_metadata_fn regproc)
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF platform_details_fn IS NOT NULL THEN
    EXECUTE format('ALTER TABLE hitlai.test_runs ADD CONSTRAINT bench_platform_details_valid'
                   ' CHECK (%s(platform_details) IS NOT NULL) NOT VALID', platform_details_fn);
  END IF;
  IF issue_metadata_fn IS NOT NULL THEN
    EXECUTE format('ALTER TABLE hitlai.issues ADD CONSTRAINT bench_metadata_valid'
                   ' CHECK (%s(metadata) IS NOT NULL) NOT VALID', issue_metadata_fn);
  END IF;
END
$$;
