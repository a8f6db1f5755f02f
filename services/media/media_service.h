// kiosk-media's gRPC service: the transport layer, proto <-> model. Every
// RPC authenticates the caller and hands it to the logic (Search,
// RequestWorkflow, LibraryPresence, MappingAdmin, TitleDetailsReader), which
// decides who may do what; statuses are translated to gRPC once, here.
//
//   MediaServiceImpl service(jobs, executor, info, authenticator,
//                            {request_counts, search, workflow, presence, mappings});
//   builder.RegisterService(&service);
#ifndef KIOSK_SERVICES_MEDIA_MEDIA_SERVICE_H_
#define KIOSK_SERVICES_MEDIA_MEDIA_SERVICE_H_

#include "common/server/jobs_rpc.h"
#include "common/server/service_info.h"
#include "kiosk/media/v1/media_service.grpc.pb.h"
#include "services/media/library_presence.h"
#include "services/media/mapping_admin.h"
#include "services/media/request_counts_store.h"
#include "services/media/request_workflow.h"
#include "services/media/search.h"
#include "services/media/title_details.h"

namespace kiosk::media {

// The logic objects the service calls; they outlive it.
struct MediaLogic {
  RequestCountsStore& request_counts;
  Search& search;
  RequestWorkflow& workflow;
  LibraryPresence& presence;
  MappingAdmin& mappings;
  TitleDetailsReader& titles;
};

class MediaServiceImpl final
    : public server::JobsRpc<
          server::ServiceInfoRpc<kiosk::media::v1::MediaService::CallbackService>> {
 public:
  MediaServiceImpl(jobs::JobRuntime& jobs, server::Executor& executor,
                   const server::ServiceInfoSource& info, const auth::Authenticator& authenticator,
                   MediaLogic logic)
      : JobsRpc(jobs, executor, info, authenticator), logic_(logic) {}

  using Ctx = grpc::CallbackServerContext;
  using Reactor = grpc::ServerUnaryReactor;

  // Services only: quota usage of a user, for kiosk-users.
  Reactor* CountUserRequests(Ctx* ctx, const v1::CountUserRequestsRequest* request,
                             v1::CountUserRequestsResponse* response) override;
  Reactor* Search(Ctx* ctx, const v1::SearchRequest* request,
                  v1::SearchResponse* response) override;
  Reactor* CreateRequest(Ctx* ctx, const v1::CreateRequestRequest* request,
                         v1::MediaRequest* response) override;
  Reactor* GetRequest(Ctx* ctx, const v1::GetRequestRequest* request,
                      v1::MediaRequest* response) override;
  Reactor* ListMyRequests(Ctx* ctx, const v1::ListMyRequestsRequest* request,
                          v1::ListRequestsResponse* response) override;
  Reactor* ListRequests(Ctx* ctx, const v1::ListRequestsRequest* request,
                        v1::ListRequestsResponse* response) override;
  Reactor* CountRequests(Ctx* ctx, const v1::CountRequestsRequest* request,
                         v1::CountRequestsResponse* response) override;
  Reactor* ApproveRequest(Ctx* ctx, const v1::ApproveRequestRequest* request,
                          v1::MediaRequest* response) override;
  Reactor* DeclineRequest(Ctx* ctx, const v1::DeclineRequestRequest* request,
                          v1::MediaRequest* response) override;
  Reactor* RetryRequest(Ctx* ctx, const v1::RetryRequestRequest* request,
                        v1::MediaRequest* response) override;
  Reactor* CancelRequest(Ctx* ctx, const v1::CancelRequestRequest* request,
                         v1::MediaRequest* response) override;
  Reactor* DeleteRequest(Ctx* ctx, const v1::DeleteRequestRequest* request,
                         v1::DeleteRequestResponse* response) override;
  Reactor* ListRequestHistory(Ctx* ctx, const v1::ListRequestHistoryRequest* request,
                              v1::ListRequestHistoryResponse* response) override;
  Reactor* ListTrackedTitles(Ctx* ctx, const v1::ListTrackedTitlesRequest* request,
                             v1::ListTrackedTitlesResponse* response) override;
  Reactor* ReportLibraryPresence(Ctx* ctx, const v1::ReportLibraryPresenceRequest* request,
                                 v1::ReportLibraryPresenceResponse* response) override;
  Reactor* ReportRequestProgress(Ctx* ctx, const v1::ReportRequestProgressRequest* request,
                                 v1::MediaRequest* response) override;
  Reactor* ListTitleMappings(Ctx* ctx, const v1::ListTitleMappingsRequest* request,
                             v1::ListTitleMappingsResponse* response) override;
  Reactor* CreateTitleMapping(Ctx* ctx, const v1::CreateTitleMappingRequest* request,
                              v1::TitleMapping* response) override;
  Reactor* UpdateTitleMapping(Ctx* ctx, const v1::UpdateTitleMappingRequest* request,
                              v1::TitleMapping* response) override;
  Reactor* DeleteTitleMapping(Ctx* ctx, const v1::DeleteTitleMappingRequest* request,
                              v1::DeleteTitleMappingResponse* response) override;
  Reactor* GetTitle(Ctx* ctx, const v1::GetTitleRequest* request,
                    v1::TitleDetails* response) override;
  Reactor* GetSeason(Ctx* ctx, const v1::GetSeasonRequest* request,
                     v1::SeasonDetails* response) override;

 private:
  Reactor* Serve(Ctx* ctx, std::function<absl::Status(const auth::Caller&)> work);

  MediaLogic logic_;
};

}  // namespace kiosk::media

#endif  // KIOSK_SERVICES_MEDIA_MEDIA_SERVICE_H_
