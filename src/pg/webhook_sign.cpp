// W2: the SQL face of the Standard Webhooks signatures (core/webhook_sign.*).
// Secrets never appear in an error message.
#include "pg/bridge.hpp"

extern "C" {
#include "utils/timestamp.h"
#include "access/xact.h"
}

#include <string>

#include "core/webhook_sign.hpp"

// hitlai.webhook_signature(secret text, msg_id text, ts bigint, body text) -> text:
// the webhook-signature header value "v1,<base64 HMAC-SHA256>" (IMMUTABLE, STRICT).
HITLAI_FUNCTION(hitlai_webhook_signature) {
  const std::string_view secret = hitlai::pg::text_view(PG_GETARG_TEXT_PP(0));
  const std::string_view msg_id = hitlai::pg::text_view(PG_GETARG_TEXT_PP(1));
  const int64 ts = PG_GETARG_INT64(2);
  const std::string_view body = hitlai::pg::text_view(PG_GETARG_TEXT_PP(3));
  if (secret.empty())
    throw hitlai::Error(hitlai::sqlstate::kInvalidParameter, "webhook secret must not be empty");
  const std::string header =
      hitlai::webhook::signature_header({std::string(secret)}, msg_id, ts, body);
  return PointerGetDatum(hitlai::pg::make_text(header));
}

// hitlai.verify_webhook_signature(secret, msg_id, ts, body, signature_header,
// tolerance_seconds DEFAULT 300) -> boolean: whether the header holds a valid v1
// signature and ts is within tolerance of the transaction's start time (STABLE).
HITLAI_FUNCTION(hitlai_verify_webhook_signature) {
  const std::string_view secret = hitlai::pg::text_view(PG_GETARG_TEXT_PP(0));
  const std::string_view msg_id = hitlai::pg::text_view(PG_GETARG_TEXT_PP(1));
  const int64 ts = PG_GETARG_INT64(2);
  const std::string_view body = hitlai::pg::text_view(PG_GETARG_TEXT_PP(3));
  const std::string_view header = hitlai::pg::text_view(PG_GETARG_TEXT_PP(4));
  const int32 tolerance = PG_GETARG_INT32(5);
  if (tolerance < 0)
    throw hitlai::Error(hitlai::sqlstate::kInvalidParameter,
                        "tolerance_seconds must not be negative");
  if (secret.empty())
    throw hitlai::Error(hitlai::sqlstate::kInvalidParameter, "webhook secret must not be empty");
  // Unix seconds of the transaction start (PostgreSQL epoch is 2000-01-01).
  const TimestampTz now = GetCurrentTransactionStartTimestamp();
  const int64 now_unix = now / USECS_PER_SEC +
                         (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * SECS_PER_DAY;
  return BoolGetDatum(
      hitlai::webhook::verify(secret, msg_id, ts, body, header, now_unix, tolerance));
}
