// Unit tests of the JSON document rules (J1, J2, J4, J5, J6) and the text-list rule (J3),
// run on the Boost.JSON view; no backend needed. Each test breaks exactly one rule and
// checks the exact DETAIL (path and reason).
#include "core/json_rules.hpp"
#include "core/json_text_list.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using hitlai::json::Doc;

namespace {

// "" when valid, else the DETAIL text.
std::string problem(Doc d, const std::string& text) {
  hitlai::json::Violation v;
  if (hitlai::json::validate_text(d, text, &v)) return "";
  return hitlai::json::format_detail(d, v);
}

std::string pd(const std::string& t) { return problem(Doc::kPlatformDetails, t); }
std::string md(const std::string& t) { return problem(Doc::kIssueMetadata, t); }
std::string in(const std::string& t) { return problem(Doc::kTrainingInput, t); }
std::string out(const std::string& t) { return problem(Doc::kTrainingOutput, t); }
std::string hp(const std::string& t) { return problem(Doc::kHyperparameters, t); }

// The seed's examples (ERD "JSONB Field Structures"), values filled in.
const char* kSeedPlatform =
    R"({"type": "web", "browser": "chrome", "device": "desktop",
        "viewport": {"width": 1920, "height": 1080}, "os": "windows", "version": "120.0.0"})";
const char* kSeedMetadata =
    R"({"reproduction_steps": ["Step 1", "Step 2"], "expected_behavior": "Should display...",
        "actual_behavior": "Shows error...", "browser_console_errors": ["Error 1", "Error 2"],
        "network_requests": [{"url": "https://api.example.com", "status": 404, "method": "GET"}],
        "device_info": {"user_agent": "Mozilla/5.0...", "screen_resolution": "1920x1080"}})";
const char* kSeedInput =
    R"({"url": "https://example.com", "mission": "Test checkout flow",
        "persona": "casual_user", "platform": "web"})";
const char* kSeedOutput =
    R"({"sentiment_score": 0.75,
        "issues": [{"title": "Payment form validation broken", "severity": "critical"}],
        "recommendations": ["Fix validation", "Add loading state"],
        "positives": ["Fast page load", "Clear UI"]})";

}  // namespace

TEST(JsonSeed, ExamplesAreAccepted) {
  EXPECT_EQ(pd(kSeedPlatform), "");
  EXPECT_EQ(md(kSeedMetadata), "");
  EXPECT_EQ(in(kSeedInput), "");
  EXPECT_EQ(out(kSeedOutput), "");
  EXPECT_EQ(hp(R"({"n_epochs": 3, "batch_size": "auto", "learning_rate_multiplier": 0.1})"), "");
  EXPECT_EQ(pd(R"({"type": "web"})"), "");  // the column default
  EXPECT_EQ(md("{}"), "");                  // the column default
  EXPECT_EQ(hp("{}"), "");                  // the column default
}

TEST(JsonGeneral, UnknownKeysAreKept) {
  EXPECT_EQ(pd(R"({"type": "vr", "headset": {"model": "Quest 3", "deep": [[[1]]]}})"), "");
  EXPECT_EQ(md(R"({"custom": 1, "device_info": {"gpu": "x"}})"), "");
}

TEST(JsonGeneral, RootMustBeAnObject) {
  EXPECT_EQ(pd("[]"), "platform_details: expected an object, got an array");
  EXPECT_EQ(md("\"x\""), "metadata: expected an object, got \"x\"");
  EXPECT_EQ(in("null"), "input_data: expected an object, got null");
  EXPECT_EQ(out("42"), "output_data: expected an object, got 42");
  EXPECT_EQ(hp("true"), "hyperparameters: expected an object, got true");
}

TEST(JsonGeneral, FirstErrorInSchemaOrderWhateverTheTextOrder) {
  // version (last in J1's order) comes first in the text; type is checked first
  EXPECT_EQ(pd(R"({"version": 5, "browser": "opera", "type": "tv"})"),
            "platform_details.type: expected one of web, mobile, console, vr, got \"tv\"");
  EXPECT_EQ(pd(R"({"version": 5, "browser": "opera", "type": "web"})"),
            "platform_details.browser: expected one of chrome, firefox, safari, edge, got \"opera\"");
}

TEST(JsonGeneral, ErrorObjectIs23514NamingTableAndColumn) {
  try {
    hitlai::json::check_text(Doc::kPlatformDetails, R"({"type": "web", "viewport": {"width": -5, "height": 1}})");
    FAIL() << "no error";
  } catch (const hitlai::Error& e) {
    EXPECT_EQ(e.sqlstate_text(), "23514");
    EXPECT_EQ(e.message(),
              "invalid JSON document in column \"platform_details\" of relation \"test_runs\"");
    EXPECT_EQ(e.detail(), "platform_details.viewport.width: expected a positive integer, got -5");
  }
  EXPECT_NO_THROW(hitlai::json::check_text(Doc::kPlatformDetails, kSeedPlatform));
}

// ---- J1 -------------------------------------------------------------------------------

TEST(J1, Type) {
  EXPECT_EQ(pd(R"({"browser": "chrome"})"), "platform_details.type: required key is missing");
  EXPECT_EQ(pd(R"({"type": "desktop"})"),
            "platform_details.type: expected one of web, mobile, console, vr, got \"desktop\"");
  EXPECT_EQ(pd(R"({"type": "Web"})"),
            "platform_details.type: expected one of web, mobile, console, vr, got \"Web\"");
  EXPECT_EQ(pd(R"({"type": 1})"),
            "platform_details.type: expected one of web, mobile, console, vr, got 1");
  EXPECT_EQ(pd(R"({"type": null})"),
            "platform_details.type: expected one of web, mobile, console, vr, got null");
  for (const char* t : {"web", "mobile", "console", "vr"})
    EXPECT_EQ(pd(std::string(R"({"type": ")") + t + "\"}"), "") << t;
}

TEST(J1, BrowserDeviceOs) {
  EXPECT_EQ(pd(R"({"type": "web", "browser": "opera"})"),
            "platform_details.browser: expected one of chrome, firefox, safari, edge, got \"opera\"");
  EXPECT_EQ(pd(R"({"type": "web", "device": "watch"})"),
            "platform_details.device: expected one of desktop, mobile, tablet, got \"watch\"");
  EXPECT_EQ(pd(R"({"type": "web", "os": ["linux"]})"),
            "platform_details.os: expected one of windows, macos, linux, ios, android, got an array");
}

TEST(J1, Viewport) {
  EXPECT_EQ(pd(R"({"type": "web", "viewport": "1920x1080"})"),
            "platform_details.viewport: expected an object, got \"1920x1080\"");
  EXPECT_EQ(pd(R"({"type": "web", "viewport": {"height": 1080}})"),
            "platform_details.viewport.width: required key is missing");
  EXPECT_EQ(pd(R"({"type": "web", "viewport": {"width": 1920}})"),
            "platform_details.viewport.height: required key is missing");
  EXPECT_EQ(pd(R"({"type": "web", "viewport": {"width": -5, "height": 1080}})"),
            "platform_details.viewport.width: expected a positive integer, got -5");
  EXPECT_EQ(pd(R"({"type": "web", "viewport": {"width": 0, "height": 1080}})"),
            "platform_details.viewport.width: expected a positive integer, got 0");
  EXPECT_EQ(pd(R"({"type": "web", "viewport": {"width": 1.5, "height": 1080}})"),
            "platform_details.viewport.width: expected a positive integer, got 1.5");
  EXPECT_EQ(pd(R"({"type": "web", "viewport": {"width": "wide", "height": 1080}})"),
            "platform_details.viewport.width: expected a positive integer, got \"wide\"");
  EXPECT_EQ(pd(R"({"type": "web", "viewport": {"width": 1920, "height": 100001}})"),
            "platform_details.viewport.height: expected an integer of at most 100000, got 100001");
  EXPECT_EQ(pd(R"({"type": "web", "viewport": {"width": 1e30, "height": 1}})"),
            "platform_details.viewport.width: expected an integer of at most 100000, got 1e+30");
  EXPECT_EQ(pd(R"({"type": "web", "viewport": {"width": 18446744073709551615, "height": 1}})"),
            "platform_details.viewport.width: expected an integer of at most 100000, got "
            "18446744073709551615");
  // integral numbers written with a fraction or exponent are integers
  EXPECT_EQ(pd(R"({"type": "web", "viewport": {"width": 1920.0, "height": 1.08e3}})"), "");
  EXPECT_EQ(pd(R"({"type": "web", "viewport": {"width": 1, "height": 100000}})"), "");
}

TEST(J1, Version) {
  EXPECT_EQ(pd(R"({"type": "web", "version": 120})"),
            "platform_details.version: expected a string of at most 64 characters, got 120");
  EXPECT_EQ(pd(R"({"type": "web", "version": ")" + std::string(65, '1') + "\"}"),
            "platform_details.version: expected a string of at most 64 characters, got a string "
            "of 65 characters");
  // 64 characters of two bytes each: 128 bytes, still 64 characters
  std::string s;
  for (int i = 0; i < 64; ++i) s += "\xC3\xA9";
  EXPECT_EQ(pd(R"({"type": "web", "version": ")" + s + "\"}"), "");
}

// ---- J2 -------------------------------------------------------------------------------

TEST(J2, StringArrays) {
  EXPECT_EQ(md(R"({"reproduction_steps": "click"})"),
            "metadata.reproduction_steps: expected an array, got \"click\"");
  EXPECT_EQ(md(R"({"reproduction_steps": ["a", 2]})"),
            "metadata.reproduction_steps[1]: expected a string, got 2");
  EXPECT_EQ(md(R"({"browser_console_errors": ["a", "b", {"e": 1}]})"),
            "metadata.browser_console_errors[2]: expected a string, got an object");
  EXPECT_EQ(md(R"({"reproduction_steps": []})"), "");
}

TEST(J2, Behaviors) {
  EXPECT_EQ(md(R"({"expected_behavior": ["x"]})"),
            "metadata.expected_behavior: expected a string, got an array");
  EXPECT_EQ(md(R"({"actual_behavior": false})"),
            "metadata.actual_behavior: expected a string, got false");
}

TEST(J2, NetworkRequests) {
  EXPECT_EQ(md(R"({"network_requests": {"url": "x"}})"),
            "metadata.network_requests: expected an array, got an object");
  EXPECT_EQ(md(R"({"network_requests": [{"url": "x"}, "GET /"]})"),
            "metadata.network_requests[1]: expected an object, got \"GET /\"");
  EXPECT_EQ(md(R"({"network_requests": [{"status": 200}]})"),
            "metadata.network_requests[0].url: required key is missing");
  EXPECT_EQ(md(R"({"network_requests": [{"url": 7}]})"),
            "metadata.network_requests[0].url: expected a string, got 7");
  EXPECT_EQ(md(R"({"network_requests": [{"url": "x", "status": 99}]})"),
            "metadata.network_requests[0].status: expected an integer between 100 and 599, got 99");
  EXPECT_EQ(md(R"({"network_requests": [{"url": "x", "status": 600}]})"),
            "metadata.network_requests[0].status: expected an integer of at most 599, got 600");
  EXPECT_EQ(md(R"({"network_requests": [{"url": "x", "status": "404"}]})"),
            "metadata.network_requests[0].status: expected an integer between 100 and 599, got \"404\"");
  EXPECT_EQ(md(R"({"network_requests": [{"url": "x", "method": "get"}]})"),
            "metadata.network_requests[0].method: expected one of GET, POST, PUT, PATCH, DELETE, "
            "HEAD, OPTIONS, got \"get\"");
  EXPECT_EQ(md(R"({"network_requests": [{"url": "x", "status": 100, "method": "OPTIONS"},
                                        {"url": "y", "status": 599}]})"),
            "");
}

TEST(J2, DeviceInfo) {
  EXPECT_EQ(md(R"({"device_info": []})"), "metadata.device_info: expected an object, got an array");
  EXPECT_EQ(md(R"({"device_info": {"user_agent": 5}})"),
            "metadata.device_info.user_agent: expected a string, got 5");
  for (const char* bad : {"1920*1080", "1920x", "x1080", "0x1080", "1920x1080 ", "01920x1080",
                          "1920X1080", "1234567x1"})
    EXPECT_EQ(md(std::string(R"({"device_info": {"screen_resolution": ")") + bad + "\"}}"),
              std::string("metadata.device_info.screen_resolution: expected a screen resolution "
                          "like 1920x1080, got \"") + bad + "\"")
        << bad;
  EXPECT_EQ(md(R"({"device_info": {"screen_resolution": "375x812"}})"), "");
}

// ---- J4 / J5 (the documents T2 builds) -------------------------------------------------

TEST(J4, TrainingInput) {
  EXPECT_EQ(in(R"({"mission": "m", "platform": "web"})"), "input_data.url: required key is missing");
  EXPECT_EQ(in(R"({"url": "ftp://x.io", "mission": "m", "platform": "web"})"),
            "input_data.url: expected an absolute http or https URL, got \"ftp://x.io\"");
  EXPECT_EQ(in(R"({"url": "https://x.io", "platform": "web"})"),
            "input_data.mission: required key is missing");
  EXPECT_EQ(in(R"({"url": "https://x.io", "mission": "m", "persona": 3, "platform": "web"})"),
            "input_data.persona: expected a string or null, got 3");
  EXPECT_EQ(in(R"({"url": "https://x.io", "mission": "m", "persona": null})"),
            "input_data.platform: required key is missing");
  EXPECT_EQ(in(R"({"url": "https://x.io", "mission": "m", "platform": "tv"})"),
            "input_data.platform: expected one of web, mobile, console, vr, got \"tv\"");
  // T2's shape with a NULL persona
  EXPECT_EQ(in(R"({"url": "https://x.io/a", "mission": "m", "persona": null, "platform": "vr"})"), "");
}

TEST(J5, TrainingOutput) {
  const std::string tail = R"(, "issues": [], "recommendations": [], "positives": []})";
  EXPECT_EQ(out(R"({"sentiment_score": null)" + tail), "");
  EXPECT_EQ(out(R"({"sentiment_score": 0)" + tail), "");
  EXPECT_EQ(out(R"({"sentiment_score": 1)" + tail), "");
  EXPECT_EQ(out(R"({"sentiment_score": 1.01)" + tail),
            "output_data.sentiment_score: expected a number between 0 and 1 or null, got 1.01");
  EXPECT_EQ(out(R"({"sentiment_score": -0.5)" + tail),
            "output_data.sentiment_score: expected a number between 0 and 1 or null, got -0.5");
  EXPECT_EQ(out(R"({"sentiment_score": "0.5")" + tail),
            "output_data.sentiment_score: expected a number between 0 and 1 or null, got \"0.5\"");
  EXPECT_EQ(out(R"({"recommendations": [], "positives": []})"),
            "output_data.issues: required key is missing");
  EXPECT_EQ(out(R"({"issues": [{"severity": "low"}], "recommendations": [], "positives": []})"),
            "output_data.issues[0].title: required key is missing");
  EXPECT_EQ(out(R"({"issues": [{"title": "t", "severity": "low"}, {"title": "u", "severity": "urgent"}],
                    "recommendations": [], "positives": []})"),
            "output_data.issues[1].severity: expected one of low, medium, high, critical, got \"urgent\"");
  EXPECT_EQ(out(R"({"issues": [], "recommendations": [null], "positives": []})"),
            "output_data.recommendations[0]: expected a string, got null");
  EXPECT_EQ(out(R"({"issues": [], "recommendations": []})"),
            "output_data.positives: required key is missing");
  EXPECT_EQ(out(R"({"issues": [], "recommendations": [], "positives": ["a", 1]})"),
            "output_data.positives[1]: expected a string, got 1");
}

// ---- J6 -------------------------------------------------------------------------------

TEST(J6, Hyperparameters) {
  EXPECT_EQ(hp(R"({"n_epochs": "auto", "batch_size": "auto", "learning_rate_multiplier": "auto"})"), "");
  EXPECT_EQ(hp(R"({"n_epochs": 1, "batch_size": 256, "learning_rate_multiplier": 1e-9})"), "");
  EXPECT_EQ(hp(R"({"n_epochs": 0})"),
            "hyperparameters.n_epochs: expected a positive integer or \"auto\", got 0");
  EXPECT_EQ(hp(R"({"n_epochs": 51})"),
            "hyperparameters.n_epochs: expected an integer of at most 50 or \"auto\", got 51");
  EXPECT_EQ(hp(R"({"n_epochs": "AUTO"})"),
            "hyperparameters.n_epochs: expected a positive integer or \"auto\", got \"AUTO\"");
  EXPECT_EQ(hp(R"({"batch_size": 257})"),
            "hyperparameters.batch_size: expected an integer of at most 256 or \"auto\", got 257");
  EXPECT_EQ(hp(R"({"batch_size": 2.5})"),
            "hyperparameters.batch_size: expected a positive integer or \"auto\", got 2.5");
  EXPECT_EQ(hp(R"({"learning_rate_multiplier": 0})"),
            "hyperparameters.learning_rate_multiplier: expected a number greater than 0 or \"auto\", got 0");
  EXPECT_EQ(hp(R"({"learning_rate_multiplier": -1.5})"),
            "hyperparameters.learning_rate_multiplier: expected a number greater than 0 or \"auto\", got -1.5");
}

// ---- size, depth, messages -------------------------------------------------------------

TEST(JsonLimits, HugeArraysAreWalkedHugeStringsAndDocumentsRejected) {
  std::string steps = R"({"reproduction_steps": [)";
  for (int i = 0; i < 100000; ++i) steps += i ? ",\"s\"" : "\"s\"";
  EXPECT_EQ(md(steps + "]}"), "");
  EXPECT_EQ(md(steps + ",7]}"), "metadata.reproduction_steps[100000]: expected a string, got 7");

  std::string big = R"({"type": "web", "note": ")" + std::string(5 * 1024 * 1024, 'a') + "\"}";
  EXPECT_EQ(pd(big), "platform_details: document of " + std::to_string(big.size()) +
                         " bytes exceeds the limit of 1048576 bytes");
}

TEST(JsonLimits, DeepNesting) {
  // Known keys are walked to a fixed depth: a deep value fails at its first level.
  std::string deep = R"({"reproduction_steps": )" + std::string(300, '[') + std::string(300, ']') + "}";
  EXPECT_EQ(md(deep), "metadata.reproduction_steps[0]: expected a string, got an array");
  // The Boost parser recurses, so the text path refuses nesting beyond 512 levels; the
  // production path (binary jsonb) has no such limit of its own.
  std::string very = R"({"x": )" + std::string(10000, '[') + std::string(10000, ']') + "}";
  EXPECT_EQ(md(very).rfind("metadata: not valid JSON", 0), 0u) << md(very);
}

TEST(JsonLimits, LongValuesAreTruncatedInMessagesOnCharacterBoundaries) {
  std::string s;
  for (int i = 0; i < 100; ++i) s += "\xE2\x82\xAC";  // euro sign, 3 bytes
  std::string d = pd(R"({"type": ")" + s + "\"}");
  // 72 bytes max -> 24 whole euro signs
  std::string want = "\"";
  for (int i = 0; i < 24; ++i) want += "\xE2\x82\xAC";
  want += "\"...";
  EXPECT_EQ(d, "platform_details.type: expected one of web, mobile, console, vr, got " + want);
  EXPECT_EQ(pd(R"({"type": "a\"b\n"})"),
            "platform_details.type: expected one of web, mobile, console, vr, got \"a\\\"b\\u000a\"");
}

TEST(JsonLimits, NotJsonOnTheTextPath) {
  EXPECT_EQ(pd("{").rfind("platform_details: not valid JSON (", 0), 0u);
}

// ---- J3 -------------------------------------------------------------------------------

namespace {
std::string list_problem(const std::vector<const char*>& v) {
  std::vector<hitlai::json::TextItem> items;
  for (const char* s : v)
    items.push_back(s ? hitlai::json::TextItem{s, std::char_traits<char>::length(s), false}
                      : hitlai::json::TextItem{nullptr, 0, true});
  return hitlai::json::text_list_problem("languages", items.data(), items.size());
}
}  // namespace

TEST(J3, TextLists) {
  EXPECT_EQ(list_problem({}), "");
  EXPECT_EQ(list_problem({"English", "Spanish", "French"}), "");
  EXPECT_EQ(list_problem({"English", "English"}), "languages[2]: duplicate value \"English\"");
  EXPECT_EQ(list_problem({"English", "english"}), "");  // case-sensitive
  EXPECT_EQ(list_problem({"English", nullptr}), "languages[2]: expected a non-blank string, got NULL");
  EXPECT_EQ(list_problem({""}), "languages[1]: expected a non-blank string, got \"\"");
  EXPECT_EQ(list_problem({"a", " \t\n"}), "languages[2]: expected a non-blank string, got \" \\u0009\\u000a\"");
  // the first offending position wins, whatever the kind of problem
  EXPECT_EQ(list_problem({"a", "b", "a", ""}), "languages[3]: duplicate value \"a\"");
}

TEST(J3, LargeListsUseTheHashPath) {
  std::vector<std::string> store;
  for (int i = 0; i < 1000; ++i) store.push_back("v" + std::to_string(i));
  store.push_back("v500");
  std::vector<hitlai::json::TextItem> items;
  for (const auto& s : store) items.push_back({s.data(), s.size(), false});
  EXPECT_EQ(hitlai::json::text_list_problem("platforms", items.data(), items.size()),
            "platforms[1001]: duplicate value \"v500\"");
  EXPECT_EQ(hitlai::json::text_list_problem("platforms", items.data(), 1000), "");
  try {
    hitlai::json::check_text_list("founding_tester_apps", "platforms", items.data(), items.size());
    FAIL() << "no error";
  } catch (const hitlai::Error& e) {
    EXPECT_EQ(e.sqlstate_text(), "23514");
    EXPECT_EQ(e.message(), "invalid value in column \"platforms\" of relation \"founding_tester_apps\"");
  }
}

// J5/J6: range checks compare the number's decimal text exactly, never through double.
TEST(CompareDecimal, ExactWhateverTheDigitsOrExponent) {
  using hitlai::json::compare_decimal;
  EXPECT_EQ(compare_decimal("0", "0"), 0);
  EXPECT_EQ(compare_decimal("-0", "0"), 0);
  EXPECT_EQ(compare_decimal("0.000", "0e5"), 0);
  EXPECT_EQ(compare_decimal("1", "1.000000000000000000000000000000"), 0);
  EXPECT_EQ(compare_decimal("10e-1", "1"), 0);
  EXPECT_EQ(compare_decimal("0.1e1", "1"), 0);
  EXPECT_EQ(compare_decimal("1e-400", "0"), 1);       // double: 0
  EXPECT_EQ(compare_decimal("-1e-400", "0"), -1);     // double: -0
  EXPECT_EQ(compare_decimal("1.000000000000000000000000000001", "1"), 1);  // double: 1
  EXPECT_EQ(compare_decimal("0.999999999999999999999999999999", "1"), -1);
  EXPECT_EQ(compare_decimal("123456789012345678901234567890", "123456789012345678901234567891"), -1);
  EXPECT_EQ(compare_decimal("-123456789012345678901234567890", "-123456789012345678901234567891"), 1);
  EXPECT_EQ(compare_decimal("1e400", "9"), 1);
  EXPECT_EQ(compare_decimal("-1e400", "-9"), -1);
  EXPECT_EQ(compare_decimal("5", "-5"), 1);
  EXPECT_EQ(compare_decimal("0.5", "0.50000000000000000000000000000000000000001"), -1);
  EXPECT_EQ(compare_decimal("2E+1", "20"), 0);
  EXPECT_EQ(compare_decimal("0.0000000000000000000000000000001", "1e-31"), 0);
}

TEST(CompareDecimal, BoundariesOfTheSchemas) {
  using hitlai::json::compare_decimal;
  // sentiment_score 0..1, learning_rate_multiplier > 0: just inside and just outside
  for (const char* inside : {"0", "1", "0.5", "1e-400", "0.999999999999999999999999999999", "1.0e0"}) {
    EXPECT_GE(compare_decimal(inside, "0"), 0) << inside;
    EXPECT_LE(compare_decimal(inside, "1"), 0) << inside;
  }
  for (const char* outside : {"-1e-400", "1.000000000000000000000000000001", "-0.0000001", "1e1"}) {
    const bool in = compare_decimal(outside, "0") >= 0 && compare_decimal(outside, "1") <= 0;
    EXPECT_FALSE(in) << outside;
  }
}
