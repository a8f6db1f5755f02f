// kiosk-plex: wiring only; see common/server/service_main.h for the lifecycle.
#include "common/server/service_main.h"
#include "services/plex/plex_service.h"

int main(int argc, char** argv) {
  using kiosk::plex::v1::PlexService;
  return kiosk::server::RunServiceMain(
      argc, argv,
      {.binary = "kiosk-plex",
       .summary = "Plex library sync, availability and targeted refresh",
       .default_listen_addr = "127.0.0.1:50054",
       .grpc_services = {PlexService::service_full_name()},
       .extra_settings = {},
       .job_schema = "plex"},
      [](kiosk::server::ServiceEnv& env) {
        return kiosk::server::ServiceList(std::make_unique<kiosk::plex::PlexServiceImpl>(
            env.jobs, env.executor, env.info, env.authenticator));
      });
}
