// kiosk-users: wiring only; see common/server/service_main.h for the lifecycle.
#include "common/auth/caller.h"
#include "common/auth/jwt.h"
#include "common/auth/password_hasher.h"
#include "common/http/http_client.h"
#include "common/net/trusted_proxies.h"
#include "common/server/service_main.h"
#include "common/status_macros.h"
#include "common/webhooks/delivery.h"
#include "services/users/auth_logic.h"
#include "services/users/media_request_counter.h"
#include "services/users/pg_user_store.h"
#include "services/users/pg_webhook_store.h"
#include "services/users/quota.h"
#include "services/users/users_service.h"

int main(int argc, char** argv) {
  using kiosk::users::v1::UsersService;
  return kiosk::server::RunServiceMain(
      argc, argv,
      {.binary = "kiosk-users",
       .summary = "accounts, authentication, roles and system settings",
       .default_listen_addr = "127.0.0.1:50051",
       .grpc_services = {UsersService::service_full_name()},
       .extra_settings = {{"ACCESS_TOKEN_TTL", "900", "seconds an access token is valid"},
                          {"REFRESH_TOKEN_TTL", "2592000",
                           "seconds a refresh token is valid (30 days)"},
                          {"LOGIN_WORKERS", "2",
                           "threads hashing passwords (login, password change)"},
                          {"MEDIA_ADDR", "127.0.0.1:50052",
                           "kiosk-media, which counts the requests that use quota"},
                          {"TRUSTED_PROXIES", "127.0.0.1/32,::1/128",
                           "CIDR blocks of kiosk-gateway replicas, whose x-forwarded-for names the "
                           "client a login is throttled under (other callers' is ignored)"}},
       .job_schema = "users"},
      [](kiosk::server::ServiceEnv& env)
          -> absl::StatusOr<std::vector<std::unique_ptr<grpc::Service>>> {
        namespace auth = kiosk::auth;
        namespace users = kiosk::users;
        users::AuthOptions options;
        ASSIGN_OR_RETURN(
            options.access_ttl,
            env.settings.GetSeconds("ACCESS_TOKEN_TTL", absl::Seconds(30), absl::Hours(24)));
        ASSIGN_OR_RETURN(
            options.refresh_ttl,
            env.settings.GetSeconds("REFRESH_TOKEN_TTL", absl::Minutes(5), absl::Hours(24 * 365)));
        ASSIGN_OR_RETURN(int workers, env.settings.GetInt("LOGIN_WORKERS", 1, 64));
        const std::string media_addr = env.settings.Get("MEDIA_ADDR");
        if (media_addr.empty()) {
          return absl::InvalidArgumentError("MEDIA_ADDR: expected host:port of kiosk-media");
        }
        ASSIGN_OR_RETURN(kiosk::net::TrustedProxies trusted_proxies,
                         kiosk::net::TrustedProxies::Parse(env.settings.Get("TRUSTED_PROXIES")));
        auto& hasher = env.owner.Own(std::make_unique<auth::PasswordHasher>());
        auto& store =
            env.owner.Own(std::make_unique<users::PgUserStore>(env.pool, &env.jobs.queue()));
        auto& logic =
            env.owner.Own(std::make_unique<users::AuthLogic>(store, hasher, env.jwt, options));
        auto& admin = env.owner.Own(std::make_unique<users::UserAdmin>(store, hasher));
        auto& api_keys = env.owner.Own(std::make_unique<users::ApiKeys>(store));
        auto& settings = env.owner.Own(std::make_unique<users::SystemSettings>(store));
        auto& media_counter =
            env.owner.Own(std::make_unique<users::GrpcMediaRequestCounter>(media_addr, env.jwt));
        auto& quotas = env.owner.Own(std::make_unique<users::Quotas>(store, media_counter));
        // Webhooks: kiosk-users reads its own table; deliveries are its jobs.
        auto& webhook_store = env.owner.Own(std::make_unique<users::PgWebhookStore>(env.pool));
        auto& webhooks =
            env.owner.Own(std::make_unique<users::WebhookAdmin>(webhook_store, env.jobs.queue()));
        auto& http = env.owner.Own(std::make_unique<kiosk::http::CurlHttpClient>());
        kiosk::webhooks::RegisterWebhookJobs(env.jobs, webhook_store, http);
        // kiosk-users checks API keys itself, in its own database.
        auto& authenticator = env.owner.Own(std::make_unique<auth::Authenticator>(
            env.jwt, [&api_keys](absl::string_view key) { return api_keys.Resolve(key); }));
        auto& hash_executor = env.owner.Own(
            std::make_unique<kiosk::server::Executor>("kiosk-users-hash", workers, 256));
        return kiosk::server::ServiceList(std::make_unique<users::UsersServiceImpl>(
            env.jobs, env.executor, hash_executor, env.info, authenticator, logic, admin, api_keys,
            settings, quotas, webhooks, std::move(trusted_proxies)));
      });
}
