// T3: a credited tester's share of a completed run's cost (pure C++, exact to the cent).
//
//   share = round(cost * revenue_share_pct / 100 / credited_testers, 2)
//
// with cost in cents (numeric(10,2)) and revenue_share_pct in hundredths of a percent
// (numeric(5,2)). The exact rational is rounded half away from zero at the cent, as
// PostgreSQL's round(numeric, 2) does (all operands are >= 0 here).
#pragma once

#include <cstdint>

namespace hitlai::earnings {

// Throws hitlai::Error(22023) for negative inputs or testers < 1.
std::int64_t share_cents(std::int64_t cost_cents, std::int64_t pct_hundredths, int testers);

}  // namespace hitlai::earnings
