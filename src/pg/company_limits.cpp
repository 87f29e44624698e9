// S10: a signed-in user owns at most hitlai.max_free_companies_per_user companies on the
// free plan (default 3; 0 = none, -1 = no limit), so that create_company can't multiply
// the free monthly quota. Set by the DBA (superuser only: ALTER SYSTEM / ALTER DATABASE /
// postgresql.conf); companies on a paid plan_type don't count (docs/tenant-isolation.md).
//
//   hitlai.free_company_limit() -> integer   the setting's current value
#include "pg/bridge.hpp"
#include "pg/settings.hpp"

extern "C" {
#include "utils/guc.h"
}

namespace {
int max_free_companies = 3;
}

namespace hitlai::pg {

void define_tenant_settings() {
  DefineCustomIntVariable(
      "hitlai.max_free_companies_per_user",
      "How many companies on the free plan one user may own (create_company); -1: no limit.",
      "Companies whose plan_type is not 'free' don't count. Superusers set it "
      "(ALTER SYSTEM, ALTER DATABASE ... SET, postgresql.conf).",
      &max_free_companies, 3, -1, 1000000, PGC_SUSET, 0, nullptr, nullptr, nullptr);
}

}  // namespace hitlai::pg

HITLAI_FUNCTION(hitlai_free_company_limit) { return Int32GetDatum(max_free_companies); }
