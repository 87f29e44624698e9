-- S10: create_company can't multiply the free monthly quota. A user may own (be a joined
-- owner of) at most hitlai.max_free_companies_per_user companies on the free plan
-- (default 3, superuser setting; -1: no limit); the call that would pass it raises 53400
-- (configuration_limit_exceeded). Companies on a paid plan don't count: moving a company
-- to another plan_type (privileged, e.g. from the billing webhook) frees its slot.
-- Concurrent calls of one user are serialized by a transaction advisory lock on the
-- user id, so they can't both pass the check.
CREATE FUNCTION @extschema@.free_company_limit() RETURNS integer
  LANGUAGE c STABLE PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_free_company_limit';
COMMENT ON FUNCTION @extschema@.free_company_limit() IS
  'S10: hitlai.max_free_companies_per_user (companies on the free plan one user may own; -1: no limit)';
REVOKE ALL ON FUNCTION @extschema@.free_company_limit() FROM PUBLIC;

CREATE OR REPLACE FUNCTION @extschema@.create_company(name text, email text) RETURNS uuid
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  me uuid := @extschema@.uid();
  company uuid;
  lim integer;
  owned bigint;
BEGIN
  IF me IS NULL THEN
    RAISE EXCEPTION 'only a signed-in user can create a company' USING ERRCODE = '42501',
      HINT = 'hitlai.uid() is NULL: set request.jwt.claims (or request.jwt.claim.sub).';
  END IF;
  IF $1 IS NULL OR $2 IS NULL THEN
    RAISE EXCEPTION 'create_company: % must not be NULL', CASE WHEN $1 IS NULL THEN 'name' ELSE 'email' END
      USING ERRCODE = '22023';
  END IF;
  lim := @extschema@.free_company_limit();
  IF lim OPERATOR(pg_catalog.>=) 0 THEN
    PERFORM pg_catalog.pg_advisory_xact_lock(1751933795::pg_catalog.int4,  -- 0x686c6363 'hlcc'
                                             pg_catalog.hashtext(me::pg_catalog.text));
    SELECT pg_catalog.count(*) INTO owned
      FROM @extschema@.company_members m
      JOIN @extschema@.companies c ON c.id OPERATOR(pg_catalog.=) m.company_id
     WHERE m.user_id OPERATOR(pg_catalog.=) me AND m.role OPERATOR(pg_catalog.=) 'owner'::pg_catalog.text
       AND m.joined_at IS NOT NULL AND c.plan_type OPERATOR(pg_catalog.=) 'free'::pg_catalog.text;
    IF owned OPERATOR(pg_catalog.>=) lim THEN
      RAISE EXCEPTION 'user % already owns % companies on the free plan', me, owned
        USING ERRCODE = '53400',
        DETAIL = pg_catalog.format('At most %s companies on the free plan per user (hitlai.max_free_companies_per_user).', lim),
        HINT = 'Move one of them to a paid plan, or ask the administrator to raise the limit.';
    END IF;
  END IF;
  INSERT INTO @extschema@.companies (name, email)
  VALUES ($1, @extschema@.normalize_email($2))
  RETURNING id INTO company;
  INSERT INTO @extschema@.company_members (company_id, user_id, role, joined_at)
  VALUES (company, me, 'owner', pg_catalog.now());
  RETURN company;
END
$$;
COMMENT ON FUNCTION @extschema@.create_company(text, text) IS
  'A2: creates a company whose joined owner is the caller; 23505 if the email is taken, 42501 when anonymous, 22023 for a NULL argument, 53400 beyond hitlai.max_free_companies_per_user free companies (S10)';
