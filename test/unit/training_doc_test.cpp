// T2: training documents built with Boost.JSON.
#include "core/training_doc.hpp"

#include <gtest/gtest.h>

using namespace hitlai::training;

TEST(TrainingDoc, InputKeyOrderAndNulls) {
  hitlai::training::Run r;
  r.url = "https://x.io/a\"b";
  r.mission = "Buy";
  r.platform = "web";
  EXPECT_EQ(input_json(r),
            R"({"url":"https://x.io/a\"b","mission":"Buy","persona":null,"platform":"web"})");
}

TEST(TrainingDoc, OutputIssuesOrdered) {
  hitlai::training::Run r;
  r.sentiment_score = "0.75";
  r.recommendations = {std::string("Fix"), std::nullopt};
  r.positives = {};
  r.issues = {{"low1", "low", 1, "b"},     {"crit2", "critical", 5, "a"},
              {"crit1", "critical", 5, "0"}, {"high", "high", 9, "c"},
              {"med", "medium", 0, "d"},    {"crit0", "critical", 1, "z"}};
  EXPECT_EQ(output_json(r),
            R"({"sentiment_score":7.5E-1,"issues":[{"title":"crit0","severity":"critical"},)"
            R"({"title":"crit1","severity":"critical"},{"title":"crit2","severity":"critical"},)"
            R"({"title":"high","severity":"high"},{"title":"med","severity":"medium"},)"
            R"({"title":"low1","severity":"low"}],"recommendations":["Fix"],"positives":[]})");
}

TEST(TrainingDoc, NullSentiment) {
  hitlai::training::Run r;
  EXPECT_EQ(output_json(r),
            R"({"sentiment_score":null,"issues":[],"recommendations":[],"positives":[]})");
}

TEST(TrainingDoc, Wanted) {
  EXPECT_TRUE(wanted(true, 4));
  EXPECT_TRUE(wanted(true, 5));
  EXPECT_FALSE(wanted(true, 3));
  EXPECT_FALSE(wanted(true, std::nullopt));
  EXPECT_FALSE(wanted(false, 5));
}

TEST(TrainingDoc, ParseStringArray) {
  auto v = parse_string_array(R"(["a", null, "\u00e9\"x"])");
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[0], std::optional<std::string>("a"));
  EXPECT_FALSE(v[1].has_value());
  EXPECT_EQ(*v[2], "\xC3\xA9\"x");
  EXPECT_TRUE(parse_string_array("[]").empty());
  EXPECT_ANY_THROW(parse_string_array("[1]"));
  EXPECT_ANY_THROW(parse_string_array("{"));
}
