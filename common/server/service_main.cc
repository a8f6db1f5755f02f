#include "common/server/service_main.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <signal.h>

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <iostream>
#include <mutex>
#include <optional>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/db/database_probe.h"
#include "common/log/log.h"
#include "common/server/remote_api_keys.h"
#include "common/server/request_context.h"

namespace kiosk::server {
namespace {

// Pings the database every `interval` and flips gRPC health accordingly, so
// Kubernetes readiness and load balancers stop sending work while it is down.
class HealthDriver {
 public:
  HealthDriver(db::DatabaseProbe& probe, grpc::HealthCheckServiceInterface* health,
               std::vector<std::string> services, absl::Duration interval)
      : probe_(probe), health_(health), services_(std::move(services)), interval_(interval) {
    thread_ = std::thread([this] { Loop(); });
  }
  ~HealthDriver() { Stop(); }

  void Stop() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  void Loop() {
    std::optional<bool> serving;
    std::unique_lock<std::mutex> lock(mu_);
    while (!stopping_) {
      lock.unlock();
      db::DatabaseCheck check = probe_.Check();
      if (serving != check.reachable) {
        Set(check.reachable);
        if (check.reachable) {
          log::Info("database_reachable")
              .With("server_version", check.server_version)
              .With("round_trip_us", check.round_trip_micros)
              .With("health", "SERVING");
        } else {
          log::Warn("database_unreachable")
              .With("error", check.error)
              .With("health", "NOT_SERVING");
        }
        serving = check.reachable;
      }
      lock.lock();
      wake_.wait_for(lock, absl::ToChronoNanoseconds(interval_), [this] { return stopping_; });
    }
  }

  void Set(bool serving) {
    health_->SetServingStatus("", serving);
    for (const std::string& name : services_) health_->SetServingStatus(name, serving);
  }

  db::DatabaseProbe& probe_;
  grpc::HealthCheckServiceInterface* health_;
  const std::vector<std::string> services_;
  const absl::Duration interval_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

const char* SignalName(int sig) {
  return sig == SIGTERM ? "SIGTERM" : sig == SIGINT ? "SIGINT" : "signal";
}

}  // namespace

int RunServiceMain(int argc, char** argv, const ServiceSpec& spec, const ServiceFactory& factory) {
  // Block the shutdown signals before any thread starts, so every thread
  // inherits the mask and only sigwait() below receives them.
  sigset_t shutdown_signals;
  sigemptyset(&shutdown_signals);
  sigaddset(&shutdown_signals, SIGTERM);
  sigaddset(&shutdown_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &shutdown_signals, nullptr);

  std::vector<config::SettingSpec> specs = config::ServiceSettingSpecs(spec.default_listen_addr);
  specs.insert(specs.end(), spec.extra_settings.begin(), spec.extra_settings.end());
  absl::StatusOr<config::Settings> settings = config::Settings::FromArgs(argc, argv, specs);
  if (settings.ok() && settings->help_requested()) {
    std::cout << config::Settings::Usage(spec.binary, spec.summary, specs);
    return 0;
  }
  absl::StatusOr<config::ServiceConfig> loaded =
      settings.ok() ? config::ServiceConfig::Load(*settings)
                    : absl::StatusOr<config::ServiceConfig>(settings.status());
  if (!loaded.ok()) {
    std::fprintf(stderr, "%s: configuration error: %s\n", spec.binary.c_str(),
                 std::string(loaded.status().message()).c_str());
    return 2;
  }
  const config::ServiceConfig config = *std::move(loaded);
  log::Init(spec.binary, config.log_level);
  log::Info("starting")
      .With("version", KIOSK_VERSION)
      .With("environment", config::EnvironmentName(config.environment))
      .With("database", config.database.Redacted())
      .With("pool_size", config.pool.pool_size)
      .With("max_overflow", config.pool.max_overflow);
  if (config.database_url_defaulted) {
    log::Warn("database_url_default")
        .With("hint", "DATABASE_URL is unset; using the development default");
  }
  if (config.secret_key_generated) {
    log::Warn("secret_key_generated")
        .With("hint",
              "SECRET_KEY is unset: using a random key for this run; tokens die with "
              "the process and other services will not accept them. Set SECRET_KEY "
              "(./kiosk up shares one); production refuses to start without it");
  }

  db::PoolOptions pool_options = config.pool;
  pool_options.application_name = spec.binary;
  db::ConnectionPool pool(pool_options);
  // One thread per pooled connection: more would only wait for a connection.
  Executor executor(spec.binary, config.pool.pool_size, /*queue_limit=*/4096);
  ServiceInfoSource info(spec.binary, config, pool);
  ObjectOwner owner;  // declared before the services and server: outlives both
  auth::JwtCodec jwt(config.secret_key);
  // API keys live in kiosk-users' database; it is asked (and cached) here.
  RemoteApiKeys api_keys(grpc::CreateChannel(config.users_addr, grpc::InsecureChannelCredentials()),
                         absl::Seconds(30));
  auth::Authenticator authenticator(
      jwt, [&api_keys](absl::string_view key) { return api_keys.Resolve(key); });
  jobs::JobRuntime jobs(
      pool, spec.job_schema,
      {.workers = {.threads = config.job_workers,
                   .lease = config.job_lease,
                   .poll_interval = config.job_poll_interval,
                   .listen_conninfo = db::ConnInfoWithDefaults(
                       config.pool.conninfo, spec.binary + "-jobs", absl::Seconds(5))},
       .retention = config.job_retention});
  ServiceEnv env{*settings, config, pool, executor, info, owner, jwt, authenticator, jobs};

  absl::StatusOr<std::vector<std::unique_ptr<grpc::Service>>> services = factory(env);
  if (!services.ok()) {
    log::Error("start_failed").With(services.status());
    return 1;
  }

  grpc::EnableDefaultHealthCheckService(true);
  // Required: without this call the linker drops the reflection library.
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(config.listen_addr, grpc::InsecureServerCredentials(), &port);
  for (const auto& service : *services) builder.RegisterService(service.get());
  builder.experimental().SetInterceptorCreators(RequestContextInterceptors());
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    log::Error("listen_failed")
        .With("addr", config.listen_addr)
        .With("hint",
              "the address is invalid or in use, maybe by an outgoing connection that took the "
              "port (see `ss -tan | grep :PORT`); set LISTEN_ADDR (port 0 picks a free one)");
    return 1;
  }
  std::string host = config.listen_addr.substr(0, config.listen_addr.rfind(':'));
  log::Info("listening").With("addr", absl::StrCat(host, ":", port)).With("port", port);

  grpc::HealthCheckServiceInterface* health = server->GetHealthCheckService();
  // NOT_SERVING until the first database ping says otherwise.
  health->SetServingStatus("", false);
  for (const std::string& name : spec.grpc_services) health->SetServingStatus(name, false);
  // "liveness": SERVING while the process runs, whatever the database does,
  // for Kubernetes liveness probes (a database outage must not restart pods).
  health->SetServingStatus(std::string(kLivenessHealthService), true);
  db::DatabaseProbe probe(
      db::ConnInfoWithDefaults(config.pool.conninfo, spec.binary + "-health", absl::Seconds(2)),
      config.database.Redacted());
  HealthDriver driver(probe, health, spec.grpc_services, config.health_interval);
  if (absl::Status started = jobs.Start(); !started.ok()) {
    log::Error("jobs_start_failed").With(started);
    return 1;
  }

  int sig = 0;
  sigwait(&shutdown_signals, &sig);
  log::Info("shutting_down")
      .With("signal", SignalName(sig))
      .With("grace_s", absl::ToDoubleSeconds(config.shutdown_grace));
  const absl::Time deadline = absl::Now() + config.shutdown_grace;
  // gRPC's Shutdown cancels calls at the deadline but still waits for their
  // handlers, and a handler may sit in a call to a frozen database. So the
  // orderly sequence runs on its own thread, and we stop waiting for it a
  // little after the deadline.
  std::promise<void> finished;
  std::future<void> done = finished.get_future();
  std::thread shutdown([&] {
    // NOT_SERVING everywhere so balancers drain us first; the health driver's
    // later updates are ignored.
    health->Shutdown();
    // Stops accepting; in-flight calls may finish until the deadline.
    server->Shutdown(absl::ToChronoTime(deadline));
    executor.Shutdown();
    // Running jobs get what is left of the grace period.
    jobs.Shutdown(std::max(absl::ZeroDuration(), deadline - absl::Now()));
    driver.Stop();
    finished.set_value();
  });
  if (done.wait_until(absl::ToChronoTime(deadline + absl::Seconds(1))) !=
      std::future_status::ready) {
    log::Warn("stopped")
        .With("abandoned", "calls still blocked on the database after the grace period")
        .With("hint", "check the database server; SHUTDOWN_GRACE sets the grace period");
    // The pool and executor are still in use: end without destroying them.
    std::_Exit(0);
  }
  shutdown.join();
  log::Info("stopped");
  return 0;
}

}  // namespace kiosk::server
