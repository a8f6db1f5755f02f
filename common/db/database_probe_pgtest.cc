#include "common/db/database_probe.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <pqxx/nontransaction>

#include "common/db/connection_pool.h"
#include "common/testing/pg_test_database.h"

namespace kiosk::db {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;

class DatabaseProbeTest : public kiosk::testing::PgTest {
 protected:
  std::string ConnInfo(DatabaseUrl url) {
    return ConnInfoWithDefaults(url.ToConnString(), "probe-test", absl::Seconds(2));
  }
};

TEST_F(DatabaseProbeTest, ReachableDatabaseReportsVersionAndRoundTrip) {
  DatabaseProbe probe(ConnInfo(db().url()), db().url().Redacted());
  DatabaseCheck check = probe.Check();
  EXPECT_TRUE(check.reachable) << check.error;
  EXPECT_THAT(check.server_version, MatchesRegex("1[0-9]\\.[0-9]+"));
  EXPECT_GT(check.round_trip_micros, 0);
  EXPECT_EQ(check.error, "");
}

TEST_F(DatabaseProbeTest, ReconnectsAfterTheServerDroppedItsSession) {
  DatabaseProbe probe(ConnInfo(db().url()), "test");
  ASSERT_TRUE(probe.Check().reachable);
  {
    pqxx::connection admin(db().admin_conninfo());
    pqxx::nontransaction tx(admin);
    tx.exec_params("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                   "WHERE application_name = 'probe-test' AND datname = $1",
                   db().name());
  }
  absl::SleepFor(absl::Milliseconds(100));
  DatabaseCheck first = probe.Check();  // may fail once: the session was killed
  DatabaseCheck second = first.reachable ? first : probe.Check();
  EXPECT_TRUE(second.reachable) << second.error;
}

TEST_F(DatabaseProbeTest, FailuresSayWhatToDoNext) {
  DatabaseUrl refused = db().url();
  refused.port = 1;
  DatabaseCheck down = DatabaseProbe(ConnInfo(refused), "db-down").Check();
  EXPECT_FALSE(down.reachable);
  EXPECT_THAT(down.error, HasSubstr("database db-down unreachable"));
  EXPECT_THAT(down.error, HasSubstr("is PostgreSQL running"));

  DatabaseUrl wrong_password = db().url();
  wrong_password.password = "definitely-wrong";
  DatabaseCheck denied = DatabaseProbe(ConnInfo(wrong_password), "x").Check();
  EXPECT_FALSE(denied.reachable);
  EXPECT_THAT(denied.error, HasSubstr("check the user and password"));
  EXPECT_THAT(denied.error, ::testing::Not(HasSubstr("definitely-wrong")));

  DatabaseUrl missing = db().url();
  missing.dbname = "no_such_database";
  DatabaseCheck absent = DatabaseProbe(ConnInfo(missing), "x").Check();
  EXPECT_FALSE(absent.reachable);
  EXPECT_THAT(absent.error, HasSubstr("create the database"));
}

TEST(FormatServerVersionTest, HandlesBothNumberingSchemes) {
  EXPECT_EQ(FormatServerVersion(150018), "15.18");
  EXPECT_EQ(FormatServerVersion(90624), "9.6.24");
  EXPECT_EQ(FormatServerVersion(0), "");
}

}  // namespace
}  // namespace kiosk::db
