// W3-W5: webhook delivery passes.
//
// A pass claims due deliveries in a transaction of its own and commits the claim, sends
// them (core/webhook_sender.*: libcurl multi, no transaction open and no lock held),
// then records every outcome in another short transaction. A function cannot commit,
// so hitlai.deliver_webhooks() runs its pass in a dynamic background worker and waits
// for it: the caller's transaction stays idle and holds no row lock while the worker
// talks to the network. The worker connects as the owner of webhook_deliveries (the
// caller was checked to be privileged first), with the caller's delivery settings.
//
// Claim: pending (or delivering with an expired lease: its sender died) deliveries
// whose next_attempt_at has come, oldest first, FOR UPDATE SKIP LOCKED, set to
// delivering with attempts + 1 and a lease (next_attempt_at = end of the lease). The
// outcome is recorded only while the row is still delivering with the same attempt
// number, so a pass whose lease ran out, or a delivery cancelled meanwhile, changes
// nothing.
#include "pg/bridge.hpp"
#include "pg/settings.hpp"
#include "pg/spi.hpp"
#include "pg/webhook_deliver.hpp"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wregister"
extern "C" {
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "storage/dsm.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "utils/wait_event.h"
#include "postmaster/interrupt.h"
#include "tcop/tcopprot.h"
#include "utils/acl.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/resowner.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
#include "utils/fmgrprotos.h"
#include "utils/uuid.h"
}
#pragma GCC diagnostic pop

#include <cerrno>
#include <csignal>
#include <cstring>
#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/webhook_delivery.hpp"
#include "core/webhook_sender.hpp"

namespace {
// strlcpy: PostgreSQL 17/18 headers built against a newer C library declare none on
// Debian 12 (glibc 2.36 has no strlcpy), so copy with snprintf (always terminated).
void copy_cstr(char* dst, const char* src, size_t size) { snprintf(dst, size, "%s", src); }
}  // namespace

namespace {

namespace spi = hitlai::pg::spi;
namespace wh = hitlai::webhook;

int webhook_timeout_s = 15;
bool allow_private_addresses = false;
int max_in_flight = 128;
int max_in_flight_per_endpoint = 64;

struct PassShared {
  Oid database;
  Oid user;
  int32 max_deliveries;
  int32 timeout_s;
  int32 max_in_flight;
  int32 max_in_flight_per_endpoint;
  bool allow_private;
  bool done;
  int32 attempted;
  char error[512];
};

// Due deliveries (pending, or delivering with an expired lease), oldest first, at most
// $5 of one webhook and none of the webhooks in $3 (their endpoint is busy: W8), looked
// at among the $4 oldest due ones; locked with SKIP LOCKED, then claimed: delivering,
// attempts + 1, a lease of $2 seconds. Returns what a request needs.
spi::Statement kClaim{
    R"SQL(
WITH cand AS (
  SELECT c.id FROM (
    SELECT d.id, d.next_attempt_at,
           pg_catalog.row_number() OVER (PARTITION BY d.webhook_id
                                         ORDER BY d.next_attempt_at, d.id) AS rn
      FROM (SELECT d.id, d.webhook_id, d.next_attempt_at FROM hitlai.webhook_deliveries d
             WHERE d.status OPERATOR(pg_catalog.=) ANY ('{pending,delivering}'::pg_catalog.text[])
               AND d.next_attempt_at OPERATOR(pg_catalog.<=) pg_catalog.now()
               AND d.webhook_id OPERATOR(pg_catalog.<>) ALL ($3::pg_catalog.uuid[])
             ORDER BY d.next_attempt_at
             LIMIT $4) d) c
   WHERE c.rn OPERATOR(pg_catalog.<=) $5
   ORDER BY c.next_attempt_at
   LIMIT $1),
due AS (
  SELECT d.id FROM hitlai.webhook_deliveries d
   WHERE d.id OPERATOR(pg_catalog.=) ANY (ARRAY(SELECT cand.id FROM cand))
     AND d.status OPERATOR(pg_catalog.=) ANY ('{pending,delivering}'::pg_catalog.text[])
     AND d.next_attempt_at OPERATOR(pg_catalog.<=) pg_catalog.now()
   FOR UPDATE OF d SKIP LOCKED)
UPDATE hitlai.webhook_deliveries d
   SET status = 'delivering'::pg_catalog.text, attempts = d.attempts OPERATOR(pg_catalog.+) 1,
       last_attempt_at = pg_catalog.now(),
       next_attempt_at = pg_catalog.now() OPERATOR(pg_catalog.+)
                         ($2 OPERATOR(pg_catalog.*) '1 second'::pg_catalog.interval)
  FROM due, hitlai.webhooks w
 WHERE d.id OPERATOR(pg_catalog.=) due.id AND w.id OPERATOR(pg_catalog.=) d.webhook_id
   AND w.is_active
RETURNING d.id::pg_catalog.text, d.payload::pg_catalog.text, d.attempts::pg_catalog.int8, w.url,
          w.secret, w.id::pg_catalog.text,
          CASE WHEN w.stats_previous_secret_expires_at OPERATOR(pg_catalog.>) pg_catalog.now()
               THEN w.stats_previous_secret END)SQL",
    5, {INT4OID, FLOAT8OID, TEXTARRAYOID, INT4OID, INT4OID}, nullptr,
    // planned for each claim: the table grows from nothing, and a plan cached while it
    // was empty (no statistics yet) would scan it whole for every claim
    CURSOR_OPT_CUSTOM_PLAN};
enum ClaimColumn { kClaimId = 1, kClaimBody, kClaimAttempts, kClaimUrl, kClaimSecret,
                   kClaimWebhook, kClaimPreviousSecret };

// The outcomes of attempts, set-wise: one row per (id, status, delay in seconds or NULL,
// HTTP status or NULL, error or NULL, attempt number), applied only to rows still
// delivering with that attempt number (a pass whose lease ran out, or a delivery
// cancelled meanwhile, changes nothing).
spi::Statement kRecord{
    R"SQL(
UPDATE hitlai.webhook_deliveries d
   SET status = o.status,
       next_attempt_at = CASE WHEN o.delay IS NULL THEN NULL
                              ELSE pg_catalog.now() OPERATOR(pg_catalog.+)
                                   (o.delay::pg_catalog.float8 OPERATOR(pg_catalog.*) '1 second'::pg_catalog.interval) END,
       delivered_at = CASE WHEN o.status OPERATOR(pg_catalog.=) 'succeeded'::pg_catalog.text
                           THEN pg_catalog.now() END,
       last_status_code = o.code::pg_catalog.int4, last_error = o.error
  FROM ROWS FROM (pg_catalog.unnest($1), pg_catalog.unnest($2), pg_catalog.unnest($3),
                  pg_catalog.unnest($4), pg_catalog.unnest($5), pg_catalog.unnest($6))
       AS o(id, status, delay, code, error, attempt)
 WHERE d.id OPERATOR(pg_catalog.=) o.id::pg_catalog.uuid
   AND d.status OPERATOR(pg_catalog.=) 'delivering'::pg_catalog.text
   AND d.attempts OPERATOR(pg_catalog.=) o.attempt::pg_catalog.int4)SQL",
    6, {TEXTARRAYOID, TEXTARRAYOID, TEXTARRAYOID, TEXTARRAYOID, TEXTARRAYOID, TEXTARRAYOID},
    nullptr, CURSOR_OPT_CUSTOM_PLAN};  // as kClaim

// W4: a 410 disables the webhook (its trigger cancels the undelivered deliveries).
spi::Statement kDisable{
    "UPDATE hitlai.webhooks w SET is_active = false\n"
    " WHERE w.id OPERATOR(pg_catalog.=) ANY ($1::pg_catalog.uuid[]) AND w.is_active",
    1, {TEXTARRAYOID}, nullptr};

// A claimed delivery on its way: what recording its outcome needs.
struct Claimed {
  std::string id;
  int32 attempts = 0;
  std::string webhook;
  std::string url;
};

// An outcome waiting to be recorded.
struct Outcome {
  Claimed claim;
  wh::Result result;
};

// Runs f; an exception is turned into what the worker loops report: the PostgreSQL
// error (pg_error, still to be handled) or a message copied into error.
template <class F>
void run_caught(F&& f, ErrorData*& pg_error, char* error, size_t size) {
  try {
    f();
  } catch (const hitlai::pg::PgError& e) {
    pg_error = e.edata();
  } catch (const std::exception& e) {
    copy_cstr(error, e.what(), size);
  } catch (...) {
    copy_cstr(error, "unknown error", size);
  }
}

// S7: the workers' SQL names everything qualified; their search_path is pinned too, as
// every hitlai function's is, so nothing a non-superuser creates is ever looked up.
void pin_search_path() {
  SetConfigOption("search_path", "pg_catalog, pg_temp", PGC_SUSET, PGC_S_OVERRIDE);
}

void begin_xact() {
  hitlai::pg::guarded([] {
    SetCurrentStatementStartTimestamp();
    StartTransactionCommand();
    if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "hitlai: SPI_connect failed");
    PushActiveSnapshot(GetTransactionSnapshot());
  });
}

void commit_xact() {
  hitlai::pg::guarded([] {
    SPI_finish();
    PopActiveSnapshot();
    CommitTransactionCommand();
  });
}

// Claims at most `limit` due deliveries (at most per_webhook of one webhook, none of
// `busy` webhooks) with a lease of lease_s seconds, in the current transaction, and
// queues their requests in `sender` with tokens from next_token.
void claim(int limit, int per_webhook, double lease_s, const std::vector<std::string>& busy,
           wh::Sender& sender, std::unordered_map<uint64_t, Claimed>& claimed,
           uint64_t& next_token) {
  Datum args[5] = {Int32GetDatum(limit), Float8GetDatum(lease_s), spi::text_array(busy),
                   Int32GetDatum(limit * 2), Int32GetDatum(per_webhook)};
  const uint64_t n = spi::exec(kClaim, args);
  for (uint64_t i = 0; i < n; ++i) {
    wh::Request r;
    r.id = spi::text_not_null(i, kClaimId);
    r.body = spi::text_not_null(i, kClaimBody);
    r.url = spi::text_not_null(i, kClaimUrl);
    r.secrets.push_back(spi::text_not_null(i, kClaimSecret));
    if (auto previous = spi::text(i, kClaimPreviousSecret)) r.secrets.push_back(*previous);
    Claimed c;
    c.id = r.id;
    c.attempts = int32(spi::int8(i, kClaimAttempts).value_or(0));
    c.webhook = spi::text_not_null(i, kClaimWebhook);
    c.url = r.url;
    const uint64_t token = next_token++;
    claimed.emplace(token, std::move(c));
    sender.submit(std::move(r), token);
  }
}

// Records outcomes set-wise in the current transaction (W4).
void record(std::vector<Outcome>& outcomes) {
  if (outcomes.empty()) return;
  std::vector<std::optional<std::string>> ids, statuses, delays, codes, errors, attempts;
  std::vector<std::string> gone;
  for (const Outcome& o : outcomes) {
    const wh::Result& res = o.result;
    std::string status;
    std::optional<int64_t> delay;
    std::string error = res.error;
    switch (res.status != 0 ? wh::classify(res.status) : wh::Outcome::kRetry) {
      case wh::Outcome::kSucceeded:
        status = "succeeded";
        error.clear();
        break;
      case wh::Outcome::kGone:
        status = "cancelled";
        error = "HTTP 410: the webhook was disabled";
        gone.push_back(o.claim.webhook);
        break;
      default:
        delay = wh::next_delay(o.claim.attempts, res.status, res.retry_after);
        status = delay ? "pending" : "failed";
        break;
    }
    ids.emplace_back(o.claim.id);
    statuses.emplace_back(status);
    delays.emplace_back(delay ? std::optional<std::string>(std::to_string(*delay)) : std::nullopt);
    codes.emplace_back(res.status != 0 ? std::optional<std::string>(std::to_string(res.status))
                                       : std::nullopt);
    errors.emplace_back(error.empty() ? std::nullopt
                                      : std::optional<std::string>(wh::truncate_utf8(error, 1024)));
    attempts.emplace_back(std::to_string(o.claim.attempts));
  }
  Datum args[6] = {spi::text_array(ids),   spi::text_array(statuses), spi::text_array(delays),
                   spi::text_array(codes), spi::text_array(errors),   spi::text_array(attempts)};
  spi::exec(kRecord, args);
  if (!gone.empty()) {
    Datum g[1] = {spi::text_array(gone)};
    spi::exec(kDisable, g);
  }
  outcomes.clear();
}

}  // namespace

namespace hitlai::pg {

void define_webhook_settings() {
  DefineCustomIntVariable(
      "hitlai.webhook_timeout", "Time limit of one webhook request (W4).", nullptr,
      &webhook_timeout_s, 15, 1, 3600, PGC_SUSET, GUC_UNIT_S, nullptr, nullptr, nullptr);
  DefineCustomBoolVariable(
      "hitlai.webhook_allow_private_addresses",
      "Lets webhooks be delivered to loopback, private, link-local and other non-public "
      "addresses (W5; superusers only).",
      nullptr, &allow_private_addresses, false, PGC_SUSET, 0, nullptr, nullptr, nullptr);
  DefineCustomIntVariable(
      "hitlai.webhook_max_in_flight",
      "Most webhook requests a sender has in flight at once (W8; also bounded by the "
      "open-file limit).",
      nullptr, &max_in_flight, 1024, 1, 4096, PGC_SUSET, 0, nullptr, nullptr, nullptr);
  DefineCustomIntVariable(
      "hitlai.webhook_max_in_flight_per_endpoint",
      "Most webhook requests a sender has in flight to one endpoint (scheme, host, port) "
      "at once (W8).",
      nullptr, &max_in_flight_per_endpoint, 512, 1, 4096, PGC_SUSET, 0, nullptr, nullptr,
      nullptr);
}

PassConfig current_pass_config(int max_deliveries) {
  PassConfig c;
  c.max_deliveries = max_deliveries;
  c.timeout_s = webhook_timeout_s;
  c.max_in_flight = max_in_flight;
  c.max_in_flight_per_endpoint = max_in_flight_per_endpoint;
  c.allow_private = allow_private_addresses;
  return c;
}

hitlai::webhook::SenderOptions sender_options(const PassConfig& cfg) {
  hitlai::webhook::SenderOptions opts;
  opts.timeout_ms = long(cfg.timeout_s) * 1000;
  opts.max_in_flight = cfg.max_in_flight;
  opts.max_in_flight_per_endpoint = cfg.max_in_flight_per_endpoint;
  opts.allow_private = cfg.allow_private;
  opts.user_agent = "hitlai-webhooks/" HITLAI_VERSION;
  return opts;
}

int run_delivery_pass(const PassConfig& cfg, hitlai::webhook::Sender& sender,
                      const std::function<bool()>& stop) {
  // 1. claim, committed before any network I/O. The lease covers every round of
  // requests one endpoint may need (all claimed deliveries may share one endpoint).
  const int per_endpoint = sender.options().max_in_flight_per_endpoint;
  const double lease = double(cfg.timeout_s) *
                           double((cfg.max_deliveries + per_endpoint - 1) / per_endpoint) +
                       10.0;
  std::unordered_map<uint64_t, Claimed> claimed;
  uint64_t next_token = 0;
  begin_xact();
  claim(cfg.max_deliveries, cfg.max_deliveries, lease, {}, sender, claimed, next_token);
  commit_xact();
  if (claimed.empty()) return 0;

  // 2. send (no transaction, no lock), 3. record as outcomes arrive, in batches
  std::vector<Outcome> outcomes;
  size_t left = claimed.size();
  const int attempted = int(left);
  auto take = [&](std::vector<std::pair<uint64_t, wh::Result>>&& done) {
    for (auto& [token, res] : done) {
      auto it = claimed.find(token);
      if (it == claimed.end()) continue;
      outcomes.push_back(Outcome{std::move(it->second), std::move(res)});
      claimed.erase(it);
      --left;
    }
  };
  while (left > 0) {
    take(sender.poll(100));
    if (left > 0 && stop && stop()) take(sender.abandon("abandoned: the sender is shutting down"));
    if (outcomes.size() >= 256 || (left == 0 && !outcomes.empty())) {
      begin_xact();
      record(outcomes);
      commit_xact();
    }
  }
  return attempted;
}

}  // namespace hitlai::pg

// The dynamic background worker of one hitlai.deliver_webhooks() call.
extern "C" HITLAI_EXPORT void hitlai_webhook_pass_main(Datum arg);
void hitlai_webhook_pass_main(Datum arg) {
  pqsignal(SIGTERM, die);
  BackgroundWorkerUnblockSignals();
  CurrentResourceOwner = ResourceOwnerCreate(nullptr, "hitlai webhook pass");
  dsm_segment* seg = dsm_attach(DatumGetUInt32(arg));
  if (!seg) ereport(ERROR, (errmsg("hitlai webhook pass: could not attach its shared memory")));
  dsm_pin_mapping(seg);
  auto* sh = static_cast<PassShared*>(dsm_segment_address(seg));
  BackgroundWorkerInitializeConnectionByOid(sh->database, sh->user, 0);
  pin_search_path();
  pgstat_report_appname("hitlai webhook pass");

  char error[512] = "";
  int attempted = -1;
  ErrorData* pg_error = nullptr;
  run_caught([&] {
    hitlai::pg::PassConfig cfg;
    cfg.max_deliveries = sh->max_deliveries;
    cfg.timeout_s = sh->timeout_s;
    cfg.max_in_flight = sh->max_in_flight;
    cfg.max_in_flight_per_endpoint = sh->max_in_flight_per_endpoint;
    cfg.allow_private = sh->allow_private;
    hitlai::webhook::Sender sender(hitlai::pg::sender_options(cfg));
    attempted = hitlai::pg::run_delivery_pass(cfg, sender, [] { return ProcDiePending != 0; });
  }, pg_error, error, sizeof error);
  if (pg_error) copy_cstr(error, pg_error->message ? pg_error->message : "error", sizeof error);
  copy_cstr(sh->error, error, sizeof sh->error);
  sh->attempted = attempted;
  pg_memory_barrier();
  sh->done = true;
  if (pg_error) {
    if (IsTransactionState()) AbortCurrentTransaction();
    ReThrowError(pg_error);  // logged; the worker exits
  }
  proc_exit(0);
}

// hitlai.deliver_webhooks(max_deliveries integer DEFAULT 100) -> integer (W3): one
// delivery pass; returns how many deliveries it attempted. Privileged roles only.
HITLAI_FUNCTION(hitlai_deliver_webhooks) {
  const int32 max = PG_GETARG_INT32(0);
  if (!superuser() && !has_bypassrls_privilege(GetUserId()))
    throw hitlai::Error(hitlai::sqlstate::kInsufficientPrivilege,
                        "deliver_webhooks is only for privileged roles");
  if (max < 1 || max > 100000)
    throw hitlai::Error(hitlai::sqlstate::kInvalidParameter,
                        "max_deliveries must be between 1 and 100000");
  hitlai::pg::guarded([] {
    hitlai::pg::require_extension_version("0.4.0", "function deliver_webhooks");
  });
  const hitlai::pg::PassConfig cfg = hitlai::pg::current_pass_config(max);
  PassShared result{};
  const bool started = hitlai::pg::guarded([&]() -> bool {
    Oid nsp = get_namespace_oid("hitlai", false);
    Oid rel = get_relname_relid("webhook_deliveries", nsp);
    if (!OidIsValid(rel)) elog(ERROR, "hitlai.webhook_deliveries does not exist");
    HeapTuple tup = SearchSysCache1(RELOID, ObjectIdGetDatum(rel));
    if (!HeapTupleIsValid(tup)) elog(ERROR, "cache lookup failed for relation %u", rel);
    const Oid owner = reinterpret_cast<Form_pg_class>(GETSTRUCT(tup))->relowner;
    ReleaseSysCache(tup);

    dsm_segment* seg = dsm_create(sizeof(PassShared), 0);
    auto* sh = static_cast<PassShared*>(dsm_segment_address(seg));
    std::memset(sh, 0, sizeof *sh);
    sh->database = MyDatabaseId;
    sh->user = owner;
    sh->max_deliveries = cfg.max_deliveries;
    sh->timeout_s = cfg.timeout_s;
    sh->max_in_flight = cfg.max_in_flight;
    sh->max_in_flight_per_endpoint = cfg.max_in_flight_per_endpoint;
    sh->allow_private = cfg.allow_private;
    sh->attempted = -1;

    BackgroundWorker w;
    std::memset(&w, 0, sizeof w);
    w.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
    w.bgw_start_time = BgWorkerStart_RecoveryFinished;
    w.bgw_restart_time = BGW_NEVER_RESTART;
    copy_cstr(w.bgw_library_name, "hitlai", BGW_MAXLEN);
    copy_cstr(w.bgw_function_name, "hitlai_webhook_pass_main", BGW_MAXLEN);
    copy_cstr(w.bgw_name, "hitlai webhook pass", BGW_MAXLEN);
    copy_cstr(w.bgw_type, "hitlai webhook pass", BGW_MAXLEN);
    w.bgw_main_arg = UInt32GetDatum(dsm_segment_handle(seg));
    w.bgw_notify_pid = MyProcPid;
    BackgroundWorkerHandle* handle = nullptr;
    if (!RegisterDynamicBackgroundWorker(&w, &handle)) {
      dsm_detach(seg);
      return false;
    }
    pid_t pid;
    WaitForBackgroundWorkerStartup(handle, &pid);
    WaitForBackgroundWorkerShutdown(handle);
    std::memcpy(&result, sh, sizeof result);
    dsm_detach(seg);
    return true;
  });
  if (!started)
    throw hitlai::Error(hitlai::sqlstate::kInsufficientResources, "could not start a webhook delivery worker", "",
                        "Raise max_worker_processes.");
  if (!result.done)
    throw hitlai::Error(hitlai::sqlstate::kInternalError,
                        "the webhook delivery worker stopped before finishing its pass");
  if (result.attempted < 0)
    throw hitlai::Error(hitlai::sqlstate::kInternalError,
                        std::string("webhook delivery pass failed: ") + result.error);
  return Int32GetDatum(result.attempted);
}

// ---------------------------------------------------------------------------------
// W3/W7/W8: the background worker. With hitlai in shared_preload_libraries and
// hitlai.webhook_worker_database set, the postmaster starts it (and restarts it one
// second after it dies). It is a pipeline around one Sender, whose connections stay
// alive for the worker's life:
//
//  - claim: when the sender has room (fewer than 2 x max_in_flight requests claimed and
//    not yet finished), a short transaction claims due deliveries and commits before
//    their requests are queued. At most max_in_flight_per_endpoint deliveries of one
//    webhook per claim, and none of a webhook whose endpoint already has that many
//    claimed and unfinished: a slow or dead endpoint keeps at most its share of the
//    sender, and its deliveries never wait in front of another endpoint's (W8). The
//    lease (2 x hitlai.webhook_timeout + 10 s) covers a request that waits one round
//    for its endpoint and then one round in flight.
//  - send: the sender starts queued requests as slots free up and reports each finished
//    one; no transaction is open while it waits on the network.
//  - record: finished outcomes are written set-wise, in one short transaction per batch
//    (every 256 outcomes, 20 ms after the first unrecorded one, or when nothing is
//    left in flight), together with the next claim.
//
// When nothing was due it sleeps hitlai.webhook_worker_naptime (default 250 ms) on its
// latch, so a commit that recorded deliveries is picked up within that time. A claim
// that found nothing while some webhooks were busy is repeated as soon as one of them
// has room again (what was due may all have been theirs): pausing there halved the
// throughput to one endpoint. Claims
// with expired leases make deliveries of a killed worker due again (W7).
namespace {

char* worker_database = nullptr;
int worker_naptime_ms = 250;
int worker_batch = 1000;
volatile sig_atomic_t worker_shutdown = 0;
volatile sig_atomic_t worker_reload = 0;

void worker_sigterm(SIGNAL_ARGS) {
  const int save = errno;
  worker_shutdown = 1;
  SetLatch(MyLatch);
  errno = save;
}

void worker_sighup(SIGNAL_ARGS) {
  const int save = errno;
  worker_reload = 1;
  SetLatch(MyLatch);
  errno = save;
}

// Whether hitlai 0.4.0 or later is installed in the worker's database (the caller has
// a transaction and an SPI connection open).
bool outbox_installed() {
  bool ok = false;
  if (SPI_execute("SELECT pg_catalog.string_to_array(e.extversion, '.'::pg_catalog.text)::pg_catalog.int4[] "
                  "OPERATOR(pg_catalog.>=) '{0,4,0}'::pg_catalog.int4[] FROM pg_catalog.pg_extension e "
                  "WHERE e.extname OPERATOR(pg_catalog.=) 'hitlai'::pg_catalog.name",
                  true, 1) == SPI_OK_SELECT &&
      SPI_processed == 1) {
    bool isnull = true;
    Datum d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
    ok = !isnull && DatumGetBool(d);
  }
  return ok;
}

using Clock = std::chrono::steady_clock;

// The worker's pipeline state (lives for one Sender).
struct Pipeline {
  explicit Pipeline(const hitlai::pg::PassConfig& c)
      : cfg(c), sender(hitlai::pg::sender_options(c)) {}
  hitlai::pg::PassConfig cfg;
  wh::Sender sender;
  std::unordered_map<uint64_t, Claimed> claimed;  // claimed, not yet finished
  std::vector<Outcome> outcomes;                  // finished, not yet recorded
  uint64_t next_token = 0;
  Clock::time_point first_unrecorded{};
  Clock::time_point next_claim{};  // no claim before (nothing was due)
  // Busy webhooks when the last claim found nothing: that claim may have come up empty
  // only because every due delivery was theirs, so a claim is due again as soon as one
  // of them has room (not only after the naptime).
  size_t busy_at_empty_claim = 0;

  size_t open() const { return claimed.size(); }

  // Webhooks whose endpoint has a full share of the sender.
  std::vector<std::string> busy_webhooks() const {
    std::unordered_set<std::string> seen;
    std::vector<std::string> busy;
    const size_t share = size_t(sender.options().max_in_flight_per_endpoint);
    for (const auto& [token, c] : claimed)
      if (seen.insert(c.webhook).second && sender.load(c.url) >= share) busy.push_back(c.webhook);
    return busy;
  }

  void take(std::vector<std::pair<uint64_t, wh::Result>>&& done) {
    for (auto& [token, res] : done) {
      auto it = claimed.find(token);
      if (it == claimed.end()) continue;
      if (outcomes.empty()) first_unrecorded = Clock::now();
      outcomes.push_back(Outcome{std::move(it->second), std::move(res)});
      claimed.erase(it);
    }
  }

  // One step of the database side: record what finished (when due), claim more (when
  // there is room), in one transaction. Returns false when hitlai 0.4.0 is not installed.
  bool db_step(bool force_record) {
    const auto now = Clock::now();
    if (busy_at_empty_claim > 0 && now < next_claim && busy_webhooks().size() < busy_at_empty_claim) {
      next_claim = Clock::time_point{};
      busy_at_empty_claim = 0;
    }
    const size_t limit_open = 2 * size_t(sender.options().max_in_flight);
    const int room = int(std::min<size_t>(size_t(worker_batch),
                                          limit_open > open() ? limit_open - open() : 0));
    // a claim when there is room for half the in-flight slots (or a whole batch, when
    // hitlai.webhook_worker_batch is smaller than that)
    const int min_claim = std::max(1, std::min(worker_batch, sender.options().max_in_flight / 2));
    const bool want_claim = !worker_shutdown && room >= min_claim && now >= next_claim;
    const bool want_record = !outcomes.empty() &&
                             (force_record || outcomes.size() >= 256 || open() == 0 ||
                              now - first_unrecorded >= std::chrono::milliseconds(20));
    if (!want_claim && !want_record) return true;
    begin_xact();
    if (!hitlai::pg::guarded([] { return outbox_installed(); })) {
      commit_xact();
      return false;
    }
    if (want_record) record(outcomes);
    int claimed_now = 0;
    size_t busy_now = 0;
    if (want_claim) {
      const size_t before = claimed.size();
      const int share = sender.options().max_in_flight_per_endpoint;
      const std::vector<std::string> busy = busy_webhooks();
      busy_now = busy.size();
      claim(room, share, 2.0 * cfg.timeout_s + 10.0, busy, sender, claimed, next_token);
      claimed_now = int(claimed.size() - before);
    }
    commit_xact();
    if (want_claim && claimed_now == 0) {
      next_claim = Clock::now() + std::chrono::milliseconds(worker_naptime_ms);
      busy_at_empty_claim = busy_now;
    } else if (claimed_now > 0) {
      next_claim = Clock::time_point{};
      busy_at_empty_claim = 0;
    }
    return true;
  }
};

}  // namespace

namespace hitlai::pg {

void define_webhook_worker_settings() {
  DefineCustomStringVariable(
      "hitlai.webhook_worker_database",
      "Database whose webhook deliveries the hitlai background worker sends (W3).",
      "Needs hitlai in shared_preload_libraries; empty: no worker.", &worker_database, "",
      // PGC_POSTMASTER variables can only be made while the postmaster starts; a backend
      // loading hitlai later sees it as a reloadable setting it never uses.
      process_shared_preload_libraries_in_progress ? PGC_POSTMASTER : PGC_SIGHUP, 0, nullptr,
      nullptr, nullptr);
  DefineCustomIntVariable(
      "hitlai.webhook_worker_naptime", "Pause of the webhook worker when nothing is due.",
      nullptr, &worker_naptime_ms, 250, 10, 60000, PGC_SIGHUP, GUC_UNIT_MS, nullptr, nullptr,
      nullptr);
  DefineCustomIntVariable(
      "hitlai.webhook_worker_batch", "Most deliveries one claim of the webhook worker takes.",
      nullptr, &worker_batch, 1000, 1, 100000, PGC_SIGHUP, 0, nullptr, nullptr, nullptr);
  if (!process_shared_preload_libraries_in_progress || !worker_database || !*worker_database)
    return;
  BackgroundWorker w;
  std::memset(&w, 0, sizeof w);
  w.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
  w.bgw_start_time = BgWorkerStart_RecoveryFinished;
  w.bgw_restart_time = 1;
  copy_cstr(w.bgw_library_name, "hitlai", BGW_MAXLEN);
  copy_cstr(w.bgw_function_name, "hitlai_webhook_worker_main", BGW_MAXLEN);
  copy_cstr(w.bgw_name, "hitlai webhook worker", BGW_MAXLEN);
  copy_cstr(w.bgw_type, "hitlai webhook worker", BGW_MAXLEN);
  RegisterBackgroundWorker(&w);
}

}  // namespace hitlai::pg

extern "C" HITLAI_EXPORT void hitlai_webhook_worker_main(Datum arg);
void hitlai_webhook_worker_main(Datum) {
  pqsignal(SIGTERM, worker_sigterm);
  pqsignal(SIGHUP, worker_sighup);
  BackgroundWorkerUnblockSignals();
  BackgroundWorkerInitializeConnection(worker_database, nullptr, 0);
  pin_search_path();
  pgstat_report_appname("hitlai webhook worker");
  ereport(LOG, (errmsg("hitlai webhook worker started for database \"%s\"", worker_database)));

  Pipeline* pipe = nullptr;
  bool new_settings = false;  // reloaded since the current sender was made
  while (!worker_shutdown || (pipe && (pipe->open() > 0 || !pipe->outcomes.empty()))) {
    if (worker_reload) {
      worker_reload = 0;
      ProcessConfigFile(PGC_SIGHUP);
      new_settings = pipe != nullptr;
    }
    long nap = 0;
    ErrorData* pg_error = nullptr;
    char error[512] = "";
    run_caught([&] {
      if (!pipe) pipe = new Pipeline(hitlai::pg::current_pass_config(worker_batch));
      if (worker_shutdown) pipe->take(pipe->sender.abandon("abandoned: the sender is shutting down"));
      if (!pipe->db_step(worker_shutdown != 0)) {
        nap = 10000;  // not (yet) installed or upgraded: look again later
      } else if (pipe->open() > 0) {
        pipe->take(pipe->sender.poll(pipe->outcomes.empty() ? 50 : 5));
      } else if (pipe->outcomes.empty()) {
        const auto wait = pipe->next_claim - Clock::now();
        nap = std::max<long>(0, long(std::chrono::duration_cast<std::chrono::milliseconds>(wait).count()));
      }
    }, pg_error, error, sizeof error);
    if (pg_error || error[0]) {
      // the message first: the error data lives in the transaction's memory
      if (pg_error) copy_cstr(error, pg_error->message ? pg_error->message : "error", sizeof error);
      if (IsTransactionState() || IsAbortedTransactionBlockState()) AbortCurrentTransaction();
      ereport(LOG, (errmsg("hitlai webhook worker: step failed: %s", error)));
      // Start over with a new sender: what it had claimed becomes due when its lease
      // ends, and outcomes not yet recorded are attempted again (at least once, W7).
      delete pipe;
      pipe = nullptr;
      new_settings = false;
      nap = 1000;
    }
    // new settings (SIGHUP) take effect with a new sender once the current one is idle
    if (pipe && new_settings && pipe->open() == 0 && pipe->outcomes.empty()) {
      delete pipe;
      pipe = nullptr;
      new_settings = false;
    }
    if (nap > 0) {
      (void)WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH, nap,
                      PG_WAIT_EXTENSION);
      ResetLatch(MyLatch);
      if (pipe) pipe->next_claim = Clock::time_point{};  // woken or rested: look again
    }
    CHECK_FOR_INTERRUPTS();
  }
  delete pipe;
  proc_exit(0);
}
