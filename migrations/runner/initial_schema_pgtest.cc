// What the initial migration promises: the default admin, the constraints
// on enumerated columns, uniqueness rules and cascades across schemas.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include "common/testing/pg_test_database.h"
#include "common/testing/status_matchers.h"
#include "common/testing/subprocess.h"
#include "migrations/runner/migrator.h"

namespace kiosk::migrate {
namespace {

using ::kiosk::testing::IsOk;
using ::testing::HasSubstr;

class InitialSchemaTest : public kiosk::testing::PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    ASSERT_THAT(MigrateToHead(db().conninfo()), IsOk());
    conn_ = std::make_unique<pqxx::connection>(db().conninfo());
  }

  // Runs `sql` in its own transaction; returns the SQLSTATE, "" on success.
  std::string Exec(const std::string& sql) {
    try {
      pqxx::work tx(*conn_);
      tx.exec(sql);
      tx.commit();
      return "";
    } catch (const pqxx::sql_error& e) {
      return e.sqlstate();
    }
  }
  int Count(const std::string& sql) {
    pqxx::read_transaction tx(*conn_);
    return tx.exec1(sql)[0].as<int>();
  }

  std::unique_ptr<pqxx::connection> conn_;
};

constexpr char kHash[] = "'$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaA'";

TEST_F(InitialSchemaTest, DefaultAdminHashVerifiesWithPythonsArgon2Cffi) {
  pqxx::read_transaction tx(*conn_);
  pqxx::row admin = tx.exec1(
      "SELECT password_hash, email, role, must_change_password, is_active FROM users.users "
      "WHERE username = 'admin'");
  std::string hash = admin[0].as<std::string>();
  EXPECT_EQ(admin[1].as<std::string>(), "admin@plex-kiosk.local");
  EXPECT_EQ(admin[2].as<std::string>(), "admin");
  EXPECT_TRUE(admin[3].as<bool>());
  EXPECT_TRUE(admin[4].as<bool>());
  EXPECT_THAT(hash, ::testing::StartsWith("$argon2id$v=19$"));

  // The real argon2-cffi (Debian's python3-argon2), as the old application used.
  const std::string script =
      "import argon2, sys\n"
      "ph = argon2.PasswordHasher()\n"
      "ph.verify(sys.argv[1], 'admin')\n"
      "try:\n"
      "    ph.verify(sys.argv[1], 'wrong')\n"
      "    sys.exit(3)\n"
      "except argon2.exceptions.VerifyMismatchError:\n"
      "    print('verified')\n";
  absl::StatusOr<kiosk::testing::Subprocess> python =
      kiosk::testing::Subprocess::Start({"/usr/bin/python3", "-c", script, hash}, {});
  ASSERT_THAT(python, IsOk());
  EXPECT_EQ(python->Wait(absl::Seconds(30)), 0) << python->Output();
  EXPECT_THAT(python->Output(), HasSubstr("verified"));
}

TEST_F(InitialSchemaTest, EnumeratedColumnsRejectUnknownValues) {
  const std::string check_violation = "23514";
  EXPECT_EQ(Exec(std::string("INSERT INTO users.users (username, email, password_hash, role) "
                             "VALUES ('x', 'x@x.io', ") + kHash + ", 'superuser')"),
            check_violation);
  EXPECT_EQ(Exec(std::string("INSERT INTO users.users (username, email, password_hash, "
                             "preferred_language) VALUES ('x', 'x@x.io', ") + kHash + ", 'de')"),
            check_violation);
  EXPECT_EQ(Exec("INSERT INTO media.media_requests (user_id, media_type, tmdb_id, title) "
                 "VALUES (1, 'book', 1, 't')"),
            check_violation);
  EXPECT_EQ(Exec("INSERT INTO media.media_requests (user_id, media_type, tmdb_id, title, language) "
                 "VALUES (1, 'movie', 1, 't', 'es')"),
            check_violation);
  EXPECT_EQ(Exec("INSERT INTO media.media_requests (user_id, media_type, tmdb_id, title, status) "
                 "VALUES (1, 'movie', 1, 't', 'lost')"),
            check_violation);
  EXPECT_EQ(Exec("INSERT INTO downloads.rename_settings (media_type, folder_format, file_format, "
                 "transfer_mode, library_root) VALUES ('movie', 'f', 'f', 'symlink', '/lib')"),
            check_violation);
  EXPECT_EQ(Exec("INSERT INTO plex.plex_library_items (rating_key, section_id, item_type, title) "
                 "VALUES ('1', 1, 'album', 't')"),
            check_violation);
  EXPECT_EQ(Exec("INSERT INTO media.title_mappings (media_type, tmdb_id, source) "
                 "VALUES ('movie', 1, 'guess')"),
            check_violation);
  EXPECT_EQ(Exec(std::string("INSERT INTO users.users (username, email, password_hash) VALUES "
                             "('y', 'y@x.io', 'plaintext')")),
            check_violation);
}

TEST_F(InitialSchemaTest, UsernamesAndEmailsAreUniqueWhateverTheCase) {
  EXPECT_EQ(Exec(std::string("INSERT INTO users.users (username, email, password_hash) "
                             "VALUES ('ADMIN', 'other@x.io', ") + kHash + ")"),
            "23505");
  EXPECT_EQ(Exec(std::string("INSERT INTO users.users (username, email, password_hash) "
                             "VALUES ('other', 'Admin@Plex-Kiosk.local', ") + kHash + ")"),
            "23505");
}

TEST_F(InitialSchemaTest, OnlyOneActiveRequestPerTitleTypeAndLanguage) {
  const std::string insert =
      "INSERT INTO media.media_requests (user_id, media_type, tmdb_id, title, language, status) "
      "VALUES (1, 'movie', 603, 'The Matrix', ";
  EXPECT_EQ(Exec(insert + "'fr', 'pending')"), "");
  EXPECT_EQ(Exec(insert + "'fr', 'approved')"), "23505");
  EXPECT_EQ(Exec(insert + "'en', 'pending')"), "");     // another language is another request
  EXPECT_EQ(Exec(insert + "'fr', 'declined')"), "");    // finished ones do not count
  EXPECT_EQ(Exec(insert + "'fr', 'available')"), "");
}

TEST_F(InitialSchemaTest, DeletingAUserCascadesThroughRequestsDownloadsAndTransfers) {
  ASSERT_EQ(Exec(std::string("INSERT INTO users.users (id, username, email, password_hash) "
                             "VALUES (50, 'bob', 'bob@x.io', ") + kHash + ")"),
            "");
  ASSERT_EQ(Exec("INSERT INTO media.media_requests (id, user_id, media_type, tmdb_id, title) "
                 "VALUES (7, 50, 'movie', 603, 'The Matrix')"),
            "");
  ASSERT_EQ(Exec("INSERT INTO downloads.downloads (id, request_id, torrent_hash, source) VALUES "
                 "(9, 7, 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'magnet:?xt=urn:btih:aaaa')"),
            "");
  ASSERT_EQ(Exec("INSERT INTO downloads.transfer_history (download_id, source_path, "
                 "destination_path, mode) VALUES (9, '/dl/a.mkv', '/lib/a.mkv', 'hardlink')"),
            "");
  // A second download with the same hash in another case is the same torrent.
  EXPECT_EQ(Exec("INSERT INTO downloads.downloads (request_id, torrent_hash, source) VALUES "
                 "(7, 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'magnet:?xt=urn:btih:aaaa')"),
            "23505");
  ASSERT_EQ(Exec("DELETE FROM users.users WHERE id = 50"), "");
  EXPECT_EQ(Count("SELECT count(*) FROM media.media_requests"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM downloads.downloads"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM downloads.transfer_history"), 0);
}

TEST_F(InitialSchemaTest, ARequestForAMissingUserIsRefused) {
  EXPECT_EQ(Exec("INSERT INTO media.media_requests (user_id, media_type, tmdb_id, title) "
                 "VALUES (999, 'movie', 1, 't')"),
            "23503");
}

}  // namespace
}  // namespace kiosk::migrate
