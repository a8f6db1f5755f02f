// The whole suite (private PostgreSQL, kiosk-migrate, the four services, one
// or more gateways) for fault tests, with the process control they need:
// kill -9 one service and start it again on the same address, restart a
// gateway on the same port, stop and start PostgreSQL. Like RunningSuite,
// but every process can be replaced while the others keep running.
//
//   auto suite = *FaultSuite::Start({.gateways = 2});
//   suite->Kill("kiosk-downloads");            // SIGKILL, reaped
//   ASSERT_TRUE(suite->Restart("kiosk-downloads").ok());
//   suite->database().Stop(); ... suite->database().Start();
#ifndef KIOSK_TESTS_FAULTS_FAULT_SUITE_H_
#define KIOSK_TESTS_FAULTS_FAULT_SUITE_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/testing/pg_cluster.h"
#include "common/testing/subprocess.h"

namespace kiosk::testing {

struct FaultSuiteOptions {
  // Extra environment for every service and gateway (JOB_POLL_INTERVAL, ...).
  std::map<std::string, std::string> env;
  int gateways = 1;
};

class FaultSuite {
 public:
  // The four services in the order they start.
  static const std::vector<std::string>& ServiceNames();

  static absl::StatusOr<std::unique_ptr<FaultSuite>> Start(FaultSuiteOptions options = {});
  ~FaultSuite();

  int gateway_port(int index = 0) const { return gateway_ports_.at(index); }
  // host:port of a service ("kiosk-media").
  std::string address(const std::string& binary) const { return addresses_.at(binary); }
  PgCluster& database() { return *cluster_; }
  // Superuser libpq connection string of database `postgres`.
  std::string database_conninfo() const;

  // SIGKILL (kill -9) and reap; the process's output is kept for Logs().
  void Kill(const std::string& binary);
  // Starts a killed (or still running: killed first) service again on the
  // same address and waits until it listens.
  absl::Status Restart(const std::string& binary);
  // SIGTERM gateway `index`, wait for it to exit (its drain), start it again
  // on the same port. The exit code of the stopped one is returned.
  absl::StatusOr<int> RestartGateway(int index);
  // Names of the processes that are not running any more (crashed) and were
  // not killed on purpose.
  std::vector<std::string> Dead();
  // Output of every process so far (also replaced ones), for failure messages.
  std::string Logs() const;
  // Output of one service (every incarnation), for counting log events.
  std::string Output(const std::string& binary) const;

 private:
  struct Process {
    std::string name;
    std::optional<Subprocess> proc;
    std::vector<std::string> earlier_output;
  };
  FaultSuite() = default;
  absl::Status StartService(Process& p);
  absl::Status StartGateway(int index);
  Process* Find(const std::string& name);

  FaultSuiteOptions options_;
  std::unique_ptr<PgCluster> cluster_;
  std::map<std::string, std::string> addresses_;
  std::map<std::string, std::string> env_;  // shared environment
  std::vector<Process> processes_;          // services, then gateway-0, gateway-1, ...
  std::vector<int> gateway_ports_;
};

}  // namespace kiosk::testing

#endif  // KIOSK_TESTS_FAULTS_FAULT_SUITE_H_
