// A worker process killed with SIGKILL in the middle of a job: the job runs
// again, once, on another worker after the dead one's lease has run out.
#include <signal.h>

#include <gtest/gtest.h>

#include <atomic>
#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/jobs/job_workers.h"
#include "common/testing/pg_test_database.h"
#include "common/testing/subprocess.h"
#include "migrations/runner/migrator.h"

namespace kiosk::jobs {
namespace {

class JobWorkerCrashTest : public kiosk::testing::PgTest {};

TEST_F(JobWorkerCrashTest, AJobOfAKilledWorkerProcessRunsAgainOnceAfterItsLease) {
  ASSERT_TRUE(migrate::MigrateToHead(db().conninfo()).ok());
  db::PoolOptions options;
  options.conninfo = db().conninfo();
  options.pool_size = 2;
  db::ConnectionPool pool(options);
  JobQueue queue(pool, "media");
  absl::StatusOr<std::optional<int64_t>> id = queue.Enqueue("test.crash", R"({"n": 1})");
  ASSERT_TRUE(id.ok() && id->has_value());

  absl::StatusOr<kiosk::testing::Subprocess> child = kiosk::testing::Subprocess::Start(
      {KIOSK_JOB_WORKER_CHILD, db().conninfo(), "test.crash"}, {});
  ASSERT_TRUE(child.ok()) << child.status();
  ASSERT_TRUE(child->WaitForOutput("running job", absl::Seconds(20)).has_value())
      << child->Output();
  child->Signal(SIGKILL);
  ASSERT_EQ(child->Wait(absl::Seconds(10)), 128 + SIGKILL);

  std::atomic<int> runs{0};
  std::atomic<int> attempt{0};
  JobWorkers workers(queue, {.threads = 2,
                             .lease = absl::Seconds(3),
                             .poll_interval = absl::Milliseconds(200),
                             .listen_conninfo = db().conninfo(),
                             .worker_id = "survivor"});
  workers.Register("test.crash", [&](const Job& job) {
    ++runs;
    attempt = job.attempts;
    return absl::OkStatus();
  });
  ASSERT_TRUE(workers.Start().ok());
  absl::StatusOr<Job> job;
  for (int i = 0; i < 100; ++i) {
    job = queue.Get(**id);
    if (job.ok() && job->status == "succeeded") break;
    absl::SleepFor(absl::Milliseconds(100));
  }
  absl::SleepFor(absl::Milliseconds(500));  // time for a wrong second run
  workers.Shutdown(absl::Seconds(5));
  ASSERT_TRUE(job.ok());
  EXPECT_EQ(job->status, "succeeded");
  EXPECT_EQ(runs.load(), 1);
  EXPECT_EQ(attempt.load(), 2);  // the killed worker's attempt counted
}

}  // namespace
}  // namespace kiosk::jobs
