// hitlai's configuration parameters (GUCs), defined when hitlai.so is loaded.
#pragma once

namespace hitlai::pg {

// hitlai.restore_mode (boolean, default off). While on, the triggers' side effects
// (quota, milestones, tester stats, issues_found, training capture, stats rollups) are
// skipped, because the rows being loaded already carry their counters: this is how
// `PGOPTIONS='-c hitlai.restore_mode=on' pg_restore …` restores a dump without counting
// anything twice (S8). Only a privileged role (superuser or BYPASSRLS, who could write
// those counters directly anyway) may use it: for anyone else, a trigger that sees it
// on raises 42501 instead of silently skipping.
//
// The same holds, without the setting, for a privileged session that pg_restore itself
// opened (application_name "pg_restore" and row_security off, as pg_restore sets them),
// so that a plain `pg_restore -d newdb dump` counts nothing twice either.
//
// Returns true when the side effects must be skipped. Call it without live C++ objects
// (it may ereport).
bool restore_mode_active();

// Defines the GUCs (called from _PG_init).
void define_settings();

// company_limits.cpp (S10): hitlai.max_free_companies_per_user.
void define_tenant_settings();

}  // namespace hitlai::pg
