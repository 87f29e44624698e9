// W2-W5, W8: sending signed webhook requests concurrently with libcurl's multi
// interface (pure C++ and libcurl; no PostgreSQL calls, so it never meets a longjmp).
//
//  - requests are queued per endpoint (scheme, host and port of the URL) and started as
//    slots free up: at most max_in_flight at once in all, at most
//    max_in_flight_per_endpoint to one endpoint, so a slow or dead endpoint holds only
//    its own share of the slots and never delays another endpoint's requests (W8);
//    endpoints with waiting requests take turns (round robin);
//  - connections are kept alive and reused per endpoint, between requests and for the
//    life of the Sender (the connection cache holds max_in_flight connections);
//  - every destination host is resolved first, each address checked (W5), and the
//    connection pinned to the checked address (CURLOPT_RESOLVE), so a second DNS answer
//    cannot send the request elsewhere; a resolution is reused for 30 seconds;
//  - redirects are never followed; a timeout bounds each request from its start (W4);
//  - at most 64 KiB of a response body is read; Retry-After is captured.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace hitlai::webhook {

struct Request {
  std::string id;                    // webhook-id (the delivery id)
  std::string url;
  std::string body;                  // sent byte for byte
  std::vector<std::string> secrets;  // one signature each (two while a secret rotates)
};

struct Result {
  long status = 0;                    // HTTP status; 0 when there was no answer
  std::string error;                  // empty on 2xx; never contains a secret
  std::optional<int64_t> retry_after; // seconds, from a Retry-After header
};

struct SenderOptions {
  long timeout_ms = 15000;
  int max_in_flight = 128;
  int max_in_flight_per_endpoint = 64;
  bool allow_private = false;
  std::string user_agent = "hitlai-webhooks";
};

// The endpoint of a URL: "scheme://host:port" (lower-case scheme and host, the default
// port filled in); empty when the URL does not parse.
std::string endpoint_of(const std::string& url);

// The most requests a Sender may have in flight given the process's open-file limit
// (one socket each, with room left for the server's own files): min(wanted, (soft
// RLIMIT_NOFILE - 256) / 2), at least 1. The soft limit is first raised toward
// 2 * wanted + 256, up to the hard limit.
int in_flight_limit(int wanted);

class Sender {
 public:
  explicit Sender(SenderOptions options);
  ~Sender();
  Sender(const Sender&) = delete;
  Sender& operator=(const Sender&) = delete;

  // Queues a request; its result comes back from poll() with the same token.
  void submit(Request request, uint64_t token);

  // Starts queued requests as the limits allow, waits at most wait_ms for network
  // activity, and returns the requests finished since the last call.
  std::vector<std::pair<uint64_t, Result>> poll(int wait_ms);

  // Ends every queued and in-flight request at once with the given error.
  std::vector<std::pair<uint64_t, Result>> abandon(const std::string& error);

  size_t in_flight() const;
  size_t queued() const;
  // Requests queued or in flight for the endpoint of `url`.
  size_t load(const std::string& url) const;
  const SenderOptions& options() const { return options_; }

  // Sends every request and waits for all of them; results[i] belongs to requests[i].
  // `stop` is polled at least every 100 ms: when it returns true, requests still
  // waiting or in flight are abandoned (their results say so) and send returns.
  std::vector<Result> send(const std::vector<Request>& requests,
                           const std::function<bool()>& stop);

 private:
  struct State;
  SenderOptions options_;
  State* state_;
};

}  // namespace hitlai::webhook
