// The main() of every plex-kiosk service: settings, logging, database pool,
// executor, gRPC server with health and reflection, readiness driven by a
// database ping, and graceful shutdown on SIGTERM/SIGINT.
//
//   int main(int argc, char** argv) {
//     return kiosk::server::RunServiceMain(argc, argv, spec, [](ServiceEnv& env) {
//       ... return services;
//     });
//   }
//
// Exit codes: 0 after a clean shutdown or --help, 2 for bad configuration
// (one line on stderr naming the variable), 1 when the server cannot start.
#ifndef KIOSK_COMMON_SERVER_SERVICE_MAIN_H_
#define KIOSK_COMMON_SERVER_SERVICE_MAIN_H_

#include <grpcpp/impl/service_type.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/auth/caller.h"
#include "common/auth/jwt.h"
#include "common/config/service_config.h"
#include "common/config/settings.h"
#include "common/db/connection_pool.h"
#include "common/jobs/job_runtime.h"
#include "common/server/executor.h"
#include "common/server/service_info.h"

namespace kiosk::server {

// The grpc.health.v1 service name that answers SERVING as long as the process
// runs (liveness); "" and the services' own names follow the database
// (readiness).
inline constexpr absl::string_view kLivenessHealthService = "liveness";

struct ServiceSpec {
  std::string binary;               // "kiosk-users"
  std::string summary;              // one line for --help
  std::string default_listen_addr;  // "127.0.0.1:50051"
  // Full names of the gRPC services registered, for per-service health.
  std::vector<std::string> grpc_services;
  // Settings of this binary only, on top of the shared ones.
  std::vector<config::SettingSpec> extra_settings;
  // The schema whose jobs table this service's background jobs use.
  std::string job_schema;
};

// Keeps the objects a service's handlers use (stores, clients, executors)
// alive until after the gRPC server stopped; destroys them newest first.
class ObjectOwner {
 public:
  ObjectOwner() = default;
  ObjectOwner(const ObjectOwner&) = delete;
  ObjectOwner& operator=(const ObjectOwner&) = delete;
  ~ObjectOwner() {
    while (!objects_.empty()) objects_.pop_back();
  }
  template <typename T>
  T& Own(std::unique_ptr<T> object) {
    T& ref = *object;
    objects_.push_back(std::shared_ptr<void>(std::move(object)));
    return ref;
  }

 private:
  std::vector<std::shared_ptr<void>> objects_;
};

// What handlers may use. Everything here outlives the gRPC server.
struct ServiceEnv {
  const config::Settings& settings;
  const config::ServiceConfig& config;
  db::ConnectionPool& pool;
  Executor& executor;
  const ServiceInfoSource& info;
  ObjectOwner& owner;
  // Access tokens, signed and checked with SECRET_KEY (kiosk-users signs,
  // every service checks).
  const auth::JwtCodec& jwt;
  const auth::Authenticator& authenticator;
  // Background jobs: register handlers and periodic jobs in the factory;
  // started once the server runs, stopped after it (see job_runtime.h).
  jobs::JobRuntime& jobs;
};

using ServiceFactory =
    std::function<absl::StatusOr<std::vector<std::unique_ptr<grpc::Service>>>(ServiceEnv& env)>;

int RunServiceMain(int argc, char** argv, const ServiceSpec& spec, const ServiceFactory& factory);

// The factory's usual answer: `return ServiceList(std::make_unique<A>(...), ...);`
template <typename... Services>
absl::StatusOr<std::vector<std::unique_ptr<grpc::Service>>> ServiceList(
    std::unique_ptr<Services>... services) {
  std::vector<std::unique_ptr<grpc::Service>> list;
  (list.push_back(std::move(services)), ...);
  return list;
}

}  // namespace kiosk::server

#endif  // KIOSK_COMMON_SERVER_SERVICE_MAIN_H_
