// T5 (D13): BEFORE INSERT OR UPDATE OF email FOR EACH ROW on companies, human_testers,
// early_adopter_apps and founding_tester_apps: the email column is stored trimmed and
// lower-cased, so UNIQUE(email) is case-insensitive. ASCII is folded in pure C++
// (src/core/text_rules.hpp); an address with other characters is folded by
// PostgreSQL's own case mapping under the column's collation, exactly as lower() would
// fold it, so "ÉMILE@x.test" and "émile@x.test" are one address wherever lower() says so.
#include "pg/email_normalize.hpp"

#include "pg/bridge.hpp"
#include "pg/trigger.hpp"

extern "C" {
#include "access/htup_details.h"
#include "catalog/pg_collation.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "utils/formatting.h"
}

#include <string>

#include "core/text_rules.hpp"

namespace trigger = hitlai::pg::trigger;

namespace {
// Not SECURITY DEFINER, and it changes only the row it is given: any table may use it.
constexpr trigger::Spec kSpec{"normalize_email_trigger",
                              trigger::Timing::kBefore,
                              trigger::Level::kRow,
                              trigger::kInsert | trigger::kUpdate | trigger::kDelete,
                              nullptr,
                              hitlai::sqlstate::kTriggerProtocol,
                              "normalize_email_trigger: must be a BEFORE ROW trigger",
                              nullptr,
                              nullptr,
                              true};
}  // namespace

std::string hitlai::pg::stored_email(std::string_view in, Oid collation) {
  std::string ascii = hitlai::normalize_email(in);
  bool plain = true;
  for (unsigned char c : ascii)
    if (c >= 0x80) plain = false;
  if (plain) return ascii;
  const Oid coll = OidIsValid(collation) ? collation : DEFAULT_COLLATION_OID;
  char* folded = guarded([&] { return str_tolower(ascii.data(), ascii.size(), coll); });
  std::string out(folded);
  guarded([&] { pfree(folded); });
  return out;
}

HITLAI_FUNCTION(hitlai_normalize_email_trigger) {
  const trigger::Call call = trigger::open(fcinfo, kSpec);
  HeapTuple t = call.new_row ? call.new_row : call.old_row;
  TupleDesc desc = call.desc;
  const int col = hitlai::pg::guarded([&] { return SPI_fnumber(desc, "email"); });
  if (col <= 0) throw hitlai::Error(hitlai::sqlstate::kTriggerProtocol, "normalize_email_trigger: table has no email column");
  bool isnull;
  Datum d = hitlai::pg::guarded([&] { return heap_getattr(t, col, desc, &isnull); });
  if (isnull) return PointerGetDatum(t);
  text* tx = hitlai::pg::guarded([&] { return DatumGetTextPP(d); });
  const std::string_view in = hitlai::pg::text_view(tx);
  std::string out = hitlai::pg::stored_email(in, TupleDescAttr(desc, col - 1)->attcollation);
  if (out == in) return PointerGetDatum(t);
  Datum v = PointerGetDatum(hitlai::pg::make_text(out));
  bool nulls[1] = {false};
  int cols[1] = {col};
  return hitlai::pg::guarded(
      [&] { return PointerGetDatum(heap_modify_tuple_by_cols(t, desc, 1, cols, &v, nulls)); });
}
