// SPEC J1-J6: the SQL-callable validators and the CHECK-constraint functions.
//
// Production path: the stored binary jsonb is walked in place (JsonbView below): object
// keys are found by binary search (getKeyJsonValueFromContainer), arrays are read with a
// JsonbIterator that skips nested containers, numbers stay PostgreSQL numerics. Nothing
// is serialised or parsed. The alternative (jsonb -> text -> Boost.JSON parse ->
// same rules) is kept for the benchmark only (hitlai_json_bench below); see README
// "JSON validation" for the measurements that chose this path.
//
// The rules are pure C++ (src/core/json_rules.*). The walk keeps no C++ object with a
// destructor alive while it calls PostgreSQL (a failing palloc would longjmp), so no
// guarded() is needed inside it; the violation is formatted and thrown afterwards.
#include "pg/bridge.hpp"

extern "C" {
#include "access/detoast.h"
#include "catalog/pg_type_d.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"
}

#include <cstdlib>
#include <cstring>
#include <string_view>

#include "core/json_rules.hpp"
#include "core/json_text_list.hpp"

namespace {

using hitlai::json::Doc;
using hitlai::json::IntStatus;
using hitlai::json::Kind;
using hitlai::json::Violation;

// A jsonb value (scalar, or a container inside the stored document) as a view for
// hitlai::json::validate (concept in core/json_rules.hpp).
class JsonbView {
 public:
  JsonbView() = default;
  explicit JsonbView(const JsonbValue& v) : v_(v) {}

  Kind kind() const {
    switch (v_.type) {
      case jbvNull:
        return Kind::kNull;
      case jbvBool:
        return Kind::kBool;
      case jbvNumeric:
        return Kind::kNumber;
      case jbvString:
        return Kind::kString;
      case jbvBinary:
        return JsonContainerIsObject(v_.val.binary.data) ? Kind::kObject : Kind::kArray;
      case jbvArray:
        return Kind::kArray;
      case jbvObject:
        return Kind::kObject;
      default:
        return Kind::kNull;  // jbvDatetime does not occur in stored jsonb
    }
  }
  bool boolean() const { return v_.val.boolean; }
  std::string_view string() const {
    return std::string_view(v_.val.string.val, static_cast<size_t>(v_.val.string.len));
  }
  bool member(std::string_view key, JsonbView* out) const {
    return getKeyJsonValueFromContainer(v_.val.binary.data, key.data(),
                                        static_cast<int>(key.size()), &out->v_) != nullptr;
  }
  template <class F>
  bool elements(F&& f) const {
    JsonbIterator* it = JsonbIteratorInit(v_.val.binary.data);
    JsonbValue e;
    JsonbIteratorToken tok;
    uint32_t i = 0;
    // skipNested: nested containers come back as one jbvBinary element each
    while ((tok = JsonbIteratorNext(&it, &e, true)) != WJB_DONE) {
      if (tok != WJB_ELEM) continue;
      if (!f(i++, JsonbView(e))) return false;  // the iterator is freed with the context
    }
    return true;
  }
  IntStatus integer(int64_t* out) const {
    Numeric n = v_.val.numeric;
    if (numeric_is_nan(n) || numeric_is_inf(n)) return IntStatus::kNotIntegral;
    if (DatumGetInt32(DirectFunctionCall1(numeric_min_scale, NumericGetDatum(n))) > 0)
      return IntStatus::kNotIntegral;
    bool overflow = false;
    int32 x = numeric_int4_opt_error(n, &overflow);
    if (overflow) return text()[0] == '-' ? IntStatus::kTooSmall : IntStatus::kTooLarge;
    *out = x;
    return IntStatus::kOk;
  }
  // Exact: numeric comparison with the bound (a decimal literal of the schema).
  int compare_number(const char* bound) const {
    Datum b = DirectFunctionCall3(numeric_in, CStringGetDatum(bound), ObjectIdGetDatum(InvalidOid),
                                  Int32GetDatum(-1));
    return DatumGetInt32(
        DirectFunctionCall2(numeric_cmp, NumericGetDatum(v_.val.numeric), b));
  }
  size_t number_text(char* buf, size_t cap) const {
    const char* s = text();
    size_t n = std::strlen(s);
    std::memcpy(buf, s, n < cap ? n : cap);
    return n;
  }

 private:
  const char* text() const {
    return DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(v_.val.numeric)));
  }
  JsonbValue v_;
};

// Size of the document as stored (uncompressed jsonb bytes), read without detoasting.
size_t stored_size(Datum d) {
  return static_cast<size_t>(toast_raw_datum_size(d)) - VARHDRSZ;
}

// The production check: size limit, then the walk of the binary jsonb.
bool validate_jsonb(Doc doc, Datum d, Violation* v) {
  size_t size = stored_size(d);
  if (size > hitlai::json::kMaxDocumentBytes) {
    *v = hitlai::json::too_large(size);
    return false;
  }
  Jsonb* jb = DatumGetJsonbP(d);
  JsonbValue root;
  if (JB_ROOT_IS_SCALAR(jb)) {
    JsonbExtractScalar(&jb->root, &root);
  } else {
    root.type = jbvBinary;
    root.val.binary.data = &jb->root;
    root.val.binary.len = static_cast<int>(VARSIZE(jb) - VARHDRSZ);
  }
  return hitlai::json::validate(doc, JsonbView(root), v);
}

void check_jsonb(Doc doc, Datum d) {
  Violation v;
  if (!validate_jsonb(doc, d, &v)) throw hitlai::json::make_error(doc, v);
}

}  // namespace

// hitlai.validate_<doc>(jsonb) RETURNS jsonb: the document, or 23514.
// hitlai.check_<doc>(jsonb) RETURNS boolean: true, or 23514 (for CHECK constraints).
#define HITLAI_JSON_VALIDATORS(name, doc)                   \
  HITLAI_FUNCTION(hitlai_validate_##name) {                 \
    check_jsonb(doc, PG_GETARG_DATUM(0));                   \
    PG_RETURN_DATUM(PG_GETARG_DATUM(0));                    \
  }                                                         \
  HITLAI_FUNCTION(hitlai_check_##name) {                    \
    check_jsonb(doc, PG_GETARG_DATUM(0));                   \
    PG_RETURN_BOOL(true);                                   \
  }

HITLAI_JSON_VALIDATORS(platform_details, Doc::kPlatformDetails)  // J1
HITLAI_JSON_VALIDATORS(issue_metadata, Doc::kIssueMetadata)      // J2
HITLAI_JSON_VALIDATORS(training_input, Doc::kTrainingInput)      // J4
HITLAI_JSON_VALIDATORS(training_output, Doc::kTrainingOutput)    // J5
HITLAI_JSON_VALIDATORS(hyperparameters, Doc::kHyperparameters)   // J6

// hitlai.check_text_list(list text[], tbl text, col text) RETURNS boolean (J3): true, or
// 23514 naming the 1-based position of the first bad element.
HITLAI_FUNCTION(hitlai_check_text_list) {
  ArrayType* a = PG_GETARG_ARRAYTYPE_P(0);
  std::string_view table = hitlai::pg::text_view(PG_GETARG_TEXT_PP(1));
  std::string_view column = hitlai::pg::text_view(PG_GETARG_TEXT_PP(2));
  if (ARR_NDIM(a) > 1) {
    std::string msg = "invalid value in column \"";
    msg.append(column);
    msg += "\" of relation \"";
    msg.append(table);
    msg += '"';
    std::string detail(column);
    detail += ": expected a one-dimensional array, got " + std::to_string(ARR_NDIM(a)) +
              " dimensions";
    throw hitlai::Error(hitlai::sqlstate::kCheckViolation, msg, detail);
  }
  if (ARR_ELEMTYPE(a) != TEXTOID)
    throw hitlai::Error(hitlai::sqlstate::kInvalidParameter, "check_text_list: expected text[]");
  Datum* elems = nullptr;
  bool* nulls = nullptr;
  int n = 0;
  deconstruct_array(a, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
  auto* items =
      static_cast<hitlai::json::TextItem*>(palloc(sizeof(hitlai::json::TextItem) * (n + 1)));
  for (int i = 0; i < n; ++i) {
    if (nulls[i]) {
      items[i] = {nullptr, 0, true};
    } else {
      // elements of an array are never compressed or toasted on their own
      const text* t = reinterpret_cast<const text*>(DatumGetPointer(elems[i]));
      items[i] = {VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), false};
    }
  }
  // pure C++ from here on: no PostgreSQL call while its objects are alive
  hitlai::json::check_text_list(table, column, items, static_cast<size_t>(n));
  PG_RETURN_BOOL(true);
}

// Benchmark-only entry point, bound by bench scripts as superuser with
//   CREATE FUNCTION pg_temp.json_bench(jsonb, int4, text) RETURNS bool
//     LANGUAGE c STRICT AS 'hitlai', 'hitlai_json_bench';
// doc: 0..4 (hitlai::json::Doc); via: 'jsonb' (production walk), 'boost' (jsonb -> text ->
// Boost.JSON parse -> same rules), 'none' (detoast only). Returns whether it is valid.
HITLAI_FUNCTION(hitlai_json_bench) {
  int32 doc_no = PG_GETARG_INT32(1);
  if (doc_no < 0 || doc_no >= hitlai::json::kDocCount)
    throw hitlai::Error(hitlai::sqlstate::kInvalidParameter, "json_bench: doc must be 0..4");
  Doc doc = static_cast<Doc>(doc_no);
  std::string_view via = hitlai::pg::text_view(PG_GETARG_TEXT_PP(2));
  Datum d = PG_GETARG_DATUM(0);
  Violation v;
  if (via == "jsonb") PG_RETURN_BOOL(validate_jsonb(doc, d, &v));
  if (via == "none") {
    Jsonb* jb = DatumGetJsonbP(d);
    PG_RETURN_BOOL(VARSIZE(jb) > 0);
  }
  if (via == "boost") {
    Jsonb* jb = DatumGetJsonbP(d);
    char* txt = JsonbToCString(nullptr, &jb->root, static_cast<int>(VARSIZE(jb)));
    PG_RETURN_BOOL(hitlai::json::validate_text(doc, txt, &v));
  }
  throw hitlai::Error(hitlai::sqlstate::kInvalidParameter,
                      "json_bench: via must be jsonb, boost or none");
}
