// SQLSTATE mapping checked against errors a real PostgreSQL raises.
#include "common/db/pg_errors.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <pqxx/connection>
#include <pqxx/nontransaction>
#include <pqxx/transaction>

#include "common/testing/pg_test_database.h"
#include "common/testing/status_matchers.h"

namespace kiosk::db {
namespace {

using ::kiosk::testing::IsOkAndHolds;
using ::kiosk::testing::StatusIs;
using ::testing::HasSubstr;

class PgErrorsTest : public kiosk::testing::PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    conn_ = std::make_unique<pqxx::connection>(db().conninfo());
    pqxx::work tx(*conn_);
    tx.exec(
        "CREATE TABLE parent (id int PRIMARY KEY);"
        "CREATE TABLE child (id int PRIMARY KEY, parent_id int REFERENCES parent(id),"
        "  name text NOT NULL, qty int CHECK (qty >= 0));"
        "INSERT INTO parent VALUES (1);"
        "INSERT INTO child VALUES (1, 1, 'a', 1);");
    tx.commit();
  }

  absl::Status Exec(const std::string& sql) {
    return RunWithStatus("test", [&] {
      pqxx::work tx(*conn_);
      tx.exec(sql);
      tx.commit();
    });
  }

  std::unique_ptr<pqxx::connection> conn_;
};

TEST_F(PgErrorsTest, UniqueViolationIsAlreadyExists) {
  EXPECT_THAT(Exec("INSERT INTO child VALUES (1, 1, 'dup', 1)"),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("test: duplicate key")));
}

TEST_F(PgErrorsTest, ForeignKeyViolationIsFailedPrecondition) {
  EXPECT_THAT(Exec("INSERT INTO child VALUES (2, 99, 'orphan', 1)"),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("foreign key")));
}

TEST_F(PgErrorsTest, CheckAndNotNullViolationsAreInvalidArgument) {
  EXPECT_THAT(Exec("INSERT INTO child VALUES (3, 1, 'neg', -1)"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("check constraint")));
  EXPECT_THAT(Exec("INSERT INTO child VALUES (4, 1, NULL, 1)"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("null value")));
  EXPECT_THAT(Exec("SELECT 1/0"), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(PgErrorsTest, RowValuesAndQueryParametersAreLeftOut) {
  // DETAIL would quote the whole row ("Failing row contains (3, 1, secret, -1)").
  absl::Status status = Exec("INSERT INTO child VALUES (3, 1, 'secret', -1)");
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("check constraint")));
  EXPECT_THAT(std::string(status.message()), ::testing::Not(HasSubstr("secret")));
  // CONTEXT would quote a parameter ("unnamed portal parameter $1 = '...'").
  absl::Status cast = RunWithStatus("test", [&] {
    pqxx::work tx(*conn_);
    tx.exec_params("SELECT $1::int", std::string("secret-parameter"));
  });
  EXPECT_THAT(cast, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("invalid input syntax")));
  EXPECT_THAT(std::string(cast.message()), ::testing::Not(HasSubstr("secret-parameter\'")));
  EXPECT_THAT(std::string(cast.message()), ::testing::Not(HasSubstr("CONTEXT")));
  // The key of a unique violation stays: it names what is taken.
  EXPECT_THAT(Exec("INSERT INTO child VALUES (1, 1, 'dup', 1)"),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("Key (id)=(1)")));
}

TEST_F(PgErrorsTest, NulCharactersAreInvalidArgumentSayingSo) {
  EXPECT_THAT(Exec("SELECT '\"\\u0000\"'::jsonb"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("text must not contain NUL characters")));
  EXPECT_THAT(Exec("SELECT convert_from('\\x00'::bytea, 'UTF8')"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("text must not contain NUL characters")));
}

TEST_F(PgErrorsTest, StatementTimeoutIsDeadlineExceeded) {
  EXPECT_THAT(Exec("SET LOCAL statement_timeout = 50; SELECT pg_sleep(5)"),
              StatusIs(absl::StatusCode::kDeadlineExceeded));
}

TEST_F(PgErrorsTest, LostConnectionIsUnavailable) {
  int pid = conn_->backendpid();
  {
    pqxx::connection admin(db().admin_conninfo());
    pqxx::nontransaction tx(admin);
    tx.exec_params("SELECT pg_terminate_backend($1)", pid);
  }
  EXPECT_THAT(Exec("SELECT 1"), StatusIs(absl::StatusCode::kUnavailable));
}

TEST_F(PgErrorsTest, UnknownErrorsAreInternalAndKeepTheServerMessage) {
  EXPECT_THAT(Exec("SELECT * FROM no_such_table"),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("no_such_table")));
}

TEST_F(PgErrorsTest, RunWithStatusPassesValuesThrough) {
  auto result = RunWithStatus("count", [&] {
    pqxx::nontransaction tx(*conn_);
    return tx.exec1("SELECT count(*) FROM child")[0].as<int>();
  });
  EXPECT_THAT(result, IsOkAndHolds(1));
}

TEST(CodeForSqlStateTest, CoversTheRetryableAndConnectionClasses) {
  EXPECT_EQ(CodeForSqlState("40001"), absl::StatusCode::kAborted);
  EXPECT_EQ(CodeForSqlState("40P01"), absl::StatusCode::kAborted);
  EXPECT_EQ(CodeForSqlState("08006"), absl::StatusCode::kUnavailable);
  EXPECT_EQ(CodeForSqlState("57P01"), absl::StatusCode::kUnavailable);
  EXPECT_EQ(CodeForSqlState("53300"), absl::StatusCode::kUnavailable);
  EXPECT_EQ(CodeForSqlState("42P01"), absl::StatusCode::kInternal);
}

}  // namespace
}  // namespace kiosk::db
