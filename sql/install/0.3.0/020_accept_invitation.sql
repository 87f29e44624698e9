-- S7: accept_invitation, a SECURITY DEFINER function granted to application roles, with
-- every operator schema-qualified (0.2.0 compared with a bare `=`, which the function's
-- search_path already confined to pg_catalog's operators, but which the S7 lint rightly
-- refuses). Same behaviour. The fresh install's base (base/400_identity.sql) creates it
-- with this very body; on an upgrade from 0.2.0 this replaces the old one, so both give
-- the same catalog (S9).
CREATE OR REPLACE FUNCTION @extschema@.accept_invitation(company_id pg_catalog.uuid) RETURNS pg_catalog.void
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  me pg_catalog.uuid := @extschema@.uid();
BEGIN
  IF me IS NULL THEN
    RAISE EXCEPTION 'only a signed-in user can accept an invitation' USING ERRCODE = '42501';
  END IF;
  UPDATE @extschema@.company_members m SET joined_at = pg_catalog.now()
   WHERE m.company_id OPERATOR(pg_catalog.=) $1 AND m.user_id OPERATOR(pg_catalog.=) me
     AND m.joined_at IS NULL;
  IF NOT FOUND AND NOT EXISTS (SELECT 1 FROM @extschema@.company_members m
                                WHERE m.company_id OPERATOR(pg_catalog.=) $1
                                  AND m.user_id OPERATOR(pg_catalog.=) me) THEN
    RAISE EXCEPTION 'no invitation to company % for the current user', $1
      USING ERRCODE = '42501';
  END IF;
END
$$;
