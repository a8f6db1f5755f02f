// kiosk-plex: wiring only; see common/server/service_main.h for the lifecycle.
#include "common/server/service_main.h"
#include "services/plex/plex_service.h"

int main(int argc, char** argv) {
  kiosk::server::ServiceSpec spec{
      .binary = "kiosk-plex",
      .summary = "Plex library sync, availability and targeted refresh",
      .default_listen_addr = "127.0.0.1:50054",
      .grpc_services = {kiosk::plex::v1::PlexService::service_full_name()},
      .extra_settings = {},
  };
  return kiosk::server::RunServiceMain(
      argc, argv, spec,
      [](kiosk::server::ServiceEnv& env)
          -> absl::StatusOr<std::vector<std::unique_ptr<grpc::Service>>> {
        std::vector<std::unique_ptr<grpc::Service>> services;
        services.push_back(
            std::make_unique<kiosk::plex::PlexServiceImpl>(env.executor, env.info));
        return services;
      });
}
