// ImportSqlite against a real PostgreSQL migrated to head, with SQLite files
// shaped like the old application's (SQLAlchemy DDL, 0/1 booleans, text
// timestamps, JSON as text, columns our schema dropped).
#include "migrations/runner/sqlite_import.h"

#include "migrations/runner/old_app_sqlite_schema.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <pqxx/pqxx>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/testing/pg_test_database.h"
#include "common/testing/status_matchers.h"
#include "migrations/runner/migrator.h"

namespace kiosk::migrate {
namespace {

using ::kiosk::testing::IsOk;
using ::kiosk::testing::StatusIs;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kHash[] = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo";

// One or two rows per table, with the formats SQLAlchemy and SQLite write.
std::string GoodRows() {
  return absl::StrCat(R"sql(
INSERT INTO users VALUES
  (1, 'admin', 'Admin@Example.com', ')sql",
                      kHash, R"sql(', 'admin', 1, 0, 1, NULL, NULL, NULL,
   NULL, 'en', '2025-06-01 10:00:00.000000', '2026-01-18 18:10:00.123456', NULL, 'plex-secret'),
  (7, 'alice', 'alice@example.com', ')sql",
                      kHash, R"sql(', 'user', 1, 1, 0, 5, 7, 2, 14, 'fr',
   '2025-07-02T08:30:00Z', '2026-01-18T19:10:00+01:00', 1768760000, NULL);
INSERT INTO system_settings VALUES
  ('radarr', '{"url": "http://radarr:7878", "enabled": true}', 0, '2026-01-01 00:00:00', 1),
  ('api_key', '"s3cr\"et"', 'true', '2026-01-01 00:00:00', NULL);
INSERT INTO media_requests VALUES
  (1, 7, 'movie', 603, 'tt0133093', NULL, 'The Matrix', 'The Matrix', 1999, 'fr', 'null',
   'available', 'line1' || char(10) || 'tab' || char(9) || 'back\slash "q" é ✓', 1,
   '2025-08-01 12:00:00.5', '2025-08-01 12:00:00', '2025-08-02 13:00:00', '/poster.jpg'),
  (2, 7, 'tv', 1399, NULL, '121361', 'Game of Thrones', NULL, 2011.0, 'vo',
   '[1, {"season": 2, "episodes": [1, 2]}]', 'pending', NULL, NULL, NULL, 1754049600.25,
   '2025-08-01 12:00:00+00:00', NULL);
INSERT INTO title_mappings VALUES
  (4, 'movie', 603, 'Matrix', 'The Matrix', 'The Matrix', 1999, 'tmdb',
   '2025-01-01 00:00:00', '2025-01-01 00:00:00');
INSERT INTO downloads VALUES
  (3, 1, 'aabbccddeeff00112233445566778899aabbccdd', 'The.Matrix.1999', 'magnet:?xt=urn:btih:aabb',
   '/downloads', '/downloads/The.Matrix.1999', 5000000000, 2500000000, 0.5, 1048576, 3600,
   'downloading', 'downloading', NULL, '2025-08-01 12:05:00', '2025-08-01 12:06:00', NULL,
   'movies');
INSERT INTO rename_settings VALUES
  (1, 'movie', '{Movie Title} ({Release Year})', NULL, '{Movie Title} ({Release Year})',
   'remove', 'smart', 'hardlink_or_copy', '/media/movies', 1, '2025-01-01 00:00:00');
INSERT INTO transfer_history VALUES
  (5, 3, '/downloads/a.mkv', '/media/movies/a.mkv', 'hardlink', 5000000000, 'succeeded', NULL,
   '2025-08-02 12:59:00', '2025-08-02 13:00:00');
INSERT INTO plex_library_items VALUES
  (1, '12345', 1, 'movie', 'The Matrix', NULL, 1999, 'plex://movie/5d776b59', 603, 'tt0133093',
   NULL, NULL, NULL, NULL, NULL, '/media/movies/The Matrix (1999)/The Matrix.mkv',
   '2025-08-02 13:05:00', '2026-01-18 18:10:00', '/thumb.jpg');
)sql");
}

class ImportTest : public kiosk::testing::PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_THAT(MigrateToHead(db().conninfo()), IsOk());
    path_ = absl::StrCat(::testing::TempDir(), "kiosk_import_", getpid(), "_",
                         ::testing::UnitTest::GetInstance()->current_test_info()->name(), ".db");
    std::filesystem::remove(path_);
  }
  void TearDown() override { std::filesystem::remove(path_); }

  // Runs `sql` on the SQLite fixture file (created on first use).
  void Sqlite(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(
        sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr),
        SQLITE_OK);
    char* error = nullptr;
    int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
    std::string message = error != nullptr ? error : "";
    sqlite3_free(error);
    sqlite3_close(db);
    ASSERT_EQ(rc, SQLITE_OK) << message;
  }

  void OldDatabase() {
    Sqlite(kOldAppSqliteSchema);
    Sqlite(GoodRows());
  }

  absl::StatusOr<ImportReport> Import(bool replace = false) {
    ImportOptions options;
    options.replace = replace;
    output_.str("");
    return ImportSqlite(path_, db().conninfo(), options, output_);
  }

  // The first column of every row of `sql`, as text ("NULL" for NULL).
  std::vector<std::string> Column(const std::string& sql) {
    pqxx::connection conn(db().conninfo());
    pqxx::work tx(conn);
    tx.exec("SET TIME ZONE 'UTC'");
    std::vector<std::string> values;
    for (const pqxx::row& row : tx.exec(sql)) {
      values.push_back(row[0].is_null() ? "NULL" : row[0].as<std::string>());
    }
    return values;
  }
  std::string Scalar(const std::string& sql) {
    std::vector<std::string> values = Column(sql);
    return values.empty() ? "<no row>" : values.front();
  }
  void Exec(const std::string& sql) {
    pqxx::connection conn(db().conninfo());
    pqxx::work tx(conn);
    tx.exec(sql);
    tx.commit();
  }

  // Every row of the eight tables, to compare before and after a failed import.
  std::string Contents() {
    std::string all;
    for (const std::string& table : ImportTableOrder()) {
      absl::StrAppend(
          &all, table, ": ",
          absl::StrJoin(Column(absl::StrCat("SELECT t::text FROM ", table, " t ORDER BY t::text")),
                        " | "),
          "\n");
    }
    return all;
  }

  std::string path_;
  std::ostringstream output_;
};

TEST_F(ImportTest, CopiesEveryTableWithExactValues) {
  OldDatabase();
  ASSERT_THAT(Import(), IsOk()) << output_.str();

  // users: booleans, NULL quotas, timestamps in every spelling; the seed is gone.
  EXPECT_THAT(Column("SELECT concat_ws(' ', id, username, email, role, is_active, "
                     "must_change_password, auto_approve, movie_quota_limit, tv_quota_days, "
                     "preferred_language) FROM users.users ORDER BY id"),
              ElementsAre("1 admin Admin@Example.com admin t f t en",
                          "7 alice alice@example.com user t t f 5 14 fr"));
  EXPECT_EQ(Scalar("SELECT password_hash FROM users.users WHERE id = 7"), kHash);
  EXPECT_THAT(Column("SELECT concat_ws(' / ', created_at, updated_at, "
                     "coalesce(last_login_at::text, 'NULL')) FROM users.users ORDER BY id"),
              ElementsAre("2025-06-01 10:00:00+00 / 2026-01-18 18:10:00.123456+00 / NULL",
                          "2025-07-02 08:30:00+00 / 2026-01-18 18:10:00+00 / "
                          "2026-01-18 18:13:20+00"));

  // system_settings: jsonb, text booleans, NULL foreign key, a column named "Key".
  EXPECT_EQ(Scalar("SELECT value = '{\"enabled\": true, \"url\": \"http://radarr:7878\"}'::jsonb "
                   "AND NOT is_secret AND updated_by = 1 FROM users.system_settings "
                   "WHERE key = 'radarr'"),
            "t");
  EXPECT_EQ(Scalar("SELECT value #>> '{}' FROM users.system_settings WHERE key = 'api_key'"),
            "s3cr\"et");
  EXPECT_EQ(Scalar("SELECT is_secret AND updated_by IS NULL FROM users.system_settings "
                   "WHERE key = 'api_key'"),
            "t");

  // media_requests: JSON null -> NULL, arrays kept, epochs, text with escapes.
  EXPECT_THAT(Column("SELECT concat_ws(' ', id, user_id, media_type, tmdb_id, "
                     "coalesce(tvdb_id::text, '-'), year, language, status, "
                     "coalesce(requested_seasons::text, 'NULL'), "
                     "coalesce(approved_by::text, '-')) FROM media.media_requests ORDER BY id"),
              ElementsAre("1 7 movie 603 - 1999 fr available NULL 1",
                          "2 7 tv 1399 121361 2011 vo pending "
                          "[1, {\"season\": 2, \"episodes\": [1, 2]}] -"));
  EXPECT_EQ(Scalar("SELECT decline_reason FROM media.media_requests WHERE id = 1"),
            "line1\ntab\tback\\slash \"q\" é ✓");
  EXPECT_THAT(Column("SELECT concat_ws(' / ', coalesce(approved_at::text, 'NULL'), created_at, "
                     "updated_at) FROM media.media_requests ORDER BY id"),
              ElementsAre("2025-08-01 12:00:00.5+00 / 2025-08-01 12:00:00+00 / "
                          "2025-08-02 13:00:00+00",
                          "NULL / 2025-08-01 12:00:00.25+00 / 2025-08-01 12:00:00+00"));

  EXPECT_EQ(Scalar("SELECT concat_ws(' ', id, media_type, tmdb_id, title_fr, title_en, year, "
                   "source, created_at) FROM media.title_mappings"),
            "4 movie 603 Matrix The Matrix 1999 tmdb 2025-01-01 00:00:00+00");
  // downloads: bigint beyond int32, double, NULL timestamp.
  EXPECT_EQ(Scalar("SELECT concat_ws(' ', id, request_id, size_bytes, downloaded_bytes, "
                   "progress, download_speed, eta_seconds, state, "
                   "coalesce(completed_at::text, 'NULL')) FROM downloads.downloads"),
            "3 1 5000000000 2500000000 0.5 1048576 3600 downloading NULL");
  EXPECT_EQ(Scalar("SELECT concat_ws(' ', id, media_type, colon_mode, enabled, library_root, "
                   "coalesce(season_folder_format, 'NULL')) FROM downloads.rename_settings"),
            "1 movie smart t /media/movies NULL");
  EXPECT_EQ(Scalar("SELECT concat_ws(' ', id, download_id, mode, size_bytes, status, finished_at) "
                   "FROM downloads.transfer_history"),
            "5 3 hardlink 5000000000 succeeded 2025-08-02 13:00:00+00");
  EXPECT_EQ(Scalar("SELECT concat_ws(' ', id, rating_key, section_id, item_type, tmdb_id, "
                   "imdb_id, added_at, last_seen_at) FROM plex.plex_library_items"),
            "1 12345 1 movie 603 tt0133093 2025-08-02 13:05:00+00 2026-01-18 18:10:00+00");
}

TEST_F(ImportTest, ResetsIdentitySequences) {
  OldDatabase();
  ASSERT_THAT(Import(), IsOk());
  EXPECT_EQ(Scalar(absl::StrCat("INSERT INTO users.users (username, email, password_hash) "
                                "VALUES ('bob', 'bob@example.com', '",
                                kHash, "') RETURNING id")),
            "8");
  EXPECT_EQ(Scalar("INSERT INTO media.media_requests (user_id, media_type, tmdb_id, title) "
                   "VALUES (7, 'movie', 11, 'Star Wars') RETURNING id"),
            "3");
  EXPECT_EQ(Scalar("INSERT INTO downloads.transfer_history (download_id, source_path, "
                   "destination_path, mode) VALUES (3, '/a', '/b', 'copy') RETURNING id"),
            "6");
  EXPECT_EQ(Scalar("INSERT INTO media.title_mappings (media_type, tmdb_id) "
                   "VALUES ('tv', 1) RETURNING id"),
            "5");
}

TEST_F(ImportTest, ReportsRowsSkippedColumnsAndPrintsASummary) {
  OldDatabase();
  absl::StatusOr<ImportReport> report = Import();
  ASSERT_THAT(report, IsOk());
  ASSERT_EQ(report->tables.size(), 8u);
  EXPECT_EQ(report->tables[0].table, "users.users");
  EXPECT_EQ(report->tables[0].rows, 2);
  EXPECT_THAT(report->tables[0].skipped_columns, ElementsAre("plex_token"));
  EXPECT_EQ(report->tables[2].table, "media.media_requests");
  // poster_path exists since migration 005 (media workflow): copied, not skipped.
  EXPECT_THAT(report->tables[2].skipped_columns, ElementsAre());
  EXPECT_THAT(report->tables[4].skipped_columns, ElementsAre("category"));
  EXPECT_THAT(report->tables[1].skipped_columns, ElementsAre());
  EXPECT_TRUE(report->removed_seed_admin);
  EXPECT_FALSE(report->replaced_existing_rows);
  for (const TableReport& table : report->tables) EXPECT_FALSE(table.missing_in_source);

  const std::string out = output_.str();
  EXPECT_THAT(out, HasSubstr("copied 2 rows into users.users\n"));
  EXPECT_THAT(out, HasSubstr("copied 2 rows into media.media_requests\n"));
  EXPECT_THAT(out, HasSubstr("copied 1 rows into plex.plex_library_items\n"));
  EXPECT_THAT(out, HasSubstr("skipped column users.plex_token\n"));
  EXPECT_THAT(out, Not(HasSubstr("skipped column media_requests")));
  EXPECT_THAT(out, HasSubstr("skipped column plex_library_items.thumb\n"));
  EXPECT_THAT(out, HasSubstr("removed the default admin"));
  EXPECT_THAT(out, Not(HasSubstr("%)")));  // no progress lines for small tables
}

TEST_F(ImportTest, ReportsAndSkipsATableMissingInTheSource) {
  OldDatabase();
  Sqlite("DROP TABLE transfer_history; DROP TABLE rename_settings;");
  absl::StatusOr<ImportReport> report = Import();
  ASSERT_THAT(report, IsOk());
  EXPECT_TRUE(report->tables[5].missing_in_source);
  EXPECT_TRUE(report->tables[6].missing_in_source);
  EXPECT_FALSE(report->tables[4].missing_in_source);
  EXPECT_EQ(report->tables[6].rows, 0);
  EXPECT_THAT(output_.str(), HasSubstr("skipped downloads.transfer_history: no table "
                                       "transfer_history in the SQLite file"));
  EXPECT_EQ(Scalar("SELECT count(*) FROM downloads.downloads"), "1");
  EXPECT_EQ(Scalar("SELECT count(*) FROM downloads.transfer_history"), "0");
}

TEST_F(ImportTest, ConvertsTimestampSpellingsAndEpochs) {
  Sqlite(kOldAppSqliteSchema);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"'2026-01-18 18:10:00.123456'", "2026-01-18 18:10:00.123456"},
      {"'2026-01-18 18:10:00'", "2026-01-18 18:10:00.000000"},
      {"'2026-01-18T18:10:00.5'", "2026-01-18 18:10:00.500000"},
      {"'2026-01-18T18:10:00Z'", "2026-01-18 18:10:00.000000"},
      {"'2026-01-18 18:10:00.123456+00:00'", "2026-01-18 18:10:00.123456"},
      {"'2026-01-18T20:10:00+02:00'", "2026-01-18 18:10:00.000000"},
      {"'2026-01-18 13:40:00-0430'", "2026-01-18 18:10:00.000000"},
      {"'2026-01-18 18:10'", "2026-01-18 18:10:00.000000"},
      {"'2024-02-29'", "2024-02-29 00:00:00.000000"},
      {"'2026-01-18 18:10:00.1234564'", "2026-01-18 18:10:00.123456"},
      {"1768759800", "2026-01-18 18:10:00.000000"},
      {"1768759800.25", "2026-01-18 18:10:00.250000"},
      {"0", "1970-01-01 00:00:00.000000"},
      {"NULL", "NULL"},
  };
  std::string sql;
  for (size_t i = 0; i < cases.size(); ++i) {
    absl::StrAppend(&sql,
                    "INSERT INTO plex_library_items (id, rating_key, section_id, item_type, "
                    "title, added_at, last_seen_at) VALUES (",
                    i + 1, ", 'k", i,
                    "', 1, "
                    "'movie', 't', ",
                    cases[i].first, ", '2026-01-01 00:00:00');\n");
  }
  Sqlite(sql);
  ASSERT_THAT(Import(), IsOk());
  std::vector<std::string> got = Column(
      "SELECT coalesce(to_char(added_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'), 'NULL') "
      "FROM plex.plex_library_items ORDER BY id");
  ASSERT_EQ(got.size(), cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    EXPECT_EQ(got[i], cases[i].second) << "SQLite value " << cases[i].first;
  }
}

TEST_F(ImportTest, CheckViolationRollsBackEverything) {
  OldDatabase();
  Sqlite("UPDATE users SET role = 'superuser' WHERE id = 7");
  const std::string before = Contents();
  EXPECT_THAT(Import(), StatusIs(absl::StatusCode::kInvalidArgument,
                                 AllOf(HasSubstr("users row id=7"), HasSubstr("users_role_check"),
                                       Not(HasSubstr("argon2")))));
  EXPECT_EQ(Contents(), before);
  EXPECT_EQ(Scalar("SELECT username || ' ' || email FROM users.users"),
            "admin admin@plex-kiosk.local");
}

TEST_F(ImportTest, ForeignKeyViolationDeepInALargeTableNamesTheRow) {
  OldDatabase();
  Sqlite(R"sql(
WITH RECURSIVE n(i) AS (SELECT 10 UNION ALL SELECT i + 1 FROM n WHERE i < 6000)
INSERT INTO media_requests (id, user_id, media_type, tmdb_id, title, language, status,
                            created_at, updated_at)
SELECT i, CASE WHEN i = 4321 THEN 999 ELSE 7 END, 'movie', i, 'Title ' || i, 'en', 'available',
       '2025-01-01 00:00:00', '2025-01-01 00:00:00' FROM n;
)sql");
  const std::string before = Contents();
  EXPECT_THAT(Import(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("media_requests row id=4321"), HasSubstr("foreign key"),
                             HasSubstr("Key (user_id)=(999)"))));
  EXPECT_EQ(Contents(), before);
  EXPECT_EQ(Scalar("SELECT count(*) FROM users.users WHERE email = 'admin@plex-kiosk.local'"), "1");
}

TEST_F(ImportTest, UniqueViolationNamesTheSecondRow) {
  OldDatabase();
  Sqlite(
      absl::StrCat("INSERT INTO users (id, username, email, password_hash, role, is_active, "
                   "must_change_password, auto_approve, preferred_language, created_at, "
                   "updated_at) VALUES (12, 'ALICE', 'other@example.com', '",
                   kHash, "', 'user', 1, 0, 0, 'fr', '2025-01-01', '2025-01-01')"));
  EXPECT_THAT(Import(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("users row id=12"), HasSubstr("users_username_lower_key"))));
  EXPECT_EQ(Scalar("SELECT count(*) FROM users.users"), "1");
}

TEST_F(ImportTest, ValuesThatDoNotConvertNameTableRowColumnAndReason) {
  struct Case {
    std::string update;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {"UPDATE media_requests SET created_at = 'yesterday' WHERE id = 2",
       "media_requests row id=2: column created_at (timestamp with time zone): expected a "
       "timestamp"},
      {"UPDATE media_requests SET created_at = '2025-02-30 10:00:00' WHERE id = 2",
       "media_requests row id=2: column created_at"},
      {"UPDATE media_requests SET requested_seasons = '[1, 2' WHERE id = 1",
       "media_requests row id=1: column requested_seasons (jsonb): invalid JSON"},
      {"UPDATE users SET created_at = '2025-06-01 25:00:00' WHERE id = 7",
       "users row id=7: column created_at"},
      {"UPDATE media_requests SET year = 2001.5 WHERE id = 1",
       "media_requests row id=1: column year (integer): expected an integer, got real 2001.5"},
      {"UPDATE media_requests SET tmdb_id = 'abc' WHERE id = 2",
       "media_requests row id=2: column tmdb_id (integer): expected an integer, got text \"abc\""},
      {"UPDATE media_requests SET tmdb_id = 3000000000 WHERE id = 2",
       "3000000000 is out of range for integer"},
      {"UPDATE users SET is_active = 2 WHERE id = 1",
       "users row id=1: column is_active (boolean): expected a boolean"},
      {"UPDATE downloads SET progress = 'half' WHERE id = 3",
       "downloads row id=3: column progress (double precision): expected a number"},
      {"UPDATE system_settings SET value = 'plain text' WHERE \"Key\" = 'radarr'",
       "system_settings row rowid=1: column value (jsonb): invalid JSON"},
      {"UPDATE transfer_history SET source_path = x'00ff' WHERE id = 5",
       "transfer_history row id=5: column source_path (text): expected text, got a BLOB"},
  };
  for (const Case& c : cases) {
    std::filesystem::remove(path_);
    OldDatabase();
    Sqlite(c.update);
    const std::string before = Contents();
    EXPECT_THAT(Import(), StatusIs(absl::StatusCode::kInvalidArgument,
                                   AllOf(HasSubstr("nothing was imported"), HasSubstr(c.expected))))
        << c.update;
    EXPECT_EQ(Contents(), before) << c.update;
  }
}

TEST_F(ImportTest, RefusesATargetHoldingDataWithoutReplace) {
  OldDatabase();
  Exec(
      absl::StrCat("INSERT INTO users.users (username, email, password_hash) VALUES "
                   "('bob', 'bob@example.com', '",
                   kHash, "')"));
  Exec("INSERT INTO media.title_mappings (media_type, tmdb_id) VALUES ('tv', 5)");
  const std::string before = Contents();
  EXPECT_THAT(Import(), StatusIs(absl::StatusCode::kFailedPrecondition,
                                 AllOf(HasSubstr("--replace"), HasSubstr("users.users"),
                                       HasSubstr("media.title_mappings"))));
  EXPECT_EQ(Contents(), before);
}

TEST_F(ImportTest, ReplaceDeletesTheExistingRowsFirst) {
  OldDatabase();
  Exec(
      absl::StrCat("INSERT INTO users.users (id, username, email, password_hash) VALUES "
                   "(50, 'bob', 'bob@example.com', '",
                   kHash, "')"));
  Exec(
      "INSERT INTO media.media_requests (user_id, media_type, tmdb_id, title) "
      "VALUES (50, 'movie', 77, 'Old')");
  absl::StatusOr<ImportReport> report = Import(/*replace=*/true);
  ASSERT_THAT(report, IsOk());
  EXPECT_TRUE(report->replaced_existing_rows);
  EXPECT_THAT(Column("SELECT username FROM users.users ORDER BY id"),
              ElementsAre("admin", "alice"));
  EXPECT_THAT(Column("SELECT title FROM media.media_requests ORDER BY id"),
              ElementsAre("The Matrix", "Game of Thrones"));
  EXPECT_THAT(output_.str(), HasSubstr("deleted the existing rows (--replace)"));
  // The sequence follows the imported ids, not the deleted ones.
  EXPECT_EQ(Scalar(absl::StrCat("INSERT INTO users.users (username, email, password_hash) "
                                "VALUES ('carol', 'carol@example.com', '",
                                kHash, "') RETURNING id")),
            "8");
}

TEST_F(ImportTest, ReplacingTwiceGivesTheSameData) {
  OldDatabase();
  ASSERT_THAT(Import(), IsOk());
  const std::string first = Contents();
  EXPECT_THAT(Import(), StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("--replace")));
  ASSERT_THAT(Import(/*replace=*/true), IsOk());
  EXPECT_EQ(Contents(), first);
}

TEST_F(ImportTest, SeedAdminIsReplacedByTheImportedUsers) {
  OldDatabase();
  absl::StatusOr<ImportReport> report = Import();
  ASSERT_THAT(report, IsOk());
  EXPECT_TRUE(report->removed_seed_admin);
  EXPECT_EQ(Scalar("SELECT count(*) FROM users.users WHERE email = 'admin@plex-kiosk.local'"), "0");
  EXPECT_EQ(Scalar("SELECT email FROM users.users WHERE username = 'admin'"), "Admin@Example.com");
}

TEST_F(ImportTest, SeedAdminStaysWhenTheSourceHasNoUsers) {
  Sqlite(kOldAppSqliteSchema);
  Sqlite(
      "INSERT INTO title_mappings VALUES (1, 'tv', 1399, 'Le Trône de fer', "
      "'Game of Thrones', NULL, 2011, 'manual', '2025-01-01', '2025-01-01')");
  absl::StatusOr<ImportReport> report = Import();
  ASSERT_THAT(report, IsOk());
  EXPECT_FALSE(report->removed_seed_admin);
  EXPECT_EQ(report->tables[0].rows, 0);
  EXPECT_EQ(Scalar("SELECT username || ' ' || email FROM users.users"),
            "admin admin@plex-kiosk.local");
  EXPECT_EQ(Scalar("SELECT title_fr FROM media.title_mappings"), "Le Trône de fer");
}

TEST_F(ImportTest, AChangedSeedAdminCountsAsData) {
  OldDatabase();
  Exec("UPDATE users.users SET must_change_password = false");
  EXPECT_THAT(Import(), StatusIs(absl::StatusCode::kFailedPrecondition,
                                 AllOf(HasSubstr("users.users"), HasSubstr("--replace"))));
}

TEST_F(ImportTest, PrintsProgressForLargeTables) {
  OldDatabase();
  Sqlite(R"sql(
WITH RECURSIVE n(i) AS (SELECT 10 UNION ALL SELECT i + 1 FROM n WHERE i < 12009)
INSERT INTO title_mappings (id, media_type, tmdb_id, title_en, source, created_at, updated_at)
SELECT i, 'tv', i, 'Title ' || i, 'tmdb', '2025-01-01 00:00:00', '2025-01-01 00:00:00' FROM n;
)sql");
  absl::StatusOr<ImportReport> report = Import();
  ASSERT_THAT(report, IsOk());
  EXPECT_EQ(report->tables[3].rows, 12001);
  EXPECT_THAT(output_.str(), AllOf(HasSubstr("title_mappings: 2000/12001 rows (16%)\n"),
                                   HasSubstr("title_mappings: 12001/12001 rows (100%)\n"),
                                   HasSubstr("copied 12001 rows into media.title_mappings\n")));
  EXPECT_EQ(Scalar("SELECT count(*) FROM media.title_mappings"), "12001");
  EXPECT_EQ(Scalar("INSERT INTO media.title_mappings (media_type, tmdb_id) VALUES ('tv', 1) "
                   "RETURNING id"),
            "12010");
}

TEST_F(ImportTest, RefusesAFileThatIsNotSqlite) {
  std::ofstream(path_) << "id,username\n1,admin\n";
  EXPECT_THAT(Import(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("is not an SQLite database")));
}

TEST_F(ImportTest, RefusesAMissingFile) {
  EXPECT_THAT(Import(), StatusIs(absl::StatusCode::kNotFound, HasSubstr("does not exist")));
  EXPECT_FALSE(std::filesystem::exists(path_));  // read-only: not created
}

TEST_F(ImportTest, RefusesAnSqliteFileWithoutTheOldTables) {
  Sqlite("CREATE TABLE something_else (id INTEGER PRIMARY KEY)");
  EXPECT_THAT(Import(), StatusIs(absl::StatusCode::kInvalidArgument,
                                 HasSubstr("none of the old application's tables")));
}

TEST_F(ImportTest, RefusesAnUnmigratedDatabase) {
  OldDatabase();
  Exec("DROP SCHEMA plex CASCADE");
  EXPECT_THAT(Import(), StatusIs(absl::StatusCode::kFailedPrecondition,
                                 HasSubstr("no table plex.plex_library_items")));
}

}  // namespace
}  // namespace kiosk::migrate
