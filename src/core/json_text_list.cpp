#include "core/json_text_list.hpp"

#include <string>
#include <unordered_set>

#include "core/json_rules.hpp"

namespace hitlai::json {

namespace {

bool is_blank(std::string_view s) {
  for (char c : s)
    if (!(c == ' ' || (c >= '\t' && c <= '\r'))) return false;
  return true;
}

std::string quoted(std::string_view s) {
  constexpr size_t kMax = 72;
  std::string out;
  size_t n = s.size();
  if (n > kMax) {
    n = kMax;
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  }
  append_quoted(out, s.data(), n, n < s.size());
  return out;
}

std::string at(std::string_view column, size_t i) {
  std::string out(column);
  out += '[';
  out += std::to_string(i + 1);
  out += "]: ";
  return out;
}

}  // namespace

std::string text_list_problem(std::string_view column, const TextItem* items, size_t n) {
  // Small lists (the usual case) are compared pairwise; larger ones use a hash set.
  constexpr size_t kPairwise = 16;
  std::unordered_set<std::string_view> seen;
  if (n > kPairwise) seen.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const TextItem& it = items[i];
    if (it.is_null) return at(column, i) + "expected a non-blank string, got NULL";
    std::string_view s(it.data, it.len);
    if (is_blank(s)) return at(column, i) + "expected a non-blank string, got " + quoted(s);
    bool dup = false;
    if (n <= kPairwise) {
      for (size_t j = 0; j < i && !dup; ++j)
        dup = std::string_view(items[j].data, items[j].len) == s;
    } else {
      dup = !seen.insert(s).second;
    }
    if (dup) return at(column, i) + "duplicate value " + quoted(s);
  }
  return {};
}

void check_text_list(std::string_view table, std::string_view column, const TextItem* items,
                     size_t n) {
  std::string problem = text_list_problem(column, items, n);
  if (problem.empty()) return;
  std::string msg = "invalid value in column \"";
  msg.append(column);
  msg += "\" of relation \"";
  msg.append(table);
  msg += '"';
  throw Error(sqlstate::kCheckViolation, std::move(msg), std::move(problem));
}

}  // namespace hitlai::json
