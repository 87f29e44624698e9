#include "core/app_review.hpp"

#include <boost/json.hpp>

#include "core/error.hpp"

namespace hitlai::review {

std::optional<AppStatus> parse_status(std::string_view s) noexcept {
  if (s == "pending") return AppStatus::kPending;
  if (s == "approved") return AppStatus::kApproved;
  if (s == "rejected") return AppStatus::kRejected;
  if (s == "waitlisted") return AppStatus::kWaitlisted;
  return std::nullopt;
}

const char* status_name(AppStatus s) noexcept {
  switch (s) {
    case AppStatus::kPending: return "pending";
    case AppStatus::kApproved: return "approved";
    case AppStatus::kRejected: return "rejected";
    case AppStatus::kWaitlisted: return "waitlisted";
  }
  return "?";
}

AppStatus parse_decision(const std::optional<std::string_view>& decision) {
  if (decision) {
    auto s = parse_status(*decision);
    if (s && *s != AppStatus::kPending) return *s;
  }
  std::string shown = decision ? "\"" + std::string(*decision) + "\"" : std::string("NULL");
  throw Error(sqlstate::kInvalidParameter, "invalid decision " + shown,
              "A decision is one of approved, rejected, waitlisted.");
}

bool move_allowed(AppStatus from, AppStatus to) noexcept {
  switch (from) {
    case AppStatus::kPending: return to != AppStatus::kPending;
    case AppStatus::kWaitlisted:
      return to == AppStatus::kApproved || to == AppStatus::kRejected;
    case AppStatus::kApproved:
    case AppStatus::kRejected: return false;
  }
  return false;
}

void check_move(AppStatus from, AppStatus to, std::string_view what) {
  if (move_allowed(from, to)) return;
  std::string detail;
  switch (from) {
    case AppStatus::kPending: detail = "A pending application may become approved, rejected or waitlisted."; break;
    case AppStatus::kWaitlisted: detail = "A waitlisted application may become approved or rejected."; break;
    default: detail = std::string("An ") + status_name(from) + " application is final."; break;
  }
  throw Error(sqlstate::kBadStatusMove,
              std::string(what) + " can't move from " + status_name(from) + " to " +
                  status_name(to),
              detail);
}

std::optional<std::string> email_from_claims(std::string_view claims_json) noexcept {
  try {
    boost::json::error_code ec;
    boost::json::value v = boost::json::parse(claims_json, ec);
    if (ec || !v.is_object()) return std::nullopt;
    const auto* e = v.as_object().if_contains("email");
    if (!e || !e->is_string() || e->as_string().empty()) return std::nullopt;
    return std::string(e->as_string().data(), e->as_string().size());
  } catch (...) {
    return std::nullopt;
  }
}

}  // namespace hitlai::review
