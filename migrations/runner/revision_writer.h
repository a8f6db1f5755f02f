// `kiosk-migrate revision -m "message"`: writes the next migration file,
// correctly named (Europe/Paris time, next revision number, slug of the
// message) and following the current head.
#ifndef KIOSK_MIGRATIONS_RUNNER_REVISION_WRITER_H_
#define KIOSK_MIGRATIONS_RUNNER_REVISION_WRITER_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "migrations/runner/migration_set.h"

namespace kiosk::migrate {

struct NewRevision {
  std::string filename;
  std::string text;
};

// The file to write after `set`'s head, created at `now`.
absl::StatusOr<NewRevision> PlanRevision(const MigrationSet& set, absl::string_view message,
                                         absl::Time now);
// Plans and writes the file into `dir`; returns its path.
absl::StatusOr<std::string> WriteRevision(const std::string& dir, absl::string_view message,
                                          absl::Time now);

}  // namespace kiosk::migrate

#endif  // KIOSK_MIGRATIONS_RUNNER_REVISION_WRITER_H_
