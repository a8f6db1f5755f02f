// kiosk-gateway: HTTP/JSON on :8765 in front of the four gRPC services. The
// routes come from the google.api.http annotations compiled into the binary;
// a bad rule stops start-up naming the method.
#include <signal.h>

#include <cstdio>
#include <iostream>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/auth/jwt.h"
#include "common/config/service_config.h"
#include "common/config/settings.h"
#include "common/log/log.h"
#include "common/status_macros.h"
#include "gateway/descriptor_set.h"
#include "gateway/gateway.h"
#include "gateway/job_metrics.h"
#include "gateway/openapi.h"

namespace kiosk::gateway {
namespace {

constexpr char kBinary[] = "kiosk-gateway";

std::vector<config::SettingSpec> Specs() {
  return {
      {"LISTEN_ADDR", "0.0.0.0:8765", "HTTP address (port 0 picks a free port and logs it)"},
      {"USERS_ADDR", "127.0.0.1:50051", "kiosk-users gRPC address"},
      {"MEDIA_ADDR", "127.0.0.1:50052", "kiosk-media gRPC address"},
      {"DOWNLOADS_ADDR", "127.0.0.1:50053", "kiosk-downloads gRPC address"},
      {"PLEX_ADDR", "127.0.0.1:50054", "kiosk-plex gRPC address"},
      {"CORS_ORIGINS", "", "comma-separated browser origins allowed to call the API (* = any)"},
      {"TRUSTED_PROXIES", "",
       "CIDR blocks of proxies in front of the gateway (an Ingress) whose X-Forwarded-For is "
       "believed; empty: none"},
      {"MAX_BODY_BYTES", "1048576", "largest request body accepted (413 above)"},
      {"UPSTREAM_TIMEOUT", "30", "seconds a service gets to answer (504 after)"},
      {"SHUTDOWN_GRACE", "10", "seconds requests in flight get on SIGTERM"},
      {"GATEWAY_THREADS", "2", "threads serving HTTP"},
      {"SECRET_KEY", "",
       "the services' token key; when set, /metrics also shows every service's background jobs",
       true},
      {"JOB_METRICS_REFRESH", "15", "seconds between fetches of the services' job metrics"},
      {"LOG_LEVEL", "info", "debug, info, warn or error"},
      {"KIOSK_ENV", "development", "development or production"},
  };
}

// "kiosk.users.v1.UsersService" -> "USERS_ADDR".
std::string AddressVariable(absl::string_view service) {
  std::vector<std::string> parts = absl::StrSplit(service, '.');
  return absl::StrCat(absl::AsciiStrToUpper(parts.size() > 1 ? parts[1] : parts[0]), "_ADDR");
}

absl::Status SplitHostPort(absl::string_view addr, std::string* host, int* port) {
  size_t colon = addr.rfind(':');
  if (colon == absl::string_view::npos || !absl::SimpleAtoi(addr.substr(colon + 1), port) ||
      *port < 0 || *port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("LISTEN_ADDR: expected host:port (e.g. 0.0.0.0:8765), got \"", addr, "\""));
  }
  *host = std::string(addr.substr(0, colon));
  if (host->size() > 2 && host->front() == '[' && host->back() == ']') {
    *host = host->substr(1, host->size() - 2);
  }
  return absl::OkStatus();
}

struct Config {
  HttpServerOptions http;
  UpstreamOptions upstream;
  absl::Duration shutdown_grace;
  std::set<std::string> cors_origins;
  net::TrustedProxies trusted_proxies;
  log::Level log_level;
  std::string secret_key;  // "" = no job metrics
  absl::Duration job_metrics_refresh;
};

absl::StatusOr<Config> LoadConfig(const config::Settings& settings) {
  Config config;
  RETURN_IF_ERROR(SplitHostPort(settings.Get("LISTEN_ADDR"), &config.http.host, &config.http.port));
  ASSIGN_OR_RETURN(int max_body, settings.GetInt("MAX_BODY_BYTES", 1024, 1 << 30));
  config.http.max_body_bytes = static_cast<size_t>(max_body);
  ASSIGN_OR_RETURN(config.http.threads, settings.GetInt("GATEWAY_THREADS", 1, 64));
  ASSIGN_OR_RETURN(
      config.upstream.deadline,
      settings.GetSeconds("UPSTREAM_TIMEOUT", absl::Milliseconds(100), absl::Hours(1)));
  ASSIGN_OR_RETURN(config.shutdown_grace,
                   settings.GetSeconds("SHUTDOWN_GRACE", absl::ZeroDuration(), absl::Hours(1)));
  for (absl::string_view origin :
       absl::StrSplit(settings.Get("CORS_ORIGINS"), ',', absl::SkipWhitespace())) {
    config.cors_origins.insert(std::string(absl::StripAsciiWhitespace(origin)));
  }
  ASSIGN_OR_RETURN(config.trusted_proxies, net::TrustedProxies::Parse(settings.Get("TRUSTED_PROXIES")));
  absl::StatusOr<log::Level> level = log::ParseLevel(settings.Get("LOG_LEVEL"));
  if (!level.ok())
    return absl::InvalidArgumentError(absl::StrCat("LOG_LEVEL: ", level.status().message()));
  config.log_level = *level;
  std::string env = settings.Get("KIOSK_ENV");
  if (env != "development" && env != "production") {
    return absl::InvalidArgumentError(
        absl::StrCat("KIOSK_ENV: expected development or production, got \"", env, "\""));
  }
  config.secret_key = settings.Get("SECRET_KEY");
  if (env == "production" && !config.secret_key.empty() &&
      (config.secret_key.size() < config::kMinProductionSecretKeyBytes ||
       config::IsExampleSecret(config.secret_key))) {
    return absl::InvalidArgumentError(
        "SECRET_KEY: production refuses a short or example key (32+ random bytes)");
  }
  ASSIGN_OR_RETURN(config.job_metrics_refresh,
                   settings.GetSeconds("JOB_METRICS_REFRESH", absl::Seconds(1), absl::Hours(1)));
  if (env == "production" && config.cors_origins.count("*") > 0) {
    return absl::InvalidArgumentError(
        "CORS_ORIGINS: \"*\" is refused in production; list the kiosk's origins");
  }
  return config;
}

int Run(int argc, char** argv) {
  sigset_t shutdown_signals;
  sigemptyset(&shutdown_signals);
  sigaddset(&shutdown_signals, SIGTERM);
  sigaddset(&shutdown_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &shutdown_signals, nullptr);

  std::vector<config::SettingSpec> specs = Specs();
  absl::StatusOr<config::Settings> settings = config::Settings::FromArgs(argc, argv, specs);
  if (settings.ok() && settings->help_requested()) {
    std::cout << config::Settings::Usage(kBinary, "HTTP/JSON gateway in front of the services",
                                         specs);
    return 0;
  }
  absl::StatusOr<Config> config =
      settings.ok() ? LoadConfig(*settings) : absl::StatusOr<Config>(settings.status());
  if (!config.ok()) {
    std::fprintf(stderr, "%s: configuration error: %s\n", kBinary,
                 std::string(config.status().message()).c_str());
    return 2;
  }
  log::Init(kBinary, config->log_level);

  google::protobuf::DescriptorPool pool;
  absl::StatusOr<std::vector<const google::protobuf::ServiceDescriptor*>> services =
      LoadServices(EmbeddedDescriptorSet(), "kiosk.", &pool);
  absl::StatusOr<RouteTable> routes =
      services.ok() ? RouteTable::Build(*services) : absl::StatusOr<RouteTable>(services.status());
  if (!routes.ok()) {
    std::fprintf(stderr, "%s: cannot build the routes: %s\n", kBinary,
                 std::string(routes.status().message()).c_str());
    return 2;
  }
  std::map<std::string, std::string> addresses;
  for (const google::protobuf::ServiceDescriptor* service : *services) {
    addresses[service->full_name()] = settings->Get(AddressVariable(service->full_name()));
  }
  OpenApiInfo info;
  info.version = KIOSK_VERSION;
  info.description = "plex-kiosk: search, request and follow films and series for Plex.";
  info.public_rpcs = {"/kiosk.users.v1.UsersService/Login", "/kiosk.users.v1.UsersService/Refresh"};

  std::vector<std::string> route_names;
  for (const Route& route : routes->routes()) {
    route_names.push_back(absl::StrCat(route.http_method, " ", route.path.text()));
  }
  GatewayMetrics metrics(route_names);
  std::unique_ptr<auth::JwtCodec> jwt;
  std::unique_ptr<JobMetrics> job_metrics;
  if (!config->secret_key.empty()) {
    jwt = std::make_unique<auth::JwtCodec>(config->secret_key);
    job_metrics = std::make_unique<JobMetrics>(addresses, *jwt, config->job_metrics_refresh);
    metrics.AddCollector([&job_metrics] { return job_metrics->Render(); });
  } else {
    log::Info("job_metrics_off")
        .With("hint", "set SECRET_KEY to show the services' jobs in /metrics");
  }
  Transcoder transcoder(pool);
  Upstreams upstreams(addresses, config->upstream);
  Gateway gateway(*routes, transcoder, upstreams, metrics,
                  {.cors_origins = config->cors_origins,
                   .openapi_json = BuildOpenApiDocument(routes->routes(), info),
                   .trusted_proxies = config->trusted_proxies});
  config->http.error_response = &Gateway::ErrorResponse;
  HttpServer server(config->http, [&gateway](HttpRequest request, Responder respond) {
    gateway.Handle(std::move(request), std::move(respond));
  });
  if (absl::Status started = server.Start(); !started.ok()) {
    log::Error("listen_failed").With(started);
    return 1;
  }
  log::Info("listening")
      .With("addr", absl::StrCat(config->http.host, ":", server.port()))
      .With("port", server.port())
      .With("routes", static_cast<int>(routes->routes().size()))
      .With("version", KIOSK_VERSION);
  for (const auto& [service, address] : addresses) {
    log::Info("upstream").With("service", service).With("addr", address);
  }

  int sig = 0;
  sigwait(&shutdown_signals, &sig);
  log::Info("shutting_down")
      .With("signal", sig == SIGTERM ? "SIGTERM" : "SIGINT")
      .With("in_flight", server.in_flight())
      .With("grace_s", absl::ToDoubleSeconds(config->shutdown_grace));
  server.Shutdown(config->shutdown_grace);
  log::Info("stopped");
  return 0;
}

}  // namespace
}  // namespace kiosk::gateway

int main(int argc, char** argv) { return kiosk::gateway::Run(argc, argv); }
