// F1/F2: the fine-tuning export and jobs.
//
//   hitlai.training_examples(model_type, split, validation_percent, include_used)
//   hitlai.job_training_examples(job_id, split)
//   hitlai.create_fine_tuning_job(model_type, hyperparameters, validation_percent)
//   hitlai.training_doc_digest(input_data, output_data)   (duplicate detection key)
//
// The export reads training_data through an SPI cursor in batches of kBatch rows, builds
// each line with the jsonb API (a JsonbValue tree turned into jsonb; the content strings
// are written by a compact serializer that walks the stored jsonb in place), and puts it
// into the function's tuplestore (materialize mode), which spills to disk beyond
// work_mem: memory stays bounded whatever the number of rows (a FROM-clause function
// scan materializes its rows into a tuplestore in any case). Per row, everything is
// allocated in a memory context reset for the next row.
//
// Duplicates (F1) in one pass of bounded memory: the rows of the duplicate scope (rating
// >= 4, the model type; used or not) are read in (created_at, id) order from an index,
// and a hash of each row's documents (filter_key) goes into a Bloom filter "seen" (sized
// by work_mem, whatever the number of rows). A row to be exported whose key "seen" may
// already hold is checked exactly by one probe of the index on the document digest
// (doc_digest: is there an older row with equal documents?); any other row has no older
// twin, since every older row of the scope was read before it. Rows already used for
// training are read for their key only, unless include_used. Every query of one call
// runs under one snapshot.
//
// Rules that need no PostgreSQL (split hash, argument checks, escaping, system prompt)
// are in src/core/training_export.*.
#include "pg/bridge.hpp"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wregister"
extern "C" {
#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "tcop/dest.h"
#include "tcop/pquery.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/snapmgr.h"
#include "utils/tuplestore.h"
#include "utils/uuid.h"
}
#pragma GCC diagnostic pop

#include <boost/json.hpp>

#include <cstring>
#include <new>
#include <optional>
#include <string>
#include <string_view>

#include "core/digest_filter.hpp"
#include "core/error.hpp"
#include "core/training_export.hpp"
#include "core/training_line.hpp"

namespace {

namespace tr = hitlai::training;
using hitlai::pg::guarded;

constexpr long kBatch = 1000;

// ---------------------------------------------------------------- compact JSON text

// An output buffer that grows by doubling beyond 1 GB if it must (repalloc_huge), in the
// memory context of its first allocation; the writers below inline its appends.
struct Out {
  char* data;
  Size len;
  Size cap;
};

void out_init(Out& o, Size cap) {
  o.data = static_cast<char*>(palloc(cap));
  o.len = 0;
  o.cap = cap;
}

inline char* out_reserve(Out& o, Size n) {
  if (o.len + n > o.cap) {
    Size cap = o.cap;
    while (o.len + n > cap) cap *= 2;
    o.data = static_cast<char*>(repalloc_huge(o.data, cap));
    o.cap = cap;
  }
  return o.data + o.len;
}

inline void out_put(Out& o, const char* s, Size n) {
  memcpy(out_reserve(o, n), s, n);
  o.len += n;
}

inline void out_put(Out& o, std::string_view s) { out_put(o, s.data(), s.size()); }

inline void out_char(Out& o, char c) {
  *out_reserve(o, 1) = c;
  o.len += 1;
}

void append_escaped(Out& o, const char* s, int len) {
  char* end = tr::escape_json_string(std::string_view(s, len), out_reserve(o, tr::json_escape_bound(len)));
  o.len = static_cast<Size>(end - o.data);
}

// The string's contents escaped twice, between escaped quotes (\"…\"): the string as it
// reads inside the escaped compact text of a document (training_line.hpp, escape_twice).
void append_escaped_twice(Out& o, const char* s, int len) {
  char* out = out_reserve(o, tr::escape_twice_bound(len) + 4);
  *out++ = '\\';
  *out++ = '"';
  out = tr::escape_twice(std::string_view(s, len), out);
  *out++ = '\\';
  *out++ = '"';
  o.len = static_cast<Size>(out - o.data);
}

template <bool kEscaped>
void append_string(Out& o, const char* s, int len) {
  if (kEscaped) append_escaped_twice(o, s, len);
  else append_escaped(o, s, len);
}

template <bool kEscaped>
void append_scalar(Out& o, const JsonbValue& v) {
  switch (v.type) {
    case jbvNull: out_put(o, "null", 4); break;
    case jbvBool:
      if (v.val.boolean) out_put(o, "true", 4);
      else out_put(o, "false", 5);
      break;
    case jbvString: append_string<kEscaped>(o, v.val.string.val, v.val.string.len); break;
    case jbvNumeric: {
      char* n = DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(v.val.numeric)));
      out_put(o, n, strlen(n));
      pfree(n);
      break;
    }
    default: elog(ERROR, "hitlai: unexpected jsonb scalar type %d", static_cast<int>(v.type));
  }
}

// The document as compact JSON text (no spaces; keys in jsonb's stored order; strings
// escaped as jsonb's own output escapes them), appended to buf. Walks the binary jsonb
// in place: no text round trip. kEscaped: that text escaped once more as the contents of
// a JSON string (without the outer quotes), in the same walk: numbers, literals and
// structure need no escaping, so only the strings differ (append_escaped_twice).
template <bool kEscaped>
void append_compact(Out& buf, Jsonb* jb) {
  JsonbIterator* it = JsonbIteratorInit(&jb->root);
  JsonbValue v;
  JsonbIteratorToken tok;
  bool need_comma = false;
  bool raw_scalar = false;
  while ((tok = JsonbIteratorNext(&it, &v, false)) != WJB_DONE) {
    switch (tok) {
      case WJB_BEGIN_ARRAY:
        if (v.val.array.rawScalar) {
          raw_scalar = true;
          break;
        }
        if (need_comma) out_char(buf, ',');
        out_char(buf, '[');
        need_comma = false;
        break;
      case WJB_BEGIN_OBJECT:
        if (need_comma) out_char(buf, ',');
        out_char(buf, '{');
        need_comma = false;
        break;
      case WJB_KEY:
        if (need_comma) out_char(buf, ',');
        append_string<kEscaped>(buf, v.val.string.val, v.val.string.len);
        out_char(buf, ':');
        need_comma = false;
        break;
      case WJB_VALUE:
        append_scalar<kEscaped>(buf, v);
        need_comma = true;
        break;
      case WJB_ELEM:
        if (need_comma) out_char(buf, ',');
        append_scalar<kEscaped>(buf, v);
        need_comma = true;
        break;
      case WJB_END_ARRAY:
        if (!raw_scalar) out_char(buf, ']');
        need_comma = true;
        break;
      case WJB_END_OBJECT:
        out_char(buf, '}');
        need_comma = true;
        break;
      default: break;
    }
  }
}

// A line (or a content string) must fit in one text or jsonb value (1 GB). Documents
// that pass J4/J5 (at most 1 MiB each) give lines of a few MB; this guards the rest.
void line_fits(Size n) {
  if (n > MaxAllocSize - VARHDRSZ)
    ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                    errmsg("a training line of %zu bytes exceeds the size limit of a value", n)));
}

// ---------------------------------------------------------------- one line (jsonb API)

void push_string(JsonbParseState** st, JsonbIteratorToken tok, const char* s, int len) {
  JsonbValue v;
  v.type = jbvString;
  v.val.string.val = const_cast<char*>(s);
  v.val.string.len = len;
  pushJsonbValue(st, tok, &v);
}

void push_message(JsonbParseState** st, const char* role, const char* content, int len) {
  pushJsonbValue(st, WJB_BEGIN_OBJECT, nullptr);
  push_string(st, WJB_KEY, "role", 4);
  push_string(st, WJB_VALUE, role, static_cast<int>(strlen(role)));
  push_string(st, WJB_KEY, "content", 7);
  push_string(st, WJB_VALUE, content, len);
  pushJsonbValue(st, WJB_END_OBJECT, nullptr);
}

// {"messages": [system, user = compact(input), assistant = compact(output)]}
Jsonb* build_line(Jsonb* input, Jsonb* output, Out& in_text, Out& out_text) {
  in_text.len = out_text.len = 0;
  append_compact<false>(in_text, input);
  append_compact<false>(out_text, output);
  line_fits(in_text.len + out_text.len);
  JsonbParseState* st = nullptr;
  pushJsonbValue(&st, WJB_BEGIN_OBJECT, nullptr);
  push_string(&st, WJB_KEY, "messages", 8);
  pushJsonbValue(&st, WJB_BEGIN_ARRAY, nullptr);
  push_message(&st, "system", tr::kSystemPrompt.data(), static_cast<int>(tr::kSystemPrompt.size()));
  push_message(&st, "user", in_text.data, static_cast<int>(in_text.len));
  push_message(&st, "assistant", out_text.data, static_cast<int>(out_text.len));
  pushJsonbValue(&st, WJB_END_ARRAY, nullptr);
  JsonbValue* res = pushJsonbValue(&st, WJB_END_OBJECT, nullptr);
  return JsonbValueToJsonb(res);
}

// ---------------------------------------------------------------- queries

struct Plan {
  const char* sql;
  int nargs;
  Oid argtypes[6];
  SPIPlanPtr plan;
};

SPIPlanPtr prepared(Plan& p) {
  if (!p.plan) {
    SPIPlanPtr plan = SPI_prepare(p.sql, p.nargs, p.argtypes);
    if (!plan)
      elog(ERROR, "hitlai: SPI_prepare failed (%s): %s", SPI_result_code_string(SPI_result), p.sql);
    if (SPI_keepplan(plan) != 0) elog(ERROR, "hitlai: SPI_keepplan failed");
    p.plan = plan;
  }
  return p.plan;
}

// F1: the rows of the duplicate scope, oldest first (index
// training_data_export_order_idx). $1 model_type. Columns: id, test_run_id, input_data,
// output_data, created_at, used_for_training.
Plan kOrdered{
    "SELECT d.id, d.test_run_id, d.input_data, d.output_data, d.created_at, d.used_for_training"
    "  FROM ONLY hitlai.training_data d"
    " WHERE d.rating OPERATOR(pg_catalog.>=) 4::pg_catalog.int2"
    "   AND ($1::pg_catalog.text IS NULL OR d.model_type OPERATOR(pg_catalog.=) $1::pg_catalog.text)"
    " ORDER BY d.created_at, d.id",
    1, {TEXTOID}, nullptr};

// F1: is there an older row (same scope) with equal documents? One probe of the index
// training_data_doc_digest_idx. $1 digest, $2 created_at, $3 id, $4 model_type,
// $5 input_data, $6 output_data.
Plan kOlderTwin{
    "SELECT 1 FROM ONLY hitlai.training_data o"
    " WHERE hitlai.training_doc_digest(o.input_data, o.output_data) OPERATOR(pg_catalog.=) $1::pg_catalog.int8"
    "   AND (o.created_at, o.id) OPERATOR(pg_catalog.<) ($2::pg_catalog.timestamptz, $3::pg_catalog.uuid)"
    "   AND o.rating OPERATOR(pg_catalog.>=) 4::pg_catalog.int2"
    "   AND ($4::pg_catalog.text IS NULL OR o.model_type OPERATOR(pg_catalog.=) $4::pg_catalog.text)"
    "   AND o.input_data OPERATOR(pg_catalog.=) $5::pg_catalog.jsonb"
    "   AND o.output_data OPERATOR(pg_catalog.=) $6::pg_catalog.jsonb LIMIT 1",
    6, {INT8OID, TIMESTAMPTZOID, UUIDOID, TEXTOID, JSONBOID, JSONBOID}, nullptr};

// F2: a job's lines. $1 job id, $2 split filter (NULL: both).
Plan kJobExport{
    "SELECT t.id, t.test_run_id, t.input_data, t.output_data, e.split"
    "  FROM ONLY hitlai.fine_tuning_job_examples e"
    "  JOIN ONLY hitlai.training_data t ON t.id OPERATOR(pg_catalog.=) e.training_data_id"
    " WHERE e.job_id OPERATOR(pg_catalog.=) $1::pg_catalog.uuid"
    "   AND ($2::pg_catalog.text IS NULL OR e.split OPERATOR(pg_catalog.=) $2::pg_catalog.text)"
    " ORDER BY t.created_at, t.id",
    2, {UUIDOID, TEXTOID}, nullptr};

Plan kJobExists{"SELECT 1 FROM ONLY hitlai.fine_tuning_jobs j WHERE j.id OPERATOR(pg_catalog.=) $1::pg_catalog.uuid",
                1, {UUIDOID}, nullptr};

// F2: serializes job creation per model type (two-key advisory lock: 'hlai', hash).
Plan kJobLock{"SELECT pg_catalog.pg_advisory_xact_lock(1751933289::pg_catalog.int4, $1::pg_catalog.int4)",
              1, {INT4OID}, nullptr};

// F2: marks the rows used (only rows still unused: a row taken by a concurrent job is
// skipped, so no example is ever in two jobs), creates the job, records the examples.
Plan kCreateJob{
    "WITH upd AS ("
    "  UPDATE ONLY hitlai.training_data t SET used_for_training = true"
    "    FROM ROWS FROM (pg_catalog.unnest($1::pg_catalog.uuid[]), pg_catalog.unnest($2::pg_catalog.bool[])) AS u(id, validation)"
    "   WHERE t.id OPERATOR(pg_catalog.=) u.id AND NOT t.used_for_training"
    "  RETURNING t.id, u.validation),"
    " job AS (INSERT INTO hitlai.fine_tuning_jobs (model_type, hyperparameters)"
    "         VALUES ($3::pg_catalog.text, $4::pg_catalog.jsonb) RETURNING id),"
    " ins AS (INSERT INTO hitlai.fine_tuning_job_examples (job_id, training_data_id, split)"
    "         SELECT job.id, upd.id, CASE WHEN upd.validation THEN 'validation'::pg_catalog.text"
    "                                     ELSE 'train'::pg_catalog.text END"
    "           FROM job, upd RETURNING 1)"
    " SELECT (SELECT job.id FROM job), (SELECT pg_catalog.count(*) FROM ins)",
    4, {UUIDARRAYOID, BOOLARRAYOID, TEXTOID, JSONBOID}, nullptr};

// ---------------------------------------------------------------- the scan

// Called for every kept row, in the per-row memory context; `split` 1 = validation.
typedef void (*RowSink)(void* ctx, HeapTuple tup, TupleDesc desc, int split);

struct ScanArgs {
  Plan* plan;              // kOrdered (F1) or kJobExport (F2 re-export)
  Datum params[2];
  char nulls[2];
  bool dedup;              // F1: leave duplicates out (model_type in params[0])
  bool include_used;       // F1: rows already used for training are exported too
  int validation_percent;  // F1: split computed from test_run_id (column 2)
  bool split_from_column;  // F2 re-export: split read from column 5
  int split_filter;        // -1 none, else 0 train / 1 validation
};

// The rows the duplicate filter is sized for: the planner's estimate, or, when the table
// was never analyzed (reltuples -1) or has grown since, one row per kilobyte of the table
// with its TOAST table (documents take one to a few kilobytes; too many only costs filter
// memory, capped by work_mem, too few costs exact probes).
Plan kRelTuples{"SELECT GREATEST(c.reltuples::pg_catalog.int8,"
                " pg_catalog.pg_table_size(c.oid) OPERATOR(pg_catalog./) 1024::pg_catalog.int8)"
                " FROM pg_catalog.pg_class c"
                " WHERE c.oid OPERATOR(pg_catalog.=) 'hitlai.training_data'::pg_catalog.regclass",
                0, {}, nullptr};

// The export's queries are planned with jit = off: the expressions are trivial and
// PostgreSQL's cost model would compile them for every large table (hundreds of
// milliseconds and tens of MB of LLVM state per export, for no gain). Plans are made when
// a cursor is opened (custom plans) or kept from an earlier one made here.
Portal open_cursor(SPIPlanPtr plan, const Datum* params, const char* nulls) {
  const int nest = NewGUCNestLevel();
  (void)set_config_option("jit", "off", PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0,
                          false);
  Portal p = SPI_cursor_open(nullptr, plan, const_cast<Datum*>(params), nulls, true);
  AtEOXact_GUC(true, nest);
  return p;
}

// F1 duplicates: the Bloom filter "seen" of the digests read so far (blocked, one cache
// line a key: src/core/digest_filter.hpp), sized from the table's row estimate, at most
// work_mem (a false positive only costs an exact probe), allocated in mcxt. Under SPI.
tr::DigestFilter* seen_filter(MemoryContext mcxt) {
  int64 total = 1024;
  if (SPI_execute_plan(prepared(kRelTuples), nullptr, nullptr, true, 1) == SPI_OK_SELECT &&
      SPI_processed == 1) {
    bool isnull;
    Datum d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
    if (!isnull) total = Max(total, DatumGetInt64(d));
  }
  SPI_freetuptable(SPI_tuptable);
  const Size words = tr::DigestFilter::words_for(total, static_cast<Size>(work_mem) * 1024);
  // Zeroed words on a 64-byte boundary (a block is one cache line).
  char* raw = static_cast<char*>(MemoryContextAllocExtended(mcxt, words * sizeof(uint64) + 64,
                                                            MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO));
  auto* aligned = reinterpret_cast<uint64*>(TYPEALIGN(64, reinterpret_cast<uintptr_t>(raw)));
  return new (MemoryContextAlloc(mcxt, sizeof(tr::DigestFilter))) tr::DigestFilter(aligned, words);
}

void dest_startup(DestReceiver*, int, TupleDesc) {}
void dest_shutdown(DestReceiver*) {}
void dest_destroy(DestReceiver*) {}

// Whether a row of the ordered cursor is exported, and its split (1 = validation), in
// the per-row memory context, under SPI. F1: every row's digest goes into `seen`; a row
// to be exported whose digest `seen` may already hold is checked exactly: one probe of
// the digest index for an older row with equal documents. Columns (0-based): id,
// test_run_id, input_data, output_data, then created_at and used_for_training (F1) or
// split (F2 re-export).
bool keep_row(const ScanArgs& a, tr::DigestFilter* seen, const Datum* v, int* split_out) {
  int split;
  bool keep;
  if (a.split_from_column) {
    text* t = DatumGetTextPP(v[4]);
    split = VARSIZE_ANY_EXHDR(t) > 0 && VARDATA_ANY(t)[0] == 'v' ? 1 : 0;
    keep = a.split_filter < 0 || a.split_filter == split;
  } else {
    pg_uuid_t* run = DatumGetUUIDP(v[1]);
    split = tr::split_of(run->data, a.validation_percent) == tr::Split::kValidation ? 1 : 0;
    keep = (a.split_filter < 0 || a.split_filter == split) && (a.include_used || !DatumGetBool(v[5]));
  }
  *split_out = split;
  if (seen) {
    struct varlena* x = PG_DETOAST_DATUM_PACKED(v[2]);
    struct varlena* y = PG_DETOAST_DATUM_PACKED(v[3]);
    const auto* xp = reinterpret_cast<const unsigned char*>(VARDATA_ANY(x));
    const auto* yp = reinterpret_cast<const unsigned char*>(VARDATA_ANY(y));
    if (seen->test_and_add(tr::filter_key(xp, VARSIZE_ANY_EXHDR(x), yp, VARSIZE_ANY_EXHDR(y))) && keep) {
      // May be a duplicate: ask the index, by the digest it is built on.
      const uint64 key = tr::doc_digest(xp, VARSIZE_ANY_EXHDR(x), yp, VARSIZE_ANY_EXHDR(y));
      Datum args[6] = {Int64GetDatum(static_cast<int64>(key)), v[4], v[0], a.params[0], v[2], v[3]};
      char nulls[6] = {' ', ' ', ' ', a.nulls[0], ' ', ' '};
      MemoryContext rowctx = CurrentMemoryContext;  // SPI returns in its own context
      if (SPI_execute_plan(prepared(kOlderTwin), args, nulls, true, 1) != SPI_OK_SELECT)
        elog(ERROR, "hitlai: duplicate probe failed");
      keep = SPI_processed == 0;
      SPI_freetuptable(SPI_tuptable);
      MemoryContextSwitchTo(rowctx);
    }
  }
  return keep;
}

// Runs between SPI_connect and SPI_finish, read-only under the active snapshot. C-style:
// no C++ object with a destructor is alive here (callers run it under guarded()).
void scan_rows(const ScanArgs& a, RowSink sink, void* ctx) {
  MemoryContext rowctx =
      AllocSetContextCreate(CurrentMemoryContext, "hitlai export row", ALLOCSET_DEFAULT_SIZES);
  tr::DigestFilter* seen = a.dedup ? seen_filter(CurrentMemoryContext) : nullptr;
  Portal portal = open_cursor(prepared(*a.plan), a.params, a.nulls);
  for (;;) {
    SPI_cursor_fetch(portal, true, kBatch);
    const uint64 n = SPI_processed;
    if (n == 0) break;
    SPITupleTable* tt = SPI_tuptable;
    for (uint64 i = 0; i < n; ++i) {
      CHECK_FOR_INTERRUPTS();
      MemoryContextReset(rowctx);
      MemoryContext prev = MemoryContextSwitchTo(rowctx);
      int split;
      Datum v[6];
      bool isnull[6];
      heap_deform_tuple(tt->vals[i], tt->tupdesc, v, isnull);
      if (keep_row(a, seen, v, &split)) sink(ctx, tt->vals[i], tt->tupdesc, split);
      MemoryContextSwitchTo(prev);
    }
    SPI_freetuptable(tt);
  }
  SPI_cursor_close(portal);
  MemoryContextDelete(rowctx);
}

// The export sink: (id, split, line) into the function's tuplestore.
struct LineSink {
  ReturnSetInfo* rsinfo;
  Datum split_text[2];
  Out in_text, out_text;
};

void put_line(void* ctx, HeapTuple tup, TupleDesc desc, int split) {
  auto* s = static_cast<LineSink*>(ctx);
  bool isnull;
  Datum id = SPI_getbinval(tup, desc, 1, &isnull);
  Jsonb* input = DatumGetJsonbP(SPI_getbinval(tup, desc, 3, &isnull));
  Jsonb* output = DatumGetJsonbP(SPI_getbinval(tup, desc, 4, &isnull));
  Datum values[3] = {id, s->split_text[split],
                     JsonbPGetDatum(build_line(input, output, s->in_text, s->out_text))};
  bool nulls[3] = {false, false, false};
  tuplestore_putvalues(s->rsinfo->setResult, s->rsinfo->setDesc, values, nulls);
}

// Materialized SRF: the lines of the scan. Runs under guarded().
void export_rows(FunctionCallInfo fcinfo, const ScanArgs& a) {
  InitMaterializedSRF(fcinfo, 0);
  LineSink sink;
  sink.rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
  // Allocated in the caller's context, before SPI_connect switches to SPI's.
  sink.split_text[0] = CStringGetTextDatum("train");
  sink.split_text[1] = CStringGetTextDatum("validation");
  out_init(sink.in_text, 1024);
  out_init(sink.out_text, 1024);
  if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "hitlai: SPI_connect failed");
  scan_rows(a, put_line, &sink);
  if (SPI_finish() != SPI_OK_FINISH) elog(ERROR, "hitlai: SPI_finish failed");
  pfree(sink.in_text.data);
  pfree(sink.out_text.data);
}

// ---------------------------------------------------------------- lines as text, streamed

// hitlai.training_jsonl / job_training_jsonl: the same lines as text, value per call, so
// that a query calling them in its select list (COPY (SELECT hitlai.training_jsonl())
// TO STDOUT …) streams them without a result store. Each call with no line left fetches
// the next batch of kBatch rows from the cursor and writes the kept lines, each as a
// text varlena, into one buffer; the following calls return them in place. The cursor
// lives from the first call to the last (or to the end of the transaction). The lines
// are written directly as text, each document in one walk as its message's escaped
// contents (append_compact<true>, src/core/training_line.hpp): the same bytes as the
// jsonb output of training_examples' line, without building a jsonb value.
struct LineStream {
  ScanArgs args;
  Portal portal;
  tr::DigestFilter* seen;  // F1 duplicates, in mcxt
  MemoryContext mcxt;    // the SRF's multi-call context: lives as long as the stream
  MemoryContext rowctx;  // reset for every row
  Out batch;             // the batch's lines, text varlenas at MAXALIGNed offsets
  Size pos;              // the next line to return
  bool done;
};

// Shutdown of the SRF before its last row (LIMIT, rescan, end of the query): the cursor
// is closed at once rather than at the end of the transaction.
void close_stream(Datum arg) {
  auto* st = reinterpret_cast<LineStream*>(DatumGetPointer(arg));
  if (st->portal) {
    SPI_cursor_close(st->portal);
    st->portal = nullptr;
  }
}

// Receives the rows of the ordered cursor straight from the executor (no copy into an
// SPI tuple table) and writes the kept lines into the stream's buffer.
struct LineDest {
  DestReceiver pub;
  LineStream* st;
};

bool line_receive(TupleTableSlot* slot, DestReceiver* self) {
  LineStream* st = reinterpret_cast<LineDest*>(self)->st;
  CHECK_FOR_INTERRUPTS();
  slot_getallattrs(slot);
  MemoryContextReset(st->rowctx);
  MemoryContext prev = MemoryContextSwitchTo(st->rowctx);
  int split;
  if (keep_row(st->args, st->seen, slot->tts_values, &split)) {
    // The line in one walk of each document, written in place as a text varlena at
    // the next MAXALIGNed offset: its fixed parts, the documents' compact text escaped
    // as string contents.
    Out& b = st->batch;
    out_reserve(b, MAXALIGN(b.len) - b.len + VARHDRSZ);
    const Size start = MAXALIGN(b.len);
    b.len = start + VARHDRSZ;
    out_put(b, tr::line_prefix());
    append_compact<true>(b, DatumGetJsonbP(slot->tts_values[2]));
    out_put(b, tr::line_middle());
    append_compact<true>(b, DatumGetJsonbP(slot->tts_values[3]));
    out_put(b, tr::line_suffix());
    line_fits(b.len - start);
    SET_VARSIZE(b.data + start, b.len - start);
  }
  MemoryContextSwitchTo(prev);
  return true;
}

// Fetches the next batch under SPI (the duplicate probes use it) and writes its kept
// lines. Runs under guarded().
void fill_batch(LineStream* st) {
  st->batch.len = st->pos = 0;
  if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "hitlai: SPI_connect failed");
  LineDest dest;
  dest.pub.receiveSlot = line_receive;
  dest.pub.rStartup = dest_startup;
  dest.pub.rShutdown = dest_shutdown;
  dest.pub.rDestroy = dest_destroy;
  dest.pub.mydest = DestNone;
  dest.st = st;
  const uint64 n = PortalRunFetch(st->portal, FETCH_FORWARD, kBatch, &dest.pub);
  if (n == 0) {
    SPI_cursor_close(st->portal);
    st->portal = nullptr;
    st->done = true;
  }
  if (SPI_finish() != SPI_OK_FINISH) elog(ERROR, "hitlai: SPI_finish failed");
}

// First call: the stream's state in the multi-call context, the duplicate filter and the
// ordered cursor (under the statement's snapshot). Runs under guarded().
void open_stream(FunctionCallInfo fcinfo, const ScanArgs& a) {
  FuncCallContext* fc = SRF_FIRSTCALL_INIT();
  MemoryContext prev = MemoryContextSwitchTo(fc->multi_call_memory_ctx);
  auto* st = static_cast<LineStream*>(palloc0(sizeof(LineStream)));
  st->args = a;
  // By-reference arguments copied: those of a value-per-call function need not outlive
  // its first call. kOrdered: model_type text; kJobExport: job_id
  // uuid, split text.
  for (int i = 0; i < 2; ++i) {
    if (a.nulls[i] != ' ') continue;
    if (a.plan == &kJobExport && i == 0) {
      auto* id = static_cast<pg_uuid_t*>(palloc(sizeof(pg_uuid_t)));
      memcpy(id, DatumGetUUIDP(a.params[0]), sizeof(pg_uuid_t));
      st->args.params[0] = UUIDPGetDatum(id);
    } else {
      st->args.params[i] = PointerGetDatum(PG_DETOAST_DATUM_COPY(a.params[i]));
    }
  }
  st->mcxt = fc->multi_call_memory_ctx;
  st->rowctx = AllocSetContextCreate(st->mcxt, "hitlai export row", ALLOCSET_DEFAULT_SIZES);
  out_init(st->batch, 1 << 20);
  fc->user_fctx = st;
  MemoryContextSwitchTo(prev);
  if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "hitlai: SPI_connect failed");
  if (st->args.dedup) st->seen = seen_filter(st->mcxt);
  st->portal = open_cursor(prepared(*st->args.plan), st->args.params, st->args.nulls);
  if (SPI_finish() != SPI_OK_FINISH) elog(ERROR, "hitlai: SPI_finish failed");
  auto* rsi = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
  RegisterExprContextCallback(rsi->econtext, close_stream, PointerGetDatum(st));
}

// Every call: the next line, or the end. Runs under guarded().
Datum next_line(FunctionCallInfo fcinfo) {
  FuncCallContext* fc = SRF_PERCALL_SETUP();
  auto* st = static_cast<LineStream*>(fc->user_fctx);
  while (st->pos >= st->batch.len && !st->done) {
    MemoryContext prev = MemoryContextSwitchTo(st->mcxt);
    fill_batch(st);
    MemoryContextSwitchTo(prev);
  }
  if (st->pos < st->batch.len) {
    char* v = st->batch.data + st->pos;
    st->pos += MAXALIGN(VARSIZE(v));
    SRF_RETURN_NEXT(fc, PointerGetDatum(v));
  }
  // The state goes with the multi-call context that SRF_RETURN_DONE deletes.
  UnregisterExprContextCallback(reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo)->econtext,
                                close_stream, PointerGetDatum(st));
  SRF_RETURN_DONE(fc);
}

Datum stream_lines(FunctionCallInfo fcinfo, const ScanArgs& a) {
  auto* rsi = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
  if (!rsi || !IsA(rsi, ReturnSetInfo) || !(rsi->allowedModes & SFRM_ValuePerCall))
    throw hitlai::Error(hitlai::sqlstate::kInvalidParameter,
                        "set-valued function called in context that cannot accept a set");
  if (SRF_IS_FIRSTCALL()) guarded([&] { open_stream(fcinfo, a); });
  return guarded([&] { return next_line(fcinfo); });
}

// The job-creation sink: ids and splits, in arrays of the given memory context.
struct CollectSink {
  MemoryContext mcxt;
  int n, cap;
  Datum* ids;
  Datum* validation;
};

void collect_row(void* ctx, HeapTuple tup, TupleDesc desc, int split) {
  auto* s = static_cast<CollectSink*>(ctx);
  MemoryContext prev = MemoryContextSwitchTo(s->mcxt);
  if (s->n == s->cap) {
    s->cap *= 2;
    s->ids = static_cast<Datum*>(repalloc_huge(s->ids, sizeof(Datum) * s->cap));
    s->validation = static_cast<Datum*>(repalloc_huge(s->validation, sizeof(Datum) * s->cap));
  }
  bool isnull;
  auto* id = static_cast<pg_uuid_t*>(palloc(sizeof(pg_uuid_t)));
  memcpy(id, DatumGetUUIDP(SPI_getbinval(tup, desc, 1, &isnull)), sizeof(pg_uuid_t));
  s->ids[s->n] = UUIDPGetDatum(id);
  s->validation[s->n] = BoolGetDatum(split == 1);
  ++s->n;
  MemoryContextSwitchTo(prev);
}

std::optional<std::string_view> opt_text(FunctionCallInfo fcinfo, int n) {
  if (PG_ARGISNULL(n)) return std::nullopt;
  return hitlai::pg::text_view(PG_GETARG_TEXT_PP(n));
}

int split_filter(FunctionCallInfo fcinfo, int n) {
  auto s = tr::parse_split_filter(opt_text(fcinfo, n));
  return s ? static_cast<int>(*s == tr::Split::kValidation) : -1;
}

int validation_percent(FunctionCallInfo fcinfo, int n) {
  return tr::check_validation_percent(PG_ARGISNULL(n) ? std::nullopt
                                                      : std::optional<std::int64_t>(PG_GETARG_INT32(n)));
}

}  // namespace

// The arguments of training_examples / training_jsonl (model_type text, split text,
// validation_percent integer, include_used boolean), checked (22023 naming the argument).
static ScanArgs examples_scan_args(FunctionCallInfo fcinfo) {
  ScanArgs a{};
  a.plan = &kOrdered;
  a.dedup = true;
  a.split_filter = split_filter(fcinfo, 1);
  a.validation_percent = validation_percent(fcinfo, 2);
  if (PG_ARGISNULL(3))
    throw hitlai::Error(hitlai::sqlstate::kInvalidParameter,
                        "argument \"include_used\" must not be NULL");
  a.params[0] = PG_ARGISNULL(0) ? Datum(0) : PG_GETARG_DATUM(0);
  a.nulls[0] = PG_ARGISNULL(0) ? 'n' : ' ';
  a.include_used = PG_GETARG_BOOL(3);
  a.nulls[1] = 'n';
  return a;
}

// The arguments of job_training_examples / job_training_jsonl (job_id uuid, split
// text), checked: job_id not NULL and naming an existing job (22023 otherwise).
static ScanArgs job_scan_args(FunctionCallInfo fcinfo) {
  if (PG_ARGISNULL(0))
    throw hitlai::Error(hitlai::sqlstate::kInvalidParameter, "argument \"job_id\" must not be NULL");
  ScanArgs a{};
  a.plan = &kJobExport;
  a.split_filter = split_filter(fcinfo, 1);
  a.split_from_column = true;
  a.params[0] = PG_GETARG_DATUM(0);
  a.nulls[0] = ' ';
  a.params[1] = PG_ARGISNULL(1) ? Datum(0) : PG_GETARG_DATUM(1);
  a.nulls[1] = PG_ARGISNULL(1) ? 'n' : ' ';
  const uint64 found = guarded([&]() -> uint64 {
    if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "hitlai: SPI_connect failed");
    if (SPI_execute_plan(prepared(kJobExists), a.params, a.nulls, true, 1) != SPI_OK_SELECT)
      elog(ERROR, "hitlai: job lookup failed");
    uint64 n = SPI_processed;
    SPI_finish();
    return n;
  });
  if (found == 0)
    throw hitlai::Error(hitlai::sqlstate::kInvalidParameter,
                        "argument \"job_id\": fine-tuning job does not exist");
  return a;
}

// hitlai.training_examples(model_type text, split text, validation_percent integer,
//                          include_used boolean) RETURNS TABLE (training_data_id uuid,
//                          split text, example jsonb)
HITLAI_FUNCTION(hitlai_training_examples) {
  ScanArgs a = examples_scan_args(fcinfo);
  guarded([&] { export_rows(fcinfo, a); });
  return Datum(0);
}

// hitlai.job_training_examples(job_id uuid, split text) RETURNS TABLE (training_data_id
// uuid, split text, example jsonb): the job's lines, as recorded (F2).
HITLAI_FUNCTION(hitlai_job_training_examples) {
  ScanArgs a = job_scan_args(fcinfo);
  guarded([&] { export_rows(fcinfo, a); });
  return Datum(0);
}

// hitlai.training_jsonl(model_type text, split text, validation_percent integer,
//                       include_used boolean) RETURNS SETOF text: the lines of
// training_examples with the same arguments, as text, streamed (value per call).
HITLAI_FUNCTION(hitlai_training_jsonl) {
  ScanArgs a{};
  if (SRF_IS_FIRSTCALL()) a = examples_scan_args(fcinfo);
  return stream_lines(fcinfo, a);
}

// hitlai.job_training_jsonl(job_id uuid, split text) RETURNS SETOF text: the lines of
// job_training_examples, as text, streamed (value per call).
HITLAI_FUNCTION(hitlai_job_training_jsonl) {
  ScanArgs a{};
  if (SRF_IS_FIRSTCALL()) a = job_scan_args(fcinfo);
  return stream_lines(fcinfo, a);
}

// hitlai.create_fine_tuning_job(model_type text, hyperparameters jsonb,
//                               validation_percent integer) RETURNS uuid
HITLAI_FUNCTION(hitlai_create_fine_tuning_job) {
  if (PG_ARGISNULL(0))
    throw hitlai::Error(hitlai::sqlstate::kInvalidParameter,
                        "argument \"model_type\" must not be NULL");
  if (PG_ARGISNULL(1))
    throw hitlai::Error(hitlai::sqlstate::kInvalidParameter,
                        "argument \"hyperparameters\" must not be NULL");
  const int pct = validation_percent(fcinfo, 2);
  const std::string_view model = hitlai::pg::text_view(PG_GETARG_TEXT_PP(0));
  const int lock_key = static_cast<int>(
      tr::stable_hash(reinterpret_cast<const unsigned char*>(model.data()), model.size()) &
      0x7fffffff);
  struct Result {
    Datum job;
    int64 candidates, recorded;
  };
  Result out{0, 0, 0};
  guarded([&] {
    if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "hitlai: SPI_connect failed");
    Datum lk[1] = {Int32GetDatum(lock_key)};
    if (SPI_execute_plan(prepared(kJobLock), lk, nullptr, false, 0) != SPI_OK_SELECT)
      elog(ERROR, "hitlai: advisory lock failed");
    // The candidates, read under a snapshot taken after the lock: a job created by a
    // concurrent call that held the lock before us is committed and its rows are used.
    ScanArgs a{};
    a.plan = &kOrdered;
    a.dedup = true;
    a.validation_percent = pct;
    a.split_filter = -1;
    a.params[0] = PG_GETARG_DATUM(0);
    a.nulls[0] = ' ';
    a.include_used = false;
    a.nulls[1] = 'n';
    CollectSink sink{CurrentMemoryContext, 0, 1024, nullptr, nullptr};
    sink.ids = static_cast<Datum*>(palloc(sizeof(Datum) * sink.cap));
    sink.validation = static_cast<Datum*>(palloc(sizeof(Datum) * sink.cap));
    PushActiveSnapshot(GetTransactionSnapshot());
    scan_rows(a, collect_row, &sink);
    PopActiveSnapshot();
    const int n = sink.n;
    Datum* ids = sink.ids;
    Datum* val = sink.validation;
    out.candidates = n;
    if (n >= tr::kMinJobExamples) {
      Datum args[4] = {
          PointerGetDatum(construct_array(ids, n, UUIDOID, 16, false, TYPALIGN_CHAR)),
          PointerGetDatum(construct_array(val, n, BOOLOID, 1, true, TYPALIGN_CHAR)),
          PG_GETARG_DATUM(0), PG_GETARG_DATUM(1)};
      if (SPI_execute_plan(prepared(kCreateJob), args, nullptr, false, 0) != SPI_OK_SELECT ||
          SPI_processed != 1)
        elog(ERROR, "hitlai: creating the fine-tuning job failed");
      bool isnull;
      Datum job = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
      out.recorded = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull));
      out.job = SPI_datumTransfer(job, false, 16);
    }
    SPI_finish();
  });
  const Result& r = out;
  if (r.candidates < tr::kMinJobExamples || r.recorded < tr::kMinJobExamples)
    throw hitlai::Error(
        hitlai::sqlstate::kInvalidParameter,
        "a fine-tuning job needs at least " + std::to_string(tr::kMinJobExamples) +
            " training examples, model_type \"" + std::string(model) + "\" has " +
            std::to_string(r.candidates < tr::kMinJobExamples ? r.candidates : r.recorded),
        "Examples are training_data rows rated 4 or more, not yet used_for_training, and not "
        "duplicates of an older row (hitlai.training_examples).");
  return r.job;
}

// hitlai.training_doc_digest(input_data jsonb, output_data jsonb) RETURNS bigint: the
// duplicate key of F1 (src/core/training_export.hpp: doc_digest over the stored bytes of
// both documents); the key of the index training_data_doc_digest_idx.
HITLAI_FUNCTION(hitlai_training_doc_digest) {
  const unsigned char *a = nullptr, *b = nullptr;
  std::size_t na = 0, nb = 0;
  // Packed (short-header) values are read in place; only toasted ones are detoasted.
  guarded([&] {
    struct varlena* x = PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(0));
    struct varlena* y = PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(1));
    a = reinterpret_cast<const unsigned char*>(VARDATA_ANY(x));
    na = VARSIZE_ANY_EXHDR(x);
    b = reinterpret_cast<const unsigned char*>(VARDATA_ANY(y));
    nb = VARSIZE_ANY_EXHDR(y);
  });
  return Int64GetDatum(static_cast<int64>(tr::doc_digest(a, na, b, nb)));
}

// Benchmark only (no SQL function: bench/training binds it as pg_temp.training_line).
// training_line(input jsonb, output jsonb, variant int) -> jsonb: the F1 line built
// 0 = as hitlai.training_examples does (jsonb API, compact walker), 1 = with Boost.JSON
// (document text -> boost::json::parse -> serialize; line serialized by Boost.JSON and
// read back with jsonb_in, as the function must return jsonb).
HITLAI_FUNCTION(hitlai_bench_training_line) {
  const int variant = PG_GETARG_INT32(2);
  if (variant == 0) {
    return guarded([&] {
      Out a, b;
      out_init(a, 1024);
      out_init(b, 1024);
      return JsonbPGetDatum(build_line(PG_GETARG_JSONB_P(0), PG_GETARG_JSONB_P(1), a, b));
    });
  }
  auto doc_text = [&](int n) {
    return std::string(guarded([&] {
      Jsonb* j = PG_GETARG_JSONB_P(n);
      return JsonbToCString(nullptr, &j->root, VARSIZE(j));
    }));
  };
  boost::json::array messages;
  messages.push_back(boost::json::object{{"role", "system"}, {"content", std::string(tr::kSystemPrompt)}});
  messages.push_back(boost::json::object{
      {"role", "user"}, {"content", boost::json::serialize(boost::json::parse(doc_text(0)))}});
  messages.push_back(boost::json::object{
      {"role", "assistant"}, {"content", boost::json::serialize(boost::json::parse(doc_text(1)))}});
  boost::json::object line;
  line["messages"] = std::move(messages);
  const std::string s = boost::json::serialize(line);
  return guarded([&] { return DirectFunctionCall1(jsonb_in, CStringGetDatum(s.c_str())); });
}
