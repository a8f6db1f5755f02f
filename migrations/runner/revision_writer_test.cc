#include "migrations/runner/revision_writer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/testing/status_matchers.h"

namespace kiosk::migrate {
namespace {

using ::kiosk::testing::IsOk;
using ::kiosk::testing::StatusIs;
using ::testing::HasSubstr;

absl::Time Utc(int y, int mo, int d, int h, int mi) {
  return absl::FromCivil(absl::CivilMinute(y, mo, d, h, mi), absl::UTCTimeZone());
}

// A one-migration stream, so the expectations do not move as migrations are added.
MigrationSet OneMigration() {
  return *MigrationSet::FromFiles({{"20260101_1200_001_init.sql",
                                    "-- revision: 001\n-- down_revision: none\n-- +upgrade\n"
                                    "SELECT 1;\n-- +downgrade\nSELECT 1;\n"}});
}

TEST(RevisionWriterTest, NamesTheFileInParisTimeWithTheNextRevisionAndASlug) {
  // 05:10 UTC in November is 06:10 in Paris (CET).
  absl::StatusOr<NewRevision> winter =
      PlanRevision(OneMigration(), "Add jobs table: retries & leases!", Utc(2026, 11, 25, 5, 10));
  ASSERT_THAT(winter, IsOk());
  EXPECT_EQ(winter->filename, "20261125_0610_002_add_jobs_table_retries_leases.sql");
  EXPECT_THAT(winter->text, HasSubstr("-- revision: 002\n-- down_revision: 001\n"));
  EXPECT_THAT(winter->text, HasSubstr("-- message: Add jobs table: retries & leases!\n"));
  // 22:30 UTC on 30 June is 00:30 on 1 July in Paris (CEST, +2).
  absl::StatusOr<NewRevision> summer = PlanRevision(OneMigration(), "x", Utc(2027, 6, 30, 22, 30));
  ASSERT_THAT(summer, IsOk());
  EXPECT_EQ(summer->filename, "20270701_0030_002_x.sql");
}

TEST(RevisionWriterTest, TheFirstMigrationFollowsNothing) {
  absl::StatusOr<NewRevision> first = PlanRevision(MigrationSet(), "init", Utc(2026, 1, 1, 0, 0));
  ASSERT_THAT(first, IsOk());
  EXPECT_THAT(first->text, HasSubstr("-- revision: 001\n-- down_revision: none\n"));
}

TEST(RevisionWriterTest, RefusesAMessageWithoutWords) {
  EXPECT_THAT(PlanRevision(OneMigration(), " !? ", absl::Now()),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("letters or digits")));
}

TEST(RevisionWriterTest, WritesAFileThatMustBeFilledBeforeTheSetLoads) {
  std::filesystem::path dir = std::filesystem::temp_directory_path() / "kiosk-revision-test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  for (const auto& entry : std::filesystem::directory_iterator(KIOSK_MIGRATIONS_DIR)) {
    std::filesystem::copy(entry.path(), dir / entry.path().filename());
  }
  absl::Time now = absl::Now();
  std::string next = PlanRevision(*MigrationSet::FromDirectory(dir.string()), "add things", now)
                         ->text.substr(13, 3);  // "-- revision: NNN"
  absl::StatusOr<std::string> path = WriteRevision(dir.string(), "add things", now);
  ASSERT_THAT(path, IsOk());
  EXPECT_TRUE(std::filesystem::exists(*path));
  // An unfilled template is refused, so it can never ship by accident.
  EXPECT_THAT(MigrationSet::FromDirectory(dir.string()),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("upgrade part is empty")));
  // Filled in, the stream has a new head.
  std::ifstream in(*path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  text.replace(text.find("-- +upgrade\n"), 12, "-- +upgrade\nCREATE TABLE users.x (id int);\n");
  text += "DROP TABLE users.x;\n";
  std::ofstream(*path) << text;
  absl::StatusOr<MigrationSet> set = MigrationSet::FromDirectory(dir.string());
  ASSERT_THAT(set, IsOk());
  EXPECT_EQ(set->head(), next);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace kiosk::migrate
