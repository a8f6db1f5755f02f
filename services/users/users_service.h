// kiosk-users's gRPC service: the transport layer, proto <-> model.
#ifndef KIOSK_SERVICES_USERS_USERS_SERVICE_H_
#define KIOSK_SERVICES_USERS_USERS_SERVICE_H_

#include "common/server/service_info.h"
#include "kiosk/users/v1/users_service.grpc.pb.h"

namespace kiosk::users {

class UsersServiceImpl final
    : public server::ServiceInfoRpc<kiosk::users::v1::UsersService::CallbackService> {
 public:
  using ServiceInfoRpc::ServiceInfoRpc;
};

}  // namespace kiosk::users

#endif  // KIOSK_SERVICES_USERS_USERS_SERVICE_H_
