// Application review (SPEC R1-R3), pure C++: the status moves of an application, the
// decision argument, and the email claim of a JWT. No PostgreSQL calls (unit-tested in
// test/unit/app_review_test.cpp); src/pg/app_review.cpp applies them.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace hitlai::review {

enum class AppStatus { kPending, kApproved, kRejected, kWaitlisted };

// "pending", "approved", "rejected", "waitlisted" (exact spelling), else nullopt.
std::optional<AppStatus> parse_status(std::string_view s) noexcept;
const char* status_name(AppStatus s) noexcept;

// R1: the decision argument: "approved", "rejected" or "waitlisted". Anything else
// (NULL, "pending", other spellings) throws hitlai::Error 22023.
AppStatus parse_decision(const std::optional<std::string_view>& decision);

// R1: whether an application in `from` may move to `to`: pending -> approved | rejected |
// waitlisted, waitlisted -> approved | rejected; approved and rejected are final.
bool move_allowed(AppStatus from, AppStatus to) noexcept;

// R1: throws hitlai::Error HL002 (message naming `what` and both states, DETAIL listing
// the moves allowed from `from`) unless move_allowed(from, to).
void check_move(AppStatus from, AppStatus to, std::string_view what);

// R3: the "email" member of a JSON claims document (request.jwt.claims), when the
// document is a JSON object and the member a non-empty string; nullopt otherwise (missing,
// malformed or another type never raises).
std::optional<std::string> email_from_claims(std::string_view claims_json) noexcept;

}  // namespace hitlai::review
