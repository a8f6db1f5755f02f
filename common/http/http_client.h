// HTTP/1.1 client for the external systems (Plex, qBittorrent, TMDB, Torznab
// indexers, webhooks). Clients depend on the HttpClient interface so tests can
// run them against an in-process server (common/testing/http_test_server.h)
// or a fake; CurlHttpClient is the real one.
//
//   CurlHttpClient http;   // thread-safe; share one per process or per client
//   ASSIGN_OR_RETURN(HttpResponse response,
//                    http.Send({.url = AppendQuery(base + "/identity", {{"X-Plex-Token", token}}),
//                               .headers = {{"Accept", "application/json"}}}));
//   if (response.status != 200) return ...;   // callers decide what a status means
//
// Send() returns any HTTP answer, 404 and 500 included, as a response. A
// Status is returned only when there was no answer:
//   UNAVAILABLE         cannot resolve or connect (refused, or not connected
//                       within connect_timeout), connection closed or reset,
//                       body cut short or undecodable, TLS failure (with a hint)
//   DEADLINE_EXCEEDED   connected, but no complete answer within `timeout`
//   INVALID_ARGUMENT    bad URL (not http/https, no host), method, header or
//                       timeout (timeouts must be positive and finite)
//   FAILED_PRECONDITION more than 10 redirects (when following them)
//   RESOURCE_EXHAUSTED  body larger than CurlHttpClientOptions::max_response_bytes
// Messages carry RedactUrl(url) or host:port, never a query string.
#ifndef KIOSK_COMMON_HTTP_HTTP_CLIENT_H_
#define KIOSK_COMMON_HTTP_HTTP_CLIENT_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/http/url.h"  // UrlEncode, FormEncode, AppendQuery, RedactUrl

namespace kiosk::http {

// Members without a value of their own have `{}` so that designated
// initializers may leave them out (-Wmissing-field-initializers).
struct HttpRequest {
  std::string method = "GET";  // any token: GET, POST, PUT, DELETE, PATCH, HEAD, ...
  std::string url{};           // absolute http:// or https:// URL, query included
  // Sent as given, in order. Nothing is added but Host, Content-Length (when
  // there is a body or the method is POST/PUT/PATCH), Accept: */*,
  // Accept-Encoding and User-Agent ("plex-kiosk/<version>"); a header of the
  // same name here replaces those. Set Content-Type yourself.
  std::vector<std::pair<std::string, std::string>> headers{};
  std::string body{};
  absl::Duration timeout = absl::Seconds(10);  // whole call, connect included
  absl::Duration connect_timeout = absl::Seconds(3);
  bool follow_redirects = false;  // at most 10; 301/302/303 turn a POST into GET
};

struct HttpResponse {
  int status = 0;
  // Names lower-case, in the order received; repeated headers (Set-Cookie)
  // are kept one entry each. After followed redirects: the last answer's.
  std::vector<std::pair<std::string, std::string>> headers{};
  // Decoded when the server used Content-Encoding gzip or deflate (the
  // content-encoding and content-length headers still describe the wire).
  std::string body{};

  // The first value of a header, "" when absent; `name` in any case.
  std::string Header(absl::string_view name) const;
  // Every value of a header, in order (e.g. all Set-Cookie lines).
  std::vector<std::string> Headers(absl::string_view name) const;
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  // Blocks until the answer or the error; safe to call from many threads.
  virtual absl::StatusOr<HttpResponse> Send(const HttpRequest& request) = 0;
};

struct CurlHttpClientOptions {
  std::string user_agent = "plex-kiosk/" KIOSK_VERSION;
  // Check the server certificate and host name (https). Turn off only for a
  // server on the LAN with a self-signed certificate.
  bool verify_tls = true;
  // Larger (decoded) bodies fail with RESOURCE_EXHAUSTED, which also stops
  // gzip bombs.
  size_t max_response_bytes = 64 << 20;
};

// libcurl (easy interface). Send() borrows an easy handle from a small pool
// owned by this object and resets its options afterwards, so no per-call
// state (headers, auth, cookies) leaks into the next call, while the
// handle's keep-alive connections, DNS and TLS session caches are reused: a
// call right after another to the same host goes over the same connection,
// whichever thread makes it. Concurrent calls use separate handles (and
// connections). Honours http_proxy/https_proxy/no_proxy from the environment.
// Never sends or stores cookies itself: see CookieJar.
class CurlHttpClient final : public HttpClient {
 public:
  explicit CurlHttpClient(CurlHttpClientOptions options = {});
  ~CurlHttpClient() override;
  CurlHttpClient(const CurlHttpClient&) = delete;
  CurlHttpClient& operator=(const CurlHttpClient&) = delete;

  absl::StatusOr<HttpResponse> Send(const HttpRequest& request) override;

 private:
  class HandlePool;
  const CurlHttpClientOptions options_;
  std::unique_ptr<HandlePool> pool_;
};

}  // namespace kiosk::http

#endif  // KIOSK_COMMON_HTTP_HTTP_CLIENT_H_
