// Copies the old Python application's SQLite data into the migrated
// PostgreSQL schema (`kiosk-migrate import-sqlite PATH [--replace]`).
//
//   ImportOptions options;
//   options.replace = replace_flag;   // delete the target's rows first
//   ASSIGN_OR_RETURN(ImportReport report,
//                    ImportSqlite("/data/kiosk.db", url.ToConnString(), options, std::cout));
//
// The SQLite file is opened read-only. The eight tables are copied in
// foreign-key order with COPY, in ONE PostgreSQL transaction: any bad row
// (a value that does not convert, or a CHECK / foreign key / unique violation)
// rolls everything back and the error names the table, the row's SQLite id
// (or rowid) and the reason. Columns are matched by name, case-insensitively;
// SQLite columns unknown to PostgreSQL are skipped and reported, PostgreSQL
// columns absent from SQLite take their defaults. Identity sequences are moved
// past the imported ids. `progress` receives progress lines for large tables
// and, after the commit, a summary (one line per table, skipped columns).
//
// Errors: missing file -> NOT_FOUND; unreadable or not SQLite -> INVALID_ARGUMENT;
// target not empty without `replace` -> FAILED_PRECONDITION (mentions --replace);
// bad row -> INVALID_ARGUMENT; PostgreSQL trouble as mapped by common/db/pg_errors.h.
#ifndef KIOSK_MIGRATIONS_RUNNER_SQLITE_IMPORT_H_
#define KIOSK_MIGRATIONS_RUNNER_SQLITE_IMPORT_H_

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace kiosk::migrate {

struct ImportOptions {
  // Delete the rows of the eight target tables first (same transaction).
  // Without it a target holding rows (other than the migration's seed admin)
  // is refused.
  bool replace = false;
};

struct TableReport {
  std::string table;  // target, schema-qualified: "media.media_requests"
  int64_t rows = 0;   // rows copied
  // SQLite columns with no PostgreSQL counterpart, as named in the SQLite file.
  std::vector<std::string> skipped_columns;
  bool missing_in_source = false;  // no such table in the SQLite file: skipped
};

struct ImportReport {
  std::vector<TableReport> tables;      // the eight tables, in copy order
  bool replaced_existing_rows = false;  // `replace` deleted rows that were there
  bool removed_seed_admin = false;      // the migration's default admin was deleted
};

// The target tables in copy (foreign-key) order, schema-qualified.
const std::vector<std::string>& ImportTableOrder();

absl::StatusOr<ImportReport> ImportSqlite(const std::string& sqlite_path,
                                          const std::string& conninfo, const ImportOptions& options,
                                          std::ostream& progress);

}  // namespace kiosk::migrate

#endif  // KIOSK_MIGRATIONS_RUNNER_SQLITE_IMPORT_H_
