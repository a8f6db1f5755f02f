// The migration files compiled into the binary (generated at build time from
// migrations/versions by embed_migrations.cmake).
#ifndef KIOSK_MIGRATIONS_RUNNER_EMBEDDED_MIGRATIONS_H_
#define KIOSK_MIGRATIONS_RUNNER_EMBEDDED_MIGRATIONS_H_

#include <vector>

#include "migrations/runner/migration_set.h"

namespace kiosk::migrate {

std::vector<SourceFile> EmbeddedMigrationFiles();

}  // namespace kiosk::migrate

#endif  // KIOSK_MIGRATIONS_RUNNER_EMBEDDED_MIGRATIONS_H_
