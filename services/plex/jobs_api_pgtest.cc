// The job API (common/server/jobs_rpc.h) as every service serves it, here on
// kiosk-plex in-process with its job runtime started on a fresh database:
// who may call it, listing and filtering, retry and cancel by state, the
// schedules with their next run, "run now", and the stats services read.
#include <gmock/gmock.h>
#include <atomic>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/auth/jwt.h"
#include "common/testing/pg_test_database.h"
#include "migrations/runner/migrator.h"
#include "services/plex/library_sync.h"
#include "services/plex/pg_library_store.h"
#include "services/plex/plex_library.h"
#include "services/plex/plex_service.h"

namespace kiosk::plex {
namespace {

namespace common_v1 = ::kiosk::common::v1;
using ::testing::HasSubstr;

constexpr char kSecret[] = "jobs-api-test-secret-0123456789abcdef0123";

class JobsApiTest : public kiosk::testing::PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    ASSERT_TRUE(migrate::MigrateToHead(db().conninfo()).ok());
    db::PoolOptions options;
    options.conninfo = db().conninfo();
    options.pool_size = 4;
    pool_ = std::make_unique<db::ConnectionPool>(options);
    config_.database = db().url();
    info_ = std::make_unique<server::ServiceInfoSource>("kiosk-plex", config_, *pool_);
    jobs_ = std::make_unique<jobs::JobRuntime>(
        *pool_, "plex",
        jobs::RuntimeOptions{.workers = {.threads = 2,
                                         .poll_interval = absl::Milliseconds(100),
                                         .backoff_base = absl::Milliseconds(10),
                                         .backoff_max = absl::Milliseconds(20),
                                         .listen_conninfo = db().conninfo()}});
    jobs_->Register("test.fail", [](const jobs::Job&) {
      return absl::UnavailableError("the Plex server did not answer");
    });
    jobs_->Register("test.progress", [this](const jobs::Job& job) {
      absl::Status reported = jobs_->queue().ReportProgress(job.id, 3, 10, "step 3 of 10");
      while (reported.ok() && !release_.load()) absl::SleepFor(absl::Milliseconds(10));
      return reported;
    });
    ASSERT_TRUE(jobs_->Start().ok());
    store_ = std::make_unique<PgLibraryStore>(*pool_);
    sync_ = std::make_unique<LibrarySync>(*store_, nullptr);
    library_ =
        std::make_unique<PlexLibrary>(*store_, *sync_, settings_, http_, jobs_->queue());
    service_ = std::make_unique<PlexServiceImpl>(*jobs_, executor_, *info_, authenticator_,
                                                 *library_);
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    stub_ = v1::PlexService::NewStub(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
  }
  void TearDown() override {
    release_ = true;
    server_->Shutdown();
    jobs_->Shutdown(absl::Seconds(5));
    executor_.Shutdown();
  }

  std::string Token(const std::string& role) {
    if (role == "service") return jwt_.SignServiceToken("kiosk-test", absl::Now());
    return jwt_.Sign({.user_id = role == "admin" ? 1 : 2,
                      .role = role,
                      .token_id = "t",
                      .issued_at = absl::Now(),
                      .expires_at = absl::Now() + absl::Minutes(5)});
  }
  std::unique_ptr<grpc::ClientContext> As(const std::string& role) {
    auto ctx = std::make_unique<grpc::ClientContext>();
    if (!role.empty()) ctx->AddMetadata("authorization", "Bearer " + Token(role));
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    return ctx;
  }
  common_v1::Job WaitForStatus(int64_t id, const std::string& status) {
    common_v1::Job job;
    for (int i = 0; i < 200; ++i) {
      common_v1::GetJobRequest request;
      request.set_id(id);
      if (stub_->GetJob(As("admin").get(), request, &job).ok() && job.status() == status) break;
      absl::SleepFor(absl::Milliseconds(25));
    }
    return job;
  }

  auth::JwtCodec jwt_{kSecret};
  auth::Authenticator authenticator_{jwt_};
  config::ServiceConfig config_;
  std::unique_ptr<db::ConnectionPool> pool_;
  std::unique_ptr<server::ServiceInfoSource> info_;
  server::Executor executor_{"test-plex", 4, 100};
  std::unique_ptr<jobs::JobRuntime> jobs_;
  std::atomic<bool> release_{false};
  server::FixedSettings settings_;
  http::CurlHttpClient http_;
  std::unique_ptr<PgLibraryStore> store_;
  std::unique_ptr<LibrarySync> sync_;
  std::unique_ptr<PlexLibrary> library_;
  std::unique_ptr<PlexServiceImpl> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::PlexService::Stub> stub_;
};

TEST_F(JobsApiTest, OnlyAdminsManageJobsAndServicesMayReadStats) {
  common_v1::ListJobsResponse jobs;
  EXPECT_EQ(stub_->ListJobs(As("").get(), {}, &jobs).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(stub_->ListJobs(As("user").get(), {}, &jobs).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(stub_->ListJobs(As("service").get(), {}, &jobs).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(stub_->ListJobs(As("admin").get(), {}, &jobs).ok());
  common_v1::JobStats stats;
  EXPECT_EQ(stub_->GetJobStats(As("user").get(), {}, &stats).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(stub_->GetJobStats(As("service").get(), {}, &stats).ok());
  EXPECT_TRUE(stub_->GetJobStats(As("admin").get(), {}, &stats).ok());
}

TEST_F(JobsApiTest, AFailingJobDiesWithItsErrorThenRetryAndCancelFollowItsState) {
  absl::StatusOr<std::optional<int64_t>> id =
      jobs_->queue().Enqueue("test.fail", R"({"section": 3})", {.max_attempts = 2});
  ASSERT_TRUE(id.ok() && id->has_value());
  common_v1::Job dead = WaitForStatus(**id, "dead");
  EXPECT_EQ(dead.status(), "dead");
  EXPECT_EQ(dead.attempts(), 2);
  EXPECT_EQ(dead.last_error(), "the Plex server did not answer");
  EXPECT_EQ(dead.payload().fields().at("section").number_value(), 3);

  common_v1::CancelJobRequest cancel;
  cancel.set_id(**id);
  common_v1::Job out;
  grpc::Status refused = stub_->CancelJob(As("admin").get(), cancel, &out);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(refused.error_message(), HasSubstr("is dead"));

  common_v1::RetryJobRequest retry;
  retry.set_id(**id);
  ASSERT_TRUE(stub_->RetryJob(As("admin").get(), retry, &out).ok());
  EXPECT_EQ(out.attempts(), 0);
  EXPECT_EQ(WaitForStatus(**id, "dead").attempts(), 2);  // ran its two attempts again

  common_v1::ListJobsRequest filter;
  filter.set_kind("test.fail");
  filter.set_status("dead");
  common_v1::ListJobsResponse listed;
  ASSERT_TRUE(stub_->ListJobs(As("admin").get(), filter, &listed).ok());
  ASSERT_EQ(listed.jobs_size(), 1);
  EXPECT_EQ(listed.jobs(0).id(), **id);
  filter.set_status("bogus");
  EXPECT_EQ(stub_->ListJobs(As("admin").get(), filter, &listed).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  common_v1::GetJobRequest missing;
  missing.set_id(987654);
  EXPECT_EQ(stub_->GetJob(As("admin").get(), missing, &out).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(JobsApiTest, ARunningJobShowsItsProgress) {
  absl::StatusOr<std::optional<int64_t>> id = jobs_->queue().Enqueue("test.progress", "{}");
  ASSERT_TRUE(id.ok() && id->has_value());
  common_v1::Job running;
  for (int i = 0; i < 200 && running.progress_done() != 3; ++i) {
    common_v1::GetJobRequest request;
    request.set_id(**id);
    ASSERT_TRUE(stub_->GetJob(As("admin").get(), request, &running).ok());
    absl::SleepFor(absl::Milliseconds(25));
  }
  EXPECT_EQ(running.status(), "running");
  EXPECT_EQ(running.progress_done(), 3);
  EXPECT_EQ(running.progress_total(), 10);
  EXPECT_EQ(running.progress_note(), "step 3 of 10");
  common_v1::ListJobsRequest filter;
  filter.set_kind("test.progress");
  common_v1::ListJobsResponse listed;
  ASSERT_TRUE(stub_->ListJobs(As("admin").get(), filter, &listed).ok());
  ASSERT_EQ(listed.jobs_size(), 1);
  EXPECT_EQ(listed.jobs(0).progress_total(), 10);
  release_ = true;
  common_v1::Job done = WaitForStatus(**id, "succeeded");
  EXPECT_EQ(done.status(), "succeeded");
  EXPECT_EQ(done.progress_done(), 3);  // the last report stays visible
}

TEST_F(JobsApiTest, ListPagesWithATokenNewestFirst) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(jobs_->queue()
                    .Enqueue("test.page", "{}", {.run_after = absl::Now() + absl::Hours(1)})
                    .ok());
  }
  common_v1::ListJobsRequest request;
  request.set_kind("test.page");
  request.set_page_size(3);
  common_v1::ListJobsResponse first, second;
  ASSERT_TRUE(stub_->ListJobs(As("admin").get(), request, &first).ok());
  ASSERT_EQ(first.jobs_size(), 3);
  ASSERT_FALSE(first.next_page_token().empty());
  request.set_page_token(first.next_page_token());
  ASSERT_TRUE(stub_->ListJobs(As("admin").get(), request, &second).ok());
  EXPECT_EQ(second.jobs_size(), 2);
  EXPECT_TRUE(second.next_page_token().empty());
  EXPECT_LT(second.jobs(0).id(), first.jobs(2).id());
  request.set_page_token("garbage!");
  EXPECT_EQ(stub_->ListJobs(As("admin").get(), request, &second).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(JobsApiTest, SchedulesShowTheirNextRunAndRunNow) {
  common_v1::ListSchedulesResponse schedules;
  ASSERT_TRUE(stub_->ListSchedules(As("admin").get(), {}, &schedules).ok());
  ASSERT_EQ(schedules.schedules_size(), 1);
  const common_v1::Schedule& cleanup = schedules.schedules(0);
  EXPECT_EQ(cleanup.name(), "jobs.cleanup");
  EXPECT_EQ(cleanup.cron(), "17 3 * * *");
  EXPECT_GT(cleanup.next_run().seconds(), absl::ToUnixSeconds(absl::Now()));

  common_v1::RunScheduleRequest run;
  run.set_name("jobs.cleanup");
  common_v1::Job job;
  ASSERT_TRUE(stub_->RunSchedule(As("admin").get(), run, &job).ok());
  EXPECT_EQ(job.kind(), "jobs.cleanup");
  EXPECT_EQ(WaitForStatus(job.id(), "succeeded").status(), "succeeded");
  run.set_name("nope");
  EXPECT_EQ(stub_->RunSchedule(As("admin").get(), run, &job).error_code(),
            grpc::StatusCode::NOT_FOUND);

  common_v1::JobStats stats;
  ASSERT_TRUE(stub_->GetJobStats(As("service").get(), {}, &stats).ok());
  bool found = false;
  for (const common_v1::JobKindStats& kind : stats.kinds()) {
    if (kind.kind() == "jobs.cleanup") {
      found = true;
      EXPECT_EQ(kind.by_status().at("succeeded"), 1);
      EXPECT_EQ(kind.succeeded_last_hour(), 1);
    }
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace kiosk::plex
