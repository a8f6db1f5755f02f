// kiosk-plex over gRPC, in-process with its job runtime on a fresh database,
// against the Plex double: who may call what, a sync started through the API
// with its progress, lookups and searches from the copy, sections with
// mapped paths, targeted refresh with confirmation, the connection test, the
// periodic jobs' gating, and Plex down (jobs fail with the reason and
// retry, the service keeps answering).
#include <gmock/gmock.h>
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
#include "services/plex/sync_jobs.h"
#include "services/plex/testing/fake_media_peer.h"
#include "services/plex/testing/plex_double.h"

namespace kiosk::plex {
namespace {

namespace common_v1 = ::kiosk::common::v1;
using ::testing::HasSubstr;
using testing::PlexDouble;

constexpr char kSecret[] = "plex-service-test-secret-0123456789abcdef";

class PlexServiceTest : public kiosk::testing::PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    ASSERT_TRUE(migrate::MigrateToHead(db().conninfo()).ok());
    ASSERT_TRUE(double_.Start().ok());
    settings_.Set("plex.url", double_.Url());
    settings_.Set("plex.token", "t");
    settings_.Set("plex.path_map", "/data/movies=/srv/movies;/data/tv=/srv/tv");
    db::PoolOptions options;
    options.conninfo = db().conninfo();
    options.pool_size = 4;
    pool_ = std::make_unique<db::ConnectionPool>(options);
    info_ = std::make_unique<server::ServiceInfoSource>("kiosk-plex", config_, *pool_);
    jobs_ = std::make_unique<jobs::JobRuntime>(
        *pool_, "plex",
        jobs::RuntimeOptions{.workers = {.threads = 2,
                                         .poll_interval = absl::Milliseconds(100),
                                         .backoff_base = absl::Milliseconds(10),
                                         .backoff_max = absl::Milliseconds(20),
                                         .listen_conninfo = db().conninfo()}});
    const PlexClientOptions client{.timeout = absl::Seconds(10),
                                   .attempts = 2,
                                   .backoff = absl::Milliseconds(1),
                                   .client_identifier = "test"};
    store_ = std::make_unique<PgLibraryStore>(*pool_);
    sync_ = std::make_unique<LibrarySync>(*store_, &media_, SyncOptions{.page_size = 10});
    library_ = std::make_unique<PlexLibrary>(
        *store_, *sync_, settings_, http_, jobs_->queue(),
        LibraryOptions{.client = client,
                       .confirm_attempts = 3,
                       .confirm_delay = absl::Milliseconds(10)});
    sync_jobs_ =
        std::make_unique<SyncJobs>(*sync_, *store_, settings_, http_, jobs_->queue(), client);
    // The handlers only: the periodic ticks would race with the tests.
    jobs_->Register(kFullSyncKind, [this](const jobs::Job& job) { return sync_jobs_->Run(job, true); });
    jobs_->Register(kIncrementalSyncKind,
                    [this](const jobs::Job& job) { return sync_jobs_->Run(job, false); });
    jobs_->Register(kAvailabilityKind,
                    [this](const jobs::Job& job) { return sync_jobs_->ReportAvailability(job); });
    ASSERT_TRUE(jobs_->Start().ok());
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
    server_->Shutdown();
    jobs_->Shutdown(absl::Seconds(5));
    executor_.Shutdown();
  }

  std::unique_ptr<grpc::ClientContext> As(const std::string& role) {
    auto ctx = std::make_unique<grpc::ClientContext>();
    std::string token;
    if (role == "service") {
      token = jwt_.SignServiceToken("kiosk-downloads", absl::Now());
    } else if (!role.empty()) {
      token = jwt_.Sign({.user_id = role == "admin" ? 1 : 2,
                         .role = role,
                         .token_id = "t",
                         .issued_at = absl::Now(),
                         .expires_at = absl::Now() + absl::Minutes(5)});
    }
    if (!token.empty()) ctx->AddMetadata("authorization", "Bearer " + token);
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    return ctx;
  }
  common_v1::Job WaitForJob(int64_t id, const std::vector<std::string>& statuses) {
    common_v1::Job job;
    for (int i = 0; i < 400; ++i) {
      common_v1::GetJobRequest request;
      request.set_id(id);
      if (stub_->GetJob(As("admin").get(), request, &job).ok() &&
          std::find(statuses.begin(), statuses.end(), job.status()) != statuses.end()) {
        break;
      }
      absl::SleepFor(absl::Milliseconds(25));
    }
    return job;
  }
  common_v1::Job Sync(bool full) {
    v1::SyncLibraryRequest request;
    request.set_full(full);
    common_v1::Job job;
    grpc::Status status = stub_->SyncLibrary(As("admin").get(), request, &job);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return WaitForJob(job.id(), {"succeeded", "dead"});
  }
  static v1::MediaKey Key(const std::string& type, int tmdb, const std::string& imdb = "",
                          int tvdb = 0) {
    v1::MediaKey key;
    key.set_media_type(type);
    key.set_tmdb_id(tmdb);
    key.set_imdb_id(imdb);
    key.set_tvdb_id(tvdb);
    return key;
  }

  PlexDouble double_{{.token = "t", .movies = 25, .shows = 2}};
  server::FixedSettings settings_;
  http::CurlHttpClient http_;
  testing::FakeMediaPeer media_;
  auth::JwtCodec jwt_{kSecret};
  auth::Authenticator authenticator_{jwt_};
  config::ServiceConfig config_;
  std::unique_ptr<db::ConnectionPool> pool_;
  std::unique_ptr<server::ServiceInfoSource> info_;
  server::Executor executor_{"test-plex", 4, 100};
  std::unique_ptr<jobs::JobRuntime> jobs_;
  std::unique_ptr<PgLibraryStore> store_;
  std::unique_ptr<LibrarySync> sync_;
  std::unique_ptr<PlexLibrary> library_;
  std::unique_ptr<SyncJobs> sync_jobs_;
  std::unique_ptr<PlexServiceImpl> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::PlexService::Stub> stub_;
};

TEST_F(PlexServiceTest, EachRpcChecksItsCaller) {
  v1::LookupMediaRequest lookup;
  *lookup.add_keys() = Key("movie", 1001);
  v1::LookupMediaResponse found;
  EXPECT_EQ(stub_->LookupMedia(As("").get(), lookup, &found).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  for (const char* role : {"user", "admin", "service"}) {
    EXPECT_TRUE(stub_->LookupMedia(As(role).get(), lookup, &found).ok()) << role;
  }
  v1::SearchLibraryRequest search;
  search.set_query("Generated");
  v1::SearchLibraryResponse searched;
  EXPECT_TRUE(stub_->SearchLibrary(As("user").get(), search, &searched).ok());

  v1::RefreshPathRequest refresh;
  refresh.set_path("/srv/movies/x");
  v1::RefreshPathResponse refreshed;
  EXPECT_EQ(stub_->RefreshPath(As("user").get(), refresh, &refreshed).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::ListSectionsResponse sections;
  EXPECT_EQ(stub_->ListSections(As("user").get(), {}, &sections).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(stub_->ListSections(As("service").get(), {}, &sections).ok());
  common_v1::Job job;
  for (const char* role : {"user", "service"}) {
    EXPECT_EQ(stub_->SyncLibrary(As(role).get(), {}, &job).error_code(),
              grpc::StatusCode::PERMISSION_DENIED)
        << role;
    v1::SyncStatus status;
    EXPECT_EQ(stub_->GetSyncStatus(As(role).get(), {}, &status).error_code(),
              grpc::StatusCode::PERMISSION_DENIED)
        << role;
    v1::TestConnectionResponse tested;
    EXPECT_EQ(stub_->TestConnection(As(role).get(), {}, &tested).error_code(),
              grpc::StatusCode::PERMISSION_DENIED)
        << role;
  }
  EXPECT_TRUE(double_.requests().empty());  // nothing refused reached Plex
}

TEST_F(PlexServiceTest, ASyncStartedThroughTheApiShowsItsProgressAndFillsTheLibrary) {
  common_v1::Job job = Sync(/*full=*/true);
  ASSERT_EQ(job.status(), "succeeded") << job.last_error();
  EXPECT_EQ(job.kind(), "plex.sync.full");
  EXPECT_EQ(job.progress_done(), 25 + 2 + 4 + 16);
  EXPECT_EQ(job.progress_total(), job.progress_done());
  EXPECT_THAT(job.progress_note(), HasSubstr("47 written"));

  v1::SyncStatus status;
  ASSERT_TRUE(stub_->GetSyncStatus(As("admin").get(), {}, &status).ok());
  EXPECT_TRUE(status.configured());
  EXPECT_EQ(status.item_counts().at("movie"), 25);
  EXPECT_EQ(status.item_counts().at("episode"), 16);
  ASSERT_EQ(status.runs_size(), 1);
  EXPECT_EQ(status.runs(0).kind(), "full");
  EXPECT_EQ(status.runs(0).items_seen(), 47);
  EXPECT_EQ(status.active_jobs_size(), 0);

  v1::ListSectionsResponse sections;
  ASSERT_TRUE(stub_->ListSections(As("service").get(), {}, &sections).ok());
  ASSERT_EQ(sections.sections_size(), 2);
  EXPECT_EQ(sections.sections(0).title(), "Movies");
  EXPECT_EQ(sections.sections(0).plex_locations(0), "/data/movies");
  EXPECT_EQ(sections.sections(0).local_locations(0), "/srv/movies");
  EXPECT_EQ(sections.sections(0).item_count(), 25);
  EXPECT_EQ(sections.sections(1).local_locations(0), "/srv/tv");
  EXPECT_GT(sections.sections(1).last_synced_at().seconds(), 0);
}

TEST_F(PlexServiceTest, LookupAnswersEveryKeyInOrderFromTheCopy) {
  ASSERT_EQ(Sync(true).status(), "succeeded");
  double_.ClearRequests();
  v1::LookupMediaRequest request;
  *request.add_keys() = Key("movie", PlexDouble::GeneratedMovieTmdb(2));
  *request.add_keys() = Key("movie", 0, PlexDouble::GeneratedMovieImdb(10));
  *request.add_keys() = Key("movie", 424242);
  *request.add_keys() = Key("tv", PlexDouble::GeneratedShowTmdb(1));
  v1::LookupMediaResponse response;
  ASSERT_TRUE(stub_->LookupMedia(As("user").get(), request, &response).ok());
  EXPECT_EQ(response.matches(0).file_path(), "");  // server paths: not for users
  response.Clear();
  ASSERT_TRUE(stub_->LookupMedia(As("service").get(), request, &response).ok());
  ASSERT_EQ(response.matches_size(), 4);
  const v1::LibraryMatch& film = response.matches(0);
  EXPECT_TRUE(film.found());
  EXPECT_EQ(film.key().tmdb_id(), PlexDouble::GeneratedMovieTmdb(2));
  EXPECT_EQ(film.rating_key(), "100002");
  EXPECT_EQ(film.section_id(), 1);
  EXPECT_EQ(film.title(), "Generated Movie 2");
  EXPECT_EQ(film.year(), 1952);
  EXPECT_THAT(film.file_path(), ::testing::StartsWith("/srv/movies/Generated Movie 2 (1952)/"));
  EXPECT_TRUE(response.matches(1).found());  // legacy imdb agent
  EXPECT_EQ(response.matches(1).rating_key(), "100010");
  EXPECT_FALSE(response.matches(2).found());
  EXPECT_EQ(response.matches(2).rating_key(), "");
  const v1::LibraryMatch& show = response.matches(3);
  ASSERT_TRUE(show.found());
  ASSERT_EQ(show.seasons_size(), 2);
  EXPECT_EQ(show.seasons(1).season_number(), 2);
  EXPECT_THAT(show.seasons(1).episode_numbers(), ::testing::ElementsAre(1, 2, 3, 4));
  EXPECT_TRUE(double_.requests().empty());  // answered without asking Plex

  v1::LookupMediaRequest bad;
  *bad.add_keys() = Key("movie", 0, "", 871);
  grpc::Status refused = stub_->LookupMedia(As("user").get(), bad, &response);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(refused.error_message(), HasSubstr("keys[0]"));
  *bad.mutable_keys(0) = Key("music", 1);
  EXPECT_EQ(stub_->LookupMedia(As("user").get(), bad, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  v1::LookupMediaRequest too_many;
  for (int i = 0; i < 101; ++i) *too_many.add_keys() = Key("movie", i + 1);
  EXPECT_EQ(stub_->LookupMedia(As("user").get(), too_many, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(PlexServiceTest, SearchFindsTitlesAndOriginalTitles) {
  ASSERT_EQ(Sync(true).status(), "succeeded");
  v1::SearchLibraryRequest request;
  request.set_query("generated movie 12");
  v1::SearchLibraryResponse response;
  ASSERT_TRUE(stub_->SearchLibrary(As("user").get(), request, &response).ok());
  ASSERT_GE(response.matches_size(), 1);
  EXPECT_EQ(response.matches(0).title(), "Generated Movie 12");  // exact first
  EXPECT_EQ(response.matches(0).key().media_type(), "movie");
  EXPECT_EQ(response.matches(0).key().tmdb_id(), PlexDouble::GeneratedMovieTmdb(12));
  request.set_query("Film généré 9");  // original title of film 9
  ASSERT_TRUE(stub_->SearchLibrary(As("user").get(), request, &response).ok());
  ASSERT_EQ(response.matches_size(), 1);
  EXPECT_EQ(response.matches(0).rating_key(), "100009");
  request.set_query("Generated Show");
  request.set_media_type("tv");
  ASSERT_TRUE(stub_->SearchLibrary(As("user").get(), request, &response).ok());
  EXPECT_EQ(response.matches_size(), 2);
  request.set_query("G");
  EXPECT_EQ(stub_->SearchLibrary(As("user").get(), request, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(PlexServiceTest, RefreshPathRescansTheRightSectionAndConfirmsTheTitle) {
  ASSERT_EQ(Sync(true).status(), "succeeded");
  testing::DoubleMovie film = PlexDouble::GeneratedMovie(901);
  film.file = "/data/movies/New Film (2026)/New.Film.2026.mkv";
  film.added_at = absl::ToUnixSeconds(absl::Now());
  double_.AddMovie(film, /*hidden=*/true);  // Plex sees it only once it scanned
  media_.Track({.media_type = "movie", .tmdb_id = PlexDouble::GeneratedMovieTmdb(901)});

  v1::RefreshPathRequest request;
  request.set_path("/srv/movies/New Film (2026)/New.Film.2026.mkv");
  *request.mutable_expect() = Key("movie", PlexDouble::GeneratedMovieTmdb(901));
  v1::RefreshPathResponse response;
  grpc::Status status = stub_->RefreshPath(As("service").get(), request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.section_id(), 1);
  EXPECT_EQ(response.plex_path(), "/data/movies/New Film (2026)");
  EXPECT_TRUE(response.confirmed());
  ASSERT_EQ(double_.refresh_calls().size(), 1u);
  EXPECT_EQ(double_.refresh_calls()[0].section_id, 1);
  EXPECT_EQ(double_.refresh_calls()[0].path, "/data/movies/New Film (2026)");
  ASSERT_FALSE(media_.reports().empty());
  const testing::FakeMediaPeer::Report report = media_.reports().back();
  EXPECT_FALSE(report.complete);
  ASSERT_EQ(report.titles.size(), 1u);
  EXPECT_TRUE(report.titles[0].present);
  EXPECT_EQ(report.titles[0].rating_key, "100901");

  // An episode folder goes to the series section; nothing expected there.
  request.set_path("/srv/tv/Generated Show 1/Season 03/x.mkv");
  request.clear_expect();
  ASSERT_TRUE(stub_->RefreshPath(As("admin").get(), request, &response).ok());
  EXPECT_EQ(response.section_id(), 2);
  EXPECT_EQ(response.plex_path(), "/data/tv/Generated Show 1/Season 03");
  EXPECT_FALSE(response.confirmed());

  request.set_path("/somewhere/else/film.mkv");
  status = stub_->RefreshPath(As("service").get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(), HasSubstr("plex.path_map"));
  request.set_path("relative/film.mkv");
  EXPECT_EQ(stub_->RefreshPath(As("service").get(), request, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  // kiosk-media down: the rescan was asked all the same; not confirmed.
  media_.Fail(absl::UnavailableError("kiosk-media is not reachable"));
  request.set_path("/srv/movies/New Film (2026)");
  *request.mutable_expect() = Key("movie", PlexDouble::GeneratedMovieTmdb(901));
  ASSERT_TRUE(stub_->RefreshPath(As("service").get(), request, &response).ok());
  EXPECT_FALSE(response.confirmed());
  EXPECT_EQ(double_.refresh_calls().size(), 3u);

  double_.FailAll(503);
  request.set_path("/srv/movies/x");
  EXPECT_EQ(stub_->RefreshPath(As("service").get(), request, &response).error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

TEST_F(PlexServiceTest, TestConnectionSaysWhatIsWrong) {
  v1::TestConnectionResponse response;
  ASSERT_TRUE(stub_->TestConnection(As("admin").get(), {}, &response).ok());
  EXPECT_EQ(response.version(), "1.40.2.8395-c67dce28e");
  EXPECT_EQ(response.machine_identifier(), "plex-double-0001");
  EXPECT_EQ(response.section_count(), 2);

  v1::TestConnectionRequest bad_token;
  bad_token.set_token("wrong");
  grpc::Status status = stub_->TestConnection(As("admin").get(), bad_token, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), HasSubstr("Plex token rejected"));
  EXPECT_THAT(status.error_message(), ::testing::Not(HasSubstr("wrong")));

  settings_.Set("plex.url", "");
  status = stub_->TestConnection(As("admin").get(), {}, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), HasSubstr("plex.url"));
  v1::TestConnectionRequest nowhere;
  nowhere.set_url("http://127.0.0.1:1");
  EXPECT_EQ(stub_->TestConnection(As("admin").get(), nowhere, &response).error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

TEST_F(PlexServiceTest, PeriodicTicksSyncOnlyWhenDueAndWhenConfigured) {
  ASSERT_EQ(Sync(true).status(), "succeeded");
  double_.ClearRequests();
  // A periodic tick (no "force") right after a full sync: not due.
  absl::StatusOr<std::optional<int64_t>> tick = jobs_->queue().Enqueue(kIncrementalSyncKind, "{}");
  ASSERT_TRUE(tick.ok() && tick->has_value());
  common_v1::Job job = WaitForJob(**tick, {"succeeded", "dead"});
  EXPECT_EQ(job.status(), "succeeded");
  EXPECT_THAT(job.progress_note(), HasSubstr("not due"));
  EXPECT_TRUE(double_.requests().empty());

  settings_.Set("plex.url", "");
  tick = jobs_->queue().Enqueue(kFullSyncKind, R"({"force": true})");
  ASSERT_TRUE(tick.ok() && tick->has_value());
  job = WaitForJob(**tick, {"succeeded", "dead"});
  EXPECT_EQ(job.status(), "succeeded");
  EXPECT_THAT(job.progress_note(), HasSubstr("not configured"));
  v1::SyncStatus status;
  ASSERT_TRUE(stub_->GetSyncStatus(As("admin").get(), {}, &status).ok());
  EXPECT_FALSE(status.configured());
}

TEST_F(PlexServiceTest, PlexDownFailsTheJobWithTheReasonAndItRetriesWhileTheServiceAnswers) {
  double_.FailAll(500);
  common_v1::Job job = Sync(/*full=*/false);  // the first incremental is a full one
  EXPECT_EQ(job.status(), "dead");
  EXPECT_EQ(job.attempts(), 3);  // retried
  EXPECT_THAT(job.last_error(), HasSubstr("Plex sync failed"));
  EXPECT_THAT(job.last_error(), HasSubstr("Plex answered 500"));
  v1::SyncStatus status;
  ASSERT_TRUE(stub_->GetSyncStatus(As("admin").get(), {}, &status).ok());
  EXPECT_EQ(status.last_failed_job().id(), job.id());
  EXPECT_THAT(status.last_failed_job().last_error(), HasSubstr("Plex answered 500"));
  // The service keeps answering from its copy.
  v1::LookupMediaRequest lookup;
  *lookup.add_keys() = Key("movie", 1001);
  v1::LookupMediaResponse found;
  EXPECT_TRUE(stub_->LookupMedia(As("user").get(), lookup, &found).ok());

  double_.FailAll(0);
  common_v1::RetryJobRequest retry;
  retry.set_id(job.id());
  common_v1::Job retried;
  ASSERT_TRUE(stub_->RetryJob(As("admin").get(), retry, &retried).ok());
  EXPECT_EQ(WaitForJob(job.id(), {"succeeded", "dead"}).status(), "succeeded");
  ASSERT_TRUE(stub_->LookupMedia(As("user").get(), lookup, &found).ok());
  EXPECT_TRUE(found.matches(0).found());
  ASSERT_TRUE(stub_->GetSyncStatus(As("admin").get(), {}, &status).ok());
  EXPECT_FALSE(status.has_last_failed_job());  // succeeded since

  // A bad token is said as such in the job.
  settings_.Set("plex.token", "wrong");
  job = Sync(/*full=*/true);
  EXPECT_EQ(job.status(), "dead");
  EXPECT_THAT(job.last_error(), HasSubstr("Plex token rejected"));
}

TEST_F(PlexServiceTest, KioskMediaDownDoesNotRedoTheSyncOnlyTheReportRetries) {
  media_.Track({.media_type = "movie", .tmdb_id = PlexDouble::GeneratedMovieTmdb(1)});
  // The sync's report and the first retry fail; the second retry gets through.
  media_.FailNext(2, absl::UnavailableError("kiosk-media is not reachable (MEDIA_ADDR)"));
  common_v1::Job job = Sync(/*full=*/true);
  EXPECT_EQ(job.status(), "succeeded");
  EXPECT_THAT(job.progress_note(), HasSubstr("kiosk-media not told yet"));
  absl::StatusOr<std::vector<jobs::Job>> retries =
      jobs_->queue().List({.kind = kAvailabilityKind, .limit = 5});
  ASSERT_TRUE(retries.ok());
  ASSERT_EQ(retries->size(), 1u);
  const size_t listings = double_.requests().size();
  common_v1::Job report = WaitForJob(retries->front().id, {"succeeded", "dead"});
  EXPECT_EQ(report.status(), "succeeded");
  EXPECT_EQ(report.attempts(), 2);
  ASSERT_EQ(media_.reports().size(), 1u);
  EXPECT_TRUE(media_.reports()[0].complete);
  EXPECT_TRUE(media_.reports()[0].titles[0].present);
  EXPECT_EQ(double_.requests().size(), listings);  // Plex was not listed again
}

TEST_F(PlexServiceTest, SyncLibraryReturnsTheActiveJobInsteadOfASecond) {
  double_.SetDelay(absl::Milliseconds(300));  // keeps the first one busy
  v1::SyncLibraryRequest request;
  request.set_full(true);
  common_v1::Job first, second;
  ASSERT_TRUE(stub_->SyncLibrary(As("admin").get(), request, &first).ok());
  ASSERT_TRUE(stub_->SyncLibrary(As("admin").get(), request, &second).ok());
  EXPECT_EQ(first.id(), second.id());
  v1::SyncStatus status;
  ASSERT_TRUE(stub_->GetSyncStatus(As("admin").get(), {}, &status).ok());
  ASSERT_EQ(status.active_jobs_size(), 1);
  EXPECT_EQ(status.active_jobs(0).id(), first.id());
  double_.SetDelay(absl::ZeroDuration());
  EXPECT_EQ(WaitForJob(first.id(), {"succeeded", "dead"}).status(), "succeeded");
}

}  // namespace
}  // namespace kiosk::plex
