// kiosk-downloads's gRPC service: the transport layer, proto <-> model.
#ifndef KIOSK_SERVICES_DOWNLOADS_DOWNLOADS_SERVICE_H_
#define KIOSK_SERVICES_DOWNLOADS_DOWNLOADS_SERVICE_H_

#include "common/server/jobs_rpc.h"
#include "common/server/service_info.h"
#include "kiosk/downloads/v1/downloads_service.grpc.pb.h"

namespace kiosk::downloads {

class DownloadsServiceImpl final
    : public server::JobsRpc<
          server::ServiceInfoRpc<kiosk::downloads::v1::DownloadsService::CallbackService>> {
 public:
  using JobsRpc::JobsRpc;  // (jobs, executor, info, authenticator)
};

}  // namespace kiosk::downloads

#endif  // KIOSK_SERVICES_DOWNLOADS_DOWNLOADS_SERVICE_H_
