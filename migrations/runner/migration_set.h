// The ordered stream of migrations: parsed from files named like the old
// Alembic project's (`YYYYMMDD_HHMM_<rev>_<slug>.sql`, Europe/Paris time),
// each with a header naming its revision and the one it follows, and an
// upgrade and a downgrade part:
//
//   -- revision: 002
//   -- down_revision: 001
//   -- message: add jobs tables
//   -- +upgrade
//   CREATE TABLE ...;
//   -- +downgrade
//   DROP TABLE ...;
//
// FromFiles() refuses a broken set: two heads, a missing parent, a duplicate
// revision, an empty upgrade or downgrade part, a file name that disagrees
// with its header.
//
//   ASSIGN_OR_RETURN(MigrationSet set, MigrationSet::Embedded());
//   for (const Migration& m : set.ordered()) ...   // base -> head
#ifndef KIOSK_MIGRATIONS_RUNNER_MIGRATION_SET_H_
#define KIOSK_MIGRATIONS_RUNNER_MIGRATION_SET_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/crypto.h"  // Sha256Hex: the checksum of a file

namespace kiosk::migrate {

struct SourceFile {
  std::string name;  // file name only, e.g. "20261125_0600_001_initial_schema.sql"
  std::string text;
};

struct Migration {
  std::string revision;       // "001"
  std::string down_revision;  // "" for the first migration
  std::string message;
  std::string filename;
  std::string checksum;       // SHA-256 of the file's bytes, lowercase hex
  std::string upgrade_sql;
  std::string downgrade_sql;
  int upgrade_first_line = 0;    // 1-based line of the file where upgrade_sql starts
  int downgrade_first_line = 0;
};

absl::StatusOr<Migration> ParseMigrationFile(const SourceFile& file);

class MigrationSet {
 public:
  static absl::StatusOr<MigrationSet> FromFiles(std::vector<SourceFile> files);
  // Every *.sql file of `dir`.
  static absl::StatusOr<MigrationSet> FromDirectory(const std::string& dir);
  // The files compiled into this binary (migrations/versions at build time).
  static absl::StatusOr<MigrationSet> Embedded();

  // Base first, head last.
  const std::vector<Migration>& ordered() const { return ordered_; }
  // Position in ordered(), or -1.
  int IndexOf(absl::string_view revision) const;
  // "" when the set is empty.
  std::string head() const { return ordered_.empty() ? "" : ordered_.back().revision; }

 private:
  std::vector<Migration> ordered_;
};

}  // namespace kiosk::migrate

#endif  // KIOSK_MIGRATIONS_RUNNER_MIGRATION_SET_H_
