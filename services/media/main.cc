// kiosk-media: wiring only; see common/server/service_main.h for the lifecycle.
#include "common/server/service_main.h"
#include "services/media/media_service.h"
#include "services/media/pg_request_counts_store.h"

int main(int argc, char** argv) {
  using kiosk::media::v1::MediaService;
  return kiosk::server::RunServiceMain(
      argc, argv,
      {.binary = "kiosk-media",
       .summary = "TMDB search, media requests and their workflow, FR/EN title mappings",
       .default_listen_addr = "127.0.0.1:50052",
       .grpc_services = {MediaService::service_full_name()},
       .extra_settings = {},
       .job_schema = "media"},
      [](kiosk::server::ServiceEnv& env) {
        namespace media = kiosk::media;
        auto& request_counts =
            env.owner.Own(std::make_unique<media::PgRequestCountsStore>(env.pool));
        return kiosk::server::ServiceList(std::make_unique<media::MediaServiceImpl>(
            env.jobs, env.executor, env.info, env.authenticator, request_counts));
      });
}
