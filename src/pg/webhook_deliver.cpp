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
#include <string>
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
int max_in_flight = 64;

struct PassShared {
  Oid database;
  Oid user;
  int32 max_deliveries;
  int32 timeout_s;
  int32 max_in_flight;
  bool allow_private;
  bool done;
  int32 attempted;
  char error[512];
};

spi::Statement kClaim{
    R"SQL(
WITH due AS (
  SELECT d.id FROM hitlai.webhook_deliveries d
   WHERE d.status IN ('pending', 'delivering') AND d.next_attempt_at <= pg_catalog.now()
   ORDER BY d.next_attempt_at
   LIMIT $1
   FOR UPDATE OF d SKIP LOCKED)
UPDATE hitlai.webhook_deliveries d
   SET status = 'delivering', attempts = d.attempts + 1, last_attempt_at = pg_catalog.now(),
       next_attempt_at = pg_catalog.now() + ($2 * '1 second'::interval)
  FROM due, hitlai.webhooks w
 WHERE d.id = due.id AND w.id = d.webhook_id AND w.is_active
RETURNING d.id::text, d.payload::text, d.attempts::int8, w.url, w.secret, w.id)SQL",
    2, {INT4OID, FLOAT8OID}, nullptr};

spi::Statement kRecord{
    R"SQL(
UPDATE hitlai.webhook_deliveries d
   SET status = $2,
       next_attempt_at = CASE WHEN $3 IS NULL THEN NULL
                              ELSE pg_catalog.now() + ($3 * '1 second'::interval) END,
       delivered_at = CASE WHEN $2 = 'succeeded' THEN pg_catalog.now() END,
       last_status_code = $4, last_error = $5
 WHERE d.id = $1 AND d.status = 'delivering' AND d.attempts = $6)SQL",
    6, {UUIDOID, TEXTOID, FLOAT8OID, INT4OID, TEXTOID, INT4OID}, nullptr};

spi::Statement kDisable{
    "UPDATE hitlai.webhooks SET is_active = false WHERE id = $1 AND is_active", 1, {UUIDOID},
    nullptr};

struct Claimed {
  std::string id;
  int32 attempts;
  pg_uuid_t webhook_uuid;
};

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

Datum uuid_datum(const std::string& text) {
  return hitlai::pg::guarded([&] { return DirectFunctionCall1(uuid_in, CStringGetDatum(text.c_str())); });
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
      "Most webhook requests one delivery pass has in flight at once (W8).", nullptr,
      &max_in_flight, 64, 1, 512, PGC_SUSET, 0, nullptr, nullptr, nullptr);
}

PassConfig current_pass_config(int max_deliveries) {
  PassConfig c;
  c.max_deliveries = max_deliveries;
  c.timeout_s = webhook_timeout_s;
  c.max_in_flight = max_in_flight;
  c.allow_private = allow_private_addresses;
  return c;
}

int run_delivery_pass(const PassConfig& cfg, hitlai::webhook::Sender& sender,
                      const std::function<bool()>& stop) {
  // 1. claim, committed before any network I/O
  const int batches = (cfg.max_deliveries + cfg.max_in_flight - 1) / cfg.max_in_flight;
  const double lease = double(cfg.timeout_s) * batches + 10.0;
  std::vector<wh::Request> requests;
  std::vector<Claimed> claims;
  begin_xact();
  {
    Datum args[2] = {Int32GetDatum(cfg.max_deliveries), Float8GetDatum(lease)};
    const uint64_t n = spi::exec(kClaim, args);
    requests.reserve(n);
    claims.reserve(n);
    for (uint64_t i = 0; i < n; ++i) {
      wh::Request r;
      r.id = spi::text_not_null(i, 1);
      r.body = spi::text_not_null(i, 2);
      r.url = spi::text_not_null(i, 4);
      r.secrets.push_back(spi::text_not_null(i, 5));
      Claimed c;
      c.id = r.id;
      c.attempts = int32(*spi::int8(i, 3));
      const std::string wid = spi::text_not_null(i, 6);
      c.webhook_uuid = *DatumGetUUIDP(uuid_datum(wid));
      requests.push_back(std::move(r));
      claims.push_back(std::move(c));
    }
  }
  commit_xact();
  if (requests.empty()) return 0;

  // 2. send: no transaction, no lock
  const std::vector<wh::Result> results = sender.send(requests, stop);

  // 3. record
  begin_xact();
  for (size_t i = 0; i < results.size(); ++i) {
    const wh::Result& res = results[i];
    const Claimed& c = claims[i];
    const char* status;
    std::optional<int64_t> delay;
    std::string error = res.error;
    bool disable = false;
    switch (res.status != 0 ? wh::classify(res.status) : wh::Outcome::kRetry) {
      case wh::Outcome::kSucceeded:
        status = "succeeded";
        error.clear();
        break;
      case wh::Outcome::kGone:
        status = "cancelled";
        error = "HTTP 410: the webhook was disabled";
        disable = true;
        break;
      default:
        delay = wh::next_delay(c.attempts, res.status, res.retry_after);
        status = delay ? "pending" : "failed";
        break;
    }
    text* status_text = make_text(status);
    text* error_text = error.empty() ? nullptr : make_text(wh::truncate_utf8(error, 1024));
    Datum args[6] = {uuid_datum(c.id), PointerGetDatum(status_text),
                     Float8GetDatum(delay ? double(*delay) : 0.0), Int32GetDatum(int32(res.status)),
                     PointerGetDatum(error_text), Int32GetDatum(c.attempts)};
    const char nulls[6] = {' ', ' ', delay ? ' ' : 'n', res.status != 0 ? ' ' : 'n',
                           error_text ? ' ' : 'n', ' '};
    spi::exec(kRecord, args, nulls);
    if (disable) {
      Datum wargs[1] = {UUIDPGetDatum(const_cast<pg_uuid_t*>(&c.webhook_uuid))};
      spi::exec(kDisable, wargs);
    }
  }
  commit_xact();
  return int(requests.size());
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
  pgstat_report_appname("hitlai webhook pass");

  char error[512] = "";
  int attempted = -1;
  ErrorData* pg_error = nullptr;
  try {
    hitlai::pg::PassConfig cfg;
    cfg.max_deliveries = sh->max_deliveries;
    cfg.timeout_s = sh->timeout_s;
    cfg.max_in_flight = sh->max_in_flight;
    cfg.allow_private = sh->allow_private;
    hitlai::webhook::SenderOptions opts;
    opts.timeout_ms = long(cfg.timeout_s) * 1000;
    opts.max_in_flight = cfg.max_in_flight;
    opts.allow_private = cfg.allow_private;
    opts.user_agent = "hitlai-webhooks/" HITLAI_VERSION;
    hitlai::webhook::Sender sender(opts);
    attempted = hitlai::pg::run_delivery_pass(cfg, sender, [] { return ProcDiePending != 0; });
  } catch (const hitlai::pg::PgError& e) {
    pg_error = e.edata();
  } catch (const std::exception& e) {
    copy_cstr(error, e.what(), sizeof error);
  } catch (...) {
    copy_cstr(error, "unknown error", sizeof error);
  }
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
    hitlai::pg::require_extension_version("0.3.0", "function deliver_webhooks");
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
    throw hitlai::Error("53000", "could not start a webhook delivery worker", "",
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
// W3/W7: the background worker. With hitlai in shared_preload_libraries and
// hitlai.webhook_worker_database set, the postmaster starts it (and restarts it one
// second after it dies). It runs passes in a loop with one Sender, so connections stay
// alive between passes; when a pass found nothing (or less than a full batch) it
// sleeps hitlai.webhook_worker_naptime (default 250 ms) on its latch, so a commit that
// recorded deliveries is picked up within that time plus one pass. Claims with expired
// leases make deliveries of a killed worker due again (W7).
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

// Whether hitlai 0.3.0 or later is installed in the worker's database.
bool outbox_installed() {
  SetCurrentStatementStartTimestamp();
  StartTransactionCommand();
  SPI_connect();
  PushActiveSnapshot(GetTransactionSnapshot());
  bool ok = false;
  if (SPI_execute("SELECT pg_catalog.string_to_array(extversion, '.')::int[] "
                  "OPERATOR(pg_catalog.>=) '{0,3,0}'::int[] FROM pg_catalog.pg_extension "
                  "WHERE extname = 'hitlai'",
                  true, 1) == SPI_OK_SELECT &&
      SPI_processed == 1) {
    bool isnull = true;
    Datum d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
    ok = !isnull && DatumGetBool(d);
  }
  SPI_finish();
  PopActiveSnapshot();
  CommitTransactionCommand();
  return ok;
}

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
      "hitlai.webhook_worker_batch", "Most deliveries one pass of the webhook worker claims.",
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
  pgstat_report_appname("hitlai webhook worker");
  ereport(LOG, (errmsg("hitlai webhook worker started for database \"%s\"", worker_database)));

  hitlai::webhook::Sender* sender = nullptr;
  while (!worker_shutdown) {
    if (worker_reload) {
      worker_reload = 0;
      ProcessConfigFile(PGC_SIGHUP);
    }
    long nap = worker_naptime_ms;
    if (!outbox_installed()) {
      nap = 10000;  // not (yet) installed or upgraded: look again later
    } else {
      ErrorData* pg_error = nullptr;
      char error[512] = "";
      int attempted = 0;
      hitlai::pg::PassConfig cfg = hitlai::pg::current_pass_config(worker_batch);
      try {
        if (!sender) {
          hitlai::webhook::SenderOptions opts;
          opts.timeout_ms = long(cfg.timeout_s) * 1000;
          opts.max_in_flight = cfg.max_in_flight;
          opts.allow_private = cfg.allow_private;
          opts.user_agent = "hitlai-webhooks/" HITLAI_VERSION;
          sender = new hitlai::webhook::Sender(opts);
        }
        attempted = hitlai::pg::run_delivery_pass(cfg, *sender,
                                                   [] { return worker_shutdown != 0; });
      } catch (const hitlai::pg::PgError& e) {
        pg_error = e.edata();
      } catch (const std::exception& e) {
        copy_cstr(error, e.what(), sizeof error);
      } catch (...) {
        copy_cstr(error, "unknown error", sizeof error);
      }
      if (pg_error || error[0]) {
        if (IsTransactionState() || IsAbortedTransactionBlockState())
          AbortCurrentTransaction();
        ereport(LOG, (errmsg("hitlai webhook worker: pass failed: %s",
                             pg_error && pg_error->message ? pg_error->message : error)));
        nap = 1000;
      } else if (attempted >= cfg.max_deliveries) {
        nap = 0;  // a full batch: more may be due
      }
      // the settings may have changed (SIGHUP): a new Sender picks them up
      if (sender && worker_reload) {
        delete sender;
        sender = nullptr;
      }
    }
    if (nap > 0) {
      (void)WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH, nap,
                      PG_WAIT_EXTENSION);
      ResetLatch(MyLatch);
    }
    CHECK_FOR_INTERRUPTS();
  }
  delete sender;
  proc_exit(0);
}
