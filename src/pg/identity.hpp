// The caller's user id (SPEC A1) for C++ callers inside hitlai (the policy helpers).
#pragma once

#include <optional>

#include "core/identity.hpp"

namespace hitlai::pg {

// What hitlai.uid() answers: the user id of the JWT settings, nullopt when anonymous or
// malformed. Never raises a PostgreSQL error through C++ frames (calls are guarded).
std::optional<hitlai::Uuid> current_uid();

}  // namespace hitlai::pg
