#include "migrations/runner/cli.h"

#include <pqxx/pqxx>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/db/database_url.h"
#include "common/db/pg_errors.h"
#include "migrations/runner/doctor.h"
#include "migrations/runner/drift_check.h"
#include "migrations/runner/migrator.h"
#include "migrations/runner/revision_writer.h"
#include "migrations/runner/schema_snapshot.h"
#include "migrations/runner/sqlite_import.h"

namespace kiosk::migrate {
namespace {

constexpr char kDefaultMigrationsDir[] = "migrations/versions";

constexpr char kSetRolePasswordSql[] = "ALTER ROLE %s PASSWORD %s";
constexpr char kRoleExistsSql[] = "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)";

bool TakesValue(absl::string_view flag) {
  return flag == "--database-url" || flag == "--migrations-dir" || flag == "-m" ||
         flag == "--message";
}

int Fail(std::ostream& err, const absl::Status& status, int code = kExitFailed) {
  err << "kiosk-migrate: " << status.message() << std::endl;
  return code;
}

// KIOSK_<SERVICE>_DB_PASSWORD sets the password of role kiosk_<service>, so
// that a deployment's secret decides how services log in.
absl::Status SetRolePasswords(const std::string& conninfo, const config::EnvLookup& env,
                              std::ostream& out) {
  return db::RunWithStatus("setting service role passwords", [&] {
    std::unique_ptr<pqxx::connection> conn;
    for (const char* service : {"users", "media", "downloads", "plex"}) {
      std::string var = absl::StrCat("KIOSK_", absl::AsciiStrToUpper(service), "_DB_PASSWORD");
      std::optional<std::string> password = env(var);
      if (!password || password->empty()) continue;
      if (conn == nullptr) conn = std::make_unique<pqxx::connection>(conninfo);
      pqxx::work tx(*conn);
      std::string role = absl::StrCat("kiosk_", service);
      if (!tx.exec_params1(kRoleExistsSql, role)[0].as<bool>()) continue;
      // ALTER ROLE takes no parameters: quote both parts as identifier and literal.
      tx.exec(absl::StrFormat(kSetRolePasswordSql, tx.quote_name(role), tx.quote(*password)));
      tx.commit();
      out << "password of role " << role << " set from " << var << std::endl;
    }
  });
}

absl::StatusOr<MigrationSet> LoadSet(const CliOptions& options) {
  if (options.migrations_dir) return MigrationSet::FromDirectory(*options.migrations_dir);
  return MigrationSet::Embedded();
}

int History(Migrator& migrator, std::ostream& out, std::ostream& err) {
  absl::StatusOr<std::vector<AppliedMigration>> applied = migrator.Applied();
  if (!applied.ok()) return Fail(err, applied.status());
  absl::StatusOr<std::string> current = migrator.Current();
  if (!current.ok()) return Fail(err, current.status());
  const std::vector<Migration>& all = migrator.set().ordered();
  for (size_t i = 0; i < all.size(); ++i) {
    const Migration& m = all[i];
    std::string marks = m.revision == migrator.set().head() ? " (head)" : "";
    if (m.revision == *current) absl::StrAppend(&marks, " (current)");
    if (i < applied->size()) {
      const AppliedMigration& a = (*applied)[i];
      out << absl::StrFormat("[applied] %s -> %s%s, %s\n          %s, %d ms, by %s\n",
                             m.down_revision.empty() ? "<base>" : m.down_revision, m.revision,
                             marks, m.message, absl::FormatTime("%Y-%m-%d %H:%M:%S %Z",
                                                                a.applied_at, absl::UTCTimeZone()),
                             a.duration_ms, a.applied_by);
    } else {
      out << absl::StrFormat("[pending] %s -> %s%s, %s\n", m.down_revision.empty() ? "<base>"
                                                                                    : m.down_revision,
                             m.revision, marks, m.message);
    }
  }
  return kExitOk;
}

int Check(const MigrationSet& set, const db::DatabaseUrl& url, std::ostream& out,
          std::ostream& err) {
  absl::StatusOr<CheckResult> result = CheckDatabase(set, url);
  if (!result.ok()) return Fail(err, result.status());
  for (const Migration& m : result->pending) {
    out << "pending: " << m.revision << " " << m.message << " (" << m.filename << ")\n";
  }
  if (!result->drift.empty()) {
    out << "schema drift: the database differs from what the migrations up to revision "
        << (result->current.empty() ? "base" : result->current) << " produce\n"
        << RenderDiff(result->drift);
  }
  if (result->ok()) {
    out << "ok: database at revision " << result->current
        << " (head), schema matches the migrations" << std::endl;
    return kExitOk;
  }
  out.flush();
  return kExitAttention;
}

// Drops every kiosk schema and the history, then applies head again.
int Reset(const MigrationSet& set, const db::DatabaseUrl& url, std::ostream& out,
          std::ostream& err) {
  absl::Status dropped = db::RunWithStatus("dropping kiosk schemas", [&] {
    pqxx::connection conn(url.ToConnString());
    pqxx::work tx(conn);
    for (const std::string& schema : KioskSchemas()) {
      std::string role = "kiosk_" + schema;
      bool role_exists = tx.exec_params1(kRoleExistsSql, role)[0].as<bool>();
      bool schema_exists =
          tx.exec_params1("SELECT to_regnamespace($1) IS NOT NULL", schema)[0].as<bool>();
      if (role_exists && schema_exists) {
        // Default privileges do not go away with the schema.
        tx.exec(absl::StrCat("ALTER DEFAULT PRIVILEGES IN SCHEMA ", tx.quote_name(schema),
                             " REVOKE ALL ON TABLES FROM ", tx.quote_name(role)));
        tx.exec(absl::StrCat("ALTER DEFAULT PRIVILEGES IN SCHEMA ", tx.quote_name(schema),
                             " REVOKE ALL ON SEQUENCES FROM ", tx.quote_name(role)));
      }
      tx.exec(absl::StrCat("DROP SCHEMA IF EXISTS ", tx.quote_name(schema), " CASCADE"));
      out << "dropped schema " << schema << "\n";
    }
    tx.exec("DROP TABLE IF EXISTS public.kiosk_migrations");
    tx.commit();
  });
  if (!dropped.ok()) return Fail(err, dropped);
  absl::Status upgraded = Migrator(set, url.ToConnString(), out).Upgrade("head");
  return upgraded.ok() ? kExitOk : Fail(err, upgraded);
}

}  // namespace

std::string CliUsage() {
  return R"(kiosk-migrate - plex-kiosk's database migrations (the migration job)

usage: kiosk-migrate [options] COMMAND [ARGS]

commands:
  upgrade [head|+N|REV]   apply migrations up to the target (default: head)
  downgrade -N|REV|base   revert migrations down to the target
  current                 print the applied revision
  history                 list every migration, applied (when, how long, by whom) or pending
  check                   exit 3 if migrations are pending or the live schema drifted from
                          what the migrations produce (prints a diff; needs CREATEDB)
  revision -m "message"   write the next migration file (into --migrations-dir,
                          default ./migrations/versions)
  doctor                  diagnose connection, revision, tables, roles and admin user
  reset --yes             drop every kiosk schema and apply head again (refused in production)
  import-sqlite PATH [--replace]
                          copy the old application's SQLite data into the migrated schema,
                          in one transaction; refuses a non-empty target without --replace

options:
  --database-url URL      PostgreSQL to migrate (default: $DATABASE_URL, else
                          postgresql://postgres:postgres@localhost:5432/plex_kiosk_dev);
                          postgresql+asyncpg:// and libpq key=value forms are accepted
  --migrations-dir DIR    read migrations from DIR instead of the set compiled in
  --dry-run               upgrade/downgrade: print the SQL that would run, change nothing
  -h, --help              this text

environment:
  DATABASE_URL            as --database-url
  KIOSK_ENV               production refuses reset
  KIOSK_USERS_DB_PASSWORD, KIOSK_MEDIA_DB_PASSWORD, KIOSK_DOWNLOADS_DB_PASSWORD,
  KIOSK_PLEX_DB_PASSWORD  after upgrade, set the password of each service's role

Several runners may start at once (e.g. one per pod): an advisory lock makes them
apply each migration exactly once, one after the other.

exit codes:
  0  success
  1  failed: database error, failed migration (rolled back), refused operation
  2  bad arguments or configuration
  3  check found pending migrations or drift; doctor found problems
)";
}

absl::StatusOr<CliOptions> ParseCli(int argc, const char* const* argv) {
  CliOptions options;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    std::optional<std::string> inline_value;
    if (absl::StartsWith(arg, "--") && arg.find('=') != std::string::npos) {
      inline_value = arg.substr(arg.find('=') + 1);
      arg = arg.substr(0, arg.find('='));
    }
    if (TakesValue(arg)) {
      if (!inline_value) {
        if (i + 1 >= argc) return absl::InvalidArgumentError(arg + " needs a value");
        inline_value = argv[++i];
      }
      if (arg == "--database-url") options.database_url = *inline_value;
      if (arg == "--migrations-dir") options.migrations_dir = *inline_value;
      if (arg == "-m" || arg == "--message") options.message = *inline_value;
    } else if (inline_value) {
      return absl::InvalidArgumentError(absl::StrCat(arg, " takes no value"));
    } else if (arg == "-h" || arg == "--help") {
      options.help = true;
    } else if (arg == "--dry-run") {
      options.dry_run = true;
    } else if (arg == "--yes") {
      options.yes = true;
    } else if (arg == "--replace") {
      options.replace = true;
    } else if (absl::StartsWith(arg, "--") ||
               (absl::StartsWith(arg, "-") && !(options.verb == "downgrade" && arg.size() > 1 &&
                                                absl::ascii_isdigit(arg[1])))) {
      return absl::InvalidArgumentError(absl::StrCat("unknown option ", arg));
    } else if (options.verb.empty()) {
      options.verb = arg;
    } else {
      options.args.push_back(arg);
    }
  }
  return options;
}

int RunCli(const CliOptions& options, const config::EnvLookup& env, std::ostream& out,
           std::ostream& err) {
  if (options.help) {
    out << CliUsage();
    return kExitOk;
  }
  const std::string& verb = options.verb;
  auto usage_error = [&](const std::string& message) {
    err << "kiosk-migrate: " << message << "\nsee kiosk-migrate --help\n";
    return kExitUsage;
  };
  size_t max_args = verb == "upgrade" || verb == "downgrade" || verb == "import-sqlite" ? 1 : 0;
  if (verb.empty()) return usage_error("no command given");
  if (options.args.size() > max_args) {
    return usage_error(absl::StrCat("too many arguments for ", verb));
  }
  std::string arg = options.args.empty() ? "" : options.args[0];

  if (verb == "revision") {
    if (!options.message) return usage_error("revision needs -m \"message\"");
    absl::StatusOr<std::string> path = WriteRevision(
        options.migrations_dir.value_or(kDefaultMigrationsDir), *options.message, absl::Now());
    if (!path.ok()) return Fail(err, path.status());
    out << "wrote " << *path << "\nfill in its upgrade and downgrade parts" << std::endl;
    return kExitOk;
  }

  std::string raw_url = options.database_url ? *options.database_url
                                             : env("DATABASE_URL").value_or(db::kDefaultDatabaseUrl);
  absl::StatusOr<db::DatabaseUrl> url = db::ParseDatabaseUrl(raw_url);
  if (!url.ok()) return usage_error(absl::StrCat("DATABASE_URL: ", url.status().message()));
  absl::StatusOr<MigrationSet> set = LoadSet(options);
  if (!set.ok()) return Fail(err, set.status());
  Migrator migrator(*set, url->ToConnString(), out);

  if (verb == "upgrade") {
    absl::Status status = migrator.Upgrade(arg.empty() ? "head" : arg, options.dry_run);
    if (status.ok() && !options.dry_run) status = SetRolePasswords(url->ToConnString(), env, out);
    return status.ok() ? kExitOk : Fail(err, status);
  }
  if (verb == "downgrade") {
    if (arg.empty()) return usage_error("downgrade needs a target: -N, a revision, or base");
    absl::Status status = migrator.Downgrade(arg, options.dry_run);
    return status.ok() ? kExitOk : Fail(err, status);
  }
  if (verb == "current") {
    absl::StatusOr<std::string> current = migrator.Current();
    if (!current.ok()) return Fail(err, current.status());
    out << (current->empty() ? "base (no migration applied)"
                             : absl::StrCat(*current, *current == set->head() ? " (head)" : ""))
        << std::endl;
    return kExitOk;
  }
  if (verb == "history") return History(migrator, out, err);
  if (verb == "check") return Check(*set, *url, out, err);
  if (verb == "doctor") return RunDoctor(*set, *url, out) ? kExitOk : kExitAttention;
  if (verb == "reset") {
    if (!options.yes) {
      return usage_error("reset drops every kiosk schema and all its data; add --yes to confirm");
    }
    if (env("KIOSK_ENV").value_or("development") == "production") {
      return Fail(err, absl::FailedPreconditionError(
                           "reset is refused in production (KIOSK_ENV=production)"));
    }
    return Reset(*set, *url, out, err);
  }
  if (verb == "import-sqlite") {
    if (arg.empty()) return usage_error("import-sqlite needs the path of the SQLite file");
    ImportOptions import_options;
    import_options.replace = options.replace;
    absl::StatusOr<ImportReport> report =
        ImportSqlite(arg, url->ToConnString(), import_options, out);
    return report.ok() ? kExitOk : Fail(err, report.status());
  }
  return usage_error(absl::StrCat("unknown command \"", verb, "\""));
}

}  // namespace kiosk::migrate
