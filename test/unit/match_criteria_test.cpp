// M1: strict parsing of assign_testers' criteria and wanted (src/core/match_criteria.hpp).
#include <gtest/gtest.h>

#include "core/error.hpp"
#include "core/match_criteria.hpp"

using namespace hitlai::matching;

namespace {
// "ok" or "SQLSTATE: message"
std::string outcome(const std::string& json) {
  try {
    parse_criteria(json);
  } catch (const hitlai::Error& e) {
    return e.sqlstate_text() + ": " + e.message();
  }
  return "ok";
}
}  // namespace

TEST(MatchCriteria, M1EmptyObjectMeansDefaults) {
  Criteria c = parse_criteria("{}");
  EXPECT_FALSE(c.languages || c.countries || c.devices || c.platforms || c.tech_literacy ||
               c.min_rating || c.min_tests_completed);
  EXPECT_EQ(c.max_active, 3);
}

TEST(MatchCriteria, M1EveryKeyParsed) {
  Criteria c = parse_criteria(R"({"languages":["English","German"],"countries":["DE","US"],
    "devices":["mobile"],"platforms":["UserTesting"],"min_tech_literacy":"high",
    "min_rating":4.5,"min_tests_completed":10,"max_active":2})");
  EXPECT_EQ(*c.languages, (std::vector<std::string>{"English", "German"}));
  EXPECT_EQ(*c.countries, (std::vector<std::string>{"DE", "US"}));
  EXPECT_EQ(*c.devices, (std::vector<std::string>{"mobile"}));
  EXPECT_EQ(*c.platforms, (std::vector<std::string>{"UserTesting"}));
  EXPECT_EQ(*c.tech_literacy, (std::vector<std::string>{"high", "expert"}));
  EXPECT_DOUBLE_EQ(*c.min_rating, 4.5);
  EXPECT_EQ(*c.min_tests_completed, 10);
  EXPECT_EQ(c.max_active, 2);
  EXPECT_EQ(*parse_criteria(R"({"min_tech_literacy":"low"})").tech_literacy,
            (std::vector<std::string>{"low", "medium", "high", "expert"}));
  EXPECT_DOUBLE_EQ(*parse_criteria(R"({"min_rating":4})").min_rating, 4.0);
  EXPECT_TRUE(parse_criteria(R"({"languages":[]})").languages->empty());
}

TEST(MatchCriteria, M1UnknownKeyIsNamed) {
  EXPECT_EQ(outcome(R"({"language":["English"]})"), "22023: unknown criteria key \"language\"");
  EXPECT_EQ(outcome(R"({"languages":["English"],"max_actve":2})"),
            "22023: unknown criteria key \"max_actve\"");
}

TEST(MatchCriteria, M1WrongTypesAreNamed) {
  const char* cases[][2] = {
      {R"({"languages":"English"})", "languages"},
      {R"({"languages":[1]})", "languages"},
      {R"({"languages":[""]})", "languages"},
      {R"({"languages":null})", "languages"},
      {R"({"countries":["de"]})", "countries"},
      {R"({"countries":["XX"]})", "countries"},
      {R"({"devices":["phone"]})", "devices"},
      {R"({"platforms":[null]})", "platforms"},
      {R"({"min_tech_literacy":"guru"})", "min_tech_literacy"},
      {R"({"min_tech_literacy":["high"]})", "min_tech_literacy"},
      {R"({"min_rating":"4"})", "min_rating"},
      {R"({"min_rating":5.01})", "min_rating"},
      {R"({"min_rating":-1})", "min_rating"},
      {R"({"min_tests_completed":-1})", "min_tests_completed"},
      {R"({"min_tests_completed":1.5})", "min_tests_completed"},
      {R"({"max_active":0})", "max_active"},
      {R"({"max_active":51})", "max_active"},
      {R"({"max_active":2.0})", "max_active"},
      {R"({"max_active":true})", "max_active"},
  };
  for (auto& c : cases) {
    std::string got = outcome(c[0]);
    EXPECT_EQ(got.rfind(std::string("22023: invalid criteria key \"") + c[1] + "\"", 0), 0u)
        << c[0] << " -> " << got;
  }
}

TEST(MatchCriteria, M1NotAnObject) {
  for (const char* doc : {"[]", "null", "3", "\"x\"", "{bad"})
    EXPECT_EQ(outcome(doc), "22023: criteria must be a JSON object") << doc;
}

TEST(MatchCriteria, M1WantedRange) {
  EXPECT_EQ(check_wanted(1), 1);
  EXPECT_EQ(check_wanted(100), 100);
  for (auto w : {std::optional<std::int64_t>(0), std::optional<std::int64_t>(101),
                 std::optional<std::int64_t>(-5), std::optional<std::int64_t>()}) {
    try {
      check_wanted(w);
      FAIL();
    } catch (const hitlai::Error& e) {
      EXPECT_EQ(e.sqlstate_text(), "22023");
    }
  }
}
