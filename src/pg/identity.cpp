// hitlai.uid() (SPEC A1): the caller's user id from the PostgREST/Supabase JWT settings.
//
// Policies call it as `(SELECT hitlai.uid())`, once per statement; it is still kept
// cheap: the last settings seen and their answer are cached per backend, so a call
// whose settings did not change costs two string comparisons and no JSON parse.
#include "pg/identity.hpp"

#include "pg/bridge.hpp"

extern "C" {
#include "utils/guc.h"
#include "utils/uuid.h"
}

#include <cstring>
#include <optional>
#include <string>

#include "core/identity.hpp"

namespace {

struct UidCache {
  bool valid = false;
  bool has_sub = false, has_claims = false;
  std::string sub, claims;
  std::optional<hitlai::Uuid> uid;

  bool matches(const char* s, const char* c) const noexcept {
    return valid && has_sub == (s != nullptr) && has_claims == (c != nullptr) &&
           (!s || sub == s) && (!c || claims == c);
  }
};

UidCache& cache() {
  static UidCache c;  // per backend; strings are bounded by the settings' size
  return c;
}

}  // namespace

namespace hitlai::pg {

std::optional<hitlai::Uuid> current_uid() {
  // Absent settings give NULL (missing_ok); custom "request.*" settings are placeholders.
  const char* sub =
      guarded([] { return GetConfigOption("request.jwt.claim.sub", true, false); });
  const char* claims =
      guarded([] { return GetConfigOption("request.jwt.claims", true, false); });

  UidCache& c = cache();
  if (!c.matches(sub, claims)) {
    c.valid = false;
    c.uid = hitlai::resolve_uid(sub, claims);
    c.has_sub = sub != nullptr;
    c.has_claims = claims != nullptr;
    c.sub.assign(sub ? sub : "");
    c.claims.assign(claims ? claims : "");
    c.valid = true;
  }
  return c.uid;
}

}  // namespace hitlai::pg

// hitlai.uid() -> uuid, NULL when anonymous or the claims are malformed (never raises).
HITLAI_FUNCTION(hitlai_uid) {
  const std::optional<hitlai::Uuid> uid = hitlai::pg::current_uid();
  if (!uid) PG_RETURN_NULL();
  auto* out = static_cast<pg_uuid_t*>(
      hitlai::pg::guarded([] { return palloc(sizeof(pg_uuid_t)); }));
  std::memcpy(out->data, uid->data(), UUID_LEN);
  PG_RETURN_UUID_P(out);
}
