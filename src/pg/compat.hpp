// Differences between the PostgreSQL majors hitlai supports (SPEC P1: 15, 17, 18), kept
// in this one header: no other file tests PG_VERSION_NUM. Include it after postgres.h
// (bridge.hpp includes it, so every file of src/pg has it).
//
//   varatt.h               PostgreSQL 16 moved VARDATA_ANY, VARSIZE_ANY_EXHDR, ... out of
//                          postgres.h into varatt.h.
//   utils/array.h          construct_empty_array; 15's headers pulled it in through
//                          others, 17's do not.
//   local_transaction_id() the backend's local transaction id: MyProc->lxid before 17,
//                          MyProc->vxid.lxid from 17 on.
//
// A fourth difference, between minor releases of 17, is handled in compat.cpp:
// heap_datum_check (versioned composite datums).
#pragma once

extern "C" {
#include "postgres.h"
#if PG_VERSION_NUM >= 160000
#include "varatt.h"
#endif
}

// storage/proc.h pulls in port/atomics, whose x86 part uses `register` (an error in
// C++17 with -Werror), as does storage/s_lock.h: both are included here, once, with the
// warning silenced, so the server headers every other file includes after this one
// (bridge.hpp includes it) need no pragma of their own.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wregister"
extern "C" {
#include "storage/proc.h"
#include "storage/s_lock.h"
#include "utils/array.h"
}
#pragma GCC diagnostic pop

#if PG_VERSION_NUM < 150000 || PG_VERSION_NUM >= 190000
#error "hitlai supports PostgreSQL 15, 16, 17 and 18 (SPEC P1 tests 15, 17 and 18)"
#endif

namespace hitlai::pg {

// The current backend's local transaction id (a new value for every transaction).
inline LocalTransactionId local_transaction_id() {
#if PG_VERSION_NUM >= 170000
  return MyProc->vxid.lxid;
#else
  return MyProc->lxid;
#endif
}

}  // namespace hitlai::pg
