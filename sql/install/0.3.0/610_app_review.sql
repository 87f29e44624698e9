-- R1-R3: application review (src/pg/app_review.cpp, rules in src/core/app_review.*).
-- The two review functions are admin functions (G1: privileged roles only); they run
-- with the caller's rights and refuse a caller that is neither superuser nor BYPASSRLS
-- (42501) even if EXECUTE was granted. claim_founding_tester_profile is for signed-in
-- users: SECURITY DEFINER (it reads applications and writes protected tester columns),
-- answering only about the caller.
CREATE FUNCTION @extschema@.review_early_adopter_app(app_id uuid, decision text) RETURNS uuid
  LANGUAGE c VOLATILE
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_review_early_adopter_app';
COMMENT ON FUNCTION @extschema@.review_early_adopter_app(uuid, text) IS
  'R1/R2: approves, rejects or waitlists an early-adopter application; approval creates its company from plan_tiers and invites the applicant as owner; returns the company id (NULL otherwise); privileged only';
REVOKE ALL ON FUNCTION @extschema@.review_early_adopter_app(uuid, text) FROM PUBLIC;

CREATE FUNCTION @extschema@.review_founding_tester_app(app_id uuid, decision text) RETURNS uuid
  LANGUAGE c VOLATILE
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_review_founding_tester_app';
COMMENT ON FUNCTION @extschema@.review_founding_tester_app(uuid, text) IS
  'R1/R3: approves, rejects or waitlists a founding-tester application; returns the application id; privileged only';
REVOKE ALL ON FUNCTION @extschema@.review_founding_tester_app(uuid, text) FROM PUBLIC;

CREATE FUNCTION @extschema@.claim_founding_tester_profile() RETURNS uuid
  LANGUAGE c VOLATILE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_claim_founding_tester_profile';
COMMENT ON FUNCTION @extschema@.claim_founding_tester_profile() IS
  'R3: creates or updates the caller''s tester profile from their approved founding-tester application (42501 without one); idempotent; returns the tester id';
REVOKE ALL ON FUNCTION @extschema@.claim_founding_tester_profile() FROM PUBLIC;
