// Applies and reverts migrations with Alembic's verbs, safely:
//  - one transaction per migration, its history row inside it: a failing
//    migration leaves the database exactly as it was, and the error names
//    the file and the line of SQL;
//  - a session advisory lock serialises concurrent runners (several pods
//    starting at once apply each migration exactly once);
//  - every applied migration is recorded with its checksum, and a file
//    changed after it was applied is refused by name.
//
//   Migrator migrator(set, conninfo, std::cout);
//   RETURN_IF_ERROR(migrator.Upgrade("head"));        // "+1", "<rev>"
//   RETURN_IF_ERROR(migrator.Downgrade("-1"));        // "base", "<rev>"
//
// History lives in public.kiosk_migrations, outside the service schemas.
#ifndef KIOSK_MIGRATIONS_RUNNER_MIGRATOR_H_
#define KIOSK_MIGRATIONS_RUNNER_MIGRATOR_H_

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "migrations/runner/migration_set.h"

namespace kiosk::migrate {

// The schemas the migrations own; drift checks and reset cover exactly these.
inline const std::vector<std::string>& KioskSchemas() {
  static const std::vector<std::string> kSchemas = {"users", "media", "downloads", "plex"};
  return kSchemas;
}

struct AppliedMigration {
  std::string revision;
  std::string filename;
  std::string checksum;
  absl::Time applied_at;
  int64_t duration_ms = 0;
  std::string applied_by;
};

class Migrator {
 public:
  // `out` receives one line per migration applied or reverted.
  Migrator(const MigrationSet& set, std::string conninfo, std::ostream& out);

  absl::Status Upgrade(absl::string_view target, bool dry_run = false);
  absl::Status Downgrade(absl::string_view target, bool dry_run = false);

  // Applied migrations in order (empty for a new database).
  absl::StatusOr<std::vector<AppliedMigration>> Applied() const;
  // The applied head revision, "" at base.
  absl::StatusOr<std::string> Current() const;
  // Migrations of the set not applied yet, in order.
  absl::StatusOr<std::vector<Migration>> Pending() const;

  const MigrationSet& set() const { return set_; }
  const std::string& conninfo() const { return conninfo_; }

 private:
  const MigrationSet set_;  // a copy: callers often pass a temporary
  const std::string conninfo_;
  std::ostream& out_;
};

// Test and tool helper: the embedded migrations up to head.
absl::Status MigrateToHead(const std::string& conninfo);

}  // namespace kiosk::migrate

#endif  // KIOSK_MIGRATIONS_RUNNER_MIGRATOR_H_
