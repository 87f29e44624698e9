// W6: redelivering a webhook delivery and rotating a webhook's secret.
//
// Both are SECURITY DEFINER functions granted to application roles (docs/security.md
// says why that is safe): they act only for an owner or admin of the company the
// delivery or webhook belongs to (hitlai.member_company_ids('admin'), the helper the
// RLS policies use), or for a privileged caller (session role or SET ROLE superuser or
// BYPASSRLS). For anyone else the row might as well not exist: 42501, the same answer
// whether or not the id is known, so ids of other tenants cannot be probed. The
// membership check runs before any row lock, so a caller cannot block another tenant's
// rows by naming them.
//
//  * hitlai.redeliver_webhook(delivery_id uuid) RETURNS void: a failed, cancelled or
//    succeeded delivery becomes pending again, due now, with the same id (the
//    webhook-id its receiver deduplicates on) and a fresh retry schedule (attempts
//    starts again at 0; last_* keep the previous attempt until the next one). A pending
//    or delivering delivery, or one whose webhook is inactive: 55000.
//  * hitlai.rotate_webhook_secret(webhook_id uuid) RETURNS text: stores and returns a
//    new secret; the replaced one is kept in stats_previous_secret until
//    stats_previous_secret_expires_at (24 hours), and every attempt made until then
//    carries both signatures (W2). Rotating again within the 24 hours keeps only the
//    secret just replaced.
#include "pg/bridge.hpp"
#include "pg/spi.hpp"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wregister"
extern "C" {
#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
}
#pragma GCC diagnostic pop

#include <string>

namespace {

namespace spi = hitlai::pg::spi;
using hitlai::pg::guarded;

constexpr const char* kNotInState = "55000";  // SPEC E: object not in the needed state

// The company of a delivery, and whether the caller may act on it (read without a lock).
spi::Statement kDeliveryCompany{
    "SELECT d.company_id OPERATOR(pg_catalog.=) ANY (hitlai.member_company_ids('admin'::pg_catalog.text))\n"
    "  FROM hitlai.webhook_deliveries d WHERE d.id OPERATOR(pg_catalog.=) $1",
    1, {UUIDOID}, nullptr};

// The delivery and its webhook's state, locked (a concurrent pass records its outcome
// only while the row is still delivering with the same attempt number).
spi::Statement kLockDelivery{
    "SELECT d.status, w.is_active FROM hitlai.webhook_deliveries d\n"
    "  JOIN hitlai.webhooks w ON w.id OPERATOR(pg_catalog.=) d.webhook_id\n"
    " WHERE d.id OPERATOR(pg_catalog.=) $1 FOR UPDATE OF d",
    1, {UUIDOID}, nullptr};

spi::Statement kRedeliver{
    "UPDATE hitlai.webhook_deliveries d\n"
    "   SET status = 'pending'::pg_catalog.text, attempts = 0,\n"
    "       next_attempt_at = pg_catalog.now(), delivered_at = NULL\n"
    " WHERE d.id OPERATOR(pg_catalog.=) $1",
    1, {UUIDOID}, nullptr};

spi::Statement kWebhookCompany{
    "SELECT w.company_id OPERATOR(pg_catalog.=) ANY (hitlai.member_company_ids('admin'::pg_catalog.text))\n"
    "  FROM hitlai.webhooks w WHERE w.id OPERATOR(pg_catalog.=) $1",
    1, {UUIDOID}, nullptr};

spi::Statement kRotate{
    "UPDATE hitlai.webhooks w\n"
    "   SET stats_previous_secret = w.secret,\n"
    "       stats_previous_secret_expires_at = pg_catalog.now() OPERATOR(pg_catalog.+) '24 hours'::pg_catalog.interval,\n"
    "       secret = hitlai.new_webhook_secret()\n"
    " WHERE w.id OPERATOR(pg_catalog.=) $1\n"
    "RETURNING w.secret",
    1, {UUIDOID}, nullptr};

bool caller_is_privileged() {
  return guarded([] {
    const Oid who = GetOuterUserId();
    return superuser_arg(who) || has_bypassrls_privilege(who);
  });
}

// Raises unless the caller may act on the row `check` finds for `id` (its one column:
// whether the caller is an owner or admin of the row's company).
void authorize(spi::Statement& check, Datum id, const char* what) {
  const bool privileged = caller_is_privileged();
  Datum args[1] = {id};
  const uint64_t n = spi::exec(check, args);
  if (n == 1 && (privileged || spi::int8(0, 1).value_or(0) != 0)) return;
  if (n == 0 && privileged)
    throw hitlai::Error(hitlai::sqlstate::kInvalidParameter, std::string("unknown ") + what);
  throw hitlai::Error(hitlai::sqlstate::kInsufficientPrivilege,
                      std::string("permission denied for this ") + what,
                      "",
                      "Only owners and admins of the company may do this.");
}

}  // namespace

HITLAI_FUNCTION(hitlai_redeliver_webhook) {
  if (PG_ARGISNULL(0))
    throw hitlai::Error(hitlai::sqlstate::kInvalidParameter, "delivery_id must not be NULL");
  guarded([] { hitlai::pg::require_extension_version("0.4.0", "function redeliver_webhook"); });
  const Datum id = PG_GETARG_DATUM(0);
  spi::connect();
  authorize(kDeliveryCompany, id, "webhook delivery");
  Datum args[1] = {id};
  if (spi::exec(kLockDelivery, args) != 1)  // deleted meanwhile
    throw hitlai::Error(hitlai::sqlstate::kInvalidParameter, "unknown webhook delivery");
  const std::string status = spi::text_not_null(0, 1);
  const bool active = spi::text_not_null(0, 2) == "t";
  if (status == "pending" || status == "delivering")
    throw hitlai::Error(kNotInState, "webhook delivery is " + status,
                        "Only failed, cancelled or succeeded deliveries can be redelivered.");
  if (!active)
    throw hitlai::Error(kNotInState, "the delivery's webhook is not active",
                        "Set is_active on the webhook first.");
  spi::exec(kRedeliver, args);
  spi::finish();
  PG_RETURN_VOID();
}

HITLAI_FUNCTION(hitlai_rotate_webhook_secret) {
  if (PG_ARGISNULL(0))
    throw hitlai::Error(hitlai::sqlstate::kInvalidParameter, "webhook_id must not be NULL");
  guarded([] { hitlai::pg::require_extension_version("0.4.0", "function rotate_webhook_secret"); });
  const Datum id = PG_GETARG_DATUM(0);
  spi::connect();
  authorize(kWebhookCompany, id, "webhook");
  Datum args[1] = {id};
  if (spi::exec(kRotate, args) != 1)  // deleted meanwhile
    throw hitlai::Error(hitlai::sqlstate::kInvalidParameter, "unknown webhook");
  const std::string secret = spi::text_not_null(0, 1);
  spi::finish();
  return guarded([&] { return PointerGetDatum(cstring_to_text_with_len(secret.data(), int(secret.size()))); });
}
