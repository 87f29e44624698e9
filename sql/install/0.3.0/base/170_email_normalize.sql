-- T5 (D13): emails stored trimmed and lower-cased (src/pg/email_normalize.cpp).
CREATE FUNCTION @extschema@.normalize_email_trigger() RETURNS pg_catalog.trigger
  LANGUAGE c
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_normalize_email_trigger';
COMMENT ON FUNCTION @extschema@.normalize_email_trigger() IS
  'T5: trims and lower-cases NEW.email';
REVOKE ALL ON FUNCTION @extschema@.normalize_email_trigger() FROM PUBLIC;

CREATE TRIGGER companies_email_trigger
  BEFORE INSERT OR UPDATE OF email ON @extschema@.companies
  FOR EACH ROW EXECUTE FUNCTION @extschema@.normalize_email_trigger();
CREATE TRIGGER human_testers_email_trigger
  BEFORE INSERT OR UPDATE OF email ON @extschema@.human_testers
  FOR EACH ROW EXECUTE FUNCTION @extschema@.normalize_email_trigger();
CREATE TRIGGER early_adopter_apps_email_trigger
  BEFORE INSERT OR UPDATE OF email ON @extschema@.early_adopter_apps
  FOR EACH ROW EXECUTE FUNCTION @extschema@.normalize_email_trigger();
CREATE TRIGGER founding_tester_apps_email_trigger
  BEFORE INSERT OR UPDATE OF email ON @extschema@.founding_tester_apps
  FOR EACH ROW EXECUTE FUNCTION @extschema@.normalize_email_trigger();
