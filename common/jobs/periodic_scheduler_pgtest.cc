// Periodic jobs against a real PostgreSQL with an injected clock: two
// replicas ticking every simulated minute enqueue each occurrence once,
// downtime collapses missed occurrences into one run, runs never overlap.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <pqxx/pqxx>

#include "common/jobs/periodic_scheduler.h"
#include "common/testing/pg_test_database.h"
#include "common/testing/status_matchers.h"
#include "migrations/runner/migrator.h"

namespace kiosk::jobs {
namespace {

using ::kiosk::testing::IsOk;
using ::kiosk::testing::IsOkAndHolds;
using ::kiosk::testing::StatusIs;
using ::testing::HasSubstr;

#define ASSERT_OK(expr) ASSERT_THAT(expr, IsOk())

// Simulated time shared by the replicas.
class FakeClock {
 public:
  explicit FakeClock(absl::Time start) : micros_(absl::ToUnixMicros(start)) {}
  absl::Time Now() const { return absl::FromUnixMicros(micros_.load()); }
  void Advance(absl::Duration d) { micros_ += absl::ToInt64Microseconds(d); }
  std::function<absl::Time()> AsFunction() {
    return [this] { return Now(); };
  }

 private:
  std::atomic<int64_t> micros_;
};

class Replica {
 public:
  Replica(const std::string& conninfo, std::vector<PeriodicJob> jobs, FakeClock& clock) {
    db::PoolOptions options;
    options.conninfo = conninfo;
    options.pool_size = 2;
    pool_ = std::make_unique<db::ConnectionPool>(options);
    queue_ = std::make_unique<JobQueue>(*pool_, "plex");
    scheduler_ =
        std::make_unique<PeriodicScheduler>(*pool_, *queue_, std::move(jobs), clock.AsFunction());
  }
  PeriodicScheduler& scheduler() { return *scheduler_; }

 private:
  std::unique_ptr<db::ConnectionPool> pool_;
  std::unique_ptr<JobQueue> queue_;
  std::unique_ptr<PeriodicScheduler> scheduler_;
};

class PeriodicSchedulerTest : public kiosk::testing::PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    ASSERT_TRUE(migrate::MigrateToHead(db().conninfo()).ok());
  }
  int64_t Jobs(const std::string& status = "") {
    pqxx::connection conn(db().conninfo());
    pqxx::work tx(conn);
    return tx.exec_params1("SELECT count(*) FROM plex.jobs WHERE $1 = '' OR status = $1", status)[0]
        .as<int64_t>();
  }
  // What a worker would do: finish every queued run.
  void FinishAll() {
    pqxx::connection conn(db().conninfo());
    pqxx::work tx(conn);
    tx.exec(
        "UPDATE plex.jobs SET status = 'succeeded', finished_at = now() WHERE status = 'queued'");
    tx.commit();
  }

  FakeClock clock_{
      absl::FromCivil(absl::CivilSecond(2026, 11, 29, 10, 0, 30), absl::UTCTimeZone())};
  const std::vector<PeriodicJob> sync_ = {
      {.name = "plex.sync", .cron = "*/15 * * * *", .kind = "plex.sync"}};
};

TEST_F(PeriodicSchedulerTest, TwoReplicasEnqueueEachOccurrenceExactlyOnce) {
  Replica a(db().conninfo(), sync_, clock_);
  Replica b(db().conninfo(), sync_, clock_);
  int enqueued = 0;
  for (int minute = 0; minute < 180; ++minute) {
    clock_.Advance(absl::Minutes(1));
    // Both replicas tick at the same moment, from two threads.
    absl::StatusOr<int> from_b;
    std::thread other([&] { from_b = b.scheduler().Tick(); });
    absl::StatusOr<int> from_a = a.scheduler().Tick();
    other.join();
    ASSERT_OK(from_a);
    ASSERT_OK(from_b);
    enqueued += *from_a + *from_b;
    FinishAll();
  }
  // 10:00:30 -> 13:00:30 holds 10:15, 10:30, ..., 13:00: 12 occurrences.
  EXPECT_EQ(enqueued, 12);
  EXPECT_EQ(Jobs(), 12);
}

TEST_F(PeriodicSchedulerTest, OccurrencesMissedDuringDowntimeRunOnce) {
  Replica a(db().conninfo(), sync_, clock_);
  ASSERT_THAT(a.scheduler().Tick(), IsOkAndHolds(0));  // records the schedule at 10:00:30
  clock_.Advance(absl::Hours(5));                      // 20 occurrences missed
  EXPECT_THAT(a.scheduler().Tick(), IsOkAndHolds(1));
  FinishAll();
  EXPECT_THAT(a.scheduler().Tick(), IsOkAndHolds(0));
  clock_.Advance(absl::Minutes(15));
  EXPECT_THAT(a.scheduler().Tick(), IsOkAndHolds(1));
  EXPECT_EQ(Jobs(), 2);
}

TEST_F(PeriodicSchedulerTest, AnOccurrenceWhileTheLastRunIsUnfinishedIsSkipped) {
  Replica a(db().conninfo(), sync_, clock_);
  ASSERT_OK(a.scheduler().Tick());
  clock_.Advance(absl::Minutes(15));
  EXPECT_THAT(a.scheduler().Tick(), IsOkAndHolds(1));
  clock_.Advance(absl::Minutes(15));
  EXPECT_THAT(a.scheduler().Tick(), IsOkAndHolds(0));  // the first run is still queued
  EXPECT_EQ(Jobs(), 1);
}

TEST_F(PeriodicSchedulerTest, RunNowEnqueuesOnceAndNamesUnknownSchedules) {
  Replica a(db().conninfo(), sync_, clock_);
  absl::StatusOr<int64_t> id = a.scheduler().RunNow("plex.sync");
  ASSERT_OK(id);
  EXPECT_THAT(a.scheduler().RunNow("plex.sync"),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("already queued")));
  EXPECT_THAT(a.scheduler().RunNow("nope"), StatusIs(absl::StatusCode::kNotFound));
  absl::StatusOr<std::vector<ScheduleView>> list = a.scheduler().List();
  ASSERT_OK(list);
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].last_job_id, *id);
  EXPECT_EQ((*list)[0].next_run,
            absl::FromCivil(absl::CivilSecond(2026, 11, 29, 10, 15, 0), absl::UTCTimeZone()));
}

TEST_F(PeriodicSchedulerTest, ABadScheduleIsRefusedNamingIt) {
  Replica bad(db().conninfo(), {{.name = "plex.sync", .cron = "61 * * * *", .kind = "plex.sync"}},
              clock_);
  EXPECT_THAT(bad.scheduler().Start(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("plex.sync")));
  Replica zone(db().conninfo(),
               {{.name = "x", .cron = "* * * * *", .kind = "x", .time_zone = "Mars/Olympus"}},
               clock_);
  EXPECT_THAT(zone.scheduler().Tick(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("Mars/Olympus")));
}

}  // namespace
}  // namespace kiosk::jobs
