// R1/R3: application status moves, decisions, the email claim (src/core/app_review.hpp).
#include <gtest/gtest.h>

#include <functional>

#include "core/app_review.hpp"
#include "core/error.hpp"

using namespace hitlai::review;

namespace {
std::string state_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const hitlai::Error& e) {
    return e.sqlstate_text();
  }
  return "ok";
}
}  // namespace

TEST(AppReview, R1DecisionsAreTheThreeOutcomes) {
  EXPECT_EQ(parse_decision(std::string_view("approved")), AppStatus::kApproved);
  EXPECT_EQ(parse_decision(std::string_view("rejected")), AppStatus::kRejected);
  EXPECT_EQ(parse_decision(std::string_view("waitlisted")), AppStatus::kWaitlisted);
  for (const char* bad : {"pending", "Approved", "approve", "", " approved"})
    EXPECT_EQ(state_of([&] { parse_decision(std::string_view(bad)); }), "22023") << bad;
  EXPECT_EQ(state_of([] { parse_decision(std::nullopt); }), "22023");
}

TEST(AppReview, R1MovesFromPendingAndWaitlisted) {
  for (auto to : {AppStatus::kApproved, AppStatus::kRejected, AppStatus::kWaitlisted})
    EXPECT_TRUE(move_allowed(AppStatus::kPending, to));
  EXPECT_TRUE(move_allowed(AppStatus::kWaitlisted, AppStatus::kApproved));
  EXPECT_TRUE(move_allowed(AppStatus::kWaitlisted, AppStatus::kRejected));
  EXPECT_FALSE(move_allowed(AppStatus::kWaitlisted, AppStatus::kWaitlisted));
  EXPECT_FALSE(move_allowed(AppStatus::kPending, AppStatus::kPending));
}

TEST(AppReview, R1ApprovedAndRejectedAreFinal) {
  for (auto from : {AppStatus::kApproved, AppStatus::kRejected})
    for (auto to : {AppStatus::kPending, AppStatus::kApproved, AppStatus::kRejected,
                    AppStatus::kWaitlisted}) {
      EXPECT_FALSE(move_allowed(from, to));
      EXPECT_EQ(state_of([&] { check_move(from, to, "application"); }), "HL002");
    }
  EXPECT_EQ(state_of([] { check_move(AppStatus::kPending, AppStatus::kApproved, "x"); }), "ok");
  try {
    check_move(AppStatus::kApproved, AppStatus::kRejected, "early-adopter application");
    FAIL();
  } catch (const hitlai::Error& e) {
    EXPECT_EQ(e.message(), "early-adopter application can't move from approved to rejected");
    EXPECT_EQ(e.detail(), "An approved application is final.");
  }
}

TEST(AppReview, R1StatusNamesRoundTrip) {
  for (auto s : {AppStatus::kPending, AppStatus::kApproved, AppStatus::kRejected,
                 AppStatus::kWaitlisted})
    EXPECT_EQ(parse_status(status_name(s)), s);
  EXPECT_EQ(parse_status("PENDING"), std::nullopt);
}

TEST(AppReview, R3EmailFromClaims) {
  EXPECT_EQ(email_from_claims(R"({"sub":"x","email":"Ann@Example.test"})"),
            std::optional<std::string>("Ann@Example.test"));
  EXPECT_EQ(email_from_claims(R"({"sub":"x"})"), std::nullopt);
  EXPECT_EQ(email_from_claims(R"({"email":""})"), std::nullopt);
  EXPECT_EQ(email_from_claims(R"({"email":42})"), std::nullopt);
  EXPECT_EQ(email_from_claims(R"(["email"])"), std::nullopt);
  EXPECT_EQ(email_from_claims("{not json"), std::nullopt);
  EXPECT_EQ(email_from_claims(""), std::nullopt);
}
