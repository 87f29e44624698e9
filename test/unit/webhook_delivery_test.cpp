// W4, W5: delivery rules.
#include "core/webhook_delivery.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include "core/webhook_sender.hpp"

using namespace hitlai::webhook;

TEST(WebhookDelivery, Schedule) {  // W4: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h
  const int64_t want[] = {5, 300, 1800, 7200, 18000, 36000, 36000};
  for (int i = 0; i < 7; ++i) EXPECT_EQ(retry_delay(i + 1).value(), want[i]) << i;
  EXPECT_FALSE(retry_delay(8).has_value());
  EXPECT_FALSE(retry_delay(0).has_value());
}

TEST(WebhookDelivery, Classify) {  // W4
  EXPECT_EQ(classify(200), Outcome::kSucceeded);
  EXPECT_EQ(classify(204), Outcome::kSucceeded);
  EXPECT_EQ(classify(299), Outcome::kSucceeded);
  EXPECT_EQ(classify(410), Outcome::kGone);
  for (long c : {0L, 100L, 301L, 302L, 307L, 400L, 404L, 429L, 500L, 503L})
    EXPECT_EQ(classify(c), Outcome::kRetry) << c;
}

TEST(WebhookDelivery, RetryAfter) {  // W4
  EXPECT_EQ(parse_retry_after("120", 0).value(), 120);
  EXPECT_EQ(parse_retry_after(" 7 ", 0).value(), 7);
  EXPECT_FALSE(parse_retry_after("-5", 0).has_value());
  EXPECT_FALSE(parse_retry_after("soon", 0).has_value());
  EXPECT_FALSE(parse_retry_after("", 0).has_value());
  // Sun, 06 Nov 1994 08:49:37 GMT = 784111777
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784111777 - 60).value(), 60);
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784111777 + 60).value(), 0);
  EXPECT_FALSE(parse_retry_after("Sun, 06 Foo 1994 08:49:37 GMT", 0).has_value());
}

TEST(WebhookDelivery, NextDelay) {  // W4
  EXPECT_EQ(next_delay(1, 500, std::nullopt).value(), 5);
  EXPECT_EQ(next_delay(1, 500, 600).value(), 5);      // Retry-After only on 429/503
  EXPECT_EQ(next_delay(1, 429, 600).value(), 600);    // later
  EXPECT_EQ(next_delay(3, 503, 600).value(), 1800);   // never earlier
  EXPECT_EQ(next_delay(1, 429, 999999).value(), 86400);  // at most 24 h
  EXPECT_FALSE(next_delay(8, 429, 60).has_value());   // the last attempt failed
}

TEST(WebhookDelivery, Addresses) {  // W5
  for (const char* bad : {"127.0.0.1", "127.1.2.3", "10.0.0.1", "172.16.0.1", "172.31.255.255",
                          "192.168.1.1", "169.254.169.254", "224.0.0.1", "239.255.255.250",
                          "0.0.0.0", "255.255.255.255", "100.64.0.1", "::1", "::", "fe80::1",
                          "fc00::1", "fd12:3456::1", "ff02::1", "::ffff:127.0.0.1",
                          "::ffff:10.1.2.3", "not an address"})
    EXPECT_FALSE(address_allowed(std::string(bad))) << bad;
  for (const char* good : {"93.184.216.34", "8.8.8.8", "172.32.0.1", "192.169.0.1", "1.1.1.1",
                           "2606:4700:4700::1111", "::ffff:8.8.8.8"})
    EXPECT_TRUE(address_allowed(std::string(good))) << good;
}

TEST(WebhookDelivery, TruncateUtf8) {  // W4: last_error at most 1 KiB
  EXPECT_EQ(truncate_utf8("abc", 5), "abc");
  EXPECT_EQ(truncate_utf8("abcdef", 3), "abc");
  EXPECT_EQ(truncate_utf8("a\xC3\xA9", 2), "a");  // "aé" cut inside é
  std::string longer(2000, 'x');
  EXPECT_EQ(truncate_utf8(longer, 1024).size(), 1024u);
}

TEST(WebhookDelivery, InFlightLimit) {  // W8: bounded by the open-file limit, raised first
  rlimit saved{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &saved), 0);
  EXPECT_EQ(hitlai::webhook::in_flight_limit(1), 1);
  EXPECT_EQ(hitlai::webhook::in_flight_limit(0), 1);
  if (saved.rlim_max != RLIM_INFINITY && saved.rlim_max >= 1280 && saved.rlim_max < (rlim_t(1) << 24)) {
    // a soft limit of 1024: 384 requests at most, until it is raised toward the need
    rlimit low = saved;
    low.rlim_cur = 1024;
    ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &low), 0);
    EXPECT_EQ(hitlai::webhook::in_flight_limit(100), 100);
    rlimit now{};
    ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &now), 0);
    EXPECT_EQ(now.rlim_cur, rlim_t(1024));  // enough already: left alone
    EXPECT_EQ(hitlai::webhook::in_flight_limit(512), 512);
    ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &now), 0);
    EXPECT_EQ(now.rlim_cur, rlim_t(2 * 512 + 256));
    // never past the hard limit
    const long hard_room = (long(saved.rlim_max) - 256) / 2;
    EXPECT_EQ(hitlai::webhook::in_flight_limit(int(hard_room + 1000)), int(hard_room));
    ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &now), 0);
    EXPECT_EQ(now.rlim_cur, saved.rlim_max);
  }
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &saved), 0);
}
