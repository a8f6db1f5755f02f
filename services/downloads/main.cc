// kiosk-downloads: wiring only; see common/server/service_main.h for the lifecycle.
#include "common/server/service_main.h"
#include "services/downloads/downloads_service.h"

int main(int argc, char** argv) {
  kiosk::server::ServiceSpec spec{
      .binary = "kiosk-downloads",
      .summary = "qBittorrent downloads, renaming and transfers into the Plex library",
      .default_listen_addr = "127.0.0.1:50053",
      .grpc_services = {kiosk::downloads::v1::DownloadsService::service_full_name()},
      .extra_settings = {},
  };
  return kiosk::server::RunServiceMain(
      argc, argv, spec,
      [](kiosk::server::ServiceEnv& env)
          -> absl::StatusOr<std::vector<std::unique_ptr<grpc::Service>>> {
        std::vector<std::unique_ptr<grpc::Service>> services;
        services.push_back(
            std::make_unique<kiosk::downloads::DownloadsServiceImpl>(env.executor, env.info));
        return services;
      });
}
