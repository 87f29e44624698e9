// W1, D15: the webhook event outbox.
//
// Events are recorded by the statement triggers that already run for them, in the
// event's transaction, one INSERT ... SELECT per statement (set-wise):
//   - test_run.created (and .completed / .failed for runs inserted in those states):
//     update_milestone_progress_trigger, only when the company update it makes anyway
//     (quota.cpp) returned stats_active_webhooks > 0 for some company of the statement.
//     A company without active webhooks therefore costs one more integer column in a
//     RETURNING list, nothing else.
//   - test_run.completed / .failed on UPDATE: update_tester_stats_trigger, only for
//     statements that moved a run into one of those states.
//   - issue.created: issues_after_insert_trigger, only when the run update it makes
//     anyway (issue_counts.cpp) saw a company with active webhooks.
// Each query joins the rows with the active webhooks of their company whose events hold
// the type, so another company's events never reach a webhook, and a webhook that is
// inactive or not subscribed gets nothing. A rolled back (sub)transaction takes its
// deliveries with it: they are ordinary rows.
//
// companies.stats_active_webhooks is kept by the statement triggers on webhooks below,
// as deltas under the company row lock (same lock order as every writer of companies,
// triggers.hpp), so concurrent webhook changes never lose a count. A webhook that stops
// being active has its undelivered deliveries cancelled (W4); a deleted one takes them
// with it (ON DELETE CASCADE).
#include "pg/bridge.hpp"
#include "pg/settings.hpp"
#include "pg/spi.hpp"
#include "pg/triggers.hpp"

namespace {

namespace spi = hitlai::pg::spi;

// Timestamps in payloads: ISO 8601 in UTC with microseconds, whatever the session's
// TimeZone and DateStyle.
#define HITLAI_ISO_UTC(x) \
  "pg_catalog.to_char(pg_catalog.timezone('UTC'::text, " x "), " \
  "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'::text)"

#define HITLAI_RUN_PAYLOAD                                                               \
  "pg_catalog.jsonb_build_object('type', e.t, 'timestamp', " HITLAI_ISO_UTC("pg_catalog.now()") \
  ", 'data', pg_catalog.jsonb_build_object("                                             \
  "'id', r.id, 'company_id', r.company_id, 'status', r.status, 'test_type', r.test_type, " \
  "'url', r.url, 'mission', r.mission, 'sentiment_score', r.sentiment_score, "           \
  "'issues_found', r.issues_found, 'cost', r.cost, "                                     \
  "'created_at', " HITLAI_ISO_UTC("r.created_at") ", "                                   \
  "'completed_at', " HITLAI_ISO_UTC("r.completed_at") "))"

#define HITLAI_DELIVERIES_INSERT                                                         \
  "INSERT INTO hitlai.webhook_deliveries (webhook_id, company_id, event_type, payload)\n"

#define HITLAI_MATCHING_WEBHOOKS(company)                                                \
  " JOIN hitlai.webhooks w ON w.company_id = " company                                   \
  " AND w.is_active AND e.t = ANY (w.events)\n"

spi::Statement kRunsInserted{
    HITLAI_DELIVERIES_INSERT
    "SELECT w.id, r.company_id, e.t, " HITLAI_RUN_PAYLOAD "\n"
    "  FROM new_runs r\n"
    " CROSS JOIN LATERAL (VALUES ('test_run.created'::text),\n"
    "   (CASE r.status WHEN 'completed' THEN 'test_run.completed'::text\n"
    "                  WHEN 'failed' THEN 'test_run.failed'::text END)) e(t)\n"
    HITLAI_MATCHING_WEBHOOKS("r.company_id")
    " ORDER BY r.id, e.t, w.id",
    0, {}, nullptr};

spi::Statement kRunsFinished{
    HITLAI_DELIVERIES_INSERT
    "SELECT w.id, r.company_id, e.t, " HITLAI_RUN_PAYLOAD "\n"
    "  FROM new_runs r JOIN old_runs o ON o.id = r.id\n"
    " CROSS JOIN LATERAL (SELECT CASE r.status WHEN 'completed' THEN 'test_run.completed'::text\n"
    "                                        WHEN 'failed' THEN 'test_run.failed'::text END) e(t)\n"
    HITLAI_MATCHING_WEBHOOKS("r.company_id")
    " WHERE r.status <> o.status\n"
    " ORDER BY r.id, w.id",
    0, {}, nullptr};

spi::Statement kIssuesInserted{
    HITLAI_DELIVERIES_INSERT
    "SELECT w.id, r.company_id, e.t,\n"
    "       pg_catalog.jsonb_build_object('type', e.t, 'timestamp', "
    HITLAI_ISO_UTC("pg_catalog.now()") ", 'data', pg_catalog.jsonb_build_object("
    "'id', i.id, 'test_run_id', i.test_run_id, 'title', i.title, 'severity', i.severity, "
    "'category', i.category, 'created_at', " HITLAI_ISO_UTC("i.created_at") "))\n"
    "  FROM new_issues i JOIN hitlai.test_runs r ON r.id = i.test_run_id\n"
    " CROSS JOIN (VALUES ('issue.created'::text)) e(t)\n"
    HITLAI_MATCHING_WEBHOOKS("r.company_id")
    " ORDER BY i.id, w.id",
    0, {}, nullptr};

// companies.stats_active_webhooks deltas (x: company_id, k), companies locked in id order.
#define HITLAI_ACTIVE_WEBHOOKS_TAIL                                                      \
  "\nd AS (SELECT x.company_id, pg_catalog.sum(x.k) AS k FROM x GROUP BY x.company_id\n" \
  "       HAVING pg_catalog.sum(x.k) <> 0),\n"                                           \
  "l AS MATERIALIZED (\n"                                                                \
  "  SELECT c.id FROM hitlai.companies c WHERE c.id IN (SELECT d.company_id FROM d)\n"   \
  "   ORDER BY c.id FOR NO KEY UPDATE OF c)\n"                                           \
  "UPDATE hitlai.companies c SET stats_active_webhooks = c.stats_active_webhooks + d.k\n" \
  "  FROM d, l WHERE c.id = d.company_id AND l.id = c.id"

spi::Statement kWebhooksInserted{
    "WITH x AS (SELECT w.company_id, 1 AS k FROM new_webhooks w WHERE w.is_active),"
    HITLAI_ACTIVE_WEBHOOKS_TAIL,
    0, {}, nullptr};
spi::Statement kWebhooksUpdated{
    "WITH x AS (SELECT w.company_id, 1 AS k FROM new_webhooks w WHERE w.is_active\n"
    "           UNION ALL SELECT w.company_id, -1 FROM old_webhooks w WHERE w.is_active),"
    HITLAI_ACTIVE_WEBHOOKS_TAIL,
    0, {}, nullptr};
spi::Statement kWebhooksDeleted{
    "WITH x AS (SELECT w.company_id, -1 AS k FROM old_webhooks w WHERE w.is_active),"
    HITLAI_ACTIVE_WEBHOOKS_TAIL,
    0, {}, nullptr};

// W4: deactivating a webhook cancels its undelivered deliveries (a delivery being sent
// right now is cancelled too; its sender's result no longer applies).
spi::Statement kCancelDeactivated{
    "UPDATE hitlai.webhook_deliveries d\n"
    "   SET status = 'cancelled', next_attempt_at = NULL\n"
    " WHERE d.webhook_id IN (SELECT n.id FROM new_webhooks n JOIN old_webhooks o ON o.id = n.id\n"
    "                         WHERE o.is_active AND NOT n.is_active)\n"
    "   AND d.status IN ('pending', 'delivering')",
    0, {}, nullptr};

}  // namespace

namespace hitlai::pg {

bool outbox_enabled() {
  const char* v = guarded([] { return installed_extension_version(); });
  return v != nullptr && compare_versions(v, "0.4.0") >= 0;
}

void outbox_runs_inserted() { spi::exec(kRunsInserted); }
void outbox_runs_finished() { spi::exec(kRunsFinished); }
void outbox_issues_inserted() { spi::exec(kIssuesInserted); }

}  // namespace hitlai::pg

// hitlai.webhooks_after_change(): AFTER INSERT / UPDATE / DELETE ... FOR EACH STATEMENT on
// webhooks (transition tables new_webhooks / old_webhooks). SECURITY DEFINER: it writes
// companies and webhook_deliveries, which the owner/admin changing a webhook may not.
HITLAI_FUNCTION(hitlai_webhooks_after_change) {
  auto* td = reinterpret_cast<TriggerData*>(fcinfo->context);
  if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_AFTER(td->tg_event) ||
      TRIGGER_FIRED_FOR_ROW(td->tg_event))
    throw hitlai::Error("39P01", "webhooks_after_change: must be AFTER ... FOR EACH STATEMENT");
  if (hitlai::pg::restore_mode_active()) return PointerGetDatum(nullptr);
  if (spi::tuple_count(td->tg_newtable) + spi::tuple_count(td->tg_oldtable) == 0)
    return PointerGetDatum(nullptr);
  spi::connect(td);
  if (TRIGGER_FIRED_BY_INSERT(td->tg_event)) {
    spi::exec(kWebhooksInserted);
  } else if (TRIGGER_FIRED_BY_UPDATE(td->tg_event)) {
    spi::exec(kWebhooksUpdated);  // companies first (lock order), then deliveries
    spi::exec(kCancelDeactivated);
  } else {
    spi::exec(kWebhooksDeleted);
  }
  spi::finish();
  return PointerGetDatum(nullptr);
}
