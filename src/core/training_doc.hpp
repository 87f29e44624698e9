// T2: the training documents captured from a completed, well-rated test run (pure C++,
// built with Boost.JSON).
//
//   input_data  = {"url", "mission", "persona", "platform"}
//   output_data = {"sentiment_score", "issues": [{"title", "severity"}, ...],
//                  "recommendations": [...], "positives": [...]}
//
// Keys are emitted in exactly this order; issues are ordered critical, high, medium,
// low, then by created_at, then by id. Missing values are JSON null; NULL elements of
// recommendations and positives are left out (J5: arrays of strings).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace hitlai::training {

struct Issue {
  std::string title;
  std::string severity;     // low | medium | high | critical
  std::int64_t created_at;  // microseconds (TimestampTz)
  std::string id;           // uuid text (lower-case hex orders like uuid)
};

struct Run {
  std::string url;
  std::string mission;
  std::optional<std::string> persona;
  std::optional<std::string> platform;         // platform_details->>'type'
  std::optional<std::string> sentiment_score;  // numeric text, e.g. "0.75"
  // text[] elements; an element may be NULL
  std::vector<std::optional<std::string>> recommendations;
  std::vector<std::optional<std::string>> positives;
  std::vector<Issue> issues;  // any order
};

// The elements of a JSON array of strings or nulls (array_to_json of a text[]).
// Throws hitlai::Error(XX000) for anything else.
std::vector<std::optional<std::string>> parse_string_array(const std::string& json);

// Rank used to order issues: critical 0, high 1, medium 2, low 3, anything else 4.
int severity_rank(const std::string& severity);

// Sorts issues as T2 requires.
void order_issues(std::vector<Issue>& issues);

// The JSON text of input_data / output_data.
std::string input_json(const Run& run);
std::string output_json(const Run& run);

// T2: a row exists for completed runs with company_ai_rating >= 4.
inline bool wanted(bool completed, std::optional<int> rating) {
  return completed && rating && *rating >= 4;
}

}  // namespace hitlai::training
