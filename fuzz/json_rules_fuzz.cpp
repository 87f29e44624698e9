// libFuzzer target for the JSON document rules (J1, J2, J4, J5, J6) and the text-list
// rule (J3), through the Boost.JSON view. See fuzz/README.md for the command.
//
// Input: first byte selects the rule (value % 6: 0..4 = hitlai::json::Doc, 5 = J3), the
// rest is the document text (or, for J3, items separated by 0x1f, a lone 0x00 = NULL).
// Besides the sanitizers, it checks invariants of the result:
//   - a document is valid or has exactly one violation, formatted as "<column>...: ..."
//   - validation is deterministic (same input, same DETAIL)
//   - the violation path is never deeper than the schema allows
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "core/json_rules.hpp"
#include "core/json_text_list.hpp"

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

void fuzz_doc(hitlai::json::Doc d, std::string_view text) {
  hitlai::json::Violation v1, v2;
  bool ok1 = hitlai::json::validate_text(d, text, &v1);
  bool ok2 = hitlai::json::validate_text(d, text, &v2);
  require(ok1 == ok2);
  require(ok1 == !v1.found());
  if (ok1) return;
  require(v1.depth >= 0 && v1.depth <= 4);
  std::string a = hitlai::json::format_detail(d, v1);
  std::string b = hitlai::json::format_detail(d, v2);
  require(a == b);
  const std::string col = hitlai::json::doc_info(d).column;
  require(a.compare(0, col.size(), col) == 0);
  require(a.find(": ") != std::string::npos);
  hitlai::Error e = hitlai::json::make_error(d, v1);
  require(e.sqlstate_text() == "23514");
}

void fuzz_list(std::string_view data) {
  std::vector<hitlai::json::TextItem> items;
  size_t start = 0;
  for (size_t i = 0; i <= data.size(); ++i) {
    if (i == data.size() || data[i] == '\x1f') {
      std::string_view s = data.substr(start, i - start);
      if (s.size() == 1 && s[0] == '\0')
        items.push_back({nullptr, 0, true});
      else
        items.push_back({s.data(), s.size(), false});
      start = i + 1;
    }
  }
  std::string p = hitlai::json::text_list_problem("languages", items.data(), items.size());
  require(p.empty() || p.compare(0, 10, "languages[") == 0);
  try {
    hitlai::json::check_text_list("human_testers", "languages", items.data(), items.size());
    require(p.empty());
  } catch (const hitlai::Error& e) {
    require(!p.empty() && e.detail() == p);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  int sel = data[0] % 6;
  std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  if (sel < hitlai::json::kDocCount)
    fuzz_doc(static_cast<hitlai::json::Doc>(sel), rest);
  else
    fuzz_list(rest);
  return 0;
}
