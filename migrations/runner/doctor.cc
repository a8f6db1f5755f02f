#include "migrations/runner/doctor.h"

#include <pqxx/pqxx>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/db/database_probe.h"
#include "common/db/pg_errors.h"
#include "migrations/runner/migrator.h"

namespace kiosk::migrate {
namespace {

constexpr const char* kExpectedTables[] = {
    "users.users",           "users.system_settings",     "media.media_requests",
    "media.title_mappings",  "downloads.downloads",       "downloads.rename_settings",
    "downloads.transfer_history", "plex.plex_library_items"};
constexpr const char* kServiceRoles[] = {"kiosk_users", "kiosk_media", "kiosk_downloads",
                                         "kiosk_plex"};

constexpr char kTableExistsSql[] = "SELECT to_regclass($1) IS NOT NULL";
constexpr char kRoleExistsSql[] = "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)";
constexpr char kActiveAdminsSql[] =
    "SELECT count(*) FROM users.users WHERE role = 'admin' AND is_active";
constexpr char kDefaultAdminSql[] =
    "SELECT count(*) FROM users.users WHERE username = 'admin' AND must_change_password";

class Report {
 public:
  explicit Report(std::ostream& out) : out_(out) {}
  void Ok(const std::string& what) { out_ << "ok    " << what << "\n"; }
  void Warn(const std::string& what, const std::string& hint) {
    out_ << "warn  " << what << "\n      hint: " << hint << "\n";
  }
  void Fail(const std::string& what, const std::string& hint) {
    healthy_ = false;
    out_ << "FAIL  " << what << "\n      hint: " << hint << "\n";
  }
  bool healthy() const { return healthy_; }

 private:
  std::ostream& out_;
  bool healthy_ = true;
};

}  // namespace

bool RunDoctor(const MigrationSet& set, const db::DatabaseUrl& url, std::ostream& out) {
  Report report(out);
  report.Ok(absl::StrCat("DATABASE_URL parsed: ", url.Redacted()));

  db::DatabaseProbe probe(url.ToConnString(), url.Redacted());
  db::DatabaseCheck check = probe.Check();
  if (!check.reachable) {
    report.Fail("cannot connect", check.error);
    return false;
  }
  report.Ok(absl::StrCat("connected: PostgreSQL ", check.server_version, ", round trip ",
                         check.round_trip_micros, " us"));

  std::ostringstream quiet;
  Migrator migrator(set, url.ToConnString(), quiet);
  absl::StatusOr<std::string> current = migrator.Current();
  absl::StatusOr<std::vector<Migration>> pending = migrator.Pending();
  if (!current.ok() || !pending.ok()) {
    report.Fail("migration history unreadable: " +
                    std::string((current.ok() ? pending.status() : current.status()).message()),
                "fix what the message says; `kiosk-migrate history` shows the details");
  } else if (!pending->empty()) {
    std::vector<std::string> revisions;
    for (const Migration& m : *pending) revisions.push_back(m.revision);
    report.Fail(absl::StrCat("revision ", current->empty() ? "base" : *current, ", ",
                             pending->size(), " pending: ", absl::StrJoin(revisions, ", ")),
                "run `kiosk-migrate upgrade head`");
  } else {
    report.Ok(absl::StrCat("revision ", current->empty() ? "base" : *current,
                           ", no pending migration"));
  }

  absl::Status tables = db::RunWithStatus("inspecting tables", [&] {
    pqxx::connection conn(url.ToConnString());
    pqxx::read_transaction tx(conn);
    std::vector<std::string> missing;
    for (const char* table : kExpectedTables) {
      if (!tx.exec_params1(kTableExistsSql, std::string(table))[0].as<bool>()) {
        missing.push_back(table);
      }
    }
    if (!missing.empty()) {
      report.Fail(absl::StrCat("missing tables (\"relation does not exist\"): ",
                               absl::StrJoin(missing, ", ")),
                  "run `kiosk-migrate upgrade head`");
    } else {
      report.Ok("all 8 tables present");
    }
    std::vector<std::string> missing_roles;
    for (const char* role : kServiceRoles) {
      if (!tx.exec_params1(kRoleExistsSql, std::string(role))[0].as<bool>()) {
        missing_roles.push_back(role);
      }
    }
    if (!missing_roles.empty()) {
      report.Fail("missing service roles: " + absl::StrJoin(missing_roles, ", "),
                  "run `kiosk-migrate upgrade head` as a role with CREATEROLE");
    } else {
      report.Ok("service roles present: " + absl::StrJoin(kServiceRoles, ", "));
    }
    if (missing.empty()) {
      int admins = tx.exec1(kActiveAdminsSql)[0].as<int>();
      if (admins == 0) {
        report.Fail("no active admin user",
                    "re-activate one in users.users, or `kiosk-migrate reset --yes` on a "
                    "development database");
      } else {
        report.Ok(absl::StrCat(admins, " active admin user(s)"));
      }
      if (tx.exec1(kDefaultAdminSql)[0].as<int>() > 0) {
        report.Warn("the default admin still has its first-login password",
                    "log in as admin/admin and change the password immediately");
      }
    }
  });
  if (!tables.ok()) report.Fail(std::string(tables.message()), "check the role's rights");
  out << (report.healthy() ? "doctor: all checks passed" : "doctor: problems found (see FAIL)")
      << std::endl;
  return report.healthy();
}

}  // namespace kiosk::migrate
