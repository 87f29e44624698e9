// The hitlai module: PG_MODULE_MAGIC and hitlai.version().
#include "pg/bridge.hpp"
#include "pg/settings.hpp"
#include "pg/spi.hpp"
#include "pg/webhook_deliver.hpp"

extern "C" {
#include "utils/builtins.h"
HITLAI_EXPORT const Pg_magic_struct* PG_MAGIC_FUNCTION_NAME(void);
PG_MODULE_MAGIC;
HITLAI_EXPORT void _PG_init(void);
}

// Called once per backend when hitlai.so is loaded.
void _PG_init(void) {
  hitlai::pg::define_webhook_settings();
  hitlai::pg::define_webhook_worker_settings();
  hitlai::pg::define_settings();
  hitlai::pg::spi::install_probe_planner();
}

#ifndef HITLAI_VERSION
#error "HITLAI_VERSION must be defined by the build (from hitlai.control)"
#endif

// hitlai.version() -> text: the version compiled into hitlai.so. Compare it with
// pg_extension.extversion to see a library/SQL mismatch; unlike every other hitlai
// function it answers even when they disagree (version_check.hpp).
HITLAI_FUNCTION_UNCHECKED(hitlai_version) { return CStringGetTextDatum(HITLAI_VERSION); }
