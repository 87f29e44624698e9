// The caller's identity from PostgREST/Supabase JWT claims (SPEC A1), pure C++.
//
// hitlai.uid() reads the GUC `request.jwt.claim.sub`, else the `sub` member of the JSON
// object in `request.jwt.claims`, exactly like Supabase's auth.uid(); but where
// auth.uid() raises on a malformed value, hitlai.uid() answers "anonymous" (NULL):
// missing, empty or malformed claims (bad JSON, not an object, `sub` not a string, not a
// uuid) never raise.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace hitlai {

using Uuid = std::array<std::uint8_t, 16>;

// Parses a uuid in any spelling PostgreSQL's uuid_in accepts: 32 hex digits (either
// case), optionally in braces, with an optional '-' after any group of four digits
// (the canonical 8-4-4-4-12 form included). No surrounding white space.
std::optional<Uuid> parse_uuid(std::string_view text) noexcept;

// The `sub` of a JSON claims document: nullopt unless `claims_json` is a JSON object
// whose "sub" member is a string holding a uuid.
std::optional<Uuid> subject_from_claims(std::string_view claims_json) noexcept;

// A1: the user id from the two settings (nullptr = setting absent). A non-empty
// `claim_sub` wins (even if it is malformed: then the answer is nullopt, as auth.uid()'s
// coalesce would pick it too); otherwise the `sub` of a non-empty `claims`.
std::optional<Uuid> resolve_uid(const char* claim_sub, const char* claims) noexcept;

}  // namespace hitlai
