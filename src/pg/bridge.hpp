// The one place where C++ meets PostgreSQL errors (SPEC S3).
//
// Two directions, two guards:
//
//  * C++ -> PostgreSQL: every SQL-callable function is defined with HITLAI_FUNCTION. Its
//    body runs inside `try`; any exception is copied out (message, detail, SQLSTATE) and
//    `ereport(ERROR)` is called only after the catch block has closed, so the C++ runtime
//    has finished with the exception before PostgreSQL longjmps.
//
//  * PostgreSQL -> C++: a call into PostgreSQL made while C++ objects with destructors are
//    alive goes through hitlai::pg::guarded(f). A PostgreSQL error inside f is caught with
//    PG_TRY, copied (ErrorData) into the caller's memory context, the error state is
//    flushed, and a hitlai::pg::PgError is thrown, so destructors run while it unwinds.
//    The entry guard re-raises the original error unchanged (same SQLSTATE, message,
//    detail, context), so the transaction aborts as PostgreSQL expects. A PgError must
//    never be swallowed: the backend state after an error is only safe once the
//    (sub)transaction is aborted.
//
// Code that calls PostgreSQL where no C++ object with a destructor is alive may call it
// directly: a longjmp through a C++ frame without live objects is harmless.
#pragma once

extern "C" {
#include "postgres.h"
#include "fmgr.h"
#include "utils/elog.h"
#include "utils/memutils.h"
}
#include "pg/compat.hpp"

#include <exception>
#include <new>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "core/error.hpp"
#include "pg/version_check.hpp"

// The symbols PostgreSQL looks up in hitlai.so by name (Pg_magic_func, _PG_init, and
// each SQL-callable function with its pg_finfo_ record) are the only ones exported: the
// builds compile with -fvisibility=hidden. PostgreSQL 15's PGDLLEXPORT is empty on
// ELF platforms (16 and later define it as this same attribute), so hitlai marks its
// entry points itself.
#define HITLAI_EXPORT __attribute__((visibility("default")))

namespace hitlai::pg {

// A PostgreSQL error caught by guarded(); owns a copy of its ErrorData (palloc'd in the
// memory context that was current when guarded() was entered).
class PgError : public std::exception {
 public:
  explicit PgError(ErrorData* edata) noexcept : edata_(edata) {}
  const char* what() const noexcept override {
    return edata_ && edata_->message ? edata_->message : "PostgreSQL error";
  }
  ErrorData* edata() const noexcept { return edata_; }
  int sqlerrcode() const noexcept { return edata_ ? edata_->sqlerrcode : 0; }

 private:
  ErrorData* edata_;
};

// Runs f() (which calls PostgreSQL) and turns a PostgreSQL error into a PgError.
// f must not itself create C++ objects with non-trivial destructors that a longjmp
// would skip: it is the thin layer around one or a few PostgreSQL calls.
template <typename F>
auto guarded(F&& f) -> std::invoke_result_t<F> {
  using R = std::invoke_result_t<F>;
  if constexpr (std::is_void_v<R>) {
    guarded([&] {
      f();
      return true;
    });
  } else {
    static_assert(std::is_trivially_copyable_v<R> && std::is_default_constructible_v<R>,
                  "guarded() returns plain values (Datum, pointers, integers)");
    MemoryContext volatile caller_ctx = CurrentMemoryContext;
    ErrorData* volatile edata = nullptr;
    R volatile result{};
    PG_TRY();
    { result = f(); }
    PG_CATCH();
    {
      MemoryContextSwitchTo(caller_ctx);
      edata = CopyErrorData();
      FlushErrorState();
    }
    PG_END_TRY();
    if (edata) throw PgError(edata);
    return result;
  }
}

namespace detail {

// Copies a C string into the current memory context without ever raising (safe inside
// a catch block); returns nullptr if memory is short.
char* copy_noraise(const char* s) noexcept;

// "HL001" -> PostgreSQL's packed SQLSTATE (XX000 if malformed).
int to_sqlerrcode(const char* text) noexcept;

// Raises the error described by the arguments (never returns).
[[noreturn]] void raise(int sqlstate, const char* message, const char* detail,
                        const char* hint, const char* fallback_message);

}  // namespace detail

// Runs body(fcinfo) with the C++ -> PostgreSQL guard described above.
template <typename Body>
Datum entry(FunctionCallInfo fcinfo, Body&& body) {
  ErrorData* pg_error = nullptr;
  int sqlstate = 0;
  char* message = nullptr;
  char* detail = nullptr;
  char* hint = nullptr;
  const char* fallback = "internal error in hitlai";
  try {
    return body(fcinfo);
  } catch (const PgError& e) {
    pg_error = e.edata();
  } catch (const hitlai::Error& e) {
    sqlstate = detail::to_sqlerrcode(e.sqlstate_text().c_str());
    message = detail::copy_noraise(e.message().c_str());
    if (!e.detail().empty()) detail = detail::copy_noraise(e.detail().c_str());
    if (!e.hint().empty()) hint = detail::copy_noraise(e.hint().c_str());
  } catch (const std::bad_alloc&) {
    sqlstate = ERRCODE_OUT_OF_MEMORY;
    fallback = "out of memory";
  } catch (const std::exception& e) {
    sqlstate = ERRCODE_INTERNAL_ERROR;
    message = detail::copy_noraise(e.what());
  } catch (...) {
    sqlstate = ERRCODE_INTERNAL_ERROR;
    fallback = "unknown C++ exception in hitlai";
  }
  // The catch block is closed: the exception object is gone, PostgreSQL may longjmp.
  if (pg_error) ReThrowError(pg_error);
  detail::raise(sqlstate, message, detail, hint, fallback);
}

// The bytes of a text datum (detoasted by the caller: PG_GETARG_TEXT_PP).
inline std::string_view text_view(const text* t) noexcept {
  return std::string_view(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
}

// A palloc'd text copy of s, made under guarded() (safe while C++ objects are alive).
text* make_text(std::string_view s);

}  // namespace hitlai::pg

// Defines an SQL-callable function `name` (LANGUAGE C, fmgr version 1) whose body is
// C++ run under hitlai::pg::entry. Use exactly like a function definition:
//   HITLAI_FUNCTION(hitlai_version) { return CStringGetTextDatum(...); }
// Before the body, hitlai::pg::check_extension_version() (version_check.hpp) refuses to
// run a library older than the installed SQL objects (one catalog lookup per
// transaction, then one comparison per call). HITLAI_FUNCTION_UNCHECKED skips it: only
// for hitlai.version(), which must answer even when the versions disagree.
#define HITLAI_FUNCTION_IMPL_(name, before)                                \
  static Datum name##_body(FunctionCallInfo fcinfo);                       \
  extern "C" {                                                             \
  HITLAI_EXPORT Datum name(PG_FUNCTION_ARGS);                              \
  HITLAI_EXPORT const Pg_finfo_record* pg_finfo_##name(void);              \
  PG_FUNCTION_INFO_V1(name);                                               \
  Datum name(PG_FUNCTION_ARGS) {                                           \
    before;                                                                \
    return hitlai::pg::entry(fcinfo, name##_body);                          \
  }                                                                        \
  }                                                                        \
  static Datum name##_body(FunctionCallInfo fcinfo)
#define HITLAI_FUNCTION(name) \
  HITLAI_FUNCTION_IMPL_(name, hitlai::pg::check_extension_version())
#define HITLAI_FUNCTION_UNCHECKED(name) HITLAI_FUNCTION_IMPL_(name, (void)0)
