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
//     statements that moved a run into one of those states; a one-row statement first
//     asks its company's stats_active_webhooks (from the company row it writes for a
//     cost change, or by primary key) and skips the query when it is zero.
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
#include "pg/counter_rows.hpp"
#include "pg/settings.hpp"
#include "pg/spi.hpp"
#include "pg/trigger.hpp"
#include "pg/triggers.hpp"

namespace {

namespace spi = hitlai::pg::spi;
namespace counters = hitlai::pg::counters;
namespace trigger = hitlai::pg::trigger;

// The payloads (W1): {"type", "timestamp", "data"}, timestamps in ISO 8601 UTC with
// microseconds whatever the session's TimeZone and DateStyle. Each statement joins the
// rows with the active webhooks of their company whose events hold the type (the
// subquery e), then wraps each event's data in the envelope.
//
// Runs of an INSERT (old_runs registered empty: test_run.created, and .completed /
// .failed for runs inserted in those states) or of an UPDATE (.completed / .failed for
// runs that moved into those states).
spi::Statement kRunEvents{
    R"SQL(
INSERT INTO hitlai.webhook_deliveries (webhook_id, company_id, event_type, payload)
SELECT e.webhook_id, e.company_id, e.t,
       pg_catalog.jsonb_build_object('type', e.t, 'timestamp', pg_catalog.to_char(pg_catalog.timezone('UTC'::text, pg_catalog.now()), 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'::text), 'data', e.data)
  FROM (SELECT w.id AS webhook_id, r.company_id, x.t, r.id,
               pg_catalog.jsonb_build_object(
                 'id', r.id, 'company_id', r.company_id, 'status', r.status,
                 'test_type', r.test_type, 'url', r.url, 'mission', r.mission,
                 'sentiment_score', r.sentiment_score, 'issues_found', r.issues_found,
                 'cost', r.cost,
                 'created_at', pg_catalog.to_char(pg_catalog.timezone('UTC'::text, r.created_at), 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'::text),
                 'completed_at', pg_catalog.to_char(pg_catalog.timezone('UTC'::text, r.completed_at), 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'::text)) AS data
          FROM new_runs r LEFT JOIN old_runs o ON o.id = r.id
         CROSS JOIN LATERAL (VALUES
           (CASE WHEN o.id IS NULL THEN 'test_run.created'::text END),
           (CASE WHEN r.status IS DISTINCT FROM o.status
                 THEN CASE r.status WHEN 'completed' THEN 'test_run.completed'::text
                                    WHEN 'failed' THEN 'test_run.failed'::text END END)) x(t)
          JOIN hitlai.webhooks w
            ON w.company_id = r.company_id AND w.is_active AND x.t = ANY (w.events)) e
 ORDER BY e.id, e.t, e.webhook_id)SQL",
    0, {}, nullptr};

// Issues of an INSERT: issue.created.
spi::Statement kIssuesInserted{
    R"SQL(
INSERT INTO hitlai.webhook_deliveries (webhook_id, company_id, event_type, payload)
SELECT e.webhook_id, e.company_id, e.t,
       pg_catalog.jsonb_build_object('type', e.t, 'timestamp', pg_catalog.to_char(pg_catalog.timezone('UTC'::text, pg_catalog.now()), 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'::text), 'data', e.data)
  FROM (SELECT w.id AS webhook_id, r.company_id, 'issue.created'::text AS t, i.id,
               pg_catalog.jsonb_build_object(
                 'id', i.id, 'test_run_id', i.test_run_id, 'title', i.title,
                 'severity', i.severity, 'category', i.category,
                 'created_at', pg_catalog.to_char(pg_catalog.timezone('UTC'::text, i.created_at), 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'::text)) AS data
          FROM new_issues i JOIN hitlai.test_runs r ON r.id = i.test_run_id
          JOIN hitlai.webhooks w
            ON w.company_id = r.company_id AND w.is_active
           AND 'issue.created'::text = ANY (w.events)) e
 ORDER BY e.id, e.webhook_id)SQL",
    0, {}, nullptr};

// Whether one of the given companies has an active webhook (few-run paths of T6 and of a
// one-run UPDATE: they skip the outbox statements when none has).
spi::Statement kAnyActiveWebhooks{
    R"SQL(
SELECT 1 FROM hitlai.companies c
 WHERE c.id = ANY ($1::uuid[]) AND c.stats_active_webhooks OPERATOR(pg_catalog.>) 0
 LIMIT 1)SQL",
    1, {UUIDARRAYOID}, nullptr};

// companies.stats_active_webhooks deltas of a statement on webhooks (both transition
// tables registered, the one an event lacks empty), companies locked in id order.
spi::Statement kActiveWebhooks{
    R"SQL(
WITH x AS (SELECT w.company_id, 1 AS k FROM new_webhooks w WHERE w.is_active
           UNION ALL SELECT w.company_id, -1 FROM old_webhooks w WHERE w.is_active),
d AS (SELECT x.company_id, pg_catalog.sum(x.k) AS k FROM x GROUP BY x.company_id
       HAVING pg_catalog.sum(x.k) <> 0),
l AS MATERIALIZED (
  SELECT c.id FROM hitlai.companies c WHERE c.id = ANY (ARRAY(SELECT d.company_id FROM d))
   ORDER BY c.id FOR NO KEY UPDATE OF c)
UPDATE hitlai.companies c SET stats_active_webhooks = c.stats_active_webhooks + d.k
  FROM d, l WHERE c.id = d.company_id AND l.id = c.id)SQL",
    0, {}, nullptr};

// V3-style audit and repair of stats_active_webhooks (check_stats / rebuild_stats; the
// companies are locked by rebuild_stats before).
spi::Statement kRebuildActiveWebhooks{
    R"SQL(
UPDATE hitlai.companies c SET stats_active_webhooks = s.n
  FROM (SELECT c2.id, (SELECT pg_catalog.count(*) FROM hitlai.webhooks w
                        WHERE w.company_id = c2.id AND w.is_active)::int4 AS n
          FROM hitlai.companies c2) s
 WHERE c.id = s.id AND c.stats_active_webhooks IS DISTINCT FROM s.n)SQL",
    0, {}, nullptr};
spi::Statement kCheckActiveWebhooks{
    R"SQL(
SELECT 'companies'::text AS table_name, c.id, 'stats_active_webhooks'::text,
       c.stats_active_webhooks::text, s.n::text
  FROM hitlai.companies c
 CROSS JOIN LATERAL (SELECT pg_catalog.count(*)::int4 AS n FROM hitlai.webhooks w
                      WHERE w.company_id = c.id AND w.is_active) s
 WHERE c.stats_active_webhooks IS DISTINCT FROM s.n
 ORDER BY 2, 3)SQL",
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

void outbox_runs_inserted() { spi::exec(kRunEvents); }
void outbox_runs_finished() { spi::exec(kRunEvents); }
void outbox_issues_inserted() { spi::exec(kIssuesInserted); }
bool outbox_any_active_webhooks(Datum companies, int64_t n) {
  Datum args[1] = {companies};
  return spi::exec_rows(kAnyActiveWebhooks, n, args) > 0;
}
bool outbox_company_has_active_webhooks(Datum company) {
  struct Active {
    bool any = false;
  } a;
  auto read = [](void* ctx, TupleDesc desc, Datum* values, bool* nulls) {
    const int c = counters::column_index(desc, "stats_active_webhooks");
    if (!nulls[c] && DatumGetInt32(values[c]) > 0) static_cast<Active*>(ctx)->any = true;
  };
  if (counters::scan_by_key("companies", "id", company, read, &a)) return a.any;
  Datum id = company;
  return outbox_any_active_webhooks(spi::array_of(&id, nullptr, 1, UUIDOID), 1);
}
uint64_t outbox_rebuild_stats() { return outbox_enabled() ? spi::exec(kRebuildActiveWebhooks) : 0; }
spi::Statement* outbox_check_stats() { return outbox_enabled() ? &kCheckActiveWebhooks : nullptr; }

}  // namespace hitlai::pg

// hitlai.webhooks_after_change(): AFTER INSERT / UPDATE / DELETE ... FOR EACH STATEMENT on
// webhooks (transition tables new_webhooks / old_webhooks). SECURITY DEFINER: it writes
// companies and webhook_deliveries, which the owner/admin changing a webhook may not.
constexpr trigger::Spec kAfterChange = trigger::after_statement(
    "webhooks_after_change", trigger::kInsert | trigger::kUpdate | trigger::kDelete, "webhooks",
    "webhooks_after_change: must be AFTER ... FOR EACH STATEMENT");

HITLAI_FUNCTION(hitlai_webhooks_after_change) {
  const trigger::Call call = trigger::open(fcinfo, kAfterChange);
  if (hitlai::pg::restore_mode_active()) return call.unchanged();
  if (call.transition_rows() == 0) return call.unchanged();
  spi::Connection connection(call.data, {"old_webhooks", "new_webhooks"});
  spi::exec(kActiveWebhooks);  // companies first (lock order), then deliveries
  if (call.is_update()) spi::exec(kCancelDeactivated);
  connection.finish();
  return call.unchanged();
}
