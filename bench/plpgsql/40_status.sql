-- T4: status machine and completion timestamps (BEFORE UPDATE / BEFORE INSERT).
CREATE FUNCTION bench_plpgsql.status_machine() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    IF NEW.company_id IS DISTINCT FROM OLD.company_id THEN
      RAISE EXCEPTION 'company_id of a test run cannot change' USING ERRCODE = 'HL003';
    END IF;
    IF NEW.status IS NOT DISTINCT FROM OLD.status THEN
      RETURN NEW;
    END IF;
    IF NOT ((OLD.status = 'pending' AND NEW.status IN ('running', 'completed', 'failed'))
            OR (OLD.status = 'running' AND NEW.status IN ('completed', 'failed'))
            OR (OLD.status = 'failed' AND NEW.status = 'pending')) THEN
      RAISE EXCEPTION 'test run status cannot move from % to %', OLD.status, NEW.status
        USING ERRCODE = 'HL002';
    END IF;
    IF OLD.status = 'failed' AND NEW.status = 'pending' THEN
      NEW.completed_at := NULL;
      NEW.execution_time_ms := NULL;
      RETURN NEW;
    END IF;
  END IF;
  IF NEW.status = 'completed' THEN
    NEW.completed_at := coalesce(NEW.completed_at, now());
    NEW.execution_time_ms := coalesce(NEW.execution_time_ms,
      greatest(0, floor(extract(epoch FROM NEW.completed_at - NEW.created_at) * 1000))::bigint);
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER t4_status BEFORE UPDATE ON hitlai.test_runs
  FOR EACH ROW EXECUTE FUNCTION bench_plpgsql.status_machine();
CREATE TRIGGER t4_status_insert BEFORE INSERT ON hitlai.test_runs
  FOR EACH ROW WHEN (NEW.status = 'completed') EXECUTE FUNCTION bench_plpgsql.status_machine();
