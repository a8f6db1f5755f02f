#include "migrations/runner/migrator.h"

#include <unistd.h>

#include <optional>
#include <pqxx/pqxx>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "common/db/pg_errors.h"

namespace kiosk::migrate {
namespace {

// Session lock shared by every runner of every replica: "kiosk_migrations".
constexpr int64_t kAdvisoryLockKey = 0x6b696f736b6d6967;

constexpr char kHistoryExistsSql[] = "SELECT to_regclass('public.kiosk_migrations') IS NOT NULL";
constexpr char kCreateHistorySql[] = R"sql(
CREATE TABLE IF NOT EXISTS public.kiosk_migrations (
  revision      text PRIMARY KEY,
  down_revision text,
  filename      text NOT NULL,
  checksum      text NOT NULL CHECK (checksum ~ '^[0-9a-f]{64}$'),
  applied_at    timestamptz NOT NULL DEFAULT now(),
  duration_ms   bigint NOT NULL CHECK (duration_ms >= 0),
  applied_by    text NOT NULL
))sql";
constexpr char kSelectHistorySql[] =
    "SELECT revision, filename, checksum, extract(epoch FROM applied_at)::float8, duration_ms, "
    "applied_by FROM public.kiosk_migrations";
constexpr char kInsertHistorySql[] =
    "INSERT INTO public.kiosk_migrations "
    "(revision, down_revision, filename, checksum, duration_ms, applied_by) "
    "VALUES ($1, $2, $3, $4, $5, $6)";
constexpr char kDeleteHistorySql[] = "DELETE FROM public.kiosk_migrations WHERE revision = $1";
constexpr char kTryLockSql[] = "SELECT pg_try_advisory_lock($1)";
constexpr char kLockSql[] = "SELECT pg_advisory_lock($1)";
constexpr char kUnlockSql[] = "SELECT pg_advisory_unlock($1)";

std::string Who(pqxx::connection& conn) {
  char host[256] = {};
  gethostname(host, sizeof(host) - 1);
  return absl::StrCat(conn.username(), "@", host);
}

// PostgreSQL reports the position of a syntax error as "LINE n:" relative to
// the statement text sent; map it back to the file.
std::string WhereInFile(absl::string_view error, const std::string& filename, int first_line) {
  size_t at = error.find("LINE ");
  int line = 0;
  if (at != absl::string_view::npos) {
    absl::string_view rest = error.substr(at + 5);
    if (absl::SimpleAtoi(rest.substr(0, rest.find(':')), &line)) {
      return absl::StrCat(filename, ":", first_line + line - 1);
    }
  }
  return filename;
}

std::string FirstLine(absl::string_view text) {
  text = absl::StripAsciiWhitespace(text);
  text = absl::StripPrefix(text, "ERROR:  ");
  return std::string(text.substr(0, text.find('\n')));
}

absl::StatusOr<std::vector<AppliedMigration>> ReadApplied(pqxx::connection& conn,
                                                          const MigrationSet& set) {
  return db::RunWithStatus("reading migration history", [&] {
    pqxx::read_transaction tx(conn);
    std::vector<AppliedMigration> applied;
    if (!tx.exec1(kHistoryExistsSql)[0].as<bool>()) return applied;
    for (const pqxx::row& row : tx.exec(kSelectHistorySql)) {
      AppliedMigration a;
      a.revision = row[0].as<std::string>();
      a.filename = row[1].as<std::string>();
      a.checksum = row[2].as<std::string>();
      a.applied_at = absl::FromUnixMicros(static_cast<int64_t>(row[3].as<double>() * 1e6));
      a.duration_ms = row[4].as<int64_t>();
      a.applied_by = row[5].as<std::string>();
      applied.push_back(std::move(a));
    }
    // Order by position in the stream; unknown revisions go last (Verify reports them).
    std::stable_sort(applied.begin(), applied.end(), [&](const auto& a, const auto& b) {
      auto pos = [&](const std::string& rev) {
        int i = set.IndexOf(rev);
        return i < 0 ? 1 << 30 : i;
      };
      return pos(a.revision) < pos(b.revision);
    });
    return applied;
  });
}

// The applied history must be a prefix of the set, file for file.
absl::StatusOr<int> VerifyApplied(const MigrationSet& set,
                                  const std::vector<AppliedMigration>& applied) {
  for (size_t i = 0; i < applied.size(); ++i) {
    const AppliedMigration& a = applied[i];
    int index = set.IndexOf(a.revision);
    if (index < 0) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the database has revision ", a.revision, " (", a.filename,
          ") applied, which this kiosk-migrate does not know; run the kiosk-migrate that "
          "matches the deployed version"));
    }
    const Migration& m = set.ordered()[index];
    if (m.checksum != a.checksum) {
      return absl::FailedPreconditionError(absl::StrCat(
          "migration ", m.filename, " was changed after it was applied (checksum ",
          a.checksum.substr(0, 12), " applied, ", m.checksum.substr(0, 12),
          " now); restore the file and put the change in a new migration "
          "(kiosk-migrate revision -m \"...\")"));
    }
    if (index != static_cast<int>(i)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "applied migrations skip revision ", set.ordered()[i].revision,
          "; the history table does not match the migration stream"));
    }
  }
  return static_cast<int>(applied.size()) - 1;  // index of the current revision, -1 at base
}

absl::StatusOr<std::unique_ptr<pqxx::connection>> Connect(const std::string& conninfo) {
  return db::RunWithStatus("connecting to PostgreSQL",
                           [&] { return std::make_unique<pqxx::connection>(conninfo); });
}

}  // namespace

Migrator::Migrator(const MigrationSet& set, std::string conninfo, std::ostream& out)
    : set_(set), conninfo_(std::move(conninfo)), out_(out) {}

absl::StatusOr<std::vector<AppliedMigration>> Migrator::Applied() const {
  absl::StatusOr<std::unique_ptr<pqxx::connection>> conn = Connect(conninfo_);
  if (!conn.ok()) return conn.status();
  return ReadApplied(**conn, set_);
}

absl::StatusOr<std::string> Migrator::Current() const {
  absl::StatusOr<std::vector<AppliedMigration>> applied = Applied();
  if (!applied.ok()) return applied.status();
  absl::StatusOr<int> index = VerifyApplied(set_, *applied);
  if (!index.ok()) return index.status();
  return *index < 0 ? "" : set_.ordered()[*index].revision;
}

absl::StatusOr<std::vector<Migration>> Migrator::Pending() const {
  absl::StatusOr<std::vector<AppliedMigration>> applied = Applied();
  if (!applied.ok()) return applied.status();
  absl::StatusOr<int> index = VerifyApplied(set_, *applied);
  if (!index.ok()) return index.status();
  return std::vector<Migration>(set_.ordered().begin() + (*index + 1), set_.ordered().end());
}

namespace {

enum class Direction { kUp, kDown };

// Resolves an Alembic target into the index of the revision to end at.
absl::StatusOr<int> ResolveTarget(const MigrationSet& set, int current, Direction direction,
                                  absl::string_view target) {
  const int head = static_cast<int>(set.ordered().size()) - 1;
  int relative = 0;
  if (direction == Direction::kUp && target == "head") return head;
  if (direction == Direction::kDown && target == "base") return -1;
  if ((absl::StartsWith(target, "+") || absl::StartsWith(target, "-")) &&
      absl::SimpleAtoi(target.substr(1), &relative) && relative > 0) {
    bool up = target[0] == '+';
    if (up != (direction == Direction::kUp)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "use ", up ? "upgrade +N" : "downgrade -N", ", not ", up ? "downgrade" : "upgrade", " ",
          target));
    }
    int end = up ? current + relative : current - relative;
    if (end > head) {
      return absl::InvalidArgumentError(absl::StrCat("cannot upgrade ", target, ": only ",
                                                     head - current, " migration(s) pending"));
    }
    if (end < -1) {
      return absl::InvalidArgumentError(absl::StrCat("cannot downgrade ", target, ": only ",
                                                     current + 1, " migration(s) applied"));
    }
    return end;
  }
  int index = set.IndexOf(target);
  if (index < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "unknown revision \"", target, "\"; use ",
        direction == Direction::kUp ? "head, +N" : "base, -N", " or a revision from `history`"));
  }
  if (direction == Direction::kUp && index < current) {
    return absl::InvalidArgumentError(absl::StrCat("revision ", target,
                                                   " is already applied; use downgrade"));
  }
  if (direction == Direction::kDown && index > current) {
    return absl::InvalidArgumentError(absl::StrCat("revision ", target,
                                                   " is not applied; use upgrade"));
  }
  return index;
}

class Run {
 public:
  Run(const MigrationSet& set, pqxx::connection& conn, std::ostream& out)
      : set_(set), conn_(conn), out_(out) {}

  absl::Status Execute(Direction direction, absl::string_view target, bool dry_run) {
    if (!dry_run) {
      absl::Status locked = Lock();
      if (!locked.ok()) return locked;
    }
    absl::Status status = ExecuteLocked(direction, target, dry_run);
    if (!dry_run) {
      db::RunWithStatus("releasing lock", [&] {
        pqxx::nontransaction tx(conn_);
        tx.exec_params(kUnlockSql, kAdvisoryLockKey);
      }).IgnoreError();  // closing the session releases it anyway
    }
    return status;
  }

 private:
  absl::Status Lock() {
    return db::RunWithStatus("taking the migration lock", [&] {
      pqxx::nontransaction tx(conn_);
      if (!tx.exec_params1(kTryLockSql, kAdvisoryLockKey)[0].as<bool>()) {
        out_ << "waiting for another kiosk-migrate to finish (advisory lock)" << std::endl;
        tx.exec_params(kLockSql, kAdvisoryLockKey);
      }
      tx.exec(kCreateHistorySql);
    });
  }

  absl::Status ExecuteLocked(Direction direction, absl::string_view target, bool dry_run) {
    // Read the history under the lock: another runner may just have applied.
    absl::StatusOr<std::vector<AppliedMigration>> applied = ReadApplied(conn_, set_);
    if (!applied.ok()) return applied.status();
    absl::StatusOr<int> current = VerifyApplied(set_, *applied);
    if (!current.ok()) return current.status();
    absl::StatusOr<int> end = ResolveTarget(set_, *current, direction, target);
    if (!end.ok()) return end.status();

    if (*end == *current) {
      out_ << "nothing to do: database at " << Describe(*current) << std::endl;
      return absl::OkStatus();
    }
    std::string who = Who(conn_);
    if (direction == Direction::kUp) {
      for (int i = *current + 1; i <= *end; ++i) {
        absl::Status s = Step(set_.ordered()[i], Direction::kUp, dry_run, who);
        if (!s.ok()) return s;
      }
    } else {
      for (int i = *current; i > *end; --i) {
        absl::Status s = Step(set_.ordered()[i], Direction::kDown, dry_run, who);
        if (!s.ok()) return s;
      }
    }
    if (!dry_run) out_ << "database at " << Describe(*end) << std::endl;
    return absl::OkStatus();
  }

  std::string Describe(int index) const {
    if (index < 0) return "base (no migration applied)";
    const Migration& m = set_.ordered()[index];
    return absl::StrCat("revision ", m.revision,
                        index + 1 == static_cast<int>(set_.ordered().size()) ? " (head)" : "");
  }

  absl::Status Step(const Migration& m, Direction direction, bool dry_run, const std::string& who) {
    const bool up = direction == Direction::kUp;
    const std::string& sql = up ? m.upgrade_sql : m.downgrade_sql;
    if (dry_run) {
      out_ << "-- " << (up ? "upgrade" : "downgrade") << " " << m.revision << " (" << m.filename
           << ")\n"
           << sql << std::endl;
      return absl::OkStatus();
    }
    absl::Time start = absl::Now();
    try {
      pqxx::work tx(conn_);
      tx.exec(sql);
      int64_t duration_ms = absl::ToInt64Milliseconds(absl::Now() - start);
      if (up) {
        tx.exec_params(kInsertHistorySql, m.revision,
                       m.down_revision.empty() ? std::optional<std::string>()
                                               : std::optional<std::string>(m.down_revision),
                       m.filename, m.checksum, duration_ms, who);
      } else {
        tx.exec_params(kDeleteHistorySql, m.revision);
      }
      tx.commit();
    } catch (const std::exception& e) {
      absl::Status status = db::StatusFromException(e, "");
      return absl::Status(
          status.code(),
          absl::StrCat(up ? "upgrade" : "downgrade", " ", m.revision, " failed at ",
                       WhereInFile(e.what(), m.filename,
                                   up ? m.upgrade_first_line : m.downgrade_first_line),
                       ": ", FirstLine(e.what()),
                       "; the migration was rolled back, the database is as it was before it"));
    }
    out_ << (up ? "applied " : "reverted ") << m.revision << " " << m.message << " ("
         << m.filename << ") in " << absl::ToInt64Milliseconds(absl::Now() - start) << " ms"
         << std::endl;
    return absl::OkStatus();
  }

  const MigrationSet& set_;
  pqxx::connection& conn_;
  std::ostream& out_;
};

}  // namespace

absl::Status Migrator::Upgrade(absl::string_view target, bool dry_run) {
  absl::StatusOr<std::unique_ptr<pqxx::connection>> conn = Connect(conninfo_);
  if (!conn.ok()) return conn.status();
  return Run(set_, **conn, out_).Execute(Direction::kUp, target, dry_run);
}

absl::Status Migrator::Downgrade(absl::string_view target, bool dry_run) {
  absl::StatusOr<std::unique_ptr<pqxx::connection>> conn = Connect(conninfo_);
  if (!conn.ok()) return conn.status();
  return Run(set_, **conn, out_).Execute(Direction::kDown, target, dry_run);
}

absl::Status MigrateToHead(const std::string& conninfo) {
  absl::StatusOr<MigrationSet> set = MigrationSet::Embedded();
  if (!set.ok()) return set.status();
  std::ostringstream quiet;
  return Migrator(*set, conninfo, quiet).Upgrade("head");
}

}  // namespace kiosk::migrate
