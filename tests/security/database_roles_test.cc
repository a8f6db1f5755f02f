// Each service's database role (kiosk_users, kiosk_media, ...), as the
// running suite's services log in with, reads its own schema and is refused
// every table of every other schema: a compromised service cannot read the
// password hashes in users.users or another service's data.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "tests/security/security_suite.h"

namespace kiosk::testing {
namespace {

using ::testing::HasSubstr;

// "kiosk-media" -> "media": the schema a service owns.
std::string SchemaOf(const std::string& binary) {
  return binary.substr(std::string("kiosk-").size());
}

TEST(DatabaseRolesTest, EachServiceRoleReadsOnlyItsOwnSchema) {
  SecuritySuite& s = SecuritySuite::Get();
  ASSERT_TRUE(s.ok()) << s.status;
  // Every table of the four schemas, as the superuser sees them.
  std::map<std::string, std::vector<std::string>> tables;
  {
    pqxx::connection superuser(s.suite->database().url().ToConnString());
    pqxx::work tx(superuser);
    for (const pqxx::row& row :
         tx.exec("SELECT table_schema, table_name FROM information_schema.tables "
                 "WHERE table_schema IN ('users', 'media', 'downloads', 'plex') "
                 "AND table_type = 'BASE TABLE' ORDER BY 1, 2")) {
      tables[row[0].as<std::string>()].push_back(row[1].as<std::string>());
    }
  }
  ASSERT_EQ(tables.size(), 4u);
  int refused = 0;
  for (const std::string& binary : RunningSuite::ServiceNames()) {
    const db::DatabaseUrl url = s.suite->ServiceDatabaseUrl(binary);
    pqxx::connection conn(url.ToConnString());
    ASSERT_EQ(std::string(conn.username()), url.user);
    for (const auto& [schema, names] : tables) {
      for (const std::string& table : names) {
        const std::string sql = absl::StrCat("SELECT count(*) FROM ", schema, ".", table);
        pqxx::work tx(conn);
        if (schema == SchemaOf(binary)) {
          EXPECT_NO_THROW(tx.exec(sql)) << url.user << ": " << sql;
          continue;
        }
        try {
          tx.exec(sql);
          ADD_FAILURE() << url.user << " could read " << schema << "." << table;
        } catch (const pqxx::insufficient_privilege& e) {
          EXPECT_THAT(e.what(), HasSubstr("permission denied")) << url.user << ": " << sql;
          ++refused;
        }
      }
    }
  }
  EXPECT_GT(refused, 12);
}

TEST(DatabaseRolesTest, AServiceRoleCannotWriteAnotherSchemaEither) {
  SecuritySuite& s = SecuritySuite::Get();
  ASSERT_TRUE(s.ok()) << s.status;
  pqxx::connection media(s.suite->ServiceDatabaseUrl("kiosk-media").ToConnString());
  for (const char* sql :
       {"UPDATE users.users SET role = 'admin'", "DELETE FROM users.system_settings",
        "DROP TABLE users.users", "CREATE TABLE users.planted (x int)"}) {
    pqxx::work tx(media);
    EXPECT_THROW(tx.exec(sql), pqxx::insufficient_privilege) << sql;
  }
}

}  // namespace
}  // namespace kiosk::testing
