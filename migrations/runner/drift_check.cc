#include "migrations/runner/drift_check.h"

#include <pqxx/pqxx>
#include <sstream>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/db/pg_errors.h"
#include "migrations/runner/migrator.h"
#include "migrations/runner/schema_snapshot.h"

namespace kiosk::migrate {
namespace {

// A database that exists for the lifetime of this object.
class ScratchDatabase {
 public:
  static absl::StatusOr<std::unique_ptr<ScratchDatabase>> Create(const db::DatabaseUrl& live) {
    absl::BitGen gen;
    std::string name = absl::StrFormat("%s_check_%08x", live.dbname.substr(0, 40),
                                       absl::Uniform<uint32_t>(gen));
    absl::Status created = db::RunWithStatus("creating the scratch database for the check", [&] {
      pqxx::connection conn(live.ToConnString());
      pqxx::nontransaction tx(conn);
      tx.exec(absl::StrCat("CREATE DATABASE ", tx.quote_name(name)));
    });
    if (absl::IsInternal(created) || absl::IsPermissionDenied(created)) {
      return absl::Status(created.code(),
                          absl::StrCat(created.message(),
                                       "; the drift check builds a reference database and needs "
                                       "the CREATEDB privilege (run it as the owner role)"));
    }
    if (!created.ok()) return created;
    auto scratch = std::unique_ptr<ScratchDatabase>(new ScratchDatabase(live, name));
    return scratch;
  }

  ~ScratchDatabase() {
    db::RunWithStatus("dropping the scratch database", [&] {
      pqxx::connection conn(live_.ToConnString());
      pqxx::nontransaction tx(conn);
      tx.exec(absl::StrCat("DROP DATABASE IF EXISTS ", tx.quote_name(url_.dbname), " WITH (FORCE)"));
    }).IgnoreError();  // nothing better to do; the name says what it was
  }

  const db::DatabaseUrl& url() const { return url_; }

 private:
  ScratchDatabase(const db::DatabaseUrl& live, std::string name) : live_(live), url_(live) {
    url_.dbname = std::move(name);
  }
  db::DatabaseUrl live_;
  db::DatabaseUrl url_;
};

}  // namespace

absl::StatusOr<CheckResult> CheckDatabase(const MigrationSet& set, const db::DatabaseUrl& url) {
  std::ostringstream quiet;
  Migrator live(set, url.ToConnString(), quiet);
  CheckResult result;
  absl::StatusOr<std::string> current = live.Current();
  if (!current.ok()) return current.status();
  result.current = *current;
  absl::StatusOr<std::vector<Migration>> pending = live.Pending();
  if (!pending.ok()) return pending.status();
  result.pending = *pending;

  absl::StatusOr<std::unique_ptr<ScratchDatabase>> scratch = ScratchDatabase::Create(url);
  if (!scratch.ok()) return scratch.status();
  if (!result.current.empty()) {
    Migrator reference(set, (*scratch)->url().ToConnString(), quiet);
    absl::Status built = reference.Upgrade(result.current);
    if (!built.ok()) {
      return absl::Status(built.code(), absl::StrCat("building the reference schema: ",
                                                     built.message()));
    }
  }
  absl::StatusOr<SchemaSnapshot> expected = TakeSnapshot((*scratch)->url().ToConnString(),
                                                         KioskSchemas());
  if (!expected.ok()) return expected.status();
  absl::StatusOr<SchemaSnapshot> actual = TakeSnapshot(url.ToConnString(), KioskSchemas());
  if (!actual.ok()) return actual.status();
  result.drift = DiffSnapshots(*expected, *actual);
  return result;
}

}  // namespace kiosk::migrate
