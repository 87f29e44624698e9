#include "core/training_doc.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cstdlib>
#include <tuple>

#include "core/error.hpp"

namespace hitlai::training {

namespace json = boost::json;

int severity_rank(const std::string& s) {
  if (s == "critical") return 0;
  if (s == "high") return 1;
  if (s == "medium") return 2;
  if (s == "low") return 3;
  return 4;
}

void order_issues(std::vector<Issue>& issues) {
  std::stable_sort(issues.begin(), issues.end(), [](const Issue& a, const Issue& b) {
    return std::make_tuple(severity_rank(a.severity), a.created_at, std::cref(a.id)) <
           std::make_tuple(severity_rank(b.severity), b.created_at, std::cref(b.id));
  });
}

namespace {

json::value opt(const std::optional<std::string>& s) {
  return s ? json::value(json::string(*s)) : json::value(nullptr);
}

// A text[] as a JSON array of its strings: NULL elements are left out (J5 allows strings
// only, and a run's rating must not fail on the content of its arrays).
json::array strings(const std::vector<std::optional<std::string>>& v) {
  json::array a;
  a.reserve(v.size());
  for (const auto& s : v)
    if (s) a.push_back(json::value(json::string(*s)));
  return a;
}

// numeric text ("0.75", "1.00") -> JSON number; jsonb stores it as numeric again.
json::value number(const std::optional<std::string>& text) {
  if (!text) return nullptr;
  json::error_code ec;
  json::value v = json::parse(*text, ec);
  if (ec || !v.is_number())
    throw Error(sqlstate::kInternalError, "sentiment_score is not a number: " + *text);
  return v;
}

}  // namespace

std::vector<std::optional<std::string>> parse_string_array(const std::string& text) {
  json::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_array())
    throw Error(sqlstate::kInternalError, "expected a JSON array of strings: " + text);
  std::vector<std::optional<std::string>> out;
  out.reserve(v.as_array().size());
  for (const json::value& e : v.as_array()) {
    if (e.is_null()) {
      out.emplace_back(std::nullopt);
    } else if (e.is_string()) {
      out.emplace_back(std::string(e.as_string().c_str(), e.as_string().size()));
    } else {
      throw Error(sqlstate::kInternalError, "expected a JSON array of strings: " + text);
    }
  }
  return out;
}

std::string input_json(const Run& run) {
  json::object o;
  o.reserve(4);
  o.emplace("url", run.url);
  o.emplace("mission", run.mission);
  o.emplace("persona", opt(run.persona));
  o.emplace("platform", opt(run.platform));
  return json::serialize(o);
}

std::string output_json(const Run& run) {
  std::vector<Issue> issues = run.issues;
  order_issues(issues);
  json::array ia;
  ia.reserve(issues.size());
  for (const Issue& i : issues) {
    json::object io;
    io.emplace("title", i.title);
    io.emplace("severity", i.severity);
    ia.push_back(std::move(io));
  }
  json::object o;
  o.reserve(4);
  o.emplace("sentiment_score", number(run.sentiment_score));
  o.emplace("issues", std::move(ia));
  o.emplace("recommendations", strings(run.recommendations));
  o.emplace("positives", strings(run.positives));
  return json::serialize(o);
}

}  // namespace hitlai::training
