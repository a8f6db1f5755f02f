#include "common/server/service_info.h"

#include <unistd.h>

#include <pqxx/nontransaction>

#include "absl/time/clock.h"
#include "common/db/database_probe.h"
#include "common/db/pg_errors.h"

namespace kiosk::server {
namespace {

std::string Hostname() {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0) return "";
  return name;
}

}  // namespace

ServiceInfoSource::ServiceInfoSource(std::string binary, const config::ServiceConfig& config,
                                     db::ConnectionPool& pool)
    : binary_(std::move(binary)),
      config_(config),
      pool_(pool),
      started_at_(absl::Now()),
      hostname_(Hostname()) {}

void ServiceInfoSource::Fill(kiosk::common::v1::ServiceInfo* info) const {
  info->set_service(binary_);
  info->set_version(KIOSK_VERSION);
  info->set_environment(std::string(config::EnvironmentName(config_.environment)));
  info->mutable_started_at()->set_seconds(absl::ToUnixSeconds(started_at_));
  info->set_hostname(hostname_);

  kiosk::common::v1::DatabaseInfo* database = info->mutable_database();
  database->set_target(config_.database.Redacted());
  absl::Status status = db::RunWithStatus("", [&]() -> absl::Status {
    absl::StatusOr<db::ConnectionPool::Lease> conn = pool_.Acquire(absl::Seconds(2));
    if (!conn.ok()) return conn.status();
    absl::Time start = absl::Now();
    pqxx::nontransaction tx(**conn);
    tx.exec("SELECT 1");
    database->set_round_trip_micros(absl::ToInt64Microseconds(absl::Now() - start));
    database->set_server_version(db::FormatServerVersion((*conn)->server_version()));
    return absl::OkStatus();
  });
  database->set_reachable(status.ok());
  if (!status.ok()) {
    database->set_error(db::ExplainConnectionError(status.message(), config_.database.Redacted()));
  }
  db::PoolStats stats = pool_.Stats();
  database->set_pool_open(stats.open);
  database->set_pool_idle(stats.idle);
  database->set_pool_in_use(stats.in_use);
}

}  // namespace kiosk::server
