// kiosk-plex: wiring only; see common/server/service_main.h for the lifecycle.
#include "common/http/http_client.h"
#include "common/server/peer_client.h"
#include "common/server/remote_settings.h"
#include "common/server/service_main.h"
#include "services/plex/library_sync.h"
#include "services/plex/media_peer.h"
#include "services/plex/pg_library_store.h"
#include "services/plex/plex_library.h"
#include "services/plex/plex_service.h"
#include "services/plex/sync_jobs.h"

int main(int argc, char** argv) {
  using kiosk::plex::v1::PlexService;
  return kiosk::server::RunServiceMain(
      argc, argv,
      {.binary = "kiosk-plex",
       .summary = "Plex library sync, availability and targeted refresh",
       .default_listen_addr = "127.0.0.1:50054",
       .grpc_services = {PlexService::service_full_name()},
       .extra_settings = {{"MEDIA_ADDR", "127.0.0.1:50052",
                           "kiosk-media, told what Plex holds after each sync"}},
       .job_schema = "plex"},
      [](kiosk::server::ServiceEnv& env) {
        namespace plex = kiosk::plex;
        namespace server = kiosk::server;
        auto& settings = env.owner.Own(std::make_unique<server::RemoteSettings>(server::PeerClient(
            "kiosk-plex", "kiosk-users", "USERS_ADDR", env.config.users_addr, env.jwt)));
        auto& media = env.owner.Own(std::make_unique<plex::GrpcMediaPeer>(server::PeerClient(
            "kiosk-plex", "kiosk-media", "MEDIA_ADDR", env.settings.Get("MEDIA_ADDR"), env.jwt,
            absl::Seconds(30))));
        auto& http = env.owner.Own(std::make_unique<kiosk::http::CurlHttpClient>());
        auto& store = env.owner.Own(std::make_unique<plex::PgLibraryStore>(env.pool));
        auto& sync = env.owner.Own(std::make_unique<plex::LibrarySync>(store, &media));
        auto& library = env.owner.Own(
            std::make_unique<plex::PlexLibrary>(store, sync, settings, http, env.jobs.queue()));
        auto& jobs = env.owner.Own(
            std::make_unique<plex::SyncJobs>(sync, store, settings, http, env.jobs.queue()));
        jobs.Register(env.jobs);
        return server::ServiceList(std::make_unique<plex::PlexServiceImpl>(
            env.jobs, env.executor, env.info, env.authenticator, library));
      });
}
