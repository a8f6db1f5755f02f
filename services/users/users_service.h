// kiosk-users' gRPC service: the transport layer, proto <-> model.
// Login runs on its own small executor because password hashing takes
// ~0.1 s of CPU: a burst of logins never delays the other RPCs.
#ifndef KIOSK_SERVICES_USERS_USERS_SERVICE_H_
#define KIOSK_SERVICES_USERS_USERS_SERVICE_H_

#include "common/auth/caller.h"
#include "common/net/trusted_proxies.h"
#include "common/server/jobs_rpc.h"
#include "common/server/service_info.h"
#include "kiosk/users/v1/users_service.grpc.pb.h"
#include "services/users/api_keys.h"
#include "services/users/auth_logic.h"
#include "services/users/quota.h"
#include "services/users/system_settings.h"
#include "services/users/user_admin.h"
#include "services/users/webhook_admin.h"

namespace kiosk::users {

class UsersServiceImpl final
    : public server::JobsRpc<
          server::ServiceInfoRpc<kiosk::users::v1::UsersService::CallbackService>> {
 public:
  UsersServiceImpl(jobs::JobRuntime& jobs, server::Executor& executor,
                   server::Executor& hash_executor, const server::ServiceInfoSource& info,
                   const auth::Authenticator& authenticator, AuthLogic& logic, UserAdmin& admin,
                   ApiKeys& api_keys, SystemSettings& settings, Quotas& quotas,
                   WebhookAdmin& webhooks,
                   net::TrustedProxies trusted_proxies = net::TrustedProxies::Loopback())
      : JobsRpc(jobs, executor, info, authenticator),
        hash_executor_(hash_executor),
        logic_(logic),
        admin_(admin),
        api_keys_(api_keys),
        settings_(settings),
        quotas_(quotas),
        webhooks_(webhooks),
        trusted_proxies_(std::move(trusted_proxies)) {}

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
                                    const v1::GetUserRequest* request, v1::User* response) override;
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
  grpc::ServerUnaryReactor* CreateApiKey(grpc::CallbackServerContext* ctx,
                                         const v1::CreateApiKeyRequest* request,
                                         v1::CreateApiKeyResponse* response) override;
  grpc::ServerUnaryReactor* ListApiKeys(grpc::CallbackServerContext* ctx,
                                        const v1::ListApiKeysRequest* request,
                                        v1::ListApiKeysResponse* response) override;
  grpc::ServerUnaryReactor* RevokeApiKey(grpc::CallbackServerContext* ctx,
                                         const v1::RevokeApiKeyRequest* request,
                                         v1::RevokeApiKeyResponse* response) override;
  grpc::ServerUnaryReactor* ListSettings(grpc::CallbackServerContext* ctx,
                                         const v1::ListSettingsRequest* request,
                                         v1::ListSettingsResponse* response) override;
  grpc::ServerUnaryReactor* GetServiceSettings(grpc::CallbackServerContext* ctx,
                                               const v1::GetServiceSettingsRequest* request,
                                               v1::GetServiceSettingsResponse* response) override;
  grpc::ServerUnaryReactor* UpdateSettings(grpc::CallbackServerContext* ctx,
                                           const v1::UpdateSettingsRequest* request,
                                           v1::ListSettingsResponse* response) override;
  grpc::ServerUnaryReactor* GetQuota(grpc::CallbackServerContext* ctx,
                                     const v1::GetQuotaRequest* request,
                                     v1::Quota* response) override;
  grpc::ServerUnaryReactor* CreateWebhook(grpc::CallbackServerContext* ctx,
                                          const v1::CreateWebhookRequest* request,
                                          v1::CreateWebhookResponse* response) override;
  grpc::ServerUnaryReactor* ListWebhooks(grpc::CallbackServerContext* ctx,
                                         const v1::ListWebhooksRequest* request,
                                         v1::ListWebhooksResponse* response) override;
  grpc::ServerUnaryReactor* UpdateWebhook(grpc::CallbackServerContext* ctx,
                                          const v1::UpdateWebhookRequest* request,
                                          v1::Webhook* response) override;
  grpc::ServerUnaryReactor* DeleteWebhook(grpc::CallbackServerContext* ctx,
                                          const v1::DeleteWebhookRequest* request,
                                          v1::DeleteWebhookResponse* response) override;
  grpc::ServerUnaryReactor* TestWebhook(grpc::CallbackServerContext* ctx,
                                        const v1::TestWebhookRequest* request,
                                        v1::TestWebhookResponse* response) override;
  grpc::ServerUnaryReactor* ListWebhookTargets(grpc::CallbackServerContext* ctx,
                                               const v1::ListWebhookTargetsRequest* request,
                                               v1::ListWebhookTargetsResponse* response) override;

 private:
  server::Executor& hash_executor_;
  AuthLogic& logic_;
  UserAdmin& admin_;
  ApiKeys& api_keys_;
  SystemSettings& settings_;
  Quotas& quotas_;
  WebhookAdmin& webhooks_;
  const net::TrustedProxies trusted_proxies_;
};

// The address of the client, without the port ("ipv4:1.2.3.4:5" -> "1.2.3.4"),
// or the one a trusted proxy (the gateway) forwarded in x-forwarded-for.
std::string ClientAddress(const grpc::CallbackServerContext& ctx, const net::TrustedProxies& trusted);

}  // namespace kiosk::users

#endif  // KIOSK_SERVICES_USERS_USERS_SERVICE_H_
