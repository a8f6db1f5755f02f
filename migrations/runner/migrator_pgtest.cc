#include "migrations/runner/migrator.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <pqxx/pqxx>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "common/testing/pg_test_database.h"
#include "common/testing/fake_env.h"
#include "common/testing/status_matchers.h"
#include "common/testing/subprocess.h"
#include "migrations/runner/cli.h"
#include "migrations/runner/doctor.h"
#include "migrations/runner/drift_check.h"
#include "migrations/runner/schema_snapshot.h"

namespace kiosk::migrate {
namespace {

using ::kiosk::testing::IsOk;
using ::kiosk::testing::StatusIs;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

SourceFile File(const std::string& rev, const std::string& down, const std::string& up_sql,
                const std::string& down_sql) {
  return {absl::StrCat("20260101_1200_", rev, "_step.sql"),
          absl::StrCat("-- revision: ", rev, "\n-- down_revision: ", down.empty() ? "none" : down,
                       "\n-- message: step ", rev, "\n-- +upgrade\n", up_sql, "\n-- +downgrade\n",
                       down_sql, "\n")};
}

// Three small steps in their own schema, for verb-level tests.
std::vector<SourceFile> ThreeSteps() {
  return {File("001", "", "CREATE SCHEMA users;\nCREATE TABLE users.a (id int);", "DROP SCHEMA users CASCADE;"),
          File("002", "001", "CREATE TABLE users.b (id int);", "DROP TABLE users.b;"),
          File("003", "002", "ALTER TABLE users.a ADD COLUMN name text;",
               "ALTER TABLE users.a DROP COLUMN name;")};
}

class MigratorTest : public kiosk::testing::PgTest {
 protected:
  MigrationSet Set(std::vector<SourceFile> files) {
    absl::StatusOr<MigrationSet> set = MigrationSet::FromFiles(std::move(files));
    EXPECT_THAT(set, IsOk());
    return *set;
  }
  bool TableExists(const std::string& name) {
    pqxx::connection conn(db().conninfo());
    pqxx::read_transaction tx(conn);
    return tx.exec_params1("SELECT to_regclass($1) IS NOT NULL", name)[0].as<bool>();
  }
  std::string Current(const MigrationSet& set) {
    std::ostringstream out;
    return *Migrator(set, db().conninfo(), out).Current();
  }
  std::ostringstream out_;
};

TEST_F(MigratorTest, EveryAlembicTargetMovesToTheRightRevision) {
  MigrationSet set = Set(ThreeSteps());
  Migrator m(set, db().conninfo(), out_);
  EXPECT_EQ(Current(set), "");
  ASSERT_THAT(m.Upgrade("+1"), IsOk());
  EXPECT_EQ(Current(set), "001");
  ASSERT_THAT(m.Upgrade("003"), IsOk());
  EXPECT_EQ(Current(set), "003");
  ASSERT_THAT(m.Downgrade("-1"), IsOk());
  EXPECT_EQ(Current(set), "002");
  ASSERT_THAT(m.Downgrade("001"), IsOk());
  EXPECT_FALSE(TableExists("users.b"));
  ASSERT_THAT(m.Upgrade("head"), IsOk());
  EXPECT_EQ(Current(set), "003");
  ASSERT_THAT(m.Downgrade("base"), IsOk());
  EXPECT_EQ(Current(set), "");
  EXPECT_FALSE(TableExists("users.a"));
  EXPECT_THAT(out_.str(), HasSubstr("applied 001 step 001 (20260101_1200_001_step.sql) in "));
  EXPECT_THAT(out_.str(), HasSubstr("reverted 003"));
}

TEST_F(MigratorTest, BadTargetsAreRefusedWithAReason) {
  MigrationSet set = Set(ThreeSteps());
  Migrator m(set, db().conninfo(), out_);
  EXPECT_THAT(m.Upgrade("+4"), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("only 3")));
  EXPECT_THAT(m.Upgrade("zzz"), StatusIs(absl::StatusCode::kInvalidArgument,
                                         HasSubstr("unknown revision \"zzz\"")));
  ASSERT_THAT(m.Upgrade("002"), IsOk());
  EXPECT_THAT(m.Upgrade("001"), StatusIs(absl::StatusCode::kInvalidArgument,
                                         HasSubstr("already applied; use downgrade")));
  EXPECT_THAT(m.Downgrade("003"), StatusIs(absl::StatusCode::kInvalidArgument,
                                           HasSubstr("not applied; use upgrade")));
  EXPECT_THAT(m.Downgrade("-3"), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("only 2")));
  EXPECT_THAT(m.Upgrade("-1"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(Current(set), "002");
}

TEST_F(MigratorTest, HistoryRecordsChecksumDurationAndWho) {
  MigrationSet set = Set(ThreeSteps());
  Migrator m(set, db().conninfo(), out_);
  ASSERT_THAT(m.Upgrade("head"), IsOk());
  absl::StatusOr<std::vector<AppliedMigration>> applied = m.Applied();
  ASSERT_THAT(applied, IsOk());
  ASSERT_EQ(applied->size(), 3u);
  EXPECT_EQ((*applied)[1].revision, "002");
  EXPECT_EQ((*applied)[1].checksum, set.ordered()[1].checksum);
  EXPECT_THAT((*applied)[1].applied_by, HasSubstr("postgres@"));
  EXPECT_GE((*applied)[1].duration_ms, 0);
  EXPECT_LT(absl::Now() - (*applied)[1].applied_at, absl::Minutes(5));
}

TEST_F(MigratorTest, AnEditedAppliedMigrationIsRefusedByName) {
  ASSERT_THAT(Migrator(Set(ThreeSteps()), db().conninfo(), out_).Upgrade("002"), IsOk());
  std::vector<SourceFile> edited = ThreeSteps();
  edited[1].text += "-- a harmless-looking edit\n";
  Migrator m(Set(edited), db().conninfo(), out_);
  EXPECT_THAT(m.Upgrade("head"),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("20260101_1200_002_step.sql was changed after it was applied")));
  EXPECT_FALSE(TableExists("users.a") && Current(Set(ThreeSteps())) == "003");
}

TEST_F(MigratorTest, AFailingMigrationIsRolledBackAndNamesFileAndLine) {
  std::vector<SourceFile> files = ThreeSteps();
  files[2] = File("003", "002",
                  "CREATE TABLE users.c (id int);\nINSERT INTO users.c VALUES (1);\n"
                  "CREATE TABLE users.d (id nosuchtype);",
                  "DROP TABLE users.c;");
  MigrationSet set = Set(files);
  Migrator m(set, db().conninfo(), out_);
  absl::Status status = m.Upgrade("head");
  // Header is 4 lines, the upgrade SQL starts on line 5, the bad line is its third.
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInternal,
                               HasSubstr("upgrade 003 failed at 20260101_1200_003_step.sql:7: "
                                         "type \"nosuchtype\" does not exist")));
  EXPECT_THAT(status.message(), HasSubstr("rolled back"));
  EXPECT_EQ(Current(set), "002");  // 001 and 002 stay, 003 left no trace
  EXPECT_FALSE(TableExists("users.c"));
}

TEST_F(MigratorTest, AnUnknownAppliedRevisionIsReported) {
  ASSERT_THAT(Migrator(Set(ThreeSteps()), db().conninfo(), out_).Upgrade("head"), IsOk());
  std::vector<SourceFile> older = ThreeSteps();
  older.pop_back();
  EXPECT_THAT(Migrator(Set(older), db().conninfo(), out_).Upgrade("head"),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("revision 003 (20260101_1200_003_step.sql) applied, which this "
                                 "kiosk-migrate does not know")));
}

TEST_F(MigratorTest, DryRunPrintsTheSqlAndChangesNothing) {
  MigrationSet set = Set(ThreeSteps());
  Migrator m(set, db().conninfo(), out_);
  ASSERT_THAT(m.Upgrade("head", /*dry_run=*/true), IsOk());
  EXPECT_THAT(out_.str(), HasSubstr("-- upgrade 002 (20260101_1200_002_step.sql)\nCREATE TABLE users.b"));
  EXPECT_FALSE(TableExists("users.a"));
  EXPECT_FALSE(TableExists("public.kiosk_migrations"));
}

TEST_F(MigratorTest, RoundTripHeadBaseHeadLeavesAnIdenticalSchema) {
  absl::StatusOr<MigrationSet> set = MigrationSet::Embedded();
  ASSERT_THAT(set, IsOk());
  Migrator m(*set, db().conninfo(), out_);
  ASSERT_THAT(m.Upgrade("head"), IsOk());
  absl::StatusOr<SchemaSnapshot> first = TakeSnapshot(db().conninfo(), KioskSchemas());
  ASSERT_THAT(first, IsOk());
  EXPECT_GT(first->lines.size(), 50u);
  ASSERT_THAT(m.Downgrade("base"), IsOk());
  for (const std::string& schema : KioskSchemas()) EXPECT_FALSE(TableExists(schema + ".users"));
  ASSERT_THAT(m.Upgrade("head"), IsOk());
  absl::StatusOr<SchemaSnapshot> second = TakeSnapshot(db().conninfo(), KioskSchemas());
  ASSERT_THAT(second, IsOk());
  EXPECT_THAT(DiffSnapshots(*first, *second), IsEmpty());
}

TEST_F(MigratorTest, CheckReportsPendingThenDriftAfterAManualAlter) {
  absl::StatusOr<MigrationSet> set = MigrationSet::Embedded();
  ASSERT_THAT(set, IsOk());
  absl::StatusOr<CheckResult> fresh = CheckDatabase(*set, db().url());
  ASSERT_THAT(fresh, IsOk());
  EXPECT_EQ(fresh->pending.size(), set->ordered().size());

  ASSERT_THAT(MigrateToHead(db().conninfo()), IsOk());
  absl::StatusOr<CheckResult> clean = CheckDatabase(*set, db().url());
  ASSERT_THAT(clean, IsOk());
  EXPECT_TRUE(clean->ok()) << RenderDiff(clean->drift);

  {
    pqxx::connection conn(db().conninfo());
    pqxx::work tx(conn);
    tx.exec("ALTER TABLE users.users ADD COLUMN nickname text");
    tx.exec("DROP INDEX media.media_requests_status_idx");
    tx.commit();
  }
  absl::StatusOr<CheckResult> drifted = CheckDatabase(*set, db().url());
  ASSERT_THAT(drifted, IsOk());
  EXPECT_FALSE(drifted->ok());
  EXPECT_THAT(drifted->drift, Contains(HasSubstr("users.users.nickname")));
  EXPECT_THAT(drifted->drift, Contains(HasSubstr("media_requests_status_idx")));
}

TEST_F(MigratorTest, DoctorExplainsPendingMigrationsAndPassesAfterUpgrade) {
  absl::StatusOr<MigrationSet> set = MigrationSet::Embedded();
  std::ostringstream before;
  EXPECT_FALSE(RunDoctor(*set, db().url(), before));
  EXPECT_THAT(before.str(), HasSubstr("run `kiosk-migrate upgrade head`"));
  EXPECT_THAT(before.str(), HasSubstr("relation does not exist"));

  ASSERT_THAT(MigrateToHead(db().conninfo()), IsOk());
  std::ostringstream after;
  EXPECT_TRUE(RunDoctor(*set, db().url(), after)) << after.str();
  EXPECT_THAT(after.str(), HasSubstr("all 8 tables present"));
  EXPECT_THAT(after.str(), HasSubstr("1 active admin user(s)"));
  EXPECT_THAT(after.str(), HasSubstr("change the password immediately"));

  db::DatabaseUrl wrong = db().url();
  wrong.password = "not-the-password";
  std::ostringstream denied;
  EXPECT_FALSE(RunDoctor(*set, wrong, denied));
  EXPECT_THAT(denied.str(), HasSubstr("check the user and password"));
  EXPECT_THAT(denied.str(), Not(HasSubstr("not-the-password")));
}

// Runs the CLI in-process with this test database.
int Cli(const std::string& url, std::vector<const char*> args, std::ostream& out,
        std::map<std::string, std::string> env = {}) {
  args.insert(args.begin(), "kiosk-migrate");
  absl::StatusOr<CliOptions> options = ParseCli(static_cast<int>(args.size()), args.data());
  EXPECT_THAT(options, IsOk());
  env["DATABASE_URL"] = url;
  return RunCli(*options,
                kiosk::testing::FakeEnv(env),
                out, out);
}

TEST_F(MigratorTest, CliVerbsReportAndExitAsDocumented) {
  const std::string url = db().url().ToConnString();
  std::ostringstream out;
  EXPECT_EQ(Cli(url, {"check"}, out), kExitAttention);
  EXPECT_EQ(Cli(url, {"current"}, out), kExitOk);
  EXPECT_THAT(out.str(), HasSubstr("base (no migration applied)"));
  EXPECT_EQ(Cli(url, {"upgrade"}, out), kExitOk);
  EXPECT_EQ(Cli(url, {"check"}, out), kExitOk);
  EXPECT_THAT(out.str(), HasSubstr("schema matches the migrations"));
  std::ostringstream history;
  EXPECT_EQ(Cli(url, {"history"}, history), kExitOk);
  EXPECT_THAT(history.str(), HasSubstr("[applied] <base> -> 001"));
  const std::string head = MigrationSet::Embedded()->head();
  EXPECT_THAT(history.str(), HasSubstr("-> " + head + " (head) (current)"));
  EXPECT_EQ(Cli(url, {"doctor"}, out), kExitOk);

  // reset: the data goes, the schema comes back at head.
  {
    pqxx::connection conn(db().conninfo());
    pqxx::work tx(conn);
    tx.exec("INSERT INTO users.users (username, email, password_hash) "
            "VALUES ('bob', 'bob@x.io', '$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaA')");
    tx.commit();
  }
  std::ostringstream reset;
  EXPECT_EQ(Cli(url, {"reset", "--yes"}, reset), kExitOk) << reset.str();
  pqxx::connection conn(db().conninfo());
  pqxx::read_transaction tx(conn);
  EXPECT_EQ(tx.exec1("SELECT count(*) FROM users.users")[0].as<int>(), 1);  // the seed admin only
  EXPECT_EQ(Cli(url, {"check"}, out), kExitOk);
}

TEST_F(MigratorTest, ServiceRolesSeeOnlyTheirOwnSchema) {
  const std::string url = db().url().ToConnString();
  std::ostringstream out;
  ASSERT_EQ(Cli(url, {"upgrade", "head"}, out,
                {{"KIOSK_MEDIA_DB_PASSWORD", "media-secret"}, {"KIOSK_USERS_DB_PASSWORD", "users-secret"}}),
            kExitOk)
      << out.str();
  EXPECT_THAT(out.str(), HasSubstr("password of role kiosk_media set from KIOSK_MEDIA_DB_PASSWORD"));
  EXPECT_THAT(out.str(), Not(HasSubstr("media-secret")));

  db::DatabaseUrl media = db().url();
  media.user = "kiosk_media";
  media.password = "media-secret";
  pqxx::connection conn(media.ToConnString());
  {
    pqxx::work tx(conn);
    EXPECT_THAT([&] { tx.exec("SELECT * FROM users.users"); },
                ::testing::ThrowsMessage<pqxx::sql_error>(HasSubstr("permission denied")));
  }
  {
    // Its own tables work, and the foreign key to users.users is checked
    // with the owner's rights, so a request for the admin (id 1) is accepted.
    pqxx::work tx(conn);
    tx.exec("INSERT INTO media.media_requests (user_id, media_type, tmdb_id, title) "
            "VALUES (1, 'movie', 603, 'The Matrix')");
    EXPECT_EQ(tx.exec1("SELECT count(*) FROM media.media_requests")[0].as<int>(), 1);
    EXPECT_THAT([&] { tx.exec("SELECT * FROM downloads.downloads"); },
                ::testing::ThrowsMessage<pqxx::sql_error>(HasSubstr("permission denied")));
  }
}

TEST_F(MigratorTest, ConcurrentRunnersApplyEachMigrationExactlyOnce) {
  std::vector<kiosk::testing::Subprocess> runners;
  for (int i = 0; i < 4; ++i) {
    absl::StatusOr<kiosk::testing::Subprocess> p = kiosk::testing::Subprocess::Start(
        {std::string(KIOSK_BIN_DIR) + "/kiosk-migrate", "upgrade", "head"},
        {{"DATABASE_URL", db().url().ToConnString()}});
    ASSERT_THAT(p, IsOk());
    runners.push_back(*std::move(p));
  }
  int applied_lines = 0;
  for (kiosk::testing::Subprocess& p : runners) {
    EXPECT_EQ(p.Wait(absl::Seconds(60)), 0) << p.Output();
    std::string output = p.Output();
    for (size_t at = output.find("applied "); at != std::string::npos;
         at = output.find("applied ", at + 1)) {
      ++applied_lines;
    }
  }
  absl::StatusOr<MigrationSet> set = MigrationSet::Embedded();
  EXPECT_EQ(applied_lines, static_cast<int>(set->ordered().size()));
  pqxx::connection conn(db().conninfo());
  pqxx::read_transaction tx(conn);
  EXPECT_EQ(tx.exec1("SELECT count(*) FROM public.kiosk_migrations")[0].as<size_t>(),
            set->ordered().size());
  EXPECT_EQ(tx.exec1("SELECT count(*) FROM users.users")[0].as<int>(), 1);  // one admin, not four
}

}  // namespace
}  // namespace kiosk::migrate
