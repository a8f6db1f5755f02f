// kiosk-media: wiring only; see common/server/service_main.h for the lifecycle.
#include "common/server/service_main.h"
#include "services/media/media_service.h"

int main(int argc, char** argv) {
  kiosk::server::ServiceSpec spec{
      .binary = "kiosk-media",
      .summary = "TMDB search, media requests and their workflow, FR/EN title mappings",
      .default_listen_addr = "127.0.0.1:50052",
      .grpc_services = {kiosk::media::v1::MediaService::service_full_name()},
      .extra_settings = {},
  };
  return kiosk::server::RunServiceMain(
      argc, argv, spec,
      [](kiosk::server::ServiceEnv& env)
          -> absl::StatusOr<std::vector<std::unique_ptr<grpc::Service>>> {
        std::vector<std::unique_ptr<grpc::Service>> services;
        services.push_back(
            std::make_unique<kiosk::media::MediaServiceImpl>(env.executor, env.info));
        return services;
      });
}
