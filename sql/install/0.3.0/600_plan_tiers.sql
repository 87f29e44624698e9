-- D17: plan_tiers, the tiers an early-adopter or founding-tester application selects
-- (R2, R3). A configuration table like milestones: its rows are user data, dumped by
-- pg_dump (S8). hitlai ships a default set (docs/marketplace.md); the rows are plain
-- rows afterwards, so a DBA may change, add or delete tiers.
--
-- S8, dump and restore: the table is registered with an empty filter, so pg_dump dumps
-- every row, shipped or added, changed or not, with its id and created_at. The default
-- rows are inserted below only when this script does not run inside a restore
-- (hitlai.restore_mode_active(): hitlai.restore_mode on, or a privileged pg_restore
-- session); inside a restore the dump brings the rows, so a changed default tier comes
-- back changed, a deleted one stays deleted, and no unique key collides. (A filter that
-- skipped the shipped rows would lose edits to them, or collide on `tier` when an
-- edited shipped row is restored beside the re-inserted original.)
CREATE TABLE @extschema@.plan_tiers (
  id                  uuid PRIMARY KEY DEFAULT pg_catalog.gen_random_uuid(),
  tier                text NOT NULL,
  kind                text NOT NULL,
  plan_type           text,
  monthly_test_quota  integer,
  discount_percentage numeric(5,2),
  revenue_share_pct   numeric(5,2),
  equity_percentage   numeric(7,4),
  created_at          timestamptz NOT NULL DEFAULT pg_catalog.now(),
  CONSTRAINT plan_tiers_tier_key UNIQUE (tier),
  CONSTRAINT plan_tiers_tier_check CHECK (tier OPERATOR(pg_catalog.<>) ''::pg_catalog.text),
  CONSTRAINT plan_tiers_kind_check CHECK (kind OPERATOR(pg_catalog.=) ANY (ARRAY['company', 'tester']::pg_catalog.text[])),
  CONSTRAINT plan_tiers_plan_type_check
    CHECK (plan_type OPERATOR(pg_catalog.=) ANY (ARRAY['free', 'starter', 'pro', 'enterprise']::pg_catalog.text[])),
  CONSTRAINT plan_tiers_monthly_test_quota_check CHECK (monthly_test_quota OPERATOR(pg_catalog.>=) 0),
  CONSTRAINT plan_tiers_discount_percentage_check
    CHECK (discount_percentage OPERATOR(pg_catalog.>=) 0::pg_catalog.numeric AND discount_percentage OPERATOR(pg_catalog.<=) 100::pg_catalog.numeric),
  CONSTRAINT plan_tiers_revenue_share_pct_check
    CHECK (revenue_share_pct OPERATOR(pg_catalog.>=) 0::pg_catalog.numeric AND revenue_share_pct OPERATOR(pg_catalog.<=) 100::pg_catalog.numeric),
  CONSTRAINT plan_tiers_equity_percentage_check
    CHECK (equity_percentage OPERATOR(pg_catalog.>=) 0::pg_catalog.numeric AND equity_percentage OPERATOR(pg_catalog.<=) 100::pg_catalog.numeric),
  -- A company tier says what the company gets (R2: plan_type and discount required,
  -- monthly_test_quota NULL = unlimited as in D1) and nothing a tester gets; a tester
  -- tier the reverse (R3).
  CONSTRAINT plan_tiers_kind_columns_check CHECK (
    CASE kind
      WHEN 'company' THEN plan_type IS NOT NULL AND discount_percentage IS NOT NULL
                          AND revenue_share_pct IS NULL AND equity_percentage IS NULL
      WHEN 'tester' THEN revenue_share_pct IS NOT NULL AND equity_percentage IS NOT NULL
                         AND plan_type IS NULL AND monthly_test_quota IS NULL
                         AND discount_percentage IS NULL
    END)
);
COMMENT ON TABLE @extschema@.plan_tiers IS
  'D17: tiers of the early-adopter (kind company) and founding-tester (kind tester) programmes (configuration: every row is dumped by pg_dump)';
-- No foreign keys: nothing to index beyond the unique key (tier).

ALTER TABLE @extschema@.plan_tiers ENABLE ROW LEVEL SECURITY;
SELECT pg_catalog.pg_extension_config_dump('@extschema@.plan_tiers'::pg_catalog.regclass, '');
REVOKE ALL ON @extschema@.plan_tiers FROM PUBLIC;

-- A2/D17: every signed-in user reads the tiers; writes are privileged (no write policy:
-- an application role that had the privilege would still change no row). Created
-- unconditionally, like 0.2.0's policies (PostgreSQL's pg_dump does not dump policies
-- of extension tables).
CREATE POLICY plan_tiers_select ON @extschema@.plan_tiers FOR SELECT
  USING ((SELECT @extschema@.uid()) IS NOT NULL);

-- The default tiers (docs/marketplace.md lists them), unless a restore brings the rows.
INSERT INTO @extschema@.plan_tiers
  (tier, kind, plan_type, monthly_test_quota, discount_percentage, revenue_share_pct,
   equity_percentage)
SELECT v.tier, v.kind, v.plan_type, v.quota, v.discount, v.share, v.equity
  FROM (VALUES
    ('early_starter'::pg_catalog.text, 'company'::pg_catalog.text, 'starter'::pg_catalog.text,
     50::pg_catalog.int4, 50.00::pg_catalog.numeric, NULL::pg_catalog.numeric,
     NULL::pg_catalog.numeric),
    ('early_pro', 'company', 'pro', 250, 40.00, NULL, NULL),
    ('early_enterprise', 'company', 'enterprise', NULL, 30.00, NULL, NULL),
    ('founding_member', 'tester', NULL, NULL, NULL, 75.00, 0.0000),
    ('founding_pro', 'tester', NULL, NULL, NULL, 80.00, 0.0100),
    ('founding_elite', 'tester', NULL, NULL, NULL, 85.00, 0.0500)
  ) AS v (tier, kind, plan_type, quota, discount, share, equity)
 WHERE NOT @extschema@.restore_mode_active();
