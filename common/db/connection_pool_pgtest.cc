#include "common/db/connection_pool.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <pqxx/connection>
#include <pqxx/nontransaction>
#include <thread>

#include "absl/time/clock.h"
#include "common/testing/pg_test_database.h"
#include "common/testing/status_matchers.h"

namespace kiosk::db {
namespace {

using ::kiosk::testing::IsOk;
using ::kiosk::testing::StatusIs;
using ::testing::HasSubstr;

class ConnectionPoolTest : public kiosk::testing::PgTest {
 protected:
  PoolOptions Options(int size, int overflow) {
    PoolOptions options;
    options.conninfo = db().conninfo();
    options.application_name = "pool-test";
    options.pool_size = size;
    options.max_overflow = overflow;
    options.checkout_timeout = absl::Seconds(5);
    return options;
  }

  // Sessions the server sees for this test's database and pool.
  int ServerSideConnections() {
    pqxx::connection admin(db().admin_conninfo());
    pqxx::nontransaction tx(admin);
    return tx.exec_params1("SELECT count(*) FROM pg_stat_activity "
                           "WHERE datname = $1 AND application_name = 'pool-test'",
                           db().name())[0]
        .as<int>();
  }

  int WaitForServerSideConnections(int expected) {
    int seen = -1;
    for (int i = 0; i < 100; ++i) {  // backends exit asynchronously after Terminate
      seen = ServerSideConnections();
      if (seen == expected) break;
      absl::SleepFor(absl::Milliseconds(50));
    }
    return seen;
  }

  static int BackendPid(const ConnectionPool::Lease& conn) { return conn->backendpid(); }
};

TEST_F(ConnectionPoolTest, ReusesAConnectionAcrossCheckouts) {
  ConnectionPool pool(Options(2, 0));
  int first_pid = 0;
  {
    absl::StatusOr<ConnectionPool::Lease> conn = pool.Acquire();
    ASSERT_THAT(conn, IsOk());
    first_pid = BackendPid(*conn);
  }
  absl::StatusOr<ConnectionPool::Lease> again = pool.Acquire();
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(BackendPid(*again), first_pid);
  EXPECT_EQ(pool.Stats().opened_total, 1);
}

TEST_F(ConnectionPoolTest, ExhaustionWaitsThenFailsWithUnavailable) {
  PoolOptions options = Options(2, 0);
  options.checkout_timeout = absl::Milliseconds(300);
  ConnectionPool pool(options);
  absl::StatusOr<ConnectionPool::Lease> a = pool.Acquire();
  absl::StatusOr<ConnectionPool::Lease> b = pool.Acquire();
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());

  absl::Time start = absl::Now();
  absl::StatusOr<ConnectionPool::Lease> c = pool.Acquire();
  absl::Duration waited = absl::Now() - start;
  EXPECT_THAT(c, StatusIs(absl::StatusCode::kUnavailable, HasSubstr("DB_POOL_SIZE")));
  EXPECT_GE(waited, absl::Milliseconds(290));  // it waited, it did not fail at once
  EXPECT_EQ(pool.Stats().open, 2);
}

TEST_F(ConnectionPoolTest, AWaiterGetsTheConnectionReleasedInTime) {
  ConnectionPool pool(Options(1, 0));
  auto held = std::make_unique<ConnectionPool::Lease>(*pool.Acquire());
  int pid = BackendPid(*held);
  std::thread releaser([&] {
    absl::SleepFor(absl::Milliseconds(100));
    held.reset();
  });
  absl::StatusOr<ConnectionPool::Lease> next = pool.Acquire(absl::Seconds(5));
  releaser.join();
  ASSERT_THAT(next, IsOk());
  EXPECT_EQ(BackendPid(*next), pid);
}

TEST_F(ConnectionPoolTest, OverflowConnectionsOpenUnderLoadAndCloseWhenReturned) {
  ConnectionPool pool(Options(10, 20));
  std::vector<ConnectionPool::Lease> held;
  for (int i = 0; i < 12; ++i) {
    absl::StatusOr<ConnectionPool::Lease> conn = pool.Acquire();
    ASSERT_THAT(conn, IsOk());
    held.push_back(*std::move(conn));
  }
  EXPECT_EQ(pool.Stats().open, 12);
  EXPECT_EQ(pool.Stats().in_use, 12);
  EXPECT_EQ(WaitForServerSideConnections(12), 12);

  held.clear();
  PoolStats stats = pool.Stats();
  EXPECT_EQ(stats.open, 10);
  EXPECT_EQ(stats.idle, 10);
  EXPECT_EQ(stats.closed_total, 2);
  EXPECT_EQ(WaitForServerSideConnections(10), 10);
}

TEST_F(ConnectionPoolTest, NeverOpensMoreThanSizePlusOverflow) {
  PoolOptions options = Options(2, 1);
  options.checkout_timeout = absl::Milliseconds(100);
  ConnectionPool pool(options);
  std::vector<ConnectionPool::Lease> held;
  for (int i = 0; i < 3; ++i) held.push_back(*pool.Acquire());
  EXPECT_THAT(pool.Acquire(), StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_EQ(pool.Stats().open, 3);
}

TEST_F(ConnectionPoolTest, PrePingReplacesAKilledConnectionInvisibly) {
  ConnectionPool pool(Options(1, 0));
  int old_pid = 0;
  {
    absl::StatusOr<ConnectionPool::Lease> conn = pool.Acquire();
    ASSERT_THAT(conn, IsOk());
    old_pid = BackendPid(*conn);
  }
  {
    pqxx::connection admin(db().admin_conninfo());
    pqxx::nontransaction tx(admin);
    ASSERT_TRUE(tx.exec_params1("SELECT pg_terminate_backend($1)", old_pid)[0].as<bool>());
  }
  absl::SleepFor(absl::Milliseconds(100));  // let the backend exit

  absl::StatusOr<ConnectionPool::Lease> conn = pool.Acquire();
  ASSERT_THAT(conn, IsOk());
  EXPECT_NE(BackendPid(*conn), old_pid);
  pqxx::nontransaction tx(**conn);
  EXPECT_EQ(tx.exec1("SELECT 41 + 1")[0].as<int>(), 42);  // the caller just works
  EXPECT_EQ(pool.Stats().replaced_dead, 1);
}

TEST_F(ConnectionPoolTest, WithoutPrePingTheCallerSeesTheDeadConnectionOnce) {
  PoolOptions options = Options(1, 0);
  options.pre_ping = false;
  ConnectionPool pool(options);
  int old_pid = BackendPid(*pool.Acquire());
  {
    pqxx::connection admin(db().admin_conninfo());
    pqxx::nontransaction tx(admin);
    tx.exec_params("SELECT pg_terminate_backend($1)", old_pid);
  }
  absl::SleepFor(absl::Milliseconds(100));
  {
    absl::StatusOr<ConnectionPool::Lease> conn = pool.Acquire();
    ASSERT_THAT(conn, IsOk());
    EXPECT_ANY_THROW({
      pqxx::nontransaction tx(**conn);
      tx.exec("SELECT 1");
    });
  }
  // The broken connection was not put back: the next caller gets a new one.
  absl::StatusOr<ConnectionPool::Lease> conn = pool.Acquire();
  ASSERT_THAT(conn, IsOk());
  EXPECT_NE(BackendPid(*conn), old_pid);
}

TEST_F(ConnectionPoolTest, RecycleReplacesConnectionsOlderThanTheLimit) {
  PoolOptions options = Options(1, 0);
  options.recycle = absl::Milliseconds(300);
  ConnectionPool pool(options);
  int old_pid = BackendPid(*pool.Acquire());
  EXPECT_EQ(BackendPid(*pool.Acquire()), old_pid);  // young: kept
  absl::SleepFor(absl::Milliseconds(400));
  int new_pid = BackendPid(*pool.Acquire());
  EXPECT_NE(new_pid, old_pid);
  EXPECT_EQ(pool.Stats().replaced_recycled, 1);
  EXPECT_EQ(WaitForServerSideConnections(1), 1);  // the old one was closed, not leaked
}

TEST_F(ConnectionPoolTest, UnreachableServerFailsWithUnavailableAndFreesTheSlot) {
  PoolOptions options = Options(1, 0);
  options.conninfo = "host=127.0.0.1 port=1 dbname=nothing user=nobody";
  options.checkout_timeout = absl::Milliseconds(200);
  ConnectionPool pool(options);
  EXPECT_THAT(pool.Acquire(), StatusIs(absl::StatusCode::kUnavailable, HasSubstr("connecting")));
  // The failed attempt gave its slot back: a second attempt tries again
  // instead of waiting for a slot that will never be released.
  EXPECT_THAT(pool.Acquire(), StatusIs(absl::StatusCode::kUnavailable, HasSubstr("connecting")));
  EXPECT_EQ(pool.Stats().open, 0);
}

TEST_F(ConnectionPoolTest, ManyThreadsShareABoundedPool) {
  ConnectionPool pool(Options(4, 2));
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 16; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i) {
        absl::StatusOr<ConnectionPool::Lease> conn = pool.Acquire();
        if (!conn.ok()) continue;
        pqxx::nontransaction tx(**conn);
        if (tx.exec1("SELECT 1")[0].as<int>() == 1) ok.fetch_add(1);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(ok.load(), 16 * 20);
  // Everything came back; overflow connections were closed on return.
  EXPECT_EQ(pool.Stats().in_use, 0);
  EXPECT_LE(pool.Stats().open, 4);
  EXPECT_LE(WaitForServerSideConnections(pool.Stats().open), 4);
}

}  // namespace
}  // namespace kiosk::db
