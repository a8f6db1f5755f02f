// A fresh PostgreSQL database per test, on the cluster the test harness
// started (`ctest` fixture pg.start, or KIOSK_TEST_DATABASE_URL).
//
//   class StoreTest : public kiosk::testing::PgTest {};
//   TEST_F(StoreTest, X) { pqxx::connection c(db().conninfo()); ... }
//
// Without a cluster the test FAILS (never skips): a database test that does
// not run is a test that lies.
#ifndef KIOSK_COMMON_TESTING_PG_TEST_DATABASE_H_
#define KIOSK_COMMON_TESTING_PG_TEST_DATABASE_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/db/database_url.h"

namespace kiosk::testing {

// The superuser URL of the test cluster.
absl::StatusOr<db::DatabaseUrl> TestClusterUrl();

class TestDatabase {
 public:
  static absl::StatusOr<std::unique_ptr<TestDatabase>> Create();
  ~TestDatabase();  // drops the database, terminating leftover sessions

  const std::string& name() const { return name_; }
  const db::DatabaseUrl& url() const { return url_; }       // superuser, this database
  std::string conninfo() const { return url_.ToConnString(); }
  // Superuser connection string to the maintenance database `postgres`.
  std::string admin_conninfo() const;

 private:
  TestDatabase(std::string name, db::DatabaseUrl admin);
  std::string name_;
  db::DatabaseUrl admin_;
  db::DatabaseUrl url_;
};

class PgTest : public ::testing::Test {
 protected:
  void SetUp() override;
  TestDatabase& db() { return *db_; }

 private:
  std::unique_ptr<TestDatabase> db_;
};

}  // namespace kiosk::testing

#endif  // KIOSK_COMMON_TESTING_PG_TEST_DATABASE_H_
