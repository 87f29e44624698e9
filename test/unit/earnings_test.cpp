// T3: earnings split to the cent.
#include "core/earnings.hpp"

#include <gtest/gtest.h>

using hitlai::earnings::share_cents;

TEST(Earnings, Split) {
  EXPECT_EQ(share_cents(10000, 7000, 1), 7000);  // 100.00 at 70% -> 70.00
  EXPECT_EQ(share_cents(10000, 7000, 3), 2333);  // 23.333.. -> 23.33
  EXPECT_EQ(share_cents(10001, 7000, 2), 3500);  // 35.0035 -> 35.00
  EXPECT_EQ(share_cents(1, 5000, 1), 1);         // 0.005 -> 0.01 (half up)
  EXPECT_EQ(share_cents(3, 5000, 2), 1);         // 0.0075 -> 0.01
  EXPECT_EQ(share_cents(1, 4999, 1), 0);         // 0.004999 -> 0.00
  EXPECT_EQ(share_cents(0, 7000, 2), 0);
  EXPECT_EQ(share_cents(9999999999, 10000, 1), 9999999999);
  EXPECT_EQ(share_cents(12345, 8050, 3), 3313);  // 123.45*80.5%/3 = 33.12575 -> 33.13
}

TEST(Earnings, Invalid) {
  EXPECT_ANY_THROW(share_cents(1, 1, 0));
  EXPECT_ANY_THROW(share_cents(-1, 1, 1));
}
