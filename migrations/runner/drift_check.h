// `kiosk-migrate check`: pending migrations, and drift between the live
// schema and what the migrations produce. The reference schema is built by
// applying the migrations (up to the live revision) to a scratch database on
// the same server, which is dropped afterwards; this needs CREATEDB.
#ifndef KIOSK_MIGRATIONS_RUNNER_DRIFT_CHECK_H_
#define KIOSK_MIGRATIONS_RUNNER_DRIFT_CHECK_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/db/database_url.h"
#include "migrations/runner/migration_set.h"

namespace kiosk::migrate {

struct CheckResult {
  std::string current;                    // "" at base
  std::vector<Migration> pending;  // in order
  std::vector<std::string> drift;         // diff lines, empty when none
  bool ok() const { return pending.empty() && drift.empty(); }
};

absl::StatusOr<CheckResult> CheckDatabase(const MigrationSet& set, const db::DatabaseUrl& url);

}  // namespace kiosk::migrate

#endif  // KIOSK_MIGRATIONS_RUNNER_DRIFT_CHECK_H_
