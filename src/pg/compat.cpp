// heap_datum_check across the minor releases of one major (SPEC P1; see compat.hpp for
// the differences between majors).
//
// PostgreSQL 17.12 (and 15.20, where the change was backported) added versioned
// composite datums: access/htup_details.h declares
// heap_datum_check(), exported by the 17.12+ server, and calls it from the inline
// heap_getattr() when a datum tuple carries the versioned mark (t_ctid offset
// VersionedDatumOffsetNumber). A hitlai.so built with 17.12+ headers therefore refers
// to heap_datum_check, and an older 17.x server (17.10, 17.11), which lacks it, would
// refuse to load the library ("undefined symbol").
//
// The fix: a weak, default-visibility definition here, compiled only when the headers
// know versioned datums (VersionedDatumOffsetNumber, storage/itemptr.h, comes with
// them). The backend loads extension libraries with RTLD_GLOBAL after the server
// executable, whose symbols come first in the global lookup scope, so:
//   - on a server that has heap_datum_check (17.12+), every call binds to the server's
//     function and the check runs exactly as the headers intend;
//   - on an older server the call binds to this definition, which does nothing. That is
//     correct there: servers before 17.12 never mark a tuple as versioned (their datum
//     tuples keep an invalid t_ctid), so heap_getattr() never reaches the call; and
//     hitlai reads only heap tuples of its own tables with heap_getattr(), never datum
//     tuples.
// Built with headers that lack versioned datums (17 before 17.12, 15 before 15.20,
// 18.0-18.6) nothing is defined: the inline does not call it there. The same reasoning
// holds for any major whose headers gain the call in a minor release. The default visibility matters: PGXS builds modules
// with -fvisibility=hidden from 16 on, and a hidden definition would bind locally and
// skip the server's check.
#include "pg/compat.hpp"

extern "C" {
#include "access/htup_details.h"
}

#ifdef VersionedDatumOffsetNumber
extern "C" __attribute__((weak, visibility("default"))) void heap_datum_check(HeapTupleHeader,
                                                                                TupleDesc) {}
#endif
