// T4: status machine and timestamps.
#include "core/run_status.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

using namespace hitlai::run_status;

TEST(RunStatus, EveryMove) {  // T4
  const Status all[] = {Status::kPending, Status::kRunning, Status::kCompleted, Status::kFailed};
  int allowed = 0;
  for (Status a : all)
    for (Status b : all) {
      if (a == b) continue;
      bool ok = move_allowed(a, b);
      allowed += ok;
      if (ok) {
        EXPECT_NO_THROW(check_move(a, b));
      } else {
        try {
          check_move(a, b);
          ADD_FAILURE() << "move " << name(a) << " -> " << name(b) << " allowed";
        } catch (const hitlai::Error& e) {
          EXPECT_EQ(e.sqlstate_text(), "HL002");
          EXPECT_NE(e.message().find(std::string(name(a))), std::string::npos);
          EXPECT_NE(e.message().find(std::string(name(b))), std::string::npos);
        }
      }
    }
  EXPECT_EQ(allowed, 6);
  EXPECT_TRUE(move_allowed(Status::kPending, Status::kRunning));
  EXPECT_TRUE(move_allowed(Status::kPending, Status::kCompleted));
  EXPECT_TRUE(move_allowed(Status::kPending, Status::kFailed));
  EXPECT_TRUE(move_allowed(Status::kRunning, Status::kCompleted));
  EXPECT_TRUE(move_allowed(Status::kRunning, Status::kFailed));
  EXPECT_TRUE(move_allowed(Status::kFailed, Status::kPending));
  EXPECT_FALSE(move_allowed(Status::kCompleted, Status::kPending));
}

TEST(RunStatus, Parse) {
  EXPECT_EQ(parse("completed"), Status::kCompleted);
  EXPECT_FALSE(parse("Completed").has_value());
}

TEST(RunStatus, ImmutableColumnNamesIt) {
  try {
    immutable_column("company_id");
    FAIL();
  } catch (const hitlai::Error& e) {
    EXPECT_EQ(e.sqlstate_text(), "HL003");
    EXPECT_NE(e.message().find("company_id"), std::string::npos);
  }
}

TEST(RunStatus, Timestamps) {
  Timestamps none;
  auto t = apply(true, false, 10'000'000, 2'500'000, none);
  EXPECT_EQ(t.completed_at, 10'000'000);
  EXPECT_EQ(t.execution_time_ms, 7500);
  Timestamps given{5'000'999, std::nullopt};
  t = apply(true, false, 10'000'000, 2'500'000, given);
  EXPECT_EQ(t.completed_at, 5'000'999);
  EXPECT_EQ(t.execution_time_ms, 2500);  // truncated
  given.execution_time_ms = 42;
  EXPECT_EQ(apply(true, false, 0, 0, given).execution_time_ms, 42);
  EXPECT_FALSE(apply(false, true, 0, 0, given).completed_at.has_value());
  EXPECT_FALSE(apply(false, true, 0, 0, given).execution_time_ms.has_value());
  EXPECT_EQ(apply(false, false, 0, 0, given).execution_time_ms, 42);
  EXPECT_EQ(elapsed_ms(100, 50), 0);  // completed before created: 0, never negative
}
