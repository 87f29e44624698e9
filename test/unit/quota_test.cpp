// Q1-Q4: quota arithmetic.
#include "core/quota.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

using namespace hitlai::quota;

TEST(Quota, CivilRoundTrip) {
  EXPECT_EQ(days_from_civil(2000, 1, 1), 0);
  EXPECT_EQ(days_from_civil(2000, 3, 1), 60);  // leap year
  EXPECT_EQ(days_from_civil(1999, 12, 31), -1);
  for (Date d = -800000; d < 800000; d += 37) {
    int y;
    unsigned m, dd;
    civil_from_days(d, y, m, dd);
    ASSERT_EQ(days_from_civil(y, m, dd), d);
  }
}

TEST(Quota, MonthStartUtc) {  // Q2
  const Micros day = 86400LL * 1000000;
  Date feb29 = days_from_civil(2024, 2, 29);
  EXPECT_EQ(month_start_utc(feb29 * day + day - 1), days_from_civil(2024, 2, 1));
  EXPECT_EQ(month_start_utc((feb29 + 1) * day), days_from_civil(2024, 3, 1));
  EXPECT_EQ(month_start_utc(-1), days_from_civil(1999, 12, 1));
}

TEST(Quota, Rollover) {  // Q2
  Date jan = days_from_civil(2025, 1, 1), feb = days_from_civil(2025, 2, 1);
  Usage u{7, jan};
  EXPECT_EQ(effective_used(u, jan), 7);
  EXPECT_EQ(effective_used(u, feb), 0);
  EXPECT_EQ(effective_period(u, feb), feb);
  EXPECT_EQ(effective_period(u, jan), jan);
  EXPECT_EQ(remaining(u, 10, jan), 3);
  EXPECT_EQ(remaining(u, 10, feb), 10);
  EXPECT_EQ(remaining(u, 5, jan), 0);  // never negative
  EXPECT_FALSE(remaining(u, std::nullopt, jan).has_value());  // Q4 unlimited
}

TEST(Quota, Exceeds) {  // Q1
  EXPECT_FALSE(exceeds(9, 1, 10));
  EXPECT_TRUE(exceeds(10, 1, 10));
  EXPECT_TRUE(exceeds(8, 3, 10));
  EXPECT_FALSE(exceeds(1000000, 1, std::nullopt));
  EXPECT_TRUE(exceeds(0, 1, 0));
}

TEST(Quota, Error) {  // Q1, E
  try {
    raise_exceeded("Acme", 10, 10, 1);
  } catch (const hitlai::Error& e) {
    EXPECT_EQ(e.sqlstate_text(), "HL001");
    EXPECT_NE(e.message().find("\"Acme\""), std::string::npos);
    EXPECT_EQ(e.detail(), "used 10 of 10 tests this month");
  }
}
