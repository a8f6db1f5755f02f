// `kiosk-migrate doctor`: what the old test_db_connection.py did, with a hint
// for every failure. Connects, prints the server version, the revision and
// pending migrations, the missing tables and roles, and whether an active
// admin exists. Returns true when everything is healthy.
#ifndef KIOSK_MIGRATIONS_RUNNER_DOCTOR_H_
#define KIOSK_MIGRATIONS_RUNNER_DOCTOR_H_

#include <ostream>

#include "common/db/database_url.h"
#include "migrations/runner/migration_set.h"

namespace kiosk::migrate {

bool RunDoctor(const MigrationSet& set, const db::DatabaseUrl& url, std::ostream& out);

}  // namespace kiosk::migrate

#endif  // KIOSK_MIGRATIONS_RUNNER_DOCTOR_H_
