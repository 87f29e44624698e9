// W2-W5, W8: concurrent signed delivery with libcurl (see webhook_sender.hpp).
#include "core/webhook_sender.hpp"

#include <curl/curl.h>
#include <netdb.h>
#include <sys/socket.h>

#include <arpa/inet.h>

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <deque>
#include <map>
#include <memory>
#include <stdexcept>
#include <unordered_map>
#include <utility>

#include "core/webhook_delivery.hpp"
#include "core/webhook_sign.hpp"

namespace hitlai::webhook {

namespace {

constexpr size_t kMaxBody = 64 * 1024;

struct Transfer {
  uint64_t token = 0;
  std::string endpoint;
  Request request;  // kept alive while curl sends its body
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


using Clock = std::chrono::steady_clock;

struct CachedTarget {
  Target target;
  Clock::time_point resolved_at;
};

constexpr auto kResolveTtl = std::chrono::seconds(30);

// The parts of a URL that name its endpoint; false when it does not parse.
bool url_parts(const std::string& url, std::string& scheme, std::string& host, std::string& port) {
  CURLU* u = curl_url();
  if (!u) throw std::bad_alloc();
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> guard(u, curl_url_cleanup);
  char *s = nullptr, *h = nullptr, *p = nullptr;
  const bool ok = curl_url_set(u, CURLUPART_URL, url.c_str(), 0) == CURLUE_OK &&
                  curl_url_get(u, CURLUPART_SCHEME, &s, 0) == CURLUE_OK &&
                  curl_url_get(u, CURLUPART_HOST, &h, 0) == CURLUE_OK &&
                  curl_url_get(u, CURLUPART_PORT, &p, CURLU_DEFAULT_PORT) == CURLUE_OK;
  if (ok) scheme = s, host = h, port = p;
  curl_free(s), curl_free(h), curl_free(p);
  for (auto* str : {&scheme, &host})
    std::transform(str->begin(), str->end(), str->begin(),
                   [](unsigned char c) { return char(c >= 'A' && c <= 'Z' ? c + 32 : c); });
  return ok;
}

}  // namespace

std::string endpoint_of(const std::string& url) {
  std::string scheme, host, port;
  if (!url_parts(url, scheme, host, port)) return {};
  return scheme + "://" + host + ":" + port;
}

int in_flight_limit(int wanted) {
  rlimit rl{};
  long room = 1 << 20;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
    // Raise the soft limit toward what `wanted` needs, never past the hard limit (any
    // process may; the sender waits with poll(), which has no FD_SETSIZE bound).
    const rlim_t need = rlim_t(2) * rlim_t(std::max(wanted, 0)) + 256;
    if (rl.rlim_cur < need) {
      rlimit raised = rl;
      raised.rlim_cur = rl.rlim_max == RLIM_INFINITY ? need : std::min(need, rl.rlim_max);
      if (raised.rlim_cur > rl.rlim_cur && setrlimit(RLIMIT_NOFILE, &raised) == 0) rl = raised;
    }
    room = (long(rl.rlim_cur) - 256) / 2;
  }
  return int(std::max(1L, std::min(long(wanted), room)));
}

struct Sender::State {
  CURLM* multi = nullptr;
  struct Endpoint {
    std::deque<std::pair<uint64_t, Request>> waiting;
    size_t in_flight = 0;
  };
  std::map<std::string, Endpoint> endpoints;  // by endpoint_of(url)
  std::map<std::string, std::string> endpoint_by_url;
  std::map<std::string, CachedTarget> targets;  // by URL
  std::unordered_map<CURL*, std::unique_ptr<Transfer>> transfers;
  std::vector<std::pair<uint64_t, Result>> done;
  std::string next_turn;  // round robin: the endpoint that starts first next time
  size_t queued = 0;

  const std::string& endpoint(const std::string& url) {
    auto it = endpoint_by_url.find(url);
    if (it == endpoint_by_url.end()) {
      if (endpoint_by_url.size() > 10000) endpoint_by_url.clear();  // bounded memory
      it = endpoint_by_url.emplace(url, endpoint_of(url)).first;
    }
    return it->second;
  }
};

Sender::Sender(SenderOptions options) : options_(std::move(options)), state_(new State) {
  static const bool initialized = [] { return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK; }();
  if (!initialized) throw std::runtime_error("curl_global_init failed");
  options_.max_in_flight = in_flight_limit(std::max(1, options_.max_in_flight));
  options_.max_in_flight_per_endpoint =
      std::max(1, std::min(options_.max_in_flight_per_endpoint, options_.max_in_flight));
  CURLM* m = curl_multi_init();
  if (!m) throw std::bad_alloc();
  curl_multi_setopt(m, CURLMOPT_MAX_TOTAL_CONNECTIONS, long(options_.max_in_flight));
  curl_multi_setopt(m, CURLMOPT_MAX_HOST_CONNECTIONS, long(options_.max_in_flight_per_endpoint));
  curl_multi_setopt(m, CURLMOPT_MAXCONNECTS, long(options_.max_in_flight));
  state_->multi = m;
}

Sender::~Sender() {
  for (auto& [e, t] : state_->transfers) curl_multi_remove_handle(state_->multi, e);
  state_->transfers.clear();
  if (state_->multi) curl_multi_cleanup(state_->multi);
  delete state_;
}

size_t Sender::in_flight() const { return state_->transfers.size(); }
size_t Sender::queued() const { return state_->queued; }

size_t Sender::load(const std::string& url) const {
  auto it = state_->endpoints.find(state_->endpoint(url));
  return it == state_->endpoints.end() ? 0 : it->second.in_flight + it->second.waiting.size();
}

void Sender::submit(Request request, uint64_t token) {
  const std::string key = state_->endpoint(request.url);
  if (key.empty()) {
    Result r;
    r.error = "invalid URL";
    state_->done.emplace_back(token, std::move(r));
    return;
  }
  state_->endpoints[key].waiting.emplace_back(token, std::move(request));
  ++state_->queued;
}

std::vector<std::pair<uint64_t, Result>> Sender::poll(int wait_ms) {
  State& st = *state_;
  CURLM* multi = st.multi;

  // Starts one request of endpoint `key`; false when it finished without a request.
  auto start = [&](const std::string& key, uint64_t token, Request& r) -> bool {
    auto it = st.targets.find(r.url);
    const auto now = Clock::now();
    if (it == st.targets.end() || now - it->second.resolved_at > kResolveTtl) {
      if (st.targets.size() > 10000) st.targets.clear();  // bounded memory
      it = st.targets.insert_or_assign(r.url, CachedTarget{resolve_target(r.url, options_.allow_private), now}).first;
    }
    if (!it->second.target.ok) {
      Result res;
      res.error = it->second.target.error;
      st.done.emplace_back(token, std::move(res));
      return false;
    }
    auto t = std::make_unique<Transfer>();
    t->token = token;
    t->endpoint = key;
    t->request = std::move(r);
    t->easy = curl_easy_init();
    if (!t->easy) throw std::bad_alloc();
    const Request& q = t->request;
    const int64_t ts = int64_t(std::time(nullptr));
    const std::string sig = signature_header(q.secrets, q.id, ts, q.body);
    for (const std::string& h :
         {std::string("content-type: application/json"), "webhook-id: " + q.id,
          "webhook-timestamp: " + std::to_string(ts), "webhook-signature: " + sig,
          std::string("Expect:")}) {
      curl_slist* n = curl_slist_append(t->headers, h.c_str());
      if (!n) throw std::bad_alloc();
      t->headers = n;
    }
    if (!it->second.target.resolve_entry.empty()) {
      t->resolve = curl_slist_append(nullptr, it->second.target.resolve_entry.c_str());
      if (!t->resolve) throw std::bad_alloc();
    }
    CURL* e = t->easy;
    curl_easy_setopt(e, CURLOPT_URL, q.url.c_str());
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_POST, 1L);
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, q.body.data());
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(q.body.size()));
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers);
    if (t->resolve) curl_easy_setopt(e, CURLOPT_RESOLVE, t->resolve);
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, options_.timeout_ms);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_USERAGENT, options_.user_agent.c_str());
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, discard_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, t.get());
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->errbuf);
    curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
    if (curl_multi_add_handle(multi, e) != CURLM_OK) {
      Result res;
      res.error = "could not start the request";
      st.done.emplace_back(token, std::move(res));
      return false;
    }
    st.transfers.emplace(e, std::move(t));
    ++st.endpoints[key].in_flight;
    return true;
  };

  // Start what the limits allow, endpoints taking turns one request at a time.
  for (bool progress = true; progress && st.queued > 0 &&
                             st.transfers.size() < size_t(options_.max_in_flight);) {
    progress = false;
    auto it = st.endpoints.lower_bound(st.next_turn);
    for (size_t n = st.endpoints.size(); n > 0 && st.transfers.size() < size_t(options_.max_in_flight); --n) {
      if (it == st.endpoints.end()) it = st.endpoints.begin();
      State::Endpoint& ep = it->second;
      if (!ep.waiting.empty() && ep.in_flight < size_t(options_.max_in_flight_per_endpoint)) {
        auto [token, req] = std::move(ep.waiting.front());
        ep.waiting.pop_front();
        --st.queued;
        start(it->first, token, req);
        progress = true;
      }
      ++it;
    }
    st.next_turn = it == st.endpoints.end() ? std::string() : it->first;
  }
  // Forget idle endpoints (bounded memory).
  for (auto it = st.endpoints.begin(); it != st.endpoints.end();)
    it = it->second.waiting.empty() && it->second.in_flight == 0 ? st.endpoints.erase(it) : std::next(it);

  auto finish = [&](CURL* e, CURLcode code) {
    auto found = st.transfers.find(e);
    if (found == st.transfers.end()) return;
    Transfer& t = *found->second;
    Result res;
    long status = 0;
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
    res.status = status;
    curl_header* h = nullptr;
    if (status != 0 &&
        curl_easy_header(e, "Retry-After", 0, CURLH_HEADER, -1, &h) == CURLHE_OK && h && h->value)
      res.retry_after = parse_retry_after(h->value, int64_t(std::time(nullptr)));
    const bool body_cut = code == CURLE_WRITE_ERROR && t.body_read > kMaxBody;
    if (code != CURLE_OK && !(body_cut && status != 0)) {
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
    auto ep = st.endpoints.find(t.endpoint);
    if (ep != st.endpoints.end() && ep->second.in_flight > 0) --ep->second.in_flight;
    st.done.emplace_back(t.token, std::move(res));
    curl_multi_remove_handle(multi, e);
    st.transfers.erase(found);
  };

  if (!st.transfers.empty()) {
    int still = 0;
    curl_multi_perform(multi, &still);
    int queued = 0;
    while (CURLMsg* m = curl_multi_info_read(multi, &queued))
      if (m->msg == CURLMSG_DONE) finish(m->easy_handle, m->data.result);
    if (st.done.empty() && wait_ms > 0 && !st.transfers.empty()) {
      curl_multi_poll(multi, nullptr, 0, wait_ms, nullptr);
      curl_multi_perform(multi, &still);
      while (CURLMsg* m = curl_multi_info_read(multi, &queued))
        if (m->msg == CURLMSG_DONE) finish(m->easy_handle, m->data.result);
    }
  }
  std::vector<std::pair<uint64_t, Result>> out;
  out.swap(st.done);
  return out;
}

std::vector<std::pair<uint64_t, Result>> Sender::abandon(const std::string& error) {
  State& st = *state_;
  std::vector<std::pair<uint64_t, Result>> out;
  out.swap(st.done);
  for (auto& [e, t] : st.transfers) {
    Result r;
    r.error = error;
    out.emplace_back(t->token, std::move(r));
    curl_multi_remove_handle(st.multi, e);
  }
  st.transfers.clear();
  for (auto& [key, ep] : st.endpoints)
    for (auto& [token, req] : ep.waiting) {
      Result r;
      r.error = error;
      out.emplace_back(token, std::move(r));
    }
  st.endpoints.clear();
  st.queued = 0;
  return out;
}

std::vector<Result> Sender::send(const std::vector<Request>& requests,
                                 const std::function<bool()>& stop) {
  std::vector<Result> results(requests.size());
  for (size_t i = 0; i < requests.size(); ++i) submit(requests[i], i);
  size_t left = requests.size();
  while (left > 0) {
    for (auto& [token, res] : poll(100)) {
      results[token] = std::move(res);
      --left;
    }
    if (left > 0 && stop && stop()) {
      for (auto& [token, res] : abandon("abandoned: the sender is shutting down"))
        results[token] = std::move(res);
      break;
    }
  }
  return results;
}

}  // namespace hitlai::webhook
