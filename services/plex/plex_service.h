// kiosk-plex's gRPC service: the transport layer, proto <-> model.
#ifndef KIOSK_SERVICES_PLEX_PLEX_SERVICE_H_
#define KIOSK_SERVICES_PLEX_PLEX_SERVICE_H_

#include "common/server/jobs_rpc.h"
#include "common/server/service_info.h"
#include "kiosk/plex/v1/plex_service.grpc.pb.h"

namespace kiosk::plex {

class PlexServiceImpl final
    : public server::JobsRpc<
          server::ServiceInfoRpc<kiosk::plex::v1::PlexService::CallbackService>> {
 public:
  using JobsRpc::JobsRpc;  // (jobs, executor, info, authenticator)
};

}  // namespace kiosk::plex

#endif  // KIOSK_SERVICES_PLEX_PLEX_SERVICE_H_
