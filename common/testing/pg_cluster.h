// A private PostgreSQL cluster for tests that stop and start the server
// (the shared test cluster must stay up for everyone else). Driven by
// scripts/pgctl.sh, the same script the kiosk command uses.
//
//   ASSIGN_OR_RETURN(auto cluster, PgCluster::Create());   // initdb + start, ~1 s
//   cluster->Stop(); cluster->Start();                      // same port
#ifndef KIOSK_COMMON_TESTING_PG_CLUSTER_H_
#define KIOSK_COMMON_TESTING_PG_CLUSTER_H_

#include <signal.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/db/database_url.h"

namespace kiosk::testing {

class PgCluster {
 public:
  static absl::StatusOr<std::unique_ptr<PgCluster>> Create();
  ~PgCluster();  // stops the server and deletes its folder

  absl::Status Stop();
  absl::Status Start();
  // SIGSTOP / SIGCONT the server and its backends: a database that accepts
  // connections but never answers, like a hung host.
  absl::Status Freeze() { return SignalServer(SIGSTOP); }
  absl::Status Thaw() { return SignalServer(SIGCONT); }
  // Superuser URL of database `postgres`.
  const db::DatabaseUrl& url() const { return url_; }

 private:
  explicit PgCluster(std::string dir) : dir_(std::move(dir)) {}
  absl::Status Run(const std::string& verb);
  absl::Status SignalServer(int sig);
  std::string dir_;
  db::DatabaseUrl url_;
};

}  // namespace kiosk::testing

#endif  // KIOSK_COMMON_TESTING_PG_CLUSTER_H_
