// kiosk-downloads: wiring only; see common/server/service_main.h for the lifecycle.
#include <grpcpp/create_channel.h>

#include "common/http/http_client.h"
#include "common/server/peer_client.h"
#include "common/server/remote_settings.h"
#include "common/server/service_main.h"
#include "common/status_macros.h"
#include "common/webhooks/delivery.h"
#include "common/webhooks/remote_webhook_directory.h"
#include "services/downloads/download_chain.h"
#include "services/downloads/downloads_service.h"
#include "services/downloads/grpc_peers.h"
#include "services/downloads/importer.h"
#include "services/downloads/indexers/indexer_admin.h"
#include "services/downloads/indexers/indexer_calls.h"
#include "services/downloads/indexers/pg_indexer_store.h"
#include "services/downloads/indexers/torznab_client.h"
#include "services/downloads/releases/pg_release_store.h"
#include "services/downloads/releases/release_search.h"
#include "services/downloads/pg_download_store.h"
#include "services/downloads/rename_admin.h"
#include "services/downloads/torrent_clients.h"

int main(int argc, char** argv) {
  using kiosk::downloads::v1::DownloadsService;
  return kiosk::server::RunServiceMain(
      argc, argv,
      {.binary = "kiosk-downloads",
       .summary = "qBittorrent downloads, renaming and transfers into the Plex library",
       .default_listen_addr = "127.0.0.1:50053",
       .grpc_services = {DownloadsService::service_full_name()},
       .extra_settings = {{"MEDIA_ADDR", "127.0.0.1:50052",
                           "kiosk-media, told of each request's progress"},
                          {"PLEX_ADDR", "127.0.0.1:50054",
                           "kiosk-plex, asked to rescan each imported folder"}},
       .job_schema = "downloads"},
      [](kiosk::server::ServiceEnv& env)
          -> absl::StatusOr<std::vector<std::unique_ptr<grpc::Service>>> {
        namespace dl = kiosk::downloads;
        namespace server = kiosk::server;
        const std::string self = "kiosk-downloads";
        auto& http = env.owner.Own(std::make_unique<kiosk::http::CurlHttpClient>());
        auto& settings = env.owner.Own(std::make_unique<server::RemoteSettings>(
            server::PeerClient(self, "kiosk-users", "USERS_ADDR", env.config.users_addr, env.jwt)));
        auto& media = env.owner.Own(std::make_unique<dl::GrpcMediaPeer>(server::PeerClient(
            self, "kiosk-media", "MEDIA_ADDR", env.settings.Get("MEDIA_ADDR"), env.jwt)));
        auto& plex = env.owner.Own(std::make_unique<dl::GrpcPlexPeer>(
            server::PeerClient(self, "kiosk-plex", "PLEX_ADDR", env.settings.Get("PLEX_ADDR"),
                               env.jwt, absl::Seconds(60))));
        auto& store = env.owner.Own(std::make_unique<dl::PgDownloadStore>(env.pool, env.jobs.queue()));
        auto& clients = env.owner.Own(std::make_unique<dl::TorrentClients>(http));
        auto& chain = env.owner.Own(
            std::make_unique<dl::DownloadChain>(store, settings, clients, media));
        chain.Register(env.jobs);
        auto& importer = env.owner.Own(
            std::make_unique<dl::Importer>(store, settings, clients, media, plex, chain));
        importer.Register(env.jobs);
        auto& rename = env.owner.Own(std::make_unique<dl::RenameAdmin>(store));
        // Release search: Torznab indexers, selection, automatic grab.
        auto& indexer_store =
            env.owner.Own(std::make_unique<dl::indexers::PgIndexerStore>(env.pool));
        auto& torznab = env.owner.Own(std::make_unique<dl::indexers::TorznabClient>(http));
        auto& indexer_calls = env.owner.Own(
            std::make_unique<dl::indexers::IndexerCalls>(indexer_store, torznab));
        auto& indexer_admin = env.owner.Own(
            std::make_unique<dl::indexers::IndexerAdmin>(indexer_store, indexer_calls));
        auto& release_store = env.owner.Own(
            std::make_unique<dl::releases::PgReleaseStore>(env.pool, env.jobs.queue()));
        auto& release_search = env.owner.Own(std::make_unique<dl::releases::ReleaseSearch>(
            indexer_store, indexer_calls, release_store, store, chain, media, settings));
        release_search.Register(env.jobs);
        auto& directory = env.owner.Own(std::make_unique<kiosk::webhooks::RemoteWebhookDirectory>(
            grpc::CreateChannel(env.config.users_addr, grpc::InsecureChannelCredentials()), env.jwt,
            self));
        kiosk::webhooks::RegisterWebhookJobs(env.jobs, directory, http);
        return server::ServiceList(std::make_unique<dl::DownloadsServiceImpl>(
            env.jobs, env.executor, env.info, env.authenticator, chain, store, rename,
            &indexer_admin, &release_search));
      });
}
