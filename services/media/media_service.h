// kiosk-media's gRPC service: the transport layer, proto <-> model.
//
//   MediaServiceImpl service(executor, info, authenticator, request_counts);
//   builder.RegisterService(&service);
#ifndef KIOSK_SERVICES_MEDIA_MEDIA_SERVICE_H_
#define KIOSK_SERVICES_MEDIA_MEDIA_SERVICE_H_

#include "common/server/jobs_rpc.h"
#include "common/server/service_info.h"
#include "kiosk/media/v1/media_service.grpc.pb.h"
#include "services/media/request_counts_store.h"

namespace kiosk::media {

class MediaServiceImpl final
    : public server::JobsRpc<
          server::ServiceInfoRpc<kiosk::media::v1::MediaService::CallbackService>> {
 public:
  MediaServiceImpl(jobs::JobRuntime& jobs, server::Executor& executor,
                   const server::ServiceInfoSource& info, const auth::Authenticator& authenticator,
                   RequestCountsStore& request_counts)
      : JobsRpc(jobs, executor, info, authenticator), request_counts_(request_counts) {}

  // Services only: quota usage of a user, for kiosk-users.
  grpc::ServerUnaryReactor* CountUserRequests(grpc::CallbackServerContext* ctx,
                                              const v1::CountUserRequestsRequest* request,
                                              v1::CountUserRequestsResponse* response) override;

 private:
  RequestCountsStore& request_counts_;
};

}  // namespace kiosk::media

#endif  // KIOSK_SERVICES_MEDIA_MEDIA_SERVICE_H_
