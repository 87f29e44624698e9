// W2-W5: sending a batch of signed webhook requests concurrently with libcurl's multi
// interface (pure C++ and libcurl; no PostgreSQL calls, so it never meets a longjmp).
//
//  - at most max_in_flight requests at once; connections are kept alive and reused
//    between requests (and between batches, for the life of the Sender);
//  - every destination host is resolved first, each address checked (W5), and the
//    connection pinned to the checked address (CURLOPT_RESOLVE), so a second DNS answer
//    cannot send the request elsewhere;
//  - redirects are never followed; a timeout bounds each request (W4);
//  - at most 64 KiB of a response body is read; Retry-After is captured.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
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
  int max_in_flight = 64;
  bool allow_private = false;
  std::string user_agent = "hitlai-webhooks";
};

class Sender {
 public:
  explicit Sender(SenderOptions options);
  ~Sender();
  Sender(const Sender&) = delete;
  Sender& operator=(const Sender&) = delete;

  // Sends every request; results[i] belongs to requests[i]. `stop` is polled at least
  // every 100 ms: when it returns true, requests still in flight are abandoned (their
  // results say so) and send returns.
  std::vector<Result> send(const std::vector<Request>& requests,
                           const std::function<bool()>& stop);

 private:
  SenderOptions options_;
  void* multi_;  // CURLM*
};

}  // namespace hitlai::webhook
