#include "core/earnings.hpp"

#include "core/error.hpp"

namespace hitlai::earnings {

std::int64_t share_cents(std::int64_t cost_cents, std::int64_t pct_hundredths, int testers) {
  if (cost_cents < 0 || pct_hundredths < 0 || testers < 1)
    throw Error(sqlstate::kInvalidParameter, "invalid earnings split arguments");
  // cost/100 * pct/100 / 100 / n currency units = cost*pct / (10000*n) cents.
  // cost < 1e10 and pct <= 10000, so the product fits in 64 bits (< 1e14).
  const __int128 num = static_cast<__int128>(cost_cents) * pct_hundredths;
  const __int128 den = static_cast<__int128>(10000) * testers;
  return static_cast<std::int64_t>((2 * num + den) / (2 * den));  // half up
}

}  // namespace hitlai::earnings
