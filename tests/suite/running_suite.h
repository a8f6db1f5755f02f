// The whole suite as the README's run command (`./kiosk up`) starts it, for
// tests that cross every binary (the web page in a browser, end-to-end flows,
// security checks, faults): a private PostgreSQL, `kiosk-migrate upgrade head`
// with a password for each service's database role, the four services (each
// logged in as its own role: kiosk-users as kiosk_users, ...) and the gateway
// on free loopback ports, each told where its peers are.
//
//   absl::StatusOr<std::unique_ptr<RunningSuite>> suite = RunningSuite::Start();
//   HttpCall(suite->gateway_port(), "GET", "/readyz");
//   suite->Kill("kiosk-media");      // SIGKILL, like a crash
//   suite->Restart("kiosk-media");   // same address, same environment
//   suite->Stop("kiosk-gateway");    // SIGTERM, wait: its exit code
//
// Everything stops (SIGTERM, then the cluster) when the object is destroyed.
#ifndef KIOSK_TESTS_SUITE_RUNNING_SUITE_H_
#define KIOSK_TESTS_SUITE_RUNNING_SUITE_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/db/database_url.h"
#include "common/testing/pg_cluster.h"
#include "common/testing/subprocess.h"

namespace kiosk::testing {

struct SuiteOptions {
  // Extra environment for every service (and the gateway).
  std::map<std::string, std::string> env;
  // Extra environment for the gateway only (e.g. ASAN_OPTIONS).
  std::map<std::string, std::string> gateway_env;
  // The gateway binary; empty = this build's kiosk-gateway (a sanitizer
  // build's gateway for the fuzz test).
  std::string gateway_binary;
  // SECRET_KEY of every binary (tests forge tokens with it).
  std::string secret_key = "running-suite-secret-key-0123456789abcdef";
};

class RunningSuite {
 public:
  // The services, in start order.
  static const std::vector<std::string>& ServiceNames();

  static absl::StatusOr<std::unique_ptr<RunningSuite>> Start(SuiteOptions options = {});
  ~RunningSuite();

  int gateway_port() const { return gateway_port_; }
  std::string gateway_url() const;
  // host:port of "kiosk-users", "kiosk-media", "kiosk-downloads", "kiosk-plex".
  std::string address(const std::string& binary) const;
  const PgCluster& database() const { return *cluster_; }
  // The URL a service's binary connects with: its own role ("kiosk-media"
  // -> kiosk_media) and password, database of the superuser URL.
  db::DatabaseUrl ServiceDatabaseUrl(const std::string& binary) const;
  const SuiteOptions& options() const { return options_; }

  // SIGKILL one binary ("kiosk-media", ..., "kiosk-gateway") and wait for it
  // to die. Its output stays in Logs().
  absl::Status Kill(const std::string& binary);
  // SIGTERM one binary and wait for it to exit: its exit code (128+signal
  // when a signal ended it). Its output stays in Logs().
  absl::StatusOr<int> Stop(const std::string& binary);
  // Start a binary again (killing it first if it still runs) with the same
  // address and environment, and wait until it listens.
  absl::Status Restart(const std::string& binary);

  // Waits until the gateway's /readyz answers 200 (every service SERVING),
  // e.g. after a Restart.
  absl::Status WaitUntilReady(absl::Duration timeout) const;

  // Every binary's output so far (killed runs included), for failure
  // messages and for checking what was logged.
  std::string Logs() const;

 private:
  struct Process {
    std::string binary;
    std::vector<std::string> argv;
    std::map<std::string, std::string> env;
    std::unique_ptr<Subprocess> proc;  // null while killed
    std::string earlier_output;        // of the runs before a restart
  };

  explicit RunningSuite(SuiteOptions options) : options_(std::move(options)) {}
  absl::Status Launch(Process& process);
  Process* Find(const std::string& binary);

  SuiteOptions options_;
  std::unique_ptr<PgCluster> cluster_;
  std::map<std::string, std::string> addresses_;
  std::map<std::string, std::string> role_passwords_;
  std::vector<Process> processes_;
  int gateway_port_ = 0;
};

// A loopback TCP port nobody listens on now (bound, read, closed).
absl::StatusOr<int> PickFreePort();

// Path of a kiosk binary of this build ("kiosk-users").
std::string BinaryPath(const std::string& name);

}  // namespace kiosk::testing

#endif  // KIOSK_TESTS_SUITE_RUNNING_SUITE_H_
