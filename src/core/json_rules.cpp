// The schemas of SPEC J1, J2, J4, J5, J6, the DETAIL text of a violation, and the
// Boost.JSON view (see json_rules.hpp).
#include "core/json_rules.hpp"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <charconv>
#include <cmath>
#include <cstring>

#include "core/text_rules.hpp"

namespace hitlai::json {

void append_quoted(std::string& out, const char* p, size_t n, bool truncated) {
  static const char kHex[] = "0123456789abcdef";
  out += '"';
  for (size_t i = 0; i < n; ++i) {
    unsigned char c = static_cast<unsigned char>(p[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      out += "\\u00";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  out += '"';
  if (truncated) out += "...";
}

namespace {

// ---- schemas (keys in the order SPEC §J lists them: the order of checking) -----------

constexpr Schema kAnyString{Type::kString};

constexpr Schema string_max(uint32_t n) {
  Schema s{Type::kString};
  s.max_chars = n;
  return s;
}
template <size_t N>
constexpr Schema enum_of(const char* const (&values)[N]) {
  Schema s{Type::kEnum};
  s.values = values;
  s.n_values = static_cast<uint8_t>(N);
  return s;
}
template <size_t N>
constexpr Schema object_of(const Field (&fields)[N]) {
  Schema s{Type::kObject};
  s.fields = fields;
  s.n_fields = static_cast<uint8_t>(N);
  return s;
}
constexpr Schema array_of(const Schema& element) {
  Schema s{Type::kArray};
  s.element = &element;
  return s;
}
constexpr Schema integer(int64_t lo, int64_t hi, bool auto_allowed = false) {
  Schema s{Type::kInteger};
  s.imin = lo;
  s.imax = hi;
  s.auto_allowed = auto_allowed;
  return s;
}

// J1 test_runs.platform_details
constexpr const char* kPlatformTypes[] = {"web", "mobile", "console", "vr"};
constexpr const char* kBrowsers[] = {"chrome", "firefox", "safari", "edge"};
constexpr const char* kDevices[] = {"desktop", "mobile", "tablet"};
constexpr const char* kOses[] = {"windows", "macos", "linux", "ios", "android"};
constexpr Schema kPlatformType = enum_of(kPlatformTypes);
constexpr Schema kBrowser = enum_of(kBrowsers);
constexpr Schema kDevice = enum_of(kDevices);
constexpr Schema kOs = enum_of(kOses);
constexpr Schema kViewportSide = integer(1, 100000);
constexpr Field kViewportFields[] = {{"width", true, &kViewportSide},
                                     {"height", true, &kViewportSide}};
constexpr Schema kViewport = object_of(kViewportFields);
constexpr Schema kVersion = string_max(64);
constexpr Field kPlatformFields[] = {
    {"type", true, &kPlatformType}, {"browser", false, &kBrowser},
    {"device", false, &kDevice},    {"viewport", false, &kViewport},
    {"os", false, &kOs},            {"version", false, &kVersion},
};
constexpr Schema kPlatformDetails = object_of(kPlatformFields);

// J2 issues.metadata
constexpr Schema kStrings = array_of(kAnyString);
constexpr const char* kMethods[] = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"};
constexpr Schema kMethod = enum_of(kMethods);
constexpr Schema kHttpStatus = integer(100, 599);
constexpr Field kRequestFields[] = {{"url", true, &kAnyString},
                                    {"status", false, &kHttpStatus},
                                    {"method", false, &kMethod}};
constexpr Schema kRequest = object_of(kRequestFields);
constexpr Schema kRequests = array_of(kRequest);
constexpr Schema kResolution{Type::kScreenResolution};
constexpr Field kDeviceInfoFields[] = {{"user_agent", false, &kAnyString},
                                       {"screen_resolution", false, &kResolution}};
constexpr Schema kDeviceInfo = object_of(kDeviceInfoFields);
constexpr Field kMetadataFields[] = {
    {"reproduction_steps", false, &kStrings},     {"expected_behavior", false, &kAnyString},
    {"actual_behavior", false, &kAnyString},      {"browser_console_errors", false, &kStrings},
    {"network_requests", false, &kRequests},      {"device_info", false, &kDeviceInfo},
};
constexpr Schema kIssueMetadata = object_of(kMetadataFields);

// J4 training_data.input_data (T2: {"url", "mission", "persona", "platform"})
constexpr Schema kUrl{Type::kHttpUrl};
constexpr Schema nullable(Schema s) {
  s.nullable = true;
  return s;
}
constexpr Schema kNullableString = nullable(kAnyString);
constexpr Field kInputFields[] = {{"url", true, &kUrl},
                                  {"mission", true, &kAnyString},
                                  {"persona", false, &kNullableString},
                                  {"platform", true, &kPlatformType}};
constexpr Schema kTrainingInput = object_of(kInputFields);

// J5 training_data.output_data (T2)
constexpr Schema number_range(const char* lo, const char* hi) {
  Schema s{Type::kNumber};
  s.nmin = lo;
  s.nmax = hi;
  s.has_max = true;
  return s;
}
constexpr Schema kSentiment = nullable(number_range("0", "1"));
constexpr const char* kSeverities[] = {"low", "medium", "high", "critical"};
constexpr Schema kSeverity = enum_of(kSeverities);
constexpr Field kOutputIssueFields[] = {{"title", true, &kAnyString},
                                        {"severity", true, &kSeverity}};
constexpr Schema kOutputIssue = object_of(kOutputIssueFields);
constexpr Schema kOutputIssues = array_of(kOutputIssue);
constexpr Field kOutputFields[] = {{"sentiment_score", false, &kSentiment},
                                   {"issues", true, &kOutputIssues},
                                   {"recommendations", true, &kStrings},
                                   {"positives", true, &kStrings}};
constexpr Schema kTrainingOutput = object_of(kOutputFields);

// J6 fine_tuning_jobs.hyperparameters
constexpr Schema kEpochs = integer(1, 50, true);
constexpr Schema kBatch = integer(1, 256, true);
constexpr Schema positive_number_or_auto() {
  Schema s{Type::kNumber};
  s.min_exclusive = true;
  s.auto_allowed = true;
  return s;
}
constexpr Schema kLrMultiplier = positive_number_or_auto();
constexpr Field kHyperFields[] = {{"n_epochs", false, &kEpochs},
                                  {"batch_size", false, &kBatch},
                                  {"learning_rate_multiplier", false, &kLrMultiplier}};
constexpr Schema kHyperparameters = object_of(kHyperFields);

constexpr DocInfo kDocInfo[kDocCount] = {
    {"test_runs", "platform_details"}, {"issues", "metadata"},
    {"training_data", "input_data"},   {"training_data", "output_data"},
    {"fine_tuning_jobs", "hyperparameters"},
};
constexpr const Schema* kSchemas[kDocCount] = {&kPlatformDetails, &kIssueMetadata,
                                               &kTrainingInput, &kTrainingOutput,
                                               &kHyperparameters};

// ---- message text ----------------------------------------------------------------------

void append_int(std::string& out, int64_t x) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, x);
  out.append(buf, r.ptr);
}

// What the schema wants, e.g. "a positive integer", "one of web, mobile, console, vr".
void append_expected(std::string& out, const Schema& s, Reason r) {
  switch (s.type) {
    case Type::kObject:
      out += "an object";
      break;
    case Type::kArray:
      out += "an array";
      break;
    case Type::kString:
      out += "a string";
      if (s.max_chars > 0) {
        out += " of at most ";
        append_int(out, s.max_chars);
        out += " characters";
      }
      break;
    case Type::kEnum:
      out += "one of ";
      for (uint8_t i = 0; i < s.n_values; ++i) {
        if (i) out += ", ";
        out += s.values[i];
      }
      break;
    case Type::kHttpUrl:
      out += "an absolute http or https URL";
      break;
    case Type::kScreenResolution:
      out += "a screen resolution like 1920x1080";
      break;
    case Type::kInteger:
      if (r == Reason::kAboveMax) {
        out += "an integer of at most ";
        append_int(out, s.imax);
      } else if (s.imin == 1) {
        out += "a positive integer";
      } else {
        out += "an integer between ";
        append_int(out, s.imin);
        out += " and ";
        append_int(out, s.imax);
      }
      break;
    case Type::kNumber:
      if (s.has_max) {
        out += "a number between ";
        out += s.nmin;
        out += " and ";
        out += s.nmax;
      } else {
        out += s.min_exclusive ? "a number greater than " : "a number of at least ";
        out += s.nmin;
      }
      break;
  }
  if (s.auto_allowed) out += " or \"auto\"";
  if (s.nullable) out += " or null";
}

void append_got(std::string& out, const Violation& v) {
  switch (v.got_kind) {
    case Kind::kNull:
      out += "null";
      break;
    case Kind::kBool:
      out += v.got_bool ? "true" : "false";
      break;
    case Kind::kNumber:
      out.append(v.got, v.got_len);
      if (v.got_truncated) out += "...";
      break;
    case Kind::kString:
      append_quoted(out, v.got, v.got_len, v.got_truncated);
      break;
    case Kind::kArray:
      out += "an array";
      break;
    case Kind::kObject:
      out += "an object";
      break;
  }
}

// ---- Boost.JSON view -------------------------------------------------------------------

class BoostView {
 public:
  BoostView() = default;
  explicit BoostView(const boost::json::value* v) : v_(v) {}

  Kind kind() const {
    switch (v_->kind()) {
      case boost::json::kind::null:
        return Kind::kNull;
      case boost::json::kind::bool_:
        return Kind::kBool;
      case boost::json::kind::int64:
      case boost::json::kind::uint64:
      case boost::json::kind::double_:
        return Kind::kNumber;
      case boost::json::kind::string:
        return Kind::kString;
      case boost::json::kind::array:
        return Kind::kArray;
      case boost::json::kind::object:
        return Kind::kObject;
    }
    return Kind::kNull;
  }
  bool boolean() const { return v_->get_bool(); }
  std::string_view string() const {
    const boost::json::string& s = v_->get_string();
    return std::string_view(s.data(), s.size());
  }
  bool member(std::string_view key, BoostView* out) const {
    const boost::json::value* c = v_->get_object().if_contains(key);
    if (!c) return false;
    out->v_ = c;
    return true;
  }
  template <class F>
  bool elements(F&& f) const {
    uint32_t i = 0;
    for (const boost::json::value& e : v_->get_array())
      if (!f(i++, BoostView(&e))) return false;
    return true;
  }
  IntStatus integer(int64_t* out) const {
    switch (v_->kind()) {
      case boost::json::kind::int64:
        *out = v_->get_int64();
        return IntStatus::kOk;
      case boost::json::kind::uint64:
        if (v_->get_uint64() > static_cast<uint64_t>(INT64_MAX)) return IntStatus::kTooLarge;
        *out = static_cast<int64_t>(v_->get_uint64());
        return IntStatus::kOk;
      default: {
        double d = v_->get_double();
        if (std::isnan(d) || std::trunc(d) != d) return IntStatus::kNotIntegral;
        if (d >= 9.2e18) return IntStatus::kTooLarge;
        if (d <= -9.2e18) return IntStatus::kTooSmall;
        *out = static_cast<int64_t>(d);
        return IntStatus::kOk;
      }
    }
  }
  int compare_number(const char* bound) const {
    char buf[40];
    const size_t n = number_text(buf, sizeof buf);
    return compare_decimal(std::string_view(buf, n < sizeof buf ? n : sizeof buf), bound);
  }
  size_t number_text(char* buf, size_t cap) const {
    char tmp[40];
    std::to_chars_result r;
    switch (v_->kind()) {
      case boost::json::kind::int64:
        r = std::to_chars(tmp, tmp + sizeof tmp, v_->get_int64());
        break;
      case boost::json::kind::uint64:
        r = std::to_chars(tmp, tmp + sizeof tmp, v_->get_uint64());
        break;
      default:
        r = std::to_chars(tmp, tmp + sizeof tmp, v_->get_double());
        break;
    }
    size_t n = static_cast<size_t>(r.ptr - tmp);
    std::memcpy(buf, tmp, n < cap ? n : cap);
    return n;
  }

 private:
  const boost::json::value* v_ = nullptr;
};

// Nesting deeper than this fails to parse on the Boost path (its parser recurses).
constexpr size_t kBoostMaxDepth = 512;

}  // namespace

const DocInfo& doc_info(Doc d) { return kDocInfo[static_cast<int>(d)]; }
const Schema& schema_for(Doc d) { return *kSchemas[static_cast<int>(d)]; }

namespace {

// A JSON number text as sign, significant digits (no leading/trailing zeros) and the
// decimal exponent of its first digit: value = sign * 0.d1d2d3... * 10^exp.
struct Decimal {
  bool ok = false, negative = false;
  std::string_view int_part, frac_part;
  int64_t exp10 = 0;
};

Decimal parse_decimal(std::string_view t) {
  Decimal d;
  size_t i = 0;
  if (i < t.size() && t[i] == '-') {
    d.negative = true;
    ++i;
  }
  size_t b = i;
  while (i < t.size() && t[i] >= '0' && t[i] <= '9') ++i;
  if (i == b) return d;
  d.int_part = t.substr(b, i - b);
  if (i < t.size() && t[i] == '.') {
    b = ++i;
    while (i < t.size() && t[i] >= '0' && t[i] <= '9') ++i;
    d.frac_part = t.substr(b, i - b);
  }
  if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    bool eneg = false;
    if (i < t.size() && (t[i] == '+' || t[i] == '-')) eneg = t[i++] == '-';
    b = i;
    int64_t e = 0;
    while (i < t.size() && t[i] >= '0' && t[i] <= '9') {
      if (e < (int64_t{1} << 40)) e = e * 10 + (t[i] - '0');  // saturates far beyond any digit count
      ++i;
    }
    if (i == b) return d;
    d.exp10 = eneg ? -e : e;
  }
  d.ok = i == t.size();
  return d;
}

// The digit at position k (0 = first significant digit) of int_part ++ frac_part with
// leading zeros skipped; '0' past the end.
struct Digits {
  std::string_view a, b;  // int_part, frac_part
  size_t skip = 0;        // leading zeros skipped
  size_t size() const { return a.size() + b.size() - skip; }
  char at(size_t k) const {
    k += skip;
    if (k < a.size()) return a[k];
    k -= a.size();
    return k < b.size() ? b[k] : '0';
  }
};

// Compares |x| and |y| (both non-zero): exponents of the first significant digit, then
// the digits.
int compare_magnitude(const Digits& x, int64_t ex, const Digits& y, int64_t ey) {
  if (ex != ey) return ex < ey ? -1 : 1;
  const size_t n = x.size() > y.size() ? x.size() : y.size();
  for (size_t k = 0; k < n; ++k) {
    const char cx = x.at(k), cy = y.at(k);
    if (cx != cy) return cx < cy ? -1 : 1;
  }
  return 0;
}

}  // namespace

int compare_decimal(std::string_view a, std::string_view b) {
  const Decimal x = parse_decimal(a), y = parse_decimal(b);
  if (!x.ok || !y.ok) return 0;
  auto digits = [](const Decimal& d, int64_t* first_exp) {
    Digits g{d.int_part, d.frac_part, 0};
    const size_t total = d.int_part.size() + d.frac_part.size();
    while (g.skip < total && g.at(0) == '0') ++g.skip;
    // value = 0.<digits from skip> * 10^(int_part.size() - skip + exp10)
    *first_exp = static_cast<int64_t>(d.int_part.size()) - static_cast<int64_t>(g.skip) + d.exp10;
    return g;
  };
  int64_t ex = 0, ey = 0;
  const Digits gx = digits(x, &ex), gy = digits(y, &ey);
  // trailing zeros don't matter for the comparison below (at() pads with '0')
  const bool zx = gx.size() == 0, zy = gy.size() == 0;
  if (zx && zy) return 0;
  const int sx = zx ? 0 : (x.negative ? -1 : 1), sy = zy ? 0 : (y.negative ? -1 : 1);
  if (sx != sy) return sx < sy ? -1 : 1;
  const int m = compare_magnitude(gx, ex, gy, ey);
  return sx > 0 ? m : -m;
}

size_t utf8_length(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

bool is_screen_resolution(std::string_view s) {
  // [1-9][0-9]{0,5} "x" [1-9][0-9]{0,5}
  size_t x = s.find('x');
  if (x == std::string_view::npos) return false;
  auto side = [](std::string_view p) {
    if (p.empty() || p.size() > 6 || p[0] < '1' || p[0] > '9') return false;
    for (char c : p)
      if (c < '0' || c > '9') return false;
    return true;
  };
  return side(s.substr(0, x)) && side(s.substr(x + 1));
}

bool is_http_url(std::string_view s) { return is_valid_url(s, UrlRule::kHttpOrHttps); }

Violation too_large(size_t bytes) {
  Violation v;
  v.reason = Reason::kTooLarge;
  v.depth = 0;
  v.got_count = bytes;
  return v;
}

std::string format_detail(Doc d, const Violation& v) {
  std::string out = doc_info(d).column;
  for (int i = 0; i < v.depth && i < kMaxPath; ++i) {
    if (v.path[i].key) {
      out += '.';
      out += v.path[i].key;
    } else {
      out += '[';
      append_int(out, v.path[i].index);
      out += ']';
    }
  }
  out += ": ";
  switch (v.reason) {
    case Reason::kNone:
      out += "valid";
      break;
    case Reason::kMissing:
      out += "required key is missing";
      break;
    case Reason::kTooLarge:
      out += "document of ";
      append_int(out, static_cast<int64_t>(v.got_count));
      out += " bytes exceeds the limit of ";
      append_int(out, static_cast<int64_t>(kMaxDocumentBytes));
      out += " bytes";
      break;
    case Reason::kNotJson:
      out += "not valid JSON (";
      out.append(v.got, v.got_len);
      out += ')';
      break;
    case Reason::kTooLong:
      out += "expected ";
      append_expected(out, *v.expected, v.reason);
      out += ", got a string of ";
      append_int(out, static_cast<int64_t>(v.got_count));
      out += " characters";
      break;
    case Reason::kWrong:
    case Reason::kAboveMax:
      out += "expected ";
      append_expected(out, *v.expected, v.reason);
      out += ", got ";
      append_got(out, v);
      break;
  }
  return out;
}

Error make_error(Doc d, const Violation& v) {
  const DocInfo& info = doc_info(d);
  std::string msg = "invalid JSON document in column \"";
  msg += info.column;
  msg += "\" of relation \"";
  msg += info.table;
  msg += '"';
  return Error(sqlstate::kCheckViolation, std::move(msg), format_detail(d, v));
}

bool validate_text(Doc d, std::string_view text, Violation* out) {
  if (text.size() > kMaxDocumentBytes) {
    *out = too_large(text.size());
    return false;
  }
  // Memory: a small buffer on the stack, then blocks from the heap, all released at once;
  // bounded by a constant factor of the (bounded) text size.
  unsigned char buf[4096];
  boost::json::monotonic_resource mr(buf, sizeof buf);
  boost::json::parse_options opt;
  opt.max_depth = kBoostMaxDepth;
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(
      boost::json::string_view(text.data(), text.size()), ec, &mr, opt);
  if (ec) {
    out->reason = Reason::kNotJson;
    out->depth = 0;
    std::string m = ec.message();
    detail::copy_got(*out, m);
    return false;
  }
  return validate(d, BoostView(&v), out);
}

void check_text(Doc d, std::string_view text) {
  Violation v;
  if (!validate_text(d, text, &v)) throw make_error(d, v);
}

}  // namespace hitlai::json
