#include "services/users/testing/users_server.h"

#include "absl/strings/str_cat.h"
#include "common/webhooks/delivery.h"

namespace kiosk::users::testing {

UsersServer::UsersServer(db::ConnectionPool& pool, const server::ServiceInfoSource& info,
                         const auth::JwtCodec& jwt, const auth::PasswordHasher& hasher,
                         UsersServerOptions options)
    : executor("test-users", options.executor_threads, 1000),
      hash_executor("test-hash", options.hash_threads, 1000),
      jobs(pool, "users", options.jobs),
      store(pool, &jobs.queue()),
      logic(store, hasher, jwt, options.auth),
      admin(store, hasher),
      api_keys(store),
      settings(store),
      media_counter(options.media_addr, jwt),
      quotas(store, media_counter),
      authenticator(jwt, [this](absl::string_view key) { return api_keys.Resolve(key); }),
      webhook_store(pool),
      webhooks(webhook_store, jobs.queue()),
      service(jobs, executor, hash_executor, info, authenticator, logic, admin, api_keys, settings,
              quotas, webhooks, std::move(options.trusted_proxies)) {
  if (options.webhook_http != nullptr) {
    webhooks::RegisterWebhookJobs(jobs, webhook_store, *options.webhook_http);
  }
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  server = builder.BuildAndStart();
  if (server == nullptr) return;
  address = absl::StrCat("127.0.0.1:", port);
  stub = kiosk::users::v1::UsersService::NewStub(
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  if (options.webhook_http != nullptr && !jobs.Start().ok()) server.reset();
}

UsersServer::~UsersServer() {
  jobs.Shutdown(absl::Seconds(2));
  if (server) server->Shutdown();
  hash_executor.Shutdown();
  executor.Shutdown();
}

}  // namespace kiosk::users::testing
