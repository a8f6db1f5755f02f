#include "common/testing/pg_test_database.h"

#include <unistd.h>

#include <fstream>
#include <pqxx/nontransaction>
#include <pqxx/connection>
#include <sstream>

#include "absl/random/random.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/db/pg_errors.h"

namespace kiosk::testing {

absl::StatusOr<db::DatabaseUrl> TestClusterUrl() {
  if (const char* url = std::getenv("KIOSK_TEST_DATABASE_URL"); url != nullptr && *url != '\0') {
    return db::ParseDatabaseUrl(url);
  }
  const char* state = std::getenv("KIOSK_TEST_PG_STATE");
  std::string path = absl::StrCat(state != nullptr ? state : KIOSK_TEST_PG_STATE_DEFAULT, "/url");
  std::ifstream in(path);
  std::stringstream contents;
  contents << in.rdbuf();
  std::string url(absl::StripAsciiWhitespace(contents.str()));
  if (!in || url.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "no test PostgreSQL: ", path,
        " is missing. Run the tests with `./kiosk test` or `ctest` (its pg.start fixture starts "
        "one), or set KIOSK_TEST_DATABASE_URL to a superuser URL"));
  }
  return db::ParseDatabaseUrl(url);
}

TestDatabase::TestDatabase(std::string name, db::DatabaseUrl admin)
    : name_(std::move(name)), admin_(std::move(admin)), url_(admin_) {
  url_.dbname = name_;
}

std::string TestDatabase::admin_conninfo() const { return admin_.ToConnString(); }

absl::StatusOr<std::unique_ptr<TestDatabase>> TestDatabase::Create() {
  absl::StatusOr<db::DatabaseUrl> admin = TestClusterUrl();
  if (!admin.ok()) return admin.status();
  admin->dbname = "postgres";
  absl::BitGen gen;
  std::string name = absl::StrFormat("kiosk_test_%d_%08x", getpid(), absl::Uniform<uint32_t>(gen));
  absl::Status created = db::RunWithStatus("creating test database", [&] {
    pqxx::connection conn(admin->ToConnString());
    pqxx::nontransaction tx(conn);
    tx.exec(absl::StrCat("CREATE DATABASE ", tx.quote_name(name)));
  });
  if (!created.ok()) return created;
  return std::unique_ptr<TestDatabase>(new TestDatabase(name, *std::move(admin)));
}

TestDatabase::~TestDatabase() {
  absl::Status dropped = db::RunWithStatus("dropping test database", [&] {
    pqxx::connection conn(admin_.ToConnString());
    pqxx::nontransaction tx(conn);
    tx.exec(absl::StrCat("DROP DATABASE IF EXISTS ", tx.quote_name(name_), " WITH (FORCE)"));
  });
  if (!dropped.ok()) ADD_FAILURE() << dropped;
}

void PgTest::SetUp() {
  absl::StatusOr<std::unique_ptr<TestDatabase>> db = TestDatabase::Create();
  ASSERT_TRUE(db.ok()) << db.status();
  db_ = *std::move(db);
}

}  // namespace kiosk::testing
