// A small HTTP/1.1 server on Boost.Beast: keep-alive, pipelined requests
// answered in order, a body size limit (413), idle timeouts, and a graceful
// shutdown that stops accepting and lets requests in flight finish. Beast
// stays inside http_server.cc; the handler sees plain structs and may answer
// later from any thread (the gateway answers from gRPC's callback threads).
//
//   HttpServer server(options, [](HttpRequest req, Responder respond) {
//     respond(HttpResponse{.status = 200, .body = "{}"});
//   });
//   RETURN_IF_ERROR(server.Start());   // server.port() is the bound port
//   ...
//   server.Shutdown(absl::Seconds(10));
#ifndef KIOSK_GATEWAY_HTTP_SERVER_H_
#define KIOSK_GATEWAY_HTTP_SERVER_H_

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace kiosk::gateway {

struct HttpRequest {
  std::string method;  // "GET", as sent
  std::string target;  // "/api/v1/users?x=1"
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-case
  std::string peer;                                          // client IP address
  // The value of a header ("" when absent); `name` lower-case.
  absl::string_view Header(absl::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
};

// Call exactly once per request, from any thread.
using Responder = std::function<void(HttpResponse)>;
using HttpHandler = std::function<void(HttpRequest, Responder)>;

struct HttpServerOptions {
  std::string host = "0.0.0.0";
  int port = 8765;  // 0 = any free port
  int threads = 2;
  size_t max_body_bytes = 1 << 20;
  absl::Duration idle_timeout = absl::Seconds(60);
  // Called with a 413/400 answer for requests the server refuses itself.
  std::function<HttpResponse(int status, absl::string_view message)> error_response;
};

class HttpServer {
 public:
  HttpServer(HttpServerOptions options, HttpHandler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts serving on background threads.
  absl::Status Start();
  int port() const;
  // Requests being handled right now.
  int in_flight() const;
  // Stops accepting, answers new requests on open connections with
  // "Connection: close", waits up to `grace` for requests in flight, stops.
  void Shutdown(absl::Duration grace);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kiosk::gateway

#endif  // KIOSK_GATEWAY_HTTP_SERVER_H_
