// The job queue against a real PostgreSQL: transactional enqueue, exactly
// one run per job across competing workers, retries and dead jobs, leases
// that outlive a dead worker, the job API's state checks, and shutdown.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/jobs/job_queue.h"
#include "common/jobs/job_workers.h"
#include "common/testing/pg_test_database.h"
#include "common/testing/status_matchers.h"
#include "migrations/runner/migrator.h"

namespace kiosk::jobs {
namespace {

using ::kiosk::testing::IsOk;
using ::kiosk::testing::StatusIs;
using ::testing::HasSubstr;

#define ASSERT_OK(expr) ASSERT_THAT(expr, IsOk())

class JobQueueTest : public kiosk::testing::PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    ASSERT_TRUE(migrate::MigrateToHead(db().conninfo()).ok());
    pool_ = MakePool();
    queue_ = std::make_unique<JobQueue>(*pool_, "media");
  }

  std::unique_ptr<db::ConnectionPool> MakePool() {
    db::PoolOptions options;
    options.conninfo = db().conninfo();
    options.pool_size = 4;
    return std::make_unique<db::ConnectionPool>(options);
  }

  WorkerOptions FastWorkers(const std::string& id) {
    return WorkerOptions{.threads = 2,
                         .lease = absl::Seconds(3),
                         .poll_interval = absl::Milliseconds(200),
                         .backoff_base = absl::Milliseconds(20),
                         .backoff_max = absl::Milliseconds(100),
                         .listen_conninfo = db().conninfo(),
                         .worker_id = id};
  }

  // Waits until `done()` or the timeout.
  static bool WaitFor(const std::function<bool()>& done, absl::Duration timeout) {
    const absl::Time deadline = absl::Now() + timeout;
    while (absl::Now() < deadline) {
      if (done()) return true;
      absl::SleepFor(absl::Milliseconds(20));
    }
    return done();
  }

  int64_t CountStatus(const std::string& status) {
    pqxx::connection conn(db().conninfo());
    pqxx::work tx(conn);
    return tx.exec_params1("SELECT count(*) FROM media.jobs WHERE status = $1", status)[0]
        .as<int64_t>();
  }

  std::unique_ptr<db::ConnectionPool> pool_;
  std::unique_ptr<JobQueue> queue_;
};

TEST_F(JobQueueTest, AJobExistsOnlyIfItsTransactionCommitted) {
  {
    pqxx::connection conn(db().conninfo());
    pqxx::work tx(conn);
    ASSERT_OK(queue_->Enqueue(tx, "media.request", R"({"request": 1})"));
    // destroyed without commit: rolled back
  }
  EXPECT_EQ(CountStatus("queued"), 0);
  {
    pqxx::connection conn(db().conninfo());
    pqxx::work tx(conn);
    ASSERT_OK(queue_->Enqueue(tx, "media.request", R"({"request": 2})"));
    tx.commit();
  }
  EXPECT_EQ(CountStatus("queued"), 1);

  std::atomic<int> runs{0};
  std::string payload;
  JobWorkers workers(*queue_, FastWorkers("w1"));
  workers.Register("media.request", [&](const Job& job) {
    payload = job.payload;
    ++runs;
    return absl::OkStatus();
  });
  ASSERT_OK(workers.Start());
  EXPECT_TRUE(WaitFor([&] { return CountStatus("succeeded") == 1; }, absl::Seconds(10)));
  workers.Shutdown(absl::Seconds(5));
  EXPECT_EQ(runs.load(), 1);
  EXPECT_THAT(payload, HasSubstr("\"request\": 2"));
}

TEST_F(JobQueueTest, BadJobsAreRefusedAtEnqueue) {
  EXPECT_THAT(queue_->Enqueue("Bad Kind", "{}"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(queue_->Enqueue("ok.kind", "[1]"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(queue_->Enqueue("ok.kind", "{bad"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(queue_->Enqueue("ok.kind", "{}", {.max_attempts = 0}),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(CountStatus("queued"), 0);
}

TEST_F(JobQueueTest, ADedupeKeyAllowsOneActiveJob) {
  absl::StatusOr<std::optional<int64_t>> first =
      queue_->Enqueue("plex.refresh", "{}", {.dedupe_key = "section:1"});
  ASSERT_OK(first);
  ASSERT_TRUE(first->has_value());
  absl::StatusOr<std::optional<int64_t>> second =
      queue_->Enqueue("plex.refresh", "{}", {.dedupe_key = "section:1"});
  ASSERT_OK(second);
  EXPECT_FALSE(second->has_value());
  // Once the first has finished, the key is free again.
  ASSERT_OK(queue_->Cancel(**first));
  absl::StatusOr<std::optional<int64_t>> third =
      queue_->Enqueue("plex.refresh", "{}", {.dedupe_key = "section:1"});
  ASSERT_OK(third);
  EXPECT_TRUE(third->has_value());
}

TEST_F(JobQueueTest, TwoWorkerPoolsRunEachOfAThousandJobsExactlyOnce) {
  constexpr int kJobs = 1000;
  {
    pqxx::connection conn(db().conninfo());
    pqxx::work tx(conn);
    for (int i = 0; i < kJobs; ++i) {
      ASSERT_OK(queue_->Enqueue(tx, "test.empty", absl::StrCat(R"({"n": )", i, "}")));
    }
    tx.commit();
  }
  std::mutex mu;
  std::map<int64_t, int> runs;
  std::map<std::string, int> by_worker;
  auto handler = [&](const std::string& who) {
    return [&, who](const Job& job) {
      std::lock_guard<std::mutex> lock(mu);
      ++runs[job.id];
      ++by_worker[who];
      return absl::OkStatus();
    };
  };
  std::unique_ptr<db::ConnectionPool> other_pool = MakePool();
  JobQueue other_queue(*other_pool, "media");
  JobWorkers a(*queue_, FastWorkers("replica-a"));
  JobWorkers b(other_queue, FastWorkers("replica-b"));
  a.Register("test.empty", handler("a"), {.concurrency = 2});
  b.Register("test.empty", handler("b"), {.concurrency = 2});
  ASSERT_OK(a.Start());
  ASSERT_OK(b.Start());
  EXPECT_TRUE(WaitFor([&] { return CountStatus("succeeded") == kJobs; }, absl::Seconds(60)));
  a.Shutdown(absl::Seconds(5));
  b.Shutdown(absl::Seconds(5));
  ASSERT_EQ(runs.size(), static_cast<size_t>(kJobs));
  for (const auto& [id, count] : runs) EXPECT_EQ(count, 1) << "job " << id;
  EXPECT_GT(by_worker["a"], 0);
  EXPECT_GT(by_worker["b"], 0);
}

TEST_F(JobQueueTest, FailuresRetryWithBackoffThenTheJobIsDeadWithTheLastError) {
  absl::StatusOr<std::optional<int64_t>> id =
      queue_->Enqueue("test.flaky", "{}", {.max_attempts = 3});
  ASSERT_OK(id);
  std::mutex mu;
  std::vector<absl::Time> attempts;
  JobWorkers workers(*queue_, FastWorkers("w1"));
  workers.Register("test.flaky", [&](const Job& job) {
    std::lock_guard<std::mutex> lock(mu);
    attempts.push_back(absl::Now());
    return absl::UnavailableError(absl::StrCat("plex down (attempt ", job.attempts, ")"));
  });
  ASSERT_OK(workers.Start());
  EXPECT_TRUE(WaitFor([&] { return CountStatus("dead") == 1; }, absl::Seconds(20)));
  workers.Shutdown(absl::Seconds(5));
  ASSERT_EQ(attempts.size(), 3u);
  // 20 ms then 40 ms (x0.8..1.2): later retries wait longer.
  EXPECT_GE(attempts[1] - attempts[0], absl::Milliseconds(15));
  EXPECT_GE(attempts[2] - attempts[1], absl::Milliseconds(30));
  absl::StatusOr<Job> job = queue_->Get(**id);
  ASSERT_OK(job);
  EXPECT_EQ(job->status, "dead");
  EXPECT_EQ(job->attempts, 3);
  EXPECT_EQ(job->last_error, "plex down (attempt 3)");
  EXPECT_TRUE(job->finished_at.has_value());
}

TEST_F(JobQueueTest, InvalidArgumentIsDeadAtOnce) {
  ASSERT_OK(queue_->Enqueue("test.bad", "{}", {.max_attempts = 5}));
  std::atomic<int> runs{0};
  JobWorkers workers(*queue_, FastWorkers("w1"));
  workers.Register("test.bad", [&](const Job&) {
    ++runs;
    return absl::InvalidArgumentError("payload has no request id");
  });
  ASSERT_OK(workers.Start());
  EXPECT_TRUE(WaitFor([&] { return CountStatus("dead") == 1; }, absl::Seconds(10)));
  workers.Shutdown(absl::Seconds(5));
  EXPECT_EQ(runs.load(), 1);
}

TEST_F(JobQueueTest, AJobWhoseWorkerVanishedRunsAgainAfterTheLease) {
  ASSERT_OK(queue_->Enqueue("test.lease", "{}"));
  // A worker that claims the job and never comes back (as after kill -9).
  absl::StatusOr<std::optional<Job>> lost =
      queue_->Claim("ghost", {"test.lease"}, absl::Seconds(1));
  ASSERT_OK(lost);
  ASSERT_TRUE(lost->has_value());
  std::atomic<int> runs{0};
  JobWorkers workers(*queue_, FastWorkers("w1"));
  workers.Register("test.lease", [&](const Job& job) {
    EXPECT_EQ(job.attempts, 2);
    ++runs;
    return absl::OkStatus();
  });
  ASSERT_OK(workers.Start());
  EXPECT_TRUE(WaitFor([&] { return CountStatus("succeeded") == 1; }, absl::Seconds(10)));
  workers.Shutdown(absl::Seconds(5));
  EXPECT_EQ(runs.load(), 1);
  // The ghost's late report is ignored: it no longer holds the job.
  absl::StatusOr<bool> held = queue_->Succeed((*lost)->id, "ghost");
  ASSERT_OK(held);
  EXPECT_FALSE(*held);
}

TEST_F(JobQueueTest, ALongJobKeepsItsLeaseWhileRunning) {
  ASSERT_OK(queue_->Enqueue("test.long", "{}"));
  std::atomic<int> runs{0};
  WorkerOptions options = FastWorkers("w1");
  options.lease = absl::Milliseconds(600);
  JobWorkers a(*queue_, options);
  a.Register("test.long", [&](const Job&) {
    ++runs;
    absl::SleepFor(absl::Seconds(2));  // > 3 leases: the heartbeat must extend it
    return absl::OkStatus();
  });
  std::unique_ptr<db::ConnectionPool> other_pool = MakePool();
  JobQueue other_queue(*other_pool, "media");
  JobWorkers b(other_queue, FastWorkers("w2"));
  b.Register("test.long", [&](const Job&) {
    ++runs;
    return absl::OkStatus();
  });
  ASSERT_OK(a.Start());
  ASSERT_TRUE(WaitFor([&] { return runs.load() == 1; }, absl::Seconds(5)));
  ASSERT_OK(b.Start());
  EXPECT_TRUE(WaitFor([&] { return CountStatus("succeeded") == 1; }, absl::Seconds(10)));
  a.Shutdown(absl::Seconds(5));
  b.Shutdown(absl::Seconds(5));
  EXPECT_EQ(runs.load(), 1);
}

TEST_F(JobQueueTest, ARunningJobReportsItsProgressAndANewAttemptStartsAfresh) {
  absl::StatusOr<std::optional<int64_t>> id = queue_->Enqueue("test.progress", "{}");
  ASSERT_OK(id);
  // Not running yet: nothing to report on.
  EXPECT_THAT(queue_->ReportProgress(**id, 1, 10, "early"),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("not running")));
  absl::StatusOr<std::optional<Job>> claimed =
      queue_->Claim("w1", {"test.progress"}, absl::Seconds(30));
  ASSERT_OK(claimed);
  ASSERT_TRUE(claimed->has_value());
  EXPECT_FALSE((*claimed)->progress_done.has_value());

  ASSERT_OK(queue_->ReportProgress(**id, 0, -1, ""));  // started, total unknown
  absl::StatusOr<Job> job = queue_->Get(**id);
  ASSERT_OK(job);
  EXPECT_EQ(job->progress_done, 0);
  EXPECT_FALSE(job->progress_total.has_value());
  EXPECT_FALSE(job->progress_note.has_value());

  ASSERT_OK(queue_->ReportProgress(**id, 1200, 5000, "section Movies"));
  job = queue_->Get(**id);
  ASSERT_OK(job);
  EXPECT_EQ(job->progress_done, 1200);
  EXPECT_EQ(job->progress_total, 5000);
  EXPECT_EQ(job->progress_note, "section Movies");
  EXPECT_THAT(queue_->ReportProgress(**id, -1, 10, ""),
              StatusIs(absl::StatusCode::kInvalidArgument));
  // A total that grew past its estimate never shows "done > total".
  ASSERT_OK(queue_->ReportProgress(**id, 5100, 5000, "section Movies"));
  EXPECT_EQ(queue_->Get(**id)->progress_total, 5100);

  // The attempt fails; its progress stays visible, and the next attempt
  // starts from nothing.
  ASSERT_OK(queue_->Fail(**id, "w1", "boom", false, absl::Now()));
  EXPECT_EQ(queue_->Get(**id)->progress_done, 5100);
  claimed = queue_->Claim("w1", {"test.progress"}, absl::Seconds(30));
  ASSERT_OK(claimed);
  ASSERT_TRUE(claimed->has_value());
  EXPECT_FALSE((*claimed)->progress_done.has_value());
  EXPECT_FALSE((*claimed)->progress_note.has_value());
  ASSERT_OK(queue_->Succeed(**id, "w1"));
  EXPECT_THAT(queue_->ReportProgress(**id, 1, 1, ""),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(queue_->ReportProgress(987654, 1, 1, ""),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST_F(JobQueueTest, RetryAndCancelFollowTheJobsState) {
  absl::StatusOr<std::optional<int64_t>> id = queue_->Enqueue("test.api", "{}");
  ASSERT_OK(id);
  EXPECT_THAT(queue_->Retry(**id),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("is queued")));
  absl::StatusOr<Job> cancelled = queue_->Cancel(**id);
  ASSERT_OK(cancelled);
  EXPECT_EQ(cancelled->status, "cancelled");
  EXPECT_THAT(queue_->Cancel(**id), StatusIs(absl::StatusCode::kFailedPrecondition));
  absl::StatusOr<Job> retried = queue_->Retry(**id);
  ASSERT_OK(retried);
  EXPECT_EQ(retried->status, "queued");
  EXPECT_EQ(retried->attempts, 0);
  EXPECT_THAT(queue_->Retry(999999), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(queue_->Get(999999), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(JobQueueTest, ListFiltersAndPagesNewestFirst) {
  for (int i = 0; i < 5; ++i) ASSERT_OK(queue_->Enqueue("test.a", "{}"));
  for (int i = 0; i < 3; ++i) ASSERT_OK(queue_->Enqueue("test.b", "{}"));
  absl::StatusOr<std::vector<Job>> page = queue_->List({.kind = "test.a", .limit = 3});
  ASSERT_OK(page);
  ASSERT_EQ(page->size(), 3u);
  EXPECT_GT((*page)[0].id, (*page)[1].id);
  absl::StatusOr<std::vector<Job>> rest =
      queue_->List({.kind = "test.a", .limit = 3, .before_id = page->back().id});
  ASSERT_OK(rest);
  EXPECT_EQ(rest->size(), 2u);
  EXPECT_THAT(queue_->List({.status = "bogus"}), StatusIs(absl::StatusCode::kInvalidArgument));
  absl::StatusOr<std::map<std::string, KindStats>> stats = queue_->Stats();
  ASSERT_OK(stats);
  EXPECT_EQ((*stats)["test.a"].by_status["queued"], 5);
  EXPECT_EQ((*stats)["test.b"].by_status["queued"], 3);
}

TEST_F(JobQueueTest, ShutdownLetsRunningJobsFinishAndReleasesThoseThatDoNot) {
  ASSERT_OK(queue_->Enqueue("test.quick", "{}"));
  ASSERT_OK(queue_->Enqueue("test.stuck", "{}"));
  std::atomic<bool> release_stuck{false};
  std::atomic<int> started{0};
  JobWorkers workers(*queue_, FastWorkers("w1"));
  workers.Register("test.quick", [&](const Job&) {
    ++started;
    absl::SleepFor(absl::Milliseconds(300));
    return absl::OkStatus();
  });
  workers.Register("test.stuck", [&](const Job&) {
    ++started;
    while (!release_stuck.load()) absl::SleepFor(absl::Milliseconds(10));
    return absl::OkStatus();
  });
  ASSERT_OK(workers.Start());
  ASSERT_TRUE(WaitFor([&] { return started.load() == 2; }, absl::Seconds(5)));
  std::thread unstick([&] {
    absl::SleepFor(absl::Seconds(2));
    release_stuck = true;
  });
  workers.Shutdown(absl::Seconds(1));
  unstick.join();
  // The quick one finished in the grace period; the stuck one was put back
  // (its late success is not recorded: the worker no longer holds it).
  EXPECT_EQ(CountStatus("succeeded"), 1);
  EXPECT_EQ(CountStatus("queued"), 1);
}

TEST_F(JobQueueTest, ANotifyWakesIdleWorkersLongBeforeThePoll) {
  WorkerOptions options = FastWorkers("w1");
  options.poll_interval = absl::Seconds(60);
  std::atomic<int> runs{0};
  JobWorkers workers(*queue_, options);
  workers.Register("test.wake", [&](const Job&) {
    ++runs;
    return absl::OkStatus();
  });
  ASSERT_OK(workers.Start());
  absl::SleepFor(absl::Milliseconds(500));  // idle, waiting on LISTEN
  ASSERT_OK(queue_->Enqueue("test.wake", "{}"));
  // Functional check of LISTEN/NOTIFY (the latency itself is measured by
  // job_queue_bench): without it the job would wait a minute.
  EXPECT_TRUE(WaitFor([&] { return runs.load() == 1; }, absl::Seconds(20)));
  workers.Shutdown(absl::Seconds(5));
}

TEST(RetryDelayTest, GrowsExponentiallyWithJitterUpToTheCap) {
  for (int i = 0; i < 100; ++i) {
    absl::Duration first = RetryDelay(1, absl::Seconds(10), absl::Hours(1));
    EXPECT_GE(first, absl::Seconds(8));
    EXPECT_LE(first, absl::Seconds(12));
    absl::Duration fourth = RetryDelay(4, absl::Seconds(10), absl::Hours(1));
    EXPECT_GE(fourth, absl::Seconds(64));
    EXPECT_LE(fourth, absl::Seconds(96));
    EXPECT_LE(RetryDelay(40, absl::Seconds(10), absl::Minutes(5)), absl::Minutes(6));
  }
}

}  // namespace
}  // namespace kiosk::jobs
