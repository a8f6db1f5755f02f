// kiosk-downloads's gRPC service: the transport layer, proto <-> model.
// Who may call what: SubmitRequest services only; GetDownload and
// ListDownloads admins and services all, users those of their own requests;
// everything else admins.
#ifndef KIOSK_SERVICES_DOWNLOADS_DOWNLOADS_SERVICE_H_
#define KIOSK_SERVICES_DOWNLOADS_DOWNLOADS_SERVICE_H_

#include "common/server/jobs_rpc.h"
#include "common/server/service_info.h"
#include "kiosk/downloads/v1/downloads_service.grpc.pb.h"
#include "services/downloads/download_chain.h"
#include "services/downloads/indexers/indexer_admin.h"
#include "services/downloads/releases/release_search.h"
#include "services/downloads/pg_download_store.h"
#include "services/downloads/rename_admin.h"

namespace kiosk::downloads {

namespace v1 = ::kiosk::downloads::v1;

class DownloadsServiceImpl final
    : public server::JobsRpc<
          server::ServiceInfoRpc<kiosk::downloads::v1::DownloadsService::CallbackService>> {
 public:
  DownloadsServiceImpl(jobs::JobRuntime& jobs, server::Executor& executor,
                       const server::ServiceInfoSource& info,
                       const auth::Authenticator& authenticator, DownloadChain& chain,
                       PgDownloadStore& store, RenameAdmin& rename,
                       indexers::IndexerAdmin* indexers = nullptr,
                       releases::ReleaseSearch* release_search = nullptr)
      : JobsRpc(jobs, executor, info, authenticator),
        chain_(chain),
        store_(store),
        rename_(rename),
        indexers_(indexers),
        release_search_(release_search) {}

  grpc::ServerUnaryReactor* SubmitRequest(grpc::CallbackServerContext* ctx,
                                          const v1::SubmitRequestRequest* request,
                                          v1::Download* response) override;
  grpc::ServerUnaryReactor* AttachRelease(grpc::CallbackServerContext* ctx,
                                          const v1::AttachReleaseRequest* request,
                                          v1::Download* response) override;
  grpc::ServerUnaryReactor* GetDownload(grpc::CallbackServerContext* ctx,
                                        const v1::GetDownloadRequest* request,
                                        v1::Download* response) override;
  grpc::ServerUnaryReactor* ListDownloads(grpc::CallbackServerContext* ctx,
                                          const v1::ListDownloadsRequest* request,
                                          v1::ListDownloadsResponse* response) override;
  grpc::ServerUnaryReactor* RetryDownload(grpc::CallbackServerContext* ctx,
                                          const v1::RetryDownloadRequest* request,
                                          v1::Download* response) override;
  grpc::ServerUnaryReactor* ListRenameSettings(grpc::CallbackServerContext* ctx,
                                               const v1::ListRenameSettingsRequest* request,
                                               v1::ListRenameSettingsResponse* response) override;
  grpc::ServerUnaryReactor* GetRenameSettings(grpc::CallbackServerContext* ctx,
                                              const v1::GetRenameSettingsRequest* request,
                                              v1::RenameSettings* response) override;
  grpc::ServerUnaryReactor* UpdateRenameSettings(grpc::CallbackServerContext* ctx,
                                                 const v1::UpdateRenameSettingsRequest* request,
                                                 v1::RenameSettings* response) override;
  grpc::ServerUnaryReactor* PreviewRename(grpc::CallbackServerContext* ctx,
                                          const v1::PreviewRenameRequest* request,
                                          v1::PreviewRenameResponse* response) override;
  grpc::ServerUnaryReactor* ListTransfers(grpc::CallbackServerContext* ctx,
                                          const v1::ListTransfersRequest* request,
                                          v1::ListTransfersResponse* response) override;

  // Release search (downloads_service_releases.cc; issue 13).
  grpc::ServerUnaryReactor* ListIndexers(grpc::CallbackServerContext* ctx,
                                         const v1::ListIndexersRequest* request,
                                         v1::ListIndexersResponse* response) override;
  grpc::ServerUnaryReactor* CreateIndexer(grpc::CallbackServerContext* ctx,
                                          const v1::Indexer* request,
                                          v1::Indexer* response) override;
  grpc::ServerUnaryReactor* UpdateIndexer(grpc::CallbackServerContext* ctx,
                                          const v1::Indexer* request,
                                          v1::Indexer* response) override;
  grpc::ServerUnaryReactor* DeleteIndexer(grpc::CallbackServerContext* ctx,
                                          const v1::DeleteIndexerRequest* request,
                                          v1::DeleteIndexerResponse* response) override;
  grpc::ServerUnaryReactor* TestIndexer(grpc::CallbackServerContext* ctx,
                                        const v1::TestIndexerRequest* request,
                                        v1::TestIndexerResponse* response) override;
  grpc::ServerUnaryReactor* SearchReleases(grpc::CallbackServerContext* ctx,
                                           const v1::SearchReleasesRequest* request,
                                           v1::SearchReleasesResponse* response) override;
  grpc::ServerUnaryReactor* ListBlocklist(grpc::CallbackServerContext* ctx,
                                          const v1::ListBlocklistRequest* request,
                                          v1::ListBlocklistResponse* response) override;
  grpc::ServerUnaryReactor* DeleteBlocklistEntry(grpc::CallbackServerContext* ctx,
                                                 const v1::DeleteBlocklistEntryRequest* request,
                                                 v1::DeleteBlocklistEntryResponse* response) override;

 private:
  enum class Who { kService, kAdmin, kAdminOrService };
  grpc::ServerUnaryReactor* Serve(grpc::CallbackServerContext* ctx, Who who,
                                  std::function<absl::Status()> work);
  // Any signed-in caller; `work` decides with the caller.
  grpc::ServerUnaryReactor* ServeAnyone(grpc::CallbackServerContext* ctx,
                                        std::function<absl::Status(const auth::Caller&)> work);

  DownloadChain& chain_;
  PgDownloadStore& store_;
  RenameAdmin& rename_;
  // Null when the release search is not wired (FAILED_PRECONDITION).
  indexers::IndexerAdmin* indexers_;
  releases::ReleaseSearch* release_search_;
};

}  // namespace kiosk::downloads

#endif  // KIOSK_SERVICES_DOWNLOADS_DOWNLOADS_SERVICE_H_
