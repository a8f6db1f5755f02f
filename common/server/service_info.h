// The GetServiceInfo RPC every service exposes, implemented once.
//
//   class UsersServiceImpl final
//       : public ServiceInfoRpc<kiosk::users::v1::UsersService::CallbackService> {
//    public:
//     using ServiceInfoRpc::ServiceInfoRpc;   // (executor, info, authenticator)
//   };
#ifndef KIOSK_COMMON_SERVER_SERVICE_INFO_H_
#define KIOSK_COMMON_SERVER_SERVICE_INFO_H_

#include <string>

#include "absl/time/time.h"
#include "common/config/service_config.h"
#include "common/db/connection_pool.h"
#include "common/server/authenticated.h"
#include "common/server/executor.h"
#include "kiosk/common/v1/service_info.pb.h"

namespace kiosk::server {

class ServiceInfoSource {
 public:
  ServiceInfoSource(std::string binary, const config::ServiceConfig& config,
                    db::ConnectionPool& pool);

  // Blocking: takes a pooled connection and times a query. Run on an executor.
  void Fill(kiosk::common::v1::ServiceInfo* info) const;

 private:
  const std::string binary_;
  const config::ServiceConfig& config_;
  db::ConnectionPool& pool_;
  const absl::Time started_at_;
  const std::string hostname_;
};

template <typename CallbackService>
class ServiceInfoRpc : public CallbackService {
 public:
  ServiceInfoRpc(Executor& executor, const ServiceInfoSource& info,
                 const auth::Authenticator& authenticator)
      : executor_(executor), info_(info), authenticator_(authenticator) {}

  // Admins only: it shows host names and the database target.
  grpc::ServerUnaryReactor* GetServiceInfo(grpc::CallbackServerContext* ctx,
                                           const kiosk::common::v1::GetServiceInfoRequest*,
                                           kiosk::common::v1::ServiceInfo* response) override {
    return ServeAuthenticated(ctx, executor_, authenticator_, kPasswordChangeRequired,
                              [this, response](const auth::Caller& caller) {
                                absl::Status admin = auth::RequireAdmin(caller);
                                if (admin.ok()) info_.Fill(response);
                                return admin;
                              });
  }

 protected:
  Executor& executor_;
  const ServiceInfoSource& info_;
  const auth::Authenticator& authenticator_;
};

}  // namespace kiosk::server

#endif  // KIOSK_COMMON_SERVER_SERVICE_INFO_H_
