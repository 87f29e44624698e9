// W2-W5: concurrent signed delivery with libcurl (see webhook_sender.hpp).
#include "core/webhook_sender.hpp"

#include <curl/curl.h>
#include <netdb.h>
#include <sys/socket.h>

#include <arpa/inet.h>

#include <ctime>
#include <map>
#include <memory>
#include <stdexcept>
#include <utility>

#include "core/webhook_delivery.hpp"
#include "core/webhook_sign.hpp"

namespace hitlai::webhook {

namespace {

constexpr size_t kMaxBody = 64 * 1024;

struct Transfer {
  size_t index = 0;
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  curl_slist* resolve = nullptr;
  size_t body_read = 0;
  char errbuf[CURL_ERROR_SIZE] = {};
  ~Transfer() {
    if (easy) curl_easy_cleanup(easy);
    if (headers) curl_slist_free_all(headers);
    if (resolve) curl_slist_free_all(resolve);
  }
};

size_t discard_body(char*, size_t size, size_t nmemb, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * nmemb;
  t->body_read += n;
  if (t->body_read > kMaxBody) return 0;  // stop reading: W4 reads at most 64 KiB
  return n;
}

struct Target {
  bool ok = false;
  std::string error;
  std::string resolve_entry;  // "host:port:address" for CURLOPT_RESOLVE, empty for literals
};

std::string strip_brackets(const std::string& host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    return host.substr(1, host.size() - 2);
  return host;
}

// Resolves host:port, checks every address (W5) and picks the first.
Target resolve_target(const std::string& url, bool allow_private) {
  Target t;
  CURLU* u = curl_url();
  if (!u) throw std::bad_alloc();
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> guard(u, curl_url_cleanup);
  char* scheme = nullptr;
  char* host = nullptr;
  char* port = nullptr;
  if (curl_url_set(u, CURLUPART_URL, url.c_str(), 0) != CURLUE_OK ||
      curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
      curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
      curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) != CURLUE_OK) {
    curl_free(scheme), curl_free(host), curl_free(port);
    t.error = "invalid URL";
    return t;
  }
  const std::string s(scheme), h(host), p(port);
  curl_free(scheme), curl_free(host), curl_free(port);
  if (s != "http" && s != "https") {
    t.error = "scheme not allowed";
    return t;
  }
  const std::string bare = strip_brackets(h);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  const int rc = getaddrinfo(bare.c_str(), p.c_str(), &hints, &res);
  if (rc != 0 || !res) {
    t.error = std::string("could not resolve host: ") + gai_strerror(rc);
    return t;
  }
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> res_guard(res, freeaddrinfo);
  std::string first;
  for (addrinfo* a = res; a; a = a->ai_next) {
    if (!allow_private && !address_allowed(a->ai_addr)) {
      t.error = "address not allowed";
      return t;
    }
    if (first.empty()) {
      char buf[INET6_ADDRSTRLEN] = {};
      const void* src = a->ai_family == AF_INET
                            ? static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(a->ai_addr)->sin_addr)
                            : static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(a->ai_addr)->sin6_addr);
      if (inet_ntop(a->ai_family, src, buf, sizeof buf))
        first = a->ai_family == AF_INET6 ? "[" + std::string(buf) + "]" : std::string(buf);
    }
  }
  if (first.empty()) {
    t.error = "could not resolve host";
    return t;
  }
  t.ok = true;
  // Pin the connection to the address just checked (literal addresses need no pin).
  if (bare == h || h.front() != '[') {
    in6_addr scratch;
    if (inet_pton(AF_INET, bare.c_str(), &scratch) != 1 &&
        inet_pton(AF_INET6, bare.c_str(), &scratch) != 1)
      t.resolve_entry = h + ":" + p + ":" + first;
  }
  return t;
}

}  // namespace

Sender::Sender(SenderOptions options) : options_(std::move(options)), multi_(nullptr) {
  static const bool initialized = [] { return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK; }();
  if (!initialized) throw std::runtime_error("curl_global_init failed");
  CURLM* m = curl_multi_init();
  if (!m) throw std::bad_alloc();
  curl_multi_setopt(m, CURLMOPT_MAX_TOTAL_CONNECTIONS, long(options_.max_in_flight));
  curl_multi_setopt(m, CURLMOPT_MAXCONNECTS, long(options_.max_in_flight));
  multi_ = m;
}

Sender::~Sender() {
  if (multi_) curl_multi_cleanup(static_cast<CURLM*>(multi_));
}

std::vector<Result> Sender::send(const std::vector<Request>& requests,
                                 const std::function<bool()>& stop) {
  CURLM* multi = static_cast<CURLM*>(multi_);
  std::vector<Result> results(requests.size());
  std::map<std::string, Target> targets;  // by URL
  std::vector<std::unique_ptr<Transfer>> transfers(requests.size());
  std::map<CURL*, size_t> by_handle;
  size_t next = 0, running = 0;

  auto start = [&](size_t i) -> bool {  // false: finished without a request
    const Request& r = requests[i];
    auto it = targets.find(r.url);
    if (it == targets.end()) it = targets.emplace(r.url, resolve_target(r.url, options_.allow_private)).first;
    if (!it->second.ok) {
      results[i].error = it->second.error;
      return false;
    }
    auto t = std::make_unique<Transfer>();
    t->index = i;
    t->easy = curl_easy_init();
    if (!t->easy) throw std::bad_alloc();
    const int64_t ts = int64_t(std::time(nullptr));
    const std::string sig = signature_header(r.secrets, r.id, ts, r.body);
    for (const std::string& h :
         {std::string("content-type: application/json"), "webhook-id: " + r.id,
          "webhook-timestamp: " + std::to_string(ts), "webhook-signature: " + sig,
          std::string("Expect:")}) {
      curl_slist* n = curl_slist_append(t->headers, h.c_str());
      if (!n) throw std::bad_alloc();
      t->headers = n;
    }
    if (!it->second.resolve_entry.empty()) {
      t->resolve = curl_slist_append(nullptr, it->second.resolve_entry.c_str());
      if (!t->resolve) throw std::bad_alloc();
    }
    CURL* e = t->easy;
    curl_easy_setopt(e, CURLOPT_URL, r.url.c_str());
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_POST, 1L);
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, r.body.data());
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(r.body.size()));
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers);
    if (t->resolve) curl_easy_setopt(e, CURLOPT_RESOLVE, t->resolve);
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, options_.timeout_ms);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_USERAGENT, options_.user_agent.c_str());
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, discard_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, t.get());
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->errbuf);
    curl_easy_setopt(e, CURLOPT_PRIVATE, t.get());
    curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
    if (curl_multi_add_handle(multi, e) != CURLM_OK) {
      results[i].error = "could not start the request";
      return false;
    }
    by_handle[e] = i;
    transfers[i] = std::move(t);
    ++running;
    return true;
  };

  auto finish = [&](CURL* e, CURLcode code) {
    const size_t i = by_handle.at(e);
    Transfer& t = *transfers[i];
    Result& res = results[i];
    long status = 0;
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
    res.status = status;
    curl_header* h = nullptr;
    if (status != 0 &&
        curl_easy_header(e, "Retry-After", 0, CURLH_HEADER, -1, &h) == CURLHE_OK && h && h->value)
      res.retry_after = parse_retry_after(h->value, int64_t(std::time(nullptr)));
    const bool body_cut = code == CURLE_WRITE_ERROR && t.body_read > kMaxBody;
    if (code != CURLE_OK && !(body_cut && status != 0)) {
      res.status = status;
      std::string msg = curl_easy_strerror(code);
      if (t.errbuf[0]) msg += std::string(": ") + t.errbuf;
      res.error = truncate_utf8(msg, 1024);
      if (code == CURLE_OPERATION_TIMEDOUT) res.status = 0;
    } else if (classify(status) != Outcome::kSucceeded) {
      if (status >= 300 && status < 400)
        res.error = "HTTP " + std::to_string(status) + " (redirect not followed)";
      else
        res.error = "HTTP " + std::to_string(status);
    }
    curl_multi_remove_handle(multi, e);
    by_handle.erase(e);
    transfers[i].reset();
    --running;
  };

  while (next < requests.size() || running > 0) {
    while (next < requests.size() && running < size_t(options_.max_in_flight)) start(next++);
    if (running == 0) continue;
    int still = 0;
    curl_multi_perform(multi, &still);
    int queued = 0;
    while (CURLMsg* m = curl_multi_info_read(multi, &queued))
      if (m->msg == CURLMSG_DONE) finish(m->easy_handle, m->data.result);
    if (running > 0 && still > 0) curl_multi_poll(multi, nullptr, 0, 100, nullptr);
    if (stop && stop()) {
      for (auto& [e, i] : std::map<CURL*, size_t>(by_handle)) {
        results[i].error = "abandoned: the sender is shutting down";
        curl_multi_remove_handle(multi, e);
        transfers[i].reset();
      }
      by_handle.clear();
      for (; next < requests.size(); ++next) results[next].error = "abandoned: the sender is shutting down";
      break;
    }
  }
  return results;
}

}  // namespace hitlai::webhook
