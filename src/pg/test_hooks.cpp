// Test-only entry points for the error bridge (S3) and the probe planner (spi.cpp). They
// are compiled into hitlai.so but
// the extension creates no SQL function for them: test/pgtap/01_error_bridge.sql binds
// them as superuser with CREATE FUNCTION pg_temp.… AS 'hitlai', '…' inside a rolled-back
// transaction.
#include "pg/bridge.hpp"
#include "pg/spi.hpp"

extern "C" {
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
}

#include <atomic>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

long destructor_count = 0;  // one backend, one thread: a plain counter

struct Counted {
  std::string payload = std::string(64, 'x');  // owns heap memory, like real code
  ~Counted() { ++destructor_count; }
};

}  // namespace

// hitlai_test_throw(kind text) -> int4
//   'runtime'   std::runtime_error            -> XX000 with its message
//   'hitlai'    hitlai::Error 22023 + detail   -> 22023, message, detail, hint
//   'bad_alloc' std::bad_alloc                 -> 53200 out of memory
//   'unknown'   a non-std exception (an int)   -> XX000
//   'pg'        int4 division by zero through guarded(), while three Counted objects
//               are alive                      -> 22012, and the three destructors run
//   'none'      returns 1
HITLAI_FUNCTION(hitlai_test_throw) {
  std::string kind(hitlai::pg::text_view(PG_GETARG_TEXT_PP(0)));
  Counted a;
  std::vector<Counted> more(2);
  if (kind == "runtime") throw std::runtime_error("test: runtime_error from C++");
  if (kind == "hitlai")
    throw hitlai::Error(hitlai::sqlstate::kInvalidParameter, "test: hitlai::Error from C++",
                        "test detail", "test hint");
  if (kind == "bad_alloc") throw std::bad_alloc();
  if (kind == "unknown") throw 42;
  if (kind == "pg") {
    Datum r = hitlai::pg::guarded(
        [] { return DirectFunctionCall2(int4div, Int32GetDatum(1), Int32GetDatum(0)); });
    return r;  // not reached
  }
  return Int32GetDatum(1);
}

// hitlai_test_destructor_count() -> int8: destructors of Counted run in this backend.
HITLAI_FUNCTION(hitlai_test_destructor_count) { return Int64GetDatum(destructor_count); }

// hitlai_test_fail_next_probe_planning() -> int4: the next probe plan's planning fails
// (XX000) after its settings were switched off (spi.cpp), so that
// test/pgtap/78_write_path_plans.sql can check that the failure does not leave them off.
HITLAI_FUNCTION(hitlai_test_fail_next_probe_planning) {
  hitlai::pg::spi::test_fail_next_probe_planning();
  return Int32GetDatum(1);
}
