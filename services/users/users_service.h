// kiosk-users' gRPC service: the transport layer, proto <-> model.
// Login runs on its own small executor because password hashing takes
// ~0.1 s of CPU: a burst of logins never delays the other RPCs.
#ifndef KIOSK_SERVICES_USERS_USERS_SERVICE_H_
#define KIOSK_SERVICES_USERS_USERS_SERVICE_H_

#include "common/auth/caller.h"
#include "common/server/service_info.h"
#include "kiosk/users/v1/users_service.grpc.pb.h"
#include "services/users/auth_logic.h"
#include "services/users/user_admin.h"

namespace kiosk::users {

class UsersServiceImpl final
    : public server::ServiceInfoRpc<kiosk::users::v1::UsersService::CallbackService> {
 public:
  UsersServiceImpl(server::Executor& executor, server::Executor& hash_executor,
                   const server::ServiceInfoSource& info, const auth::Authenticator& authenticator,
                   AuthLogic& logic, UserAdmin& admin)
      : ServiceInfoRpc(executor, info, authenticator),
        hash_executor_(hash_executor),
        logic_(logic),
        admin_(admin) {}

  grpc::ServerUnaryReactor* Login(grpc::CallbackServerContext* ctx, const v1::LoginRequest* request,
                                  v1::Session* response) override;
  grpc::ServerUnaryReactor* Refresh(grpc::CallbackServerContext* ctx,
                                    const v1::RefreshRequest* request,
                                    v1::Session* response) override;
  grpc::ServerUnaryReactor* Logout(grpc::CallbackServerContext* ctx,
                                   const v1::LogoutRequest* request,
                                   v1::LogoutResponse* response) override;
  grpc::ServerUnaryReactor* Me(grpc::CallbackServerContext* ctx, const v1::MeRequest* request,
                               v1::User* response) override;
  grpc::ServerUnaryReactor* ChangePassword(grpc::CallbackServerContext* ctx,
                                           const v1::ChangePasswordRequest* request,
                                           v1::Session* response) override;
  grpc::ServerUnaryReactor* UpdateMe(grpc::CallbackServerContext* ctx,
                                     const v1::UpdateMeRequest* request,
                                     v1::User* response) override;
  grpc::ServerUnaryReactor* ListUsers(grpc::CallbackServerContext* ctx,
                                      const v1::ListUsersRequest* request,
                                      v1::ListUsersResponse* response) override;
  grpc::ServerUnaryReactor* GetUser(grpc::CallbackServerContext* ctx,
                                    const v1::GetUserRequest* request,
                                    v1::User* response) override;
  grpc::ServerUnaryReactor* CreateUser(grpc::CallbackServerContext* ctx,
                                       const v1::CreateUserRequest* request,
                                       v1::User* response) override;
  grpc::ServerUnaryReactor* UpdateUser(grpc::CallbackServerContext* ctx,
                                       const v1::UpdateUserRequest* request,
                                       v1::User* response) override;
  grpc::ServerUnaryReactor* ResetPassword(grpc::CallbackServerContext* ctx,
                                          const v1::ResetPasswordRequest* request,
                                          v1::User* response) override;
  grpc::ServerUnaryReactor* DeleteUser(grpc::CallbackServerContext* ctx,
                                       const v1::DeleteUserRequest* request,
                                       v1::DeleteUserResponse* response) override;

 private:
  server::Executor& hash_executor_;
  AuthLogic& logic_;
  UserAdmin& admin_;
};

// The address of the client, without the port ("ipv4:1.2.3.4:5" -> "1.2.3.4").
std::string ClientAddress(const grpc::CallbackServerContext& ctx);

}  // namespace kiosk::users

#endif  // KIOSK_SERVICES_USERS_USERS_SERVICE_H_
