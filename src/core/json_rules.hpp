// Rules for hitlai's JSON documents (SPEC J1, J2, J4, J5, J6): pure C++, no PostgreSQL.
//
// The rules are data (a small schema per document, json_rules.cpp) interpreted by one
// walker, validate<View>(), written against a "view" concept so that the same rules run
//   * on the binary jsonb of a row, walked in place (src/pg/json_jsonb_view.hpp; the
//     production path), and
//   * on a Boost.JSON value parsed from text (BoostView below; unit tests, the fuzzer and
//     the benchmark's alternative path).
//
// Order of checks (deterministic, independent of the order keys have in the input):
// the keys of an object are checked in the order SPEC §J lists them (schema order), each
// value fully before the next key; array elements in index order. The first violation
// stops the walk and is the one reported. Keys the schema does not know are kept and
// never looked at, so the walk's depth is bounded by the schema (at most 3 levels), not
// by the document: a 10k-deep unknown subtree costs nothing, a deep known one fails at
// its first level.
//
// The walk allocates nothing and keeps no C++ object with a destructor alive, so a view
// may call PostgreSQL functions that can raise (see src/pg/bridge.hpp): what went wrong
// is recorded in a plain Violation, formatted into text only after the walk.
//
// View concept (V is cheap to copy):
//   Kind kind() const;
//   bool boolean() const;                          // kBool
//   std::string_view string() const;               // kString (UTF-8 bytes)
//   bool member(std::string_view key, V* out) const;  // kObject: lookup, false if absent
//   template <class F> bool elements(F&& f) const; // kArray: f(uint32_t index, const V&)
//                                                  //   -> false stops; returns false if stopped
//   IntStatus integer(int64_t* out) const;         // kNumber, see IntStatus
//   int compare_number(const char* bound) const;   // kNumber: sign of (value - bound),
//                                                  //   exact (bound: a decimal literal)
//   size_t number_text(char* buf, size_t cap) const;  // kNumber: text (for messages),
//                                                  //   returns full length (may exceed cap)
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace hitlai::json {

enum class Kind : uint8_t { kNull, kBool, kNumber, kString, kArray, kObject };

enum class IntStatus : uint8_t {
  kOk,           // an integer (any number without fractional part, e.g. 5, 5.0, 5e0)
  kNotIntegral,  // has a fractional part
  kTooLarge,     // integral, beyond what the view can represent (positive)
  kTooSmall,     // integral, beyond what the view can represent (negative)
};

// The documents and where they live.
enum class Doc : uint8_t {
  kPlatformDetails,  // J1 test_runs.platform_details
  kIssueMetadata,    // J2 issues.metadata
  kTrainingInput,    // J4 training_data.input_data
  kTrainingOutput,   // J5 training_data.output_data
  kHyperparameters,  // J6 fine_tuning_jobs.hyperparameters
};
inline constexpr int kDocCount = 5;

struct DocInfo {
  const char* table;
  const char* column;  // also the root of every path in DETAIL
};
const DocInfo& doc_info(Doc d);

// Documents larger than this (bytes of the stored jsonb, or of the text for the Boost
// path) are rejected before they are walked.
inline constexpr size_t kMaxDocumentBytes = 1024 * 1024;

// ---- schema -------------------------------------------------------------------------

enum class Type : uint8_t {
  kObject,            // fields, checked in order
  kArray,             // every element matches `element`
  kString,            // max_chars > 0: at most that many characters (code points)
  kEnum,              // a string from `values`
  kInteger,           // integer in [imin, imax]
  kNumber,            // number >= dmin (> dmin if min_exclusive), <= dmax if has_max
  kHttpUrl,           // string: absolute http or https URL (core/text_rules.hpp)
  kScreenResolution,  // string: <width>x<height>, e.g. 1920x1080
};

struct Schema;
struct Field {
  const char* key;
  bool required;
  const Schema* schema;
};

struct Schema {
  Type type;
  bool nullable = false;      // JSON null is also accepted
  bool auto_allowed = false;  // the string "auto" is also accepted (J6)
  const Field* fields = nullptr;
  uint8_t n_fields = 0;
  const Schema* element = nullptr;
  const char* const* values = nullptr;
  uint8_t n_values = 0;
  uint32_t max_chars = 0;
  int64_t imin = 0, imax = 0;
  const char* nmin = "0";  // kNumber bounds: decimal literals, compared exactly
  const char* nmax = "0";
  bool min_exclusive = false, has_max = false;
};

const Schema& schema_for(Doc d);

// Exact comparison of two JSON number texts (optional '-', digits, optional fraction,
// optional exponent): -1, 0 or 1 as a <, =, > b, with no rounding whatever the number
// of digits or the exponent (1e-400 > 0; 1.000000000000000000000000000001 > 1). Text
// that is not a JSON number compares as 0 (callers pass well-formed numbers).
int compare_decimal(std::string_view a, std::string_view b);

// ---- violations ----------------------------------------------------------------------

enum class Reason : uint8_t {
  kNone,
  kMissing,    // a required key is absent
  kWrong,      // wrong type or value outside the allowed set/range
  kAboveMax,   // integer above imax (message says "at most")
  kTooLong,    // string longer than max_chars (got_count = its length in characters)
  kTooLarge,   // the whole document exceeds kMaxDocumentBytes (got_count = bytes)
  kNotJson,    // Boost path only: the text does not parse (got = parser message)
};

struct PathSeg {
  const char* key;  // nullptr: array element `index` (0-based, like jsonb's -> operator)
  uint32_t index;
};

inline constexpr int kMaxPath = 8;  // deeper than any schema
inline constexpr size_t kGotCap = 72;

// Plain data (no destructor): filled during the walk, formatted afterwards.
struct Violation {
  Reason reason = Reason::kNone;
  const Schema* expected = nullptr;
  PathSeg path[kMaxPath];
  int depth = 0;
  Kind got_kind = Kind::kNull;
  bool got_bool = false;
  char got[kGotCap];        // string bytes or number text (may be truncated)
  size_t got_len = 0;       // bytes in `got`
  bool got_truncated = false;
  uint64_t got_count = 0;   // kTooLong: characters; kTooLarge: bytes

  bool found() const { return reason != Reason::kNone; }
};

// "platform_details.viewport.width: expected a positive integer, got -5"
std::string format_detail(Doc d, const Violation& v);

// Appends the JSON string literal of the n bytes at p (quotes, backslashes and control
// characters escaped), then "..." when truncated (the bytes are a prefix of the value).
void append_quoted(std::string& out, const char* p, size_t n, bool truncated);
// The 23514 error for a violation: message names table and column, detail as above.
Error make_error(Doc d, const Violation& v);

// Number of characters (UTF-8 code points; stray continuation bytes are not counted).
size_t utf8_length(std::string_view s);
bool is_screen_resolution(std::string_view s);
bool is_http_url(std::string_view s);

// ---- the walker ----------------------------------------------------------------------

namespace detail {

inline void copy_got(Violation& out, std::string_view s) {
  size_t n = s.size();
  out.got_truncated = n > kGotCap;
  if (out.got_truncated) {
    n = kGotCap;
    // never cut a UTF-8 sequence: back up to the start of the last character
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  }
  for (size_t i = 0; i < n; ++i) out.got[i] = s[i];
  out.got_len = n;
}

template <class V>
void record_got(Violation& out, const V& v) {
  out.got_kind = v.kind();
  switch (out.got_kind) {
    case Kind::kBool:
      out.got_bool = v.boolean();
      break;
    case Kind::kString:
      copy_got(out, v.string());
      break;
    case Kind::kNumber: {
      size_t full = v.number_text(out.got, kGotCap);
      out.got_len = full < kGotCap ? full : kGotCap;
      out.got_truncated = full > kGotCap;
      break;
    }
    default:
      break;
  }
}

template <class V>
bool fail(Violation& out, Reason r, const Schema& s, const V& v) {
  out.reason = r;
  out.expected = &s;
  record_got(out, v);
  return false;
}

inline bool enum_contains(const Schema& s, std::string_view x) {
  for (uint8_t i = 0; i < s.n_values; ++i)
    if (x == s.values[i]) return true;
  return false;
}

// Returns true if v matches s; otherwise fills out and returns false. out.depth is the
// length of the path to v. Recursion depth is bounded by the schema's nesting.
template <class V>
bool check(const Schema& s, const V& v, Violation& out) {
  const Kind k = v.kind();
  if (k == Kind::kNull && s.nullable) return true;
  if (k == Kind::kString && s.auto_allowed && v.string() == "auto") return true;
  switch (s.type) {
    case Type::kObject: {
      if (k != Kind::kObject) return fail(out, Reason::kWrong, s, v);
      if (out.depth >= kMaxPath) return true;  // unreachable with the built-in schemas
      const int d = out.depth++;
      for (uint8_t i = 0; i < s.n_fields; ++i) {
        const Field& f = s.fields[i];
        out.path[d] = PathSeg{f.key, 0};
        V child;
        if (!v.member(f.key, &child)) {
          if (!f.required) continue;
          out.reason = Reason::kMissing;
          out.expected = f.schema;
          return false;
        }
        if (!check(*f.schema, child, out)) return false;
      }
      out.depth = d;
      return true;
    }
    case Type::kArray: {
      if (k != Kind::kArray) return fail(out, Reason::kWrong, s, v);
      if (out.depth >= kMaxPath) return true;
      const int d = out.depth++;
      const Schema& elem = *s.element;
      bool ok = v.elements([&](uint32_t i, const V& e) {
        out.path[d] = PathSeg{nullptr, i};
        return check(elem, e, out);
      });
      if (!ok) return false;
      out.depth = d;
      return true;
    }
    case Type::kString: {
      if (k != Kind::kString) return fail(out, Reason::kWrong, s, v);
      if (s.max_chars > 0) {
        std::string_view str = v.string();
        if (str.size() > s.max_chars) {  // cheap pre-test: chars <= bytes
          size_t n = utf8_length(str);
          if (n > s.max_chars) {
            fail(out, Reason::kTooLong, s, v);
            out.got_count = n;
            return false;
          }
        }
      }
      return true;
    }
    case Type::kEnum:
      if (k != Kind::kString || !enum_contains(s, v.string()))
        return fail(out, Reason::kWrong, s, v);
      return true;
    case Type::kHttpUrl:
      if (k != Kind::kString || !is_http_url(v.string())) return fail(out, Reason::kWrong, s, v);
      return true;
    case Type::kScreenResolution:
      if (k != Kind::kString || !is_screen_resolution(v.string()))
        return fail(out, Reason::kWrong, s, v);
      return true;
    case Type::kInteger: {
      if (k != Kind::kNumber) return fail(out, Reason::kWrong, s, v);
      int64_t x = 0;
      switch (v.integer(&x)) {
        case IntStatus::kOk:
          if (x < s.imin) return fail(out, Reason::kWrong, s, v);
          if (x > s.imax) return fail(out, Reason::kAboveMax, s, v);
          return true;
        case IntStatus::kTooLarge:
          return fail(out, Reason::kAboveMax, s, v);
        default:
          return fail(out, Reason::kWrong, s, v);
      }
    }
    case Type::kNumber: {
      if (k != Kind::kNumber) return fail(out, Reason::kWrong, s, v);
      const int lo = v.compare_number(s.nmin);
      const bool low = s.min_exclusive ? lo <= 0 : lo < 0;
      const bool high = s.has_max && v.compare_number(s.nmax) > 0;
      if (low || high) return fail(out, Reason::kWrong, s, v);
      return true;
    }
  }
  return true;
}

}  // namespace detail

// Checks a document; returns true if valid, else fills *out (first violation).
template <class V>
bool validate(Doc d, const V& root, Violation* out) {
  out->reason = Reason::kNone;
  out->depth = 0;
  return detail::check(schema_for(d), root, *out);
}

// Builds the kTooLarge violation for a document of `bytes` bytes.
Violation too_large(size_t bytes);

// ---- the Boost.JSON path ---------------------------------------------------------------

// Parses `text` with Boost.JSON (depth limited, memory bounded by the size limit) and
// validates it. Returns true if valid; else fills *out (kNotJson if it does not parse,
// kTooLarge if text.size() > kMaxDocumentBytes).
bool validate_text(Doc d, std::string_view text, Violation* out);

// Same, throwing make_error(d, …) on a violation.
void check_text(Doc d, std::string_view text);

}  // namespace hitlai::json
