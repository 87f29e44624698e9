-- W1, D15: the webhook outbox. Every subscribed event is recorded as one
-- webhook_deliveries row per matching active webhook, in the event's transaction, by the
-- compiled statement triggers of test_runs and issues (src/pg/webhook_outbox.cpp).
-- companies.stats_active_webhooks (kept by the triggers on webhooks below) lets the insert
-- path see "this company has no active webhook" in the company update it already makes.

-- D15. A 'delivering' row's next_attempt_at is the end of its sender's lease: when it
-- has passed, the delivery is due again (W3).
CREATE TABLE @extschema@.webhook_deliveries (
  id               uuid PRIMARY KEY DEFAULT pg_catalog.gen_random_uuid(),
  webhook_id       uuid NOT NULL REFERENCES @extschema@.webhooks (id) ON DELETE CASCADE,
  company_id       uuid NOT NULL REFERENCES @extschema@.companies (id) ON DELETE CASCADE,
  event_type       text NOT NULL,
  payload          jsonb NOT NULL,
  status           text NOT NULL DEFAULT 'pending',
  attempts         integer NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz DEFAULT pg_catalog.now(),
  last_attempt_at  timestamptz,
  last_status_code integer,
  last_error       text,
  delivered_at     timestamptz,
  created_at       timestamptz NOT NULL DEFAULT pg_catalog.now(),
  CONSTRAINT webhook_deliveries_status_check
    CHECK (status OPERATOR(pg_catalog.=) ANY ('{pending,delivering,succeeded,failed,cancelled}'::pg_catalog.text[])),
  CONSTRAINT webhook_deliveries_event_type_check
    CHECK (event_type OPERATOR(pg_catalog.=) ANY ('{test_run.created,test_run.completed,test_run.failed,issue.created}'::pg_catalog.text[])),
  CONSTRAINT webhook_deliveries_attempts_check CHECK (attempts OPERATOR(pg_catalog.>=) 0),
  CONSTRAINT webhook_deliveries_last_error_check
    CHECK (last_error IS NULL OR pg_catalog.octet_length(last_error) OPERATOR(pg_catalog.<=) 1024)
);
COMMENT ON TABLE @extschema@.webhook_deliveries IS
  'D15/W1: durable outbox of webhook events; id is the Standard Webhooks message id';
-- D14: an index on every foreign key.
CREATE INDEX webhook_deliveries_webhook_id_idx ON @extschema@.webhook_deliveries (webhook_id);
CREATE INDEX webhook_deliveries_company_id_idx ON @extschema@.webhook_deliveries (company_id);
-- W3: due deliveries (pending, or delivering with an expired lease), oldest first.
CREATE INDEX webhook_deliveries_due_idx ON @extschema@.webhook_deliveries (next_attempt_at)
  WHERE status OPERATOR(pg_catalog.=) ANY ('{pending,delivering}'::pg_catalog.text[]);

ALTER TABLE @extschema@.webhook_deliveries ENABLE ROW LEVEL SECURITY;
-- S8: dumped with its rows.
SELECT pg_catalog.pg_extension_config_dump('@extschema@.webhook_deliveries'::pg_catalog.regclass, '');
REVOKE ALL ON @extschema@.webhook_deliveries FROM PUBLIC;

-- W6/A2: owner/admin of the company read its deliveries; nobody but privileged roles
-- writes them (no write policy). Created unconditionally, like 0.2.0's policies (S8).
CREATE POLICY webhook_deliveries_select ON @extschema@.webhook_deliveries FOR SELECT
  USING (company_id OPERATOR(pg_catalog.=) ANY ((SELECT @extschema@.member_company_ids('admin'::pg_catalog.text))::pg_catalog.uuid[]));

-- W1: the number of active webhooks of each company, kept by the triggers below as
-- deltas under the company row lock (concurrent webhook changes never lose a count).
-- (An upgrade from 0.1.0 runs 0.2.0's backfill in the same transaction; its updates of
-- companies leave events of the deferred milestone_progress_at_commit trigger pending,
-- and ALTER TABLE refuses a table with pending trigger events. Firing them now, then
-- restoring the trigger's INITIALLY DEFERRED mode, changes nothing else.)
SET CONSTRAINTS @extschema@.milestone_progress_at_commit IMMEDIATE;
SET CONSTRAINTS @extschema@.milestone_progress_at_commit DEFERRED;
ALTER TABLE @extschema@.companies
  ADD COLUMN stats_active_webhooks integer NOT NULL DEFAULT 0;
COMMENT ON COLUMN @extschema@.companies.stats_active_webhooks IS
  'W1: number of webhooks with is_active (maintained by hitlai)';
-- Upgrade from 0.2.0: count the webhooks that already exist (nothing on a fresh install).
UPDATE @extschema@.companies c
   SET stats_active_webhooks = w.n
  FROM (SELECT company_id, pg_catalog.count(*)::integer AS n FROM @extschema@.webhooks
         WHERE is_active GROUP BY company_id) w
 WHERE c.id OPERATOR(pg_catalog.=) w.company_id;

CREATE FUNCTION @extschema@.webhooks_after_change() RETURNS trigger
  LANGUAGE c SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS 'MODULE_PATHNAME', 'hitlai_webhooks_after_change';
COMMENT ON FUNCTION @extschema@.webhooks_after_change() IS
  'W1/W4: companies.stats_active_webhooks; undelivered deliveries of deactivated webhooks cancelled';
REVOKE ALL ON FUNCTION @extschema@.webhooks_after_change() FROM PUBLIC;

CREATE TRIGGER webhooks_after_insert_trigger
  AFTER INSERT ON @extschema@.webhooks
  REFERENCING NEW TABLE AS new_webhooks
  FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.webhooks_after_change();
CREATE TRIGGER webhooks_after_update_trigger
  AFTER UPDATE ON @extschema@.webhooks
  REFERENCING OLD TABLE AS old_webhooks NEW TABLE AS new_webhooks
  FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.webhooks_after_change();
CREATE TRIGGER webhooks_after_delete_trigger
  AFTER DELETE ON @extschema@.webhooks
  REFERENCING OLD TABLE AS old_webhooks
  FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.webhooks_after_change();
