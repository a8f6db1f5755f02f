// One in-process kiosk-users gRPC server (port 0) with everything it is made
// of, over a pool the test provides, for the service's database tests and
// benchmarks: construct it, call `stub`, reach the parts (store, jobs, ...)
// when a test needs them.
//
//   UsersServer users(pool, info, jwt, hasher, {.media_addr = media_addr});
//   users.stub->Login(&ctx, request, &session);
#ifndef KIOSK_SERVICES_USERS_TESTING_USERS_SERVER_H_
#define KIOSK_SERVICES_USERS_TESTING_USERS_SERVER_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "common/auth/caller.h"
#include "common/auth/jwt.h"
#include "common/auth/password_hasher.h"
#include "common/db/connection_pool.h"
#include "common/http/http_client.h"
#include "common/jobs/job_runtime.h"
#include "common/net/trusted_proxies.h"
#include "common/server/executor.h"
#include "common/server/service_info.h"
#include "services/users/media_request_counter.h"
#include "services/users/pg_user_store.h"
#include "services/users/pg_webhook_store.h"
#include "services/users/users_service.h"

namespace kiosk::users::testing {

struct UsersServerOptions {
  // kiosk-media, which counts requests for quotas; nothing listens on the
  // default (quota tests start a real kiosk-media).
  std::string media_addr = "127.0.0.1:1";
  AuthOptions auth;
  net::TrustedProxies trusted_proxies = net::TrustedProxies::Loopback();
  jobs::RuntimeOptions jobs;
  // When set, webhook deliveries are registered as jobs (over this client)
  // and the job workers are started; else the job API only reads the table.
  http::HttpClient* webhook_http = nullptr;
  int hash_threads = 2;
  int executor_threads = 4;
};

struct UsersServer {
  UsersServer(db::ConnectionPool& pool, const server::ServiceInfoSource& info,
              const auth::JwtCodec& jwt, const auth::PasswordHasher& hasher,
              UsersServerOptions options = {});
  ~UsersServer();

  server::Executor executor;
  server::Executor hash_executor;
  jobs::JobRuntime jobs;
  PgUserStore store;
  AuthLogic logic;
  UserAdmin admin;
  ApiKeys api_keys;
  SystemSettings settings;
  GrpcMediaRequestCounter media_counter;
  Quotas quotas;
  auth::Authenticator authenticator;
  PgWebhookStore webhook_store;
  WebhookAdmin webhooks;
  UsersServiceImpl service;
  std::unique_ptr<grpc::Server> server;  // null if it could not start
  std::string address;                   // 127.0.0.1:<port>
  std::unique_ptr<kiosk::users::v1::UsersService::Stub> stub;
};

}  // namespace kiosk::users::testing

#endif  // KIOSK_SERVICES_USERS_TESTING_USERS_SERVER_H_
