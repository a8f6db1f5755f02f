// kiosk-media: wiring only; see common/server/service_main.h for the lifecycle.
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include "common/http/http_client.h"
#include "common/server/peer_client.h"
#include "common/server/remote_settings.h"
#include "common/server/service_main.h"
#include "common/webhooks/delivery.h"
#include "common/webhooks/remote_webhook_directory.h"
#include "services/media/grpc_peers.h"
#include "services/media/library_presence.h"
#include "services/media/mapping_admin.h"
#include "services/media/media_service.h"
#include "services/media/pg_request_counts_store.h"
#include "services/media/pg_request_store.h"
#include "services/media/pg_requested_seasons_store.h"
#include "services/media/pg_title_mapping_store.h"
#include "services/media/request_job.h"
#include "services/media/request_workflow.h"
#include "services/media/search.h"
#include "services/media/title_details.h"
#include "services/media/tmdb_client.h"

int main(int argc, char** argv) {
  using kiosk::media::v1::MediaService;
  return kiosk::server::RunServiceMain(
      argc, argv,
      {.binary = "kiosk-media",
       .summary = "TMDB search, media requests and their workflow, FR/EN title mappings",
       .default_listen_addr = "127.0.0.1:50052",
       .grpc_services = {MediaService::service_full_name()},
       .extra_settings = {{"PLEX_ADDR", "127.0.0.1:50054", "kiosk-plex (library lookups)"},
                          {"DOWNLOADS_ADDR", "127.0.0.1:50053",
                           "kiosk-downloads (approved requests are handed to it)"}},
       .job_schema = "media"},
      [](kiosk::server::ServiceEnv& env) {
        namespace media = kiosk::media;
        using kiosk::server::PeerClient;
        auto own = [&env](auto object) -> auto& { return env.owner.Own(std::move(object)); };
        const char* self = "kiosk-media";
        auto& settings = own(std::make_unique<kiosk::server::RemoteSettings>(
            PeerClient(self, "kiosk-users", "USERS_ADDR", env.config.users_addr, env.jwt)));
        auto& http = own(std::make_unique<kiosk::http::CurlHttpClient>());
        auto& tmdb = own(std::make_unique<media::TmdbClient>(http, settings));
        auto& plex = own(std::make_unique<media::GrpcPlexLibrary>(
            PeerClient(self, "kiosk-plex", "PLEX_ADDR", env.settings.Get("PLEX_ADDR"), env.jwt)));
        auto& downloads = own(std::make_unique<media::GrpcDownloadsDesk>(PeerClient(
            self, "kiosk-downloads", "DOWNLOADS_ADDR", env.settings.Get("DOWNLOADS_ADDR"),
            env.jwt)));
        auto& users = own(std::make_unique<media::GrpcUserDirectory>(
            PeerClient(self, "kiosk-users", "USERS_ADDR", env.config.users_addr, env.jwt)));

        auto& request_counts = own(std::make_unique<media::PgRequestCountsStore>(env.pool));
        auto& requests =
            own(std::make_unique<media::PgRequestStore>(env.pool, env.jobs.queue()));
        auto& mappings = own(std::make_unique<media::PgTitleMappingStore>(env.pool));
        auto& search = own(
            std::make_unique<media::Search>(tmdb, mappings, requests, plex, users, settings));
        auto& workflow = own(
            std::make_unique<media::RequestWorkflow>(requests, tmdb, plex, users, settings));
        auto& presence = own(std::make_unique<media::LibraryPresence>(requests, tmdb));
        auto& mapping_admin = own(std::make_unique<media::MappingAdmin>(mappings));
        auto& requested_seasons = own(std::make_unique<media::PgRequestedSeasonsStore>(env.pool));
        auto& titles = own(std::make_unique<media::TitleDetailsReader>(
            tmdb, plex, requested_seasons, users, settings));

        auto& request_job = own(std::make_unique<media::RequestJob>(requests, downloads));
        env.jobs.Register(media::kRequestJobKind,
                          [&request_job](const kiosk::jobs::Job& job) { return request_job.Run(job); });
        auto& directory = own(std::make_unique<kiosk::webhooks::RemoteWebhookDirectory>(
            grpc::CreateChannel(env.config.users_addr, grpc::InsecureChannelCredentials()),
            env.jwt, self));
        kiosk::webhooks::RegisterWebhookJobs(env.jobs, directory, http);

        return kiosk::server::ServiceList(std::make_unique<media::MediaServiceImpl>(
            env.jobs, env.executor, env.info, env.authenticator,
            media::MediaLogic{request_counts, search, workflow, presence, mapping_admin, titles}));
      });
}
