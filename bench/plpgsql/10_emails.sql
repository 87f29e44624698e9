-- T5 / D13: emails are stored trimmed and lower-cased.
CREATE FUNCTION bench_plpgsql.normalize_email() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  NEW.email := lower(btrim(NEW.email, E' \t\n\r\f\v'));
  RETURN NEW;
END
$$;

CREATE TRIGGER t5_normalize_email BEFORE INSERT OR UPDATE OF email ON hitlai.companies
  FOR EACH ROW EXECUTE FUNCTION bench_plpgsql.normalize_email();
CREATE TRIGGER t5_normalize_email BEFORE INSERT OR UPDATE OF email ON hitlai.human_testers
  FOR EACH ROW EXECUTE FUNCTION bench_plpgsql.normalize_email();
CREATE TRIGGER t5_normalize_email BEFORE INSERT OR UPDATE OF email ON hitlai.early_adopter_apps
  FOR EACH ROW EXECUTE FUNCTION bench_plpgsql.normalize_email();
CREATE TRIGGER t5_normalize_email BEFORE INSERT OR UPDATE OF email ON hitlai.founding_tester_apps
  FOR EACH ROW EXECUTE FUNCTION bench_plpgsql.normalize_email();
