// A rolling restart of two kiosk-gateway replicas in front of the same
// services, under load: replica 0 is restarted (SIGTERM: it drains the calls
// in flight and exits), then replica 1 once 0 is ready again. The client
// balances round-robin and, as the README documents, sends a call that got
// no answer at all (connection refused or closed before a byte) once more to
// the other replica. No call may fail beyond that retry: no 5xx, no call
// without an answer on both replicas, and every setting write answered 2xx
// is stored.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gateway/testing/http_test_client.h"
#include "tests/faults/fault_suite.h"
#include "tests/faults/rest_session.h"
#include "tests/faults/steady_load.h"

namespace kiosk::testing {
namespace {

using ::kiosk::gateway::testing::HttpCall;

bool WaitReady(int port, absl::Duration timeout) {
  for (absl::Time end = absl::Now() + timeout; absl::Now() < end;) {
    if (HttpCall(port, "GET", "/readyz").status == 200) return true;
    absl::SleepFor(absl::Milliseconds(100));
  }
  return false;
}

TEST(GatewayRolloutFaultTest, RollingRestartOfTwoReplicasFailsNoCallBeyondOneRetry) {
  absl::StatusOr<std::unique_ptr<FaultSuite>> started =
      FaultSuite::Start({.env = {{"SHUTDOWN_GRACE", "5"}}, .gateways = 2});
  ASSERT_TRUE(started.ok()) << started.status();
  FaultSuite& suite = **started;
  const int ports[2] = {suite.gateway_port(0), suite.gateway_port(1)};
  ASSERT_TRUE(WaitReady(ports[0], absl::Seconds(20)) && WaitReady(ports[1], absl::Seconds(20)))
      << suite.Logs();
  absl::StatusOr<RestSession> admin = RestSession::FirstAdminLogin(ports[0]);
  ASSERT_TRUE(admin.ok()) << admin.status();
  const RestSession& rest = *admin;

  std::atomic<int> retried{0};
  // Round-robin over the replicas; one retry on the other when no answer came.
  auto balanced = [&](int64_t n, const std::string& method, const std::string& target,
                      const nlohmann::json& body) {
    int first = static_cast<int>(n % 2);
    HttpTestResponse r = rest.CallOn(ports[first], method, target, body);
    if (r.status == 0) {
      retried.fetch_add(1);
      r = rest.CallOn(ports[1 - first], method, target, body);
    }
    return r;
  };
  SteadyLoad load(100, 8, [&](int worker, int64_t n) -> LoadCall {
    if (worker == 0) {
      int value = static_cast<int>(1 + n % 3000);
      HttpTestResponse r = balanced(n, "PATCH", "/api/v1/settings",
                                    {{"values", {{"quota.tv_days", value}}}});
      return {"setting", r.status, absl::StrCat(value)};
    }
    switch (n % 3) {
      case 0: return {"me", balanced(n + worker, "GET", "/api/v1/auth/me", nullptr).status};
      case 1: return {"list", balanced(n + worker, "GET", "/api/v1/requests?pageSize=10", nullptr).status};
      default: return {"settings", balanced(n + worker, "GET", "/api/v1/settings", nullptr).status};
    }
  });
  const absl::Time load_start = absl::Now();
  absl::SleepFor(absl::Seconds(3));
  std::vector<double> restart_s;
  for (int replica = 0; replica < 2; ++replica) {
    absl::Time t0 = absl::Now();
    absl::StatusOr<int> exit_code = suite.RestartGateway(replica);
    ASSERT_TRUE(exit_code.ok()) << exit_code.status();
    EXPECT_EQ(*exit_code, 0) << "replica " << replica << " did not stop cleanly";
    ASSERT_TRUE(WaitReady(ports[replica], absl::Seconds(20))) << suite.Logs();
    restart_s.push_back(absl::ToDoubleSeconds(absl::Now() - t0));
    absl::SleepFor(absl::Seconds(3));
  }
  std::vector<LoadRecord> calls = load.Stop();
  const absl::Time load_end = absl::Now();

  std::printf("load: %zu calls in %.1f s; replica restarts took %.2f s and %.2f s (stop, start, "
              "ready); calls retried on the other replica: %d\n",
              calls.size(), absl::ToDoubleSeconds(load_end - load_start), restart_s[0],
              restart_s[1], retried.load());
  std::printf("%s", Summarize(calls, load_start, load_end).c_str());
  int failed = 0;
  std::string last_ok;
  absl::Time last_ok_at = absl::InfinitePast();
  for (const LoadRecord& r : calls) {
    if (r.call.status == 0 || r.call.status >= 500) ++failed;
    if (r.call.kind == "setting" && r.call.status == 200 && r.start > last_ok_at) {
      last_ok = r.call.detail;
      last_ok_at = r.start;
    }
  }
  std::printf("failed calls after the retry: %d\n", failed);
  EXPECT_EQ(failed, 0);
  pqxx::connection db(suite.database_conninfo());
  pqxx::work tx(db);
  std::string stored =
      tx.exec1("SELECT value::text FROM users.system_settings WHERE key = 'quota.tv_days'")[0]
          .as<std::string>();
  EXPECT_EQ(stored, last_ok) << "the last setting write answered 2xx is not the stored one";
  EXPECT_TRUE(suite.Dead().empty()) << suite.Logs();
}

}  // namespace
}  // namespace kiosk::testing
