// kiosk-plex's gRPC service: the transport layer, proto <-> model. Who may
// call what (see plex_service.proto): LookupMedia and SearchLibrary users,
// admins and services; RefreshPath and ListSections admins and services;
// SyncLibrary, GetSyncStatus, TestConnection and the job API admins only.
#ifndef KIOSK_SERVICES_PLEX_PLEX_SERVICE_H_
#define KIOSK_SERVICES_PLEX_PLEX_SERVICE_H_

#include "common/server/jobs_rpc.h"
#include "common/server/service_info.h"
#include "kiosk/plex/v1/plex_service.grpc.pb.h"
#include "services/plex/plex_library.h"

namespace kiosk::plex {

class PlexServiceImpl final
    : public server::JobsRpc<
          server::ServiceInfoRpc<kiosk::plex::v1::PlexService::CallbackService>> {
 public:
  PlexServiceImpl(jobs::JobRuntime& jobs, server::Executor& executor,
                  const server::ServiceInfoSource& info, const auth::Authenticator& authenticator,
                  PlexLibrary& library)
      : JobsRpc(jobs, executor, info, authenticator), library_(library) {}

  grpc::ServerUnaryReactor* LookupMedia(grpc::CallbackServerContext* ctx,
                                        const v1::LookupMediaRequest* request,
                                        v1::LookupMediaResponse* response) override;
  grpc::ServerUnaryReactor* RefreshPath(grpc::CallbackServerContext* ctx,
                                        const v1::RefreshPathRequest* request,
                                        v1::RefreshPathResponse* response) override;
  grpc::ServerUnaryReactor* SearchLibrary(grpc::CallbackServerContext* ctx,
                                          const v1::SearchLibraryRequest* request,
                                          v1::SearchLibraryResponse* response) override;
  grpc::ServerUnaryReactor* ListSections(grpc::CallbackServerContext* ctx,
                                         const v1::ListSectionsRequest* request,
                                         v1::ListSectionsResponse* response) override;
  grpc::ServerUnaryReactor* SyncLibrary(grpc::CallbackServerContext* ctx,
                                        const v1::SyncLibraryRequest* request,
                                        common::v1::Job* response) override;
  grpc::ServerUnaryReactor* GetSyncStatus(grpc::CallbackServerContext* ctx,
                                          const v1::GetSyncStatusRequest* request,
                                          v1::SyncStatus* response) override;
  grpc::ServerUnaryReactor* TestConnection(grpc::CallbackServerContext* ctx,
                                           const v1::TestConnectionRequest* request,
                                           v1::TestConnectionResponse* response) override;

 private:
  PlexLibrary& library_;
};

}  // namespace kiosk::plex

#endif  // KIOSK_SERVICES_PLEX_PLEX_SERVICE_H_
