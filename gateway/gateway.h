// The gateway's request handler: the built-in pages (/healthz, /readyz,
// /metrics, /openapi.json), CORS, and for every other request route ->
// transcode -> upstream gRPC call -> transcode back, with one access-log line
// per request. No Beast here: HttpServer feeds it plain structs.
//
//   Gateway gateway(routes, transcoder, upstreams, metrics, options);
//   HttpServer server(http_options, [&](HttpRequest r, Responder done) {
//     gateway.Handle(std::move(r), std::move(done));
//   });
#ifndef KIOSK_GATEWAY_GATEWAY_H_
#define KIOSK_GATEWAY_GATEWAY_H_

#include <set>
#include <string>

#include "gateway/http_server.h"
#include "gateway/metrics.h"
#include "gateway/route_table.h"
#include "gateway/transcoder.h"
#include "common/net/trusted_proxies.h"
#include "gateway/upstreams.h"

namespace kiosk::gateway {

struct GatewayOptions {
  // Origins allowed to call from a browser ("https://kiosk.example.org");
  // "*" allows any.
  std::set<std::string> cors_origins;
  std::string openapi_json;
  // Proxies in front of the gateway (an Ingress) whose X-Forwarded-For is
  // believed; the client address resolved through them is what the services
  // see in x-forwarded-for. Default: nobody (clients reach the gateway directly).
  net::TrustedProxies trusted_proxies;
};

class Gateway {
 public:
  Gateway(const RouteTable& routes, const Transcoder& transcoder, Upstreams& upstreams,
          GatewayMetrics& metrics, GatewayOptions options);

  void Handle(HttpRequest request, Responder respond);

  // The error answer for `http_status` (and the JSON body with the gRPC code
  // that maps to it), for errors the HTTP server raises itself.
  static HttpResponse ErrorResponse(int http_status, absl::string_view message);

 private:
  // CORS headers for an allowed Origin; false when the origin is not allowed.
  bool AddCorsHeaders(const HttpRequest& request, HttpResponse& response) const;
  bool ServeBuiltIn(const HttpRequest& request, absl::string_view path, HttpResponse& response);

  const RouteTable& routes_;
  const Transcoder& transcoder_;
  Upstreams& upstreams_;
  GatewayMetrics& metrics_;
  const GatewayOptions options_;
};

}  // namespace kiosk::gateway

#endif  // KIOSK_GATEWAY_GATEWAY_H_
