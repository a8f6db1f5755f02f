// kiosk-media's gRPC service: the transport layer, proto <-> model.
#ifndef KIOSK_SERVICES_MEDIA_MEDIA_SERVICE_H_
#define KIOSK_SERVICES_MEDIA_MEDIA_SERVICE_H_

#include "common/server/service_info.h"
#include "kiosk/media/v1/media_service.grpc.pb.h"

namespace kiosk::media {

class MediaServiceImpl final
    : public server::ServiceInfoRpc<kiosk::media::v1::MediaService::CallbackService> {
 public:
  using ServiceInfoRpc::ServiceInfoRpc;
};

}  // namespace kiosk::media

#endif  // KIOSK_SERVICES_MEDIA_MEDIA_SERVICE_H_
