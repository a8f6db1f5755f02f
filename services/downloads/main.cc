// kiosk-downloads: wiring only; see common/server/service_main.h for the lifecycle.
#include "common/server/service_main.h"
#include "services/downloads/downloads_service.h"

int main(int argc, char** argv) {
  using kiosk::downloads::v1::DownloadsService;
  return kiosk::server::RunServiceMain(
      argc, argv,
      {.binary = "kiosk-downloads",
       .summary = "qBittorrent downloads, renaming and transfers into the Plex library",
       .default_listen_addr = "127.0.0.1:50053",
       .grpc_services = {DownloadsService::service_full_name()},
       .extra_settings = {},
       .job_schema = "downloads"},
      [](kiosk::server::ServiceEnv& env) {
        return kiosk::server::ServiceList(std::make_unique<kiosk::downloads::DownloadsServiceImpl>(
            env.jobs, env.executor, env.info, env.authenticator));
      });
}
