#include "migrations/runner/migration_set.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "common/testing/status_matchers.h"

namespace kiosk::migrate {
namespace {

using ::kiosk::testing::IsOk;
using ::kiosk::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

SourceFile File(const std::string& rev, const std::string& down, const std::string& up_sql = "SELECT 1;",
                const std::string& down_sql = "SELECT 2;") {
  return {absl::StrCat("20260101_1200_", rev, "_step_", rev, ".sql"),
          absl::StrCat("-- revision: ", rev, "\n-- down_revision: ", down.empty() ? "none" : down,
                       "\n-- message: step ", rev, "\n\n-- +upgrade\n", up_sql,
                       "\n-- +downgrade\n", down_sql, "\n")};
}

std::vector<std::string> Revisions(const MigrationSet& set) {
  std::vector<std::string> revs;
  for (const Migration& m : set.ordered()) revs.push_back(m.revision);
  return revs;
}

TEST(MigrationSetTest, OrdersALinearStreamFromBaseToHeadWhateverTheFileOrder) {
  absl::StatusOr<MigrationSet> set =
      MigrationSet::FromFiles({File("003", "002"), File("001", ""), File("002", "001")});
  ASSERT_THAT(set, IsOk());
  EXPECT_THAT(Revisions(*set), ElementsAre("001", "002", "003"));
  EXPECT_EQ(set->head(), "003");
  EXPECT_EQ(set->IndexOf("002"), 1);
  EXPECT_EQ(set->IndexOf("nope"), -1);
}

TEST(MigrationSetTest, ParsesPartsWithTheirFirstLines) {
  absl::StatusOr<Migration> m = ParseMigrationFile(File("001", "", "CREATE TABLE t (x int);"));
  ASSERT_THAT(m, IsOk());
  EXPECT_EQ(m->revision, "001");
  EXPECT_EQ(m->down_revision, "");
  EXPECT_EQ(m->message, "step 001");
  EXPECT_EQ(m->upgrade_sql, "CREATE TABLE t (x int);\n");
  EXPECT_EQ(m->downgrade_sql, "SELECT 2;\n\n");
  EXPECT_EQ(m->upgrade_first_line, 6);
  EXPECT_EQ(m->downgrade_first_line, 8);
  EXPECT_EQ(m->checksum, Sha256Hex(File("001", "", "CREATE TABLE t (x int);").text));
}

TEST(MigrationSetTest, ChecksumIsSha256OfTheBytes) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(MigrationSetTest, RefusesTwoHeads) {
  EXPECT_THAT(MigrationSet::FromFiles({File("001", ""), File("002", "001"), File("003", "001")}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("two heads: 002")));
}

TEST(MigrationSetTest, RefusesAMissingParent) {
  EXPECT_THAT(MigrationSet::FromFiles({File("001", ""), File("003", "002")}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("follows revision 002, which does not exist")));
}

TEST(MigrationSetTest, RefusesADuplicateRevision) {
  SourceFile twin = File("001", "");
  twin.name = "20260202_0000_001_other.sql";
  EXPECT_THAT(MigrationSet::FromFiles({File("001", ""), twin}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("duplicate revision 001")));
}

TEST(MigrationSetTest, RefusesEmptyUpgradeOrDowngrade) {
  EXPECT_THAT(MigrationSet::FromFiles({File("001", "", "-- nothing here\n  ")}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("upgrade part is empty")));
  EXPECT_THAT(MigrationSet::FromFiles({File("001", "", "SELECT 1;", "")}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("downgrade part is empty")));
  SourceFile no_down = File("001", "");
  no_down.text = no_down.text.substr(0, no_down.text.find("-- +downgrade"));
  EXPECT_THAT(MigrationSet::FromFiles({no_down}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("downgrade part is empty")));
}

TEST(MigrationSetTest, RefusesMoreThanOneBaseAndCycles) {
  EXPECT_THAT(MigrationSet::FromFiles({File("001", ""), File("002", "")}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("more than one first")));
  EXPECT_THAT(MigrationSet::FromFiles({File("001", "002"), File("002", "001")}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("cycle")));
}

TEST(MigrationSetTest, RefusesBadNamesAndHeaders) {
  SourceFile bad_name = File("001", "");
  bad_name.name = "initial.sql";
  EXPECT_THAT(MigrationSet::FromFiles({bad_name}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("YYYYMMDD_HHMM_<rev>_<slug>")));
  SourceFile mismatch = File("001", "");
  mismatch.name = "20260101_1200_002_step.sql";
  EXPECT_THAT(MigrationSet::FromFiles({mismatch}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("header says 001")));
  SourceFile no_header = {"20260101_1200_001_x.sql", "-- +upgrade\nSELECT 1;\n-- +downgrade\nSELECT 1;\n"};
  EXPECT_THAT(MigrationSet::FromFiles({no_header}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("-- revision:")));
}

TEST(MigrationSetTest, TheShippedStreamIsValidAndCompiledIn) {
  absl::StatusOr<MigrationSet> embedded = MigrationSet::Embedded();
  ASSERT_THAT(embedded, IsOk());
  absl::StatusOr<MigrationSet> on_disk = MigrationSet::FromDirectory(KIOSK_MIGRATIONS_DIR);
  ASSERT_THAT(on_disk, IsOk());
  ASSERT_EQ(embedded->ordered().size(), on_disk->ordered().size());
  for (size_t i = 0; i < embedded->ordered().size(); ++i) {
    EXPECT_EQ(embedded->ordered()[i].checksum, on_disk->ordered()[i].checksum)
        << on_disk->ordered()[i].filename << " differs from the compiled-in copy";
  }
  EXPECT_EQ(embedded->ordered().front().revision, "001");
}

TEST(MigrationSetTest, MissingDirectoryIsNotFound) {
  EXPECT_THAT(MigrationSet::FromDirectory("/nonexistent/migrations"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("/nonexistent/migrations")));
}

}  // namespace
}  // namespace kiosk::migrate
