// Logins per second with the production Argon2id costs, and the latency of a
// cheap RPC (Me) called at the same time: hashing runs on its own executor,
// so Me must not queue behind logins. Prints numbers; run via ./kiosk bench.
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/testing/bench_result.h"
#include "common/testing/pg_test_database.h"
#include "migrations/runner/migrator.h"
#include "services/users/testing/users_server.h"

namespace {

namespace v1 = kiosk::users::v1;

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
}

}  // namespace

int main() {
  namespace db = kiosk::db;
  namespace users = kiosk::users;
  namespace server = kiosk::server;
  namespace auth = kiosk::auth;
  absl::StatusOr<std::unique_ptr<kiosk::testing::TestDatabase>> test_db =
      kiosk::testing::TestDatabase::Create();
  if (!test_db.ok() || !kiosk::migrate::MigrateToHead((*test_db)->conninfo()).ok()) {
    std::fprintf(stderr, "login_bench: no database (run through ./kiosk bench)\n");
    return 1;
  }
  db::PoolOptions pool_options;
  pool_options.conninfo = (*test_db)->conninfo();
  db::ConnectionPool pool(pool_options);
  kiosk::config::ServiceConfig config;
  server::ServiceInfoSource info("kiosk-users", config, pool);
  auth::PasswordHasher hasher;  // production costs: t=3, m=64 MiB, p=4
  auth::JwtCodec jwt("bench-secret-0123456789abcdef0123456789");
  users::AuthOptions options;
  options.per_account.max_failures = 1 << 30;
  // Quotas are not measured; two hashing workers as LOGIN_WORKERS' default.
  users::testing::UsersServer kiosk_users(pool, info, jwt, hasher,
                                          {.auth = options, .hash_threads = 2, .executor_threads = 10});
  if (kiosk_users.server == nullptr) return 1;
  v1::UsersService::Stub* stub = kiosk_users.stub.get();

  // The admin's stored hash already has the production costs.
  v1::Session session;
  {
    grpc::ClientContext ctx;
    v1::LoginRequest request;
    request.set_username("admin");
    request.set_password("admin");
    if (!stub->Login(&ctx, request, &session).ok()) return 1;
  }
  const std::string bearer = "Bearer " + session.access_token();

  // Idle latency of Me first, then under a login load.
  auto me_latencies = [&](absl::Duration length) {
    std::vector<double> ms;
    absl::Time end = absl::Now() + length;
    while (absl::Now() < end) {
      grpc::ClientContext ctx;
      ctx.AddMetadata("authorization", bearer);
      v1::User user;
      absl::Time start = absl::Now();
      if (stub->Me(&ctx, v1::MeRequest(), &user).ok()) {
        ms.push_back(absl::ToDoubleMilliseconds(absl::Now() - start));
      }
      absl::SleepFor(absl::Milliseconds(5));
    }
    return ms;
  };
  std::vector<double> idle = me_latencies(absl::Seconds(2));

  std::atomic<bool> stop{false};
  std::atomic<int> logins{0}, failures{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < 8; ++i) {
    clients.emplace_back([&] {
      while (!stop.load()) {
        grpc::ClientContext ctx;
        v1::LoginRequest request;
        request.set_username("admin");
        request.set_password("admin");
        v1::Session s;
        (stub->Login(&ctx, request, &s).ok() ? logins : failures).fetch_add(1);
      }
    });
  }
  absl::Time start = absl::Now();
  std::vector<double> loaded = me_latencies(absl::Seconds(10));
  double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  int done = logins.load();
  stop = true;
  for (std::thread& t : clients) t.join();

  std::printf(
      "logins (argon2id t=3 m=64MiB p=4, 8 clients, 2 hashing workers): %.1f/s "
      "(%d in %.1f s, %d failed)\n",
      done / seconds, done, seconds, failures.load());
  kiosk::testing::PrintBenchResult("logins (Argon2id t=3 m=64MiB p=4)", done / seconds, "logins/s");
  std::printf("Me while idle:   p50 %.2f ms  p99 %.2f ms  (%zu calls)\n", Percentile(idle, 0.5),
              Percentile(idle, 0.99), idle.size());
  std::printf("Me under logins: p50 %.2f ms  p99 %.2f ms  (%zu calls)\n", Percentile(loaded, 0.5),
              Percentile(loaded, 0.99), loaded.size());
  kiosk::testing::PrintBenchResult("Me RPC p99 while logins run", Percentile(loaded, 0.99), "ms");
  return 0;
}
