// T5 (D13): an email as hitlai stores it, folded as PostgreSQL's lower() folds it.
#pragma once

extern "C" {
#include "postgres.h"
}

#include <string>
#include <string_view>

namespace hitlai::pg {

// `in` trimmed of ASCII white space at both ends and lower-cased as lower() does under
// `collation` (InvalidOid: the database's default collation): ASCII letters always
// (hitlai::normalize_email), other letters as the collation's case mapping says, e.g.
// "É" -> "é" in a UTF-8 locale, unchanged in the C locale.
std::string stored_email(std::string_view in, Oid collation);

}  // namespace hitlai::pg
