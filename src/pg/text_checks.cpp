// SQL-callable wrappers of the pure text rules (src/core/text_rules.*), used by CHECK
// constraints and column defaults of the install script (D3, D5, D12, D13).
#include "pg/bridge.hpp"
#include "pg/email_normalize.hpp"

extern "C" {
#include "common/pg_prng.h"
#include "port.h"
#include "utils/builtins.h"
}

#include <string_view>

#include "core/text_rules.hpp"

// hitlai.is_http_url(text) -> boolean (D3)
HITLAI_FUNCTION(hitlai_is_http_url) {
  return BoolGetDatum(
      hitlai::is_valid_url(hitlai::pg::text_view(PG_GETARG_TEXT_PP(0)), hitlai::UrlRule::kHttpOrHttps));
}

// hitlai.is_webhook_url(text) -> boolean (D12)
HITLAI_FUNCTION(hitlai_is_webhook_url) {
  return BoolGetDatum(hitlai::is_valid_url(hitlai::pg::text_view(PG_GETARG_TEXT_PP(0)),
                                           hitlai::UrlRule::kHttpsOrLocalHttp));
}

// hitlai.is_country_code(text) -> boolean (D5)
HITLAI_FUNCTION(hitlai_is_country_code) {
  return BoolGetDatum(hitlai::is_iso3166_alpha2(hitlai::pg::text_view(PG_GETARG_TEXT_PP(0))));
}

// hitlai.normalize_email(text) -> text (D13): as the T5 trigger stores it, folded under
// the argument's collation.
HITLAI_FUNCTION(hitlai_normalize_email) {
  std::string out = hitlai::pg::stored_email(hitlai::pg::text_view(PG_GETARG_TEXT_PP(0)), PG_GET_COLLATION());
  return PointerGetDatum(hitlai::pg::make_text(out));
}

// hitlai.new_webhook_secret() -> text (D12): "whsec_" + base64 of 24 random bytes.
HITLAI_FUNCTION(hitlai_new_webhook_secret) {
  unsigned char bytes[24];
  if (!pg_strong_random(bytes, sizeof bytes))
    throw hitlai::Error(hitlai::sqlstate::kInternalError,
                        "could not generate random bytes for a webhook secret");
  std::string s = hitlai::webhook_secret_from_bytes(bytes, sizeof bytes);
  return PointerGetDatum(hitlai::pg::make_text(s));
}
