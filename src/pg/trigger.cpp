#include "pg/trigger.hpp"

#include "pg/bridge.hpp"
#include "pg/spi.hpp"

extern "C" {
#include "catalog/namespace.h"
#include "utils/inval.h"
#include "utils/rel.h"
#include "utils/syscache.h"
}

#include <cstring>
#include <string>

namespace hitlai::pg::trigger {

namespace {

[[noreturn]] void refuse(const Spec& spec, const char* message) {
  throw hitlai::Error(spec.sqlstate, message ? message : spec.misuse);
}

Event event_of(TriggerEvent ev) {
  if (TRIGGER_FIRED_BY_INSERT(ev)) return kInsert;
  if (TRIGGER_FIRED_BY_UPDATE(ev)) return kUpdate;
  if (TRIGGER_FIRED_BY_DELETE(ev)) return kDelete;
  return kTruncate;
}

// The OID of schema hitlai, looked up once and forgotten whenever any schema changes
// (a syscache callback): DROP EXTENSION and CREATE EXTENSION make a new schema.
Oid cached_schema = InvalidOid;
bool callback_registered = false;
void forget_schema(Datum, int, uint32) { cached_schema = InvalidOid; }

bool in_hitlai_schema(Relation rel) {
  if (!OidIsValid(cached_schema)) {
    guarded([] {
      if (!callback_registered) {
        CacheRegisterSyscacheCallback(NAMESPACEOID, forget_schema, (Datum)0);
        callback_registered = true;
      }
      cached_schema = get_namespace_oid("hitlai", true);
    });
  }
  return OidIsValid(cached_schema) && RelationGetNamespace(rel) == cached_schema;
}

}  // namespace

Call open(FunctionCallInfo fcinfo, const Spec& spec) {
  if (!CALLED_AS_TRIGGER(fcinfo)) refuse(spec, spec.not_a_trigger);
  auto* td = reinterpret_cast<TriggerData*>(fcinfo->context);
  const TriggerEvent ev = td->tg_event;
  if (spec.timing == Timing::kBefore ? !TRIGGER_FIRED_BEFORE(ev) : !TRIGGER_FIRED_AFTER(ev))
    refuse(spec, nullptr);
  const bool row = TRIGGER_FIRED_FOR_ROW(ev);
  if (row != (spec.level == Level::kRow)) refuse(spec, nullptr);
  const Event event = event_of(ev);
  if (!(spec.events & event)) refuse(spec, spec.wrong_event);
  if (spec.table && std::strcmp(RelationGetRelationName(td->tg_relation), spec.table) != 0)
    throw hitlai::Error(spec.sqlstate, std::string(spec.name) + ": must be a trigger on table " +
                                           spec.table);
  if (!spec.any_schema && !in_hitlai_schema(td->tg_relation))
    throw hitlai::Error(spec.sqlstate,
                        std::string(spec.name) + ": must be a trigger on a table of schema hitlai");

  Call call{};
  call.data = td;
  call.relation = td->tg_relation;
  call.desc = RelationGetDescr(td->tg_relation);
  call.event = event;
  if (row) {
    if (event == kInsert) {
      call.new_row = td->tg_trigtuple;
    } else {
      call.old_row = td->tg_trigtuple;
      if (event == kUpdate) call.new_row = td->tg_newtuple;
    }
  }
  call.old_table = td->tg_oldtable;
  call.new_table = td->tg_newtable;
  return call;
}

int Call::column(const char* name) const {
  const int n = guarded([&] { return SPI_fnumber(desc, name); });
  if (n <= 0)
    throw hitlai::Error(sqlstate::kInternalError,
                        std::string("hitlai: ") + RelationGetRelationName(relation) +
                            " has no column \"" + name + "\"");
  return n;
}

int64_t Call::transition_rows() const {
  return spi::tuple_count(old_table) + spi::tuple_count(new_table);
}

}  // namespace hitlai::pg::trigger
