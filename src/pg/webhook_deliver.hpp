// W3-W5: webhook delivery passes (webhook_deliver.cpp), shared by deliver_webhooks() and
// the background worker.
#pragma once

#include <functional>

namespace hitlai::webhook {
class Sender;
struct SenderOptions;
}

namespace hitlai::pg {

struct PassConfig {
  int max_deliveries = 100;
  int timeout_s = 15;
  int max_in_flight = 128;
  int max_in_flight_per_endpoint = 64;
  bool allow_private = false;
};

// Defines hitlai.webhook_timeout, hitlai.webhook_allow_private_addresses,
// hitlai.webhook_max_in_flight and hitlai.webhook_max_in_flight_per_endpoint (called
// from _PG_init).
void define_webhook_settings();

// Defines hitlai.webhook_worker_database, _naptime and _batch, and registers the
// background worker when loaded by shared_preload_libraries with a database set.
void define_webhook_worker_settings();

// The session's settings for a pass of at most max_deliveries.
PassConfig current_pass_config(int max_deliveries);

// The sender options for these settings.
hitlai::webhook::SenderOptions sender_options(const PassConfig& cfg);

// One pass: claim (own transaction, committed), send, record (own transaction). Must be
// called outside any transaction (a background worker). Outcomes are recorded in
// batches as they arrive. Returns the number attempted.
int run_delivery_pass(const PassConfig& cfg, hitlai::webhook::Sender& sender,
                      const std::function<bool()>& stop);

}  // namespace hitlai::pg
