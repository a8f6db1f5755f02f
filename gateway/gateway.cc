#include "gateway/gateway.h"

#include <nlohmann/json.hpp>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "common/log/log.h"
#include "common/request_id.h"
#include "gateway/http_status.h"
#include "gateway/web_assets.h"
#include "gateway/web_session.h"

namespace kiosk::gateway {
namespace {

constexpr char kCorsAllowHeaders[] = "Authorization, Content-Type, X-Api-Key, X-Request-Id";
constexpr char kCorsExposeHeaders[] = "X-Request-Id, Retry-After";

// One request from arrival to answer; shared with the upstream callback.
struct Exchange {
  HttpRequest request;
  std::string path;
  std::string request_id;
  absl::Time start;
  int route_index = GatewayMetrics::kUnmatched;
  std::string route_name = "-";
  int grpc_code = -1;  // -1: no upstream call
  Responder respond;
};

grpc::StatusCode GrpcCodeForHttpStatus(int http_status) {
  switch (http_status) {
    case 400:
      return grpc::StatusCode::INVALID_ARGUMENT;
    case 401:
      return grpc::StatusCode::UNAUTHENTICATED;
    case 403:
      return grpc::StatusCode::PERMISSION_DENIED;
    case 404:
    case 405:
      return grpc::StatusCode::NOT_FOUND;
    case 413:
    case 431:
    case 429:
      return grpc::StatusCode::RESOURCE_EXHAUSTED;
    case 503:
      return grpc::StatusCode::UNAVAILABLE;
    case 504:
      return grpc::StatusCode::DEADLINE_EXCEEDED;
    default:
      return http_status >= 500 ? grpc::StatusCode::INTERNAL : grpc::StatusCode::UNKNOWN;
  }
}

// What a client may read of an upstream error: never an internal message.
std::string PublicMessage(const UpstreamReply& reply, const Route& route,
                          absl::string_view request_id) {
  const std::string service = route.method->service()->name();
  switch (reply.status.error_code()) {
    case grpc::StatusCode::UNKNOWN:
    case grpc::StatusCode::INTERNAL:
    case grpc::StatusCode::DATA_LOSS:
      return absl::StrCat("internal error in ", service, "; its log has the details (request id ",
                          request_id, ")");
    case grpc::StatusCode::UNAVAILABLE:
      // gRPC's own text when the service cannot be reached means nothing to a
      // person; an UNAVAILABLE the service answered says what is wrong.
      if (reply.unreachable) return absl::StrCat(service, " is unreachable; retry in a moment");
      return reply.status.error_message();
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return absl::StrCat(service, " did not answer in time; retry later");
    default:
      return reply.status.error_message();
  }
}

void Finish(Exchange& exchange, GatewayMetrics& metrics, HttpResponse response) {
  response.headers.emplace_back("X-Request-Id", exchange.request_id);
  absl::Duration took = absl::Now() - exchange.start;
  metrics.RecordRequest(exchange.route_index, response.status, took);
  log::Event line(response.status >= 500 ? log::Level::kWarn : log::Level::kInfo, "http");
  line.With("request_id", exchange.request_id)
      .With("method", exchange.request.method)
      .With("path", exchange.path)
      .With("route", exchange.route_name)
      .With("status", response.status)
      .With("duration_ms", absl::ToDoubleMilliseconds(took))
      .With("peer", exchange.request.peer);
  if (exchange.grpc_code >= 0) line.With("grpc_code", GrpcCodeName(exchange.grpc_code));
  exchange.respond(std::move(response));
}

}  // namespace

Gateway::Gateway(const RouteTable& routes, const Transcoder& transcoder, Upstreams& upstreams,
                 GatewayMetrics& metrics, GatewayOptions options)
    : routes_(routes),
      transcoder_(transcoder),
      upstreams_(upstreams),
      metrics_(metrics),
      options_(std::move(options)) {}

HttpResponse Gateway::ErrorResponse(int http_status, absl::string_view message) {
  HttpResponse response;
  response.status = http_status;
  response.body = ErrorBody(GrpcCodeForHttpStatus(http_status), message);
  return response;
}

bool Gateway::AddCorsHeaders(const HttpRequest& request, HttpResponse& response) const {
  absl::string_view origin = request.Header("origin");
  if (origin.empty()) return true;  // not a browser's cross-origin call
  // The kiosk page itself: browsers send Origin on same-origin POSTs too.
  absl::string_view host = request.Header("host");
  if (!host.empty() && (origin == absl::StrCat("http://", host) ||
                        origin == absl::StrCat("https://", host))) {
    return true;
  }
  if (options_.cors_origins.count("*") == 0 &&
      options_.cors_origins.count(std::string(origin)) == 0) {
    return false;
  }
  response.headers.emplace_back("Access-Control-Allow-Origin", std::string(origin));
  response.headers.emplace_back("Vary", "Origin");
  response.headers.emplace_back("Access-Control-Expose-Headers", kCorsExposeHeaders);
  return true;
}

bool Gateway::ServeBuiltIn(const HttpRequest& request, absl::string_view path,
                           HttpResponse& response) {
  if (request.method != "GET" && request.method != "HEAD") return false;
  if (path == "/healthz") {
    response.body = R"({"status":"ok"})";
  } else if (path == "/readyz") {
    nlohmann::json upstreams = nlohmann::json::object();
    bool ready = true;
    for (const auto& [service, serving] : upstreams_.Health()) {
      upstreams[service] = serving ? "SERVING" : "NOT_SERVING";
      ready = ready && serving;
    }
    response.status = ready ? 200 : 503;
    response.body = nlohmann::json{{"ready", ready}, {"upstreams", upstreams}}.dump();
  } else if (path == "/metrics") {
    response.content_type = "text/plain; version=0.0.4; charset=utf-8";
    response.body = metrics_.RenderPrometheus();
  } else if (path == "/openapi.json") {
    response.body = options_.openapi_json;
  } else if (const WebAsset* asset = FindWebAsset(path); asset != nullptr) {
    ServeWebAsset(*asset, request.Header("if-none-match"), response);
  } else {
    return false;
  }
  if (request.method == "HEAD") response.body.clear();
  return true;
}

void Gateway::Handle(HttpRequest request, Responder respond) {
  auto exchange = std::make_shared<Exchange>();
  exchange->start = absl::Now();
  exchange->respond = std::move(respond);
  absl::string_view caller_id = request.Header(kRequestIdHeader);
  exchange->request_id = IsAcceptableRequestId(caller_id) ? std::string(caller_id) : NewRequestId();
  exchange->request = std::move(request);
  const HttpRequest& req = exchange->request;
  absl::string_view target = req.target;
  size_t question = target.find('?');
  exchange->path = std::string(target.substr(0, question));
  absl::string_view query =
      question == absl::string_view::npos ? absl::string_view() : target.substr(question + 1);

  HttpResponse response;
  if (!AddCorsHeaders(req, response)) {
    return Finish(*exchange, metrics_,
                  ErrorResponse(403, absl::StrCat("origin ", req.Header("origin"),
                                                  " is not allowed (CORS_ORIGINS)")));
  }
  if (req.method == "OPTIONS" && !req.Header("access-control-request-method").empty()) {
    response.status = 204;
    response.headers.emplace_back("Access-Control-Allow-Methods",
                                  "GET, POST, PUT, PATCH, DELETE, OPTIONS");
    response.headers.emplace_back("Access-Control-Allow-Headers", kCorsAllowHeaders);
    response.headers.emplace_back("Access-Control-Max-Age", "600");
    return Finish(*exchange, metrics_, std::move(response));
  }
  if (ServeBuiltIn(req, exchange->path, response)) {
    return Finish(*exchange, metrics_, std::move(response));
  }

  RouteTable::Lookup found = routes_.Find(req.method, exchange->path);
  if (found.route == nullptr) {
    if (found.allowed_methods.empty()) {
      return Finish(*exchange, metrics_,
                    ErrorResponse(404, absl::StrCat("no route for ", req.method, " ",
                                                    exchange->path, "; see /openapi.json")));
    }
    HttpResponse not_allowed =
        ErrorResponse(405, absl::StrCat(req.method, " is not allowed on ", exchange->path, "; use ",
                                        absl::StrJoin(found.allowed_methods, ", ")));
    not_allowed.headers.emplace_back("Allow", absl::StrJoin(found.allowed_methods, ", "));
    return Finish(*exchange, metrics_, std::move(not_allowed));
  }
  const Route& route = *found.route;
  exchange->route_index = routes_.IndexOf(&route);
  exchange->route_name = absl::StrCat(route.http_method, " ", route.path.text());

  absl::StatusOr<std::string> wire =
      transcoder_.RequestToBinary(route, found.bindings, query,
                                  WithRefreshTokenFromCookie(req, exchange->path));
  if (!wire.ok()) {
    return Finish(*exchange, metrics_, ErrorResponse(400, wire.status().message()));
  }
  std::vector<std::pair<std::string, std::string>> metadata = {
      {kRequestIdHeader, exchange->request_id}, {"x-forwarded-for",
       options_.trusted_proxies.ClientAddress(req.peer, req.Header("x-forwarded-for"))}};
  for (const char* header : {"authorization", "x-api-key"}) {
    absl::string_view value = req.Header(header);
    if (!value.empty()) metadata.emplace_back(header, std::string(value));
  }
  auto in_flight = std::make_shared<GatewayMetrics::InFlight>(metrics_.TrackInFlight());
  upstreams_.Call(
      route.method->service()->full_name(), route.rpc_path, *std::move(wire), metadata,
      [this, exchange, &route, response = std::move(response),
       in_flight](UpstreamReply reply) mutable {
        exchange->grpc_code = reply.status.error_code();
        if (reply.status.ok()) {
          absl::StatusOr<std::string> json = transcoder_.ResponseToJson(route, reply.wire);
          if (json.ok()) {
            response.body = *std::move(json);
            MoveRefreshTokenToCookie(exchange->request, exchange->path, response);
          } else {
            log::Error("reply_not_printable")
                .With(json.status())
                .With("route", exchange->route_name);
            response = ErrorResponse(500, "internal error: the reply could not be printed");
          }
          return Finish(*exchange, metrics_, std::move(response));
        }
        metrics_.RecordUpstreamError(exchange->route_index, exchange->grpc_code);
        HttpResponse error{
            .status = HttpStatusForGrpcCode(reply.status.error_code()),
            .body = ErrorBody(reply.status.error_code(),
                              PublicMessage(reply, route, exchange->request_id),
                              reply.retry_after_seconds),
            .headers = std::move(response.headers)};
        if (reply.retry_after_seconds) {
          error.headers.emplace_back("Retry-After", absl::StrCat(*reply.retry_after_seconds));
        }
        Finish(*exchange, metrics_, std::move(error));
      });
}

}  // namespace kiosk::gateway
