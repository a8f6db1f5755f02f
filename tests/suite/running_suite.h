// The whole suite as the README's run command starts it, for tests that cross
// every binary (the web page in a browser, end-to-end flows): a private
// PostgreSQL, `kiosk-migrate upgrade head`, the four services and the gateway
// on free loopback ports, each told where its peers are.
//
//   absl::StatusOr<std::unique_ptr<RunningSuite>> suite = RunningSuite::Start();
//   HttpCall(suite->gateway_port(), "GET", "/readyz");
//
// Everything stops (SIGTERM, then the cluster) when the object is destroyed.
#ifndef KIOSK_TESTS_SUITE_RUNNING_SUITE_H_
#define KIOSK_TESTS_SUITE_RUNNING_SUITE_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/testing/pg_cluster.h"
#include "common/testing/subprocess.h"

namespace kiosk::testing {

struct SuiteOptions {
  // Extra environment for every service (and the gateway).
  std::map<std::string, std::string> env;
};

class RunningSuite {
 public:
  static absl::StatusOr<std::unique_ptr<RunningSuite>> Start(SuiteOptions options = {});
  ~RunningSuite();

  int gateway_port() const { return gateway_port_; }
  std::string gateway_url() const;
  // host:port of "kiosk-users", "kiosk-media", "kiosk-downloads", "kiosk-plex".
  std::string address(const std::string& binary) const;
  const PgCluster& database() const { return *cluster_; }
  // Every binary's output so far, for failure messages.
  std::string Logs() const;

  // Crash tests: SIGKILL to a service ("kiosk-downloads"; no shutdown code
  // runs), returning once it is gone; then Restart starts it again with the
  // same environment on the same address, OK once it listens. The dead
  // process's output stays in Logs().
  absl::Status Crash(const std::string& binary);
  absl::Status Restart(const std::string& binary);

 private:
  RunningSuite() = default;

  std::unique_ptr<PgCluster> cluster_;
  std::map<std::string, std::string> addresses_;
  std::map<std::string, std::map<std::string, std::string>> envs_;  // for Restart
  std::vector<std::pair<std::string, Subprocess>> processes_;
  int gateway_port_ = 0;
};

// A loopback TCP port nobody listens on now (bound, read, closed).
absl::StatusOr<int> PickFreePort();

// Path of a kiosk binary of this build ("kiosk-users").
std::string BinaryPath(const std::string& name);

}  // namespace kiosk::testing

#endif  // KIOSK_TESTS_SUITE_RUNNING_SUITE_H_
