#include "pg/bridge.hpp"

#include <cstring>

extern "C" {
#include "utils/builtins.h"
}

namespace hitlai::pg::detail {

char* copy_noraise(const char* s) noexcept {
  if (!s) return nullptr;
  size_t n = std::strlen(s);
  auto* p = static_cast<char*>(
      MemoryContextAllocExtended(CurrentMemoryContext, n + 1, MCXT_ALLOC_NO_OOM));
  if (p) std::memcpy(p, s, n + 1);
  return p;
}

int to_sqlerrcode(const char* text) noexcept {
  if (!text || std::strlen(text) != 5) return ERRCODE_INTERNAL_ERROR;
  return MAKE_SQLSTATE(text[0], text[1], text[2], text[3], text[4]);
}

void raise(int sqlstate, const char* message, const char* detail, const char* hint,
           const char* fallback_message) {
  ereport(ERROR, (errcode(sqlstate ? sqlstate : ERRCODE_INTERNAL_ERROR),
                  errmsg_internal("%s", message ? message : fallback_message),
                  detail ? errdetail_internal("%s", detail) : 0,
                  hint ? errhint("%s", hint) : 0));
  pg_unreachable();
}

}  // namespace hitlai::pg::detail

namespace hitlai::pg {

text* make_text(std::string_view s) {
  if (s.size() > MaxAllocSize - VARHDRSZ)
    throw hitlai::Error(hitlai::sqlstate::kProgramLimitExceeded, "string too long for a text value");
  return guarded([&] { return cstring_to_text_with_len(s.data(), int(s.size())); });
}

}  // namespace hitlai::pg
