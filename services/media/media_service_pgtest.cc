// kiosk-media through gRPC (in process, port 0) on a real, migrated
// PostgreSQL, logged in as its own role (kiosk_media). TMDB is the double,
// driven by the real TmdbClient over HTTP; kiosk-plex, kiosk-downloads and
// kiosk-users are in-memory fakes. The clock is the test's.
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <latch>
#include <set>
#include <pqxx/pqxx>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/db/connection_pool.h"
#include "common/http/http_client.h"
#include "common/jobs/job_runtime.h"
#include "common/testing/pg_test_database.h"
#include "common/testing/status_matchers.h"
#include "migrations/runner/migrator.h"
#include "services/media/library_presence.h"
#include "services/media/mapping_admin.h"
#include "services/media/media_service.h"
#include "services/media/pg_request_counts_store.h"
#include "services/media/pg_request_store.h"
#include "services/media/pg_requested_seasons_store.h"
#include "services/media/pg_title_mapping_store.h"
#include "services/media/request_job.h"
#include "services/media/request_workflow.h"
#include "services/media/search.h"
#include "services/media/testing/fake_peers.h"
#include "services/media/testing/tmdb_double.h"
#include "services/media/tmdb_client.h"

namespace kiosk::media {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;
using Stub = v1::MediaService::Stub;

constexpr char kSecret[] = "media-test-secret-0123456789abcdef0123456789";
constexpr char kTmdbKey[] = "0123456789abcdef0123456789abcdef";
constexpr char kDummyHash[] = "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g";

class MediaServiceTest : public kiosk::testing::PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    ASSERT_TRUE(migrate::MigrateToHead(db().conninfo()).ok());
    admin_id_ = AddUser("boss", "admin");
    alice_ = AddUser("alice", "user");
    bob_ = AddUser("bob", "user");
    users_.Put({.id = admin_id_, .is_admin = true, .preferred_language = "fr"});
    users_.Put({.id = alice_, .preferred_language = "fr"});
    users_.Put({.id = bob_, .preferred_language = "en"});

    ASSERT_TRUE(tmdb_double_.Start().ok());
    settings_.Set("tmdb.api_key", kTmdbKey);
    settings_.Set("tmdb.url", tmdb_double_.base_url());

    db::PoolOptions options;
    options.conninfo = db().conninfo() + " options='-c role=kiosk_media'";
    options.pool_size = 6;
    pool_ = std::make_unique<db::ConnectionPool>(options);
    config_.database = db().url();
    info_ = std::make_unique<server::ServiceInfoSource>("kiosk-media", config_, *pool_);
    jobs_ = std::make_unique<jobs::JobRuntime>(*pool_, "media", jobs::RuntimeOptions{});
    TmdbOptions tmdb_options;
    tmdb_options.sleep = [](absl::Duration) {};
    // These tests switch TMDB off and on between identical searches.
    tmdb_options.search_cache_ttl = absl::ZeroDuration();
    tmdb_ = std::make_unique<TmdbClient>(http_, settings_, tmdb_options);
    counts_ = std::make_unique<PgRequestCountsStore>(*pool_);
    requests_ = std::make_unique<PgRequestStore>(*pool_, jobs_->queue());
    mappings_ = std::make_unique<PgTitleMappingStore>(*pool_);
    auto clock = [this] { return now_; };
    search_ = std::make_unique<Search>(*tmdb_, *mappings_, *requests_, plex_, users_, settings_);
    workflow_ = std::make_unique<RequestWorkflow>(*requests_, *tmdb_, plex_, users_, settings_,
                                                  clock);
    presence_ = std::make_unique<LibraryPresence>(*requests_, *tmdb_, clock);
    mapping_admin_ = std::make_unique<MappingAdmin>(*mappings_);
    requested_seasons_ = std::make_unique<PgRequestedSeasonsStore>(*pool_);
    titles_ = std::make_unique<TitleDetailsReader>(*tmdb_, plex_, *requested_seasons_, users_,
                                                   settings_);
    request_job_ = std::make_unique<RequestJob>(*requests_, downloads_, clock);
    authenticator_ = std::make_unique<auth::Authenticator>(jwt_);
    service_ = std::make_unique<MediaServiceImpl>(
        *jobs_, executor_, *info_, *authenticator_,
        MediaLogic{*counts_, *search_, *workflow_, *presence_, *mapping_admin_, *titles_});
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    stub_ = v1::MediaService::NewStub(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
  }
  void TearDown() override {
    if (server_) server_->Shutdown();
    executor_.Shutdown();
  }

  int64_t AddUser(const std::string& name, const std::string& role) {
    pqxx::connection conn(db().conninfo());
    pqxx::work tx(conn);
    int64_t id = tx.exec_params1("INSERT INTO users.users (username, email, password_hash, role) "
                                 "VALUES ($1, $2, $3, $4) RETURNING id",
                                 name, name + "@example.org", kDummyHash, role)[0]
                     .as<int64_t>();
    tx.commit();
    return id;
  }

  std::string Token(int64_t id) {
    return jwt_.Sign({.user_id = id,
                      .role = id == admin_id_ ? "admin" : "user",
                      .must_change_password = false,
                      .token_id = "t",
                      .issued_at = absl::Now(),
                      .expires_at = absl::Now() + absl::Minutes(5),
                      .service = ""});
  }
  std::string ServiceToken(const std::string& name) {
    return jwt_.SignServiceToken(name, absl::Now());
  }

  template <typename Request, typename Response>
  grpc::Status Call(grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                    const std::string& token, const Request& request, Response* response) {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer " + token);
    return (stub_.get()->*method)(&ctx, request, response);
  }

  grpc::Status Create(int64_t user, const std::string& type, int tmdb_id,
                      const std::string& language, v1::MediaRequest* out,
                      std::vector<std::pair<int, std::vector<int>>> seasons = {}) {
    v1::CreateRequestRequest request;
    request.set_media_type(type);
    request.set_tmdb_id(tmdb_id);
    request.set_language(language);
    for (const auto& [season, episodes] : seasons) {
      v1::SeasonSelection* s = request.add_seasons();
      s->set_season_number(season);
      for (int e : episodes) s->add_episode_numbers(e);
    }
    return Call(&Stub::CreateRequest, Token(user), request, out);
  }
  v1::MediaRequest MustCreate(int64_t user, const std::string& type, int tmdb_id,
                              const std::string& language = "fr") {
    v1::MediaRequest out;
    grpc::Status status = Create(user, type, tmdb_id, language, &out);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return out;
  }
  grpc::Status Approve(int64_t id, v1::MediaRequest* out, int64_t as = 0) {
    v1::ApproveRequestRequest request;
    request.set_id(id);
    return Call(&Stub::ApproveRequest, Token(as == 0 ? admin_id_ : as), request, out);
  }
  grpc::Status Progress(int64_t id, const std::string& status, v1::MediaRequest* out,
                        const std::string& service = "kiosk-downloads") {
    v1::ReportRequestProgressRequest request;
    request.set_request_id(id);
    request.set_status(status);
    request.set_reason("test");
    return Call(&Stub::ReportRequestProgress, ServiceToken(service), request, out);
  }
  v1::SearchResponse MustSearch(const std::string& query, int64_t user = 0,
                                const std::string& type = "") {
    v1::SearchRequest request;
    request.set_query(query);
    request.set_type(type);
    v1::SearchResponse out;
    grpc::Status status = Call(&Stub::Search, Token(user == 0 ? alice_ : user), request, &out);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return out;
  }

  int64_t Scalar(const std::string& sql) {
    pqxx::connection conn(db().conninfo());
    pqxx::read_transaction tx(conn);
    return tx.exec1(sql)[0].as<int64_t>();
  }
  int64_t RequestJobs(int64_t id) {
    return Scalar(absl::StrCat("SELECT count(*) FROM media.jobs WHERE kind = 'request' AND "
                               "payload->>'request_id' = '", id, "'"));
  }
  std::vector<std::string> Events() {
    pqxx::connection conn(db().conninfo());
    pqxx::read_transaction tx(conn);
    std::vector<std::string> events;
    for (const auto& row : tx.exec("SELECT payload->>'event' FROM media.jobs "
                                   "WHERE kind = 'webhook.dispatch' ORDER BY id")) {
      events.push_back(row[0].as<std::string>());
    }
    return events;
  }
  // Runs the newest request job of `id` the way a worker would, and marks
  // it succeeded when it did.
  absl::Status RunRequestJob(int64_t id) {
    pqxx::connection conn(db().conninfo());
    jobs::Job job;
    {
      pqxx::read_transaction tx(conn);
      pqxx::row row = tx.exec1(absl::StrCat(
          "SELECT id, payload::text FROM media.jobs WHERE kind = 'request' AND "
          "payload->>'request_id' = '", id, "' ORDER BY id DESC LIMIT 1"));
      job.id = row[0].as<int64_t>();
      job.kind = kRequestJobKind;
      job.payload = row[1].as<std::string>();
    }
    absl::Status done = request_job_->Run(job);
    if (done.ok()) {
      pqxx::work tx(conn);
      tx.exec_params("UPDATE media.jobs SET status = 'succeeded', finished_at = now() "
                     "WHERE id = $1", job.id);
      tx.commit();
    }
    return done;
  }

  absl::Time now_ = absl::FromCivil(absl::CivilSecond(2026, 11, 30, 12, 0, 0), absl::UTCTimeZone());
  int64_t admin_id_ = 0, alice_ = 0, bob_ = 0;
  auth::JwtCodec jwt_{kSecret};
  testing::TmdbDouble tmdb_double_{kTmdbKey};
  server::FixedSettings settings_;
  http::CurlHttpClient http_;
  testing::FakePlexLibrary plex_;
  testing::FakeDownloadsDesk downloads_;
  testing::FakeUserDirectory users_;
  config::ServiceConfig config_;
  std::unique_ptr<db::ConnectionPool> pool_;
  std::unique_ptr<server::ServiceInfoSource> info_;
  std::unique_ptr<jobs::JobRuntime> jobs_;  // not started: jobs are run by hand
  std::unique_ptr<TmdbClient> tmdb_;
  std::unique_ptr<PgRequestCountsStore> counts_;
  std::unique_ptr<PgRequestStore> requests_;
  std::unique_ptr<PgTitleMappingStore> mappings_;
  std::unique_ptr<Search> search_;
  std::unique_ptr<RequestWorkflow> workflow_;
  std::unique_ptr<LibraryPresence> presence_;
  std::unique_ptr<MappingAdmin> mapping_admin_;
  std::unique_ptr<PgRequestedSeasonsStore> requested_seasons_;
  std::unique_ptr<TitleDetailsReader> titles_;
  std::unique_ptr<RequestJob> request_job_;
  std::unique_ptr<auth::Authenticator> authenticator_;
  server::Executor executor_{"test-media", 6, 100};
  std::unique_ptr<MediaServiceImpl> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<Stub> stub_;
};

// ------------------------------------------------------------------ search

TEST_F(MediaServiceTest, FrenchAndEnglishTitlesFindTheSameFilmWithBothTitles) {
  for (const std::string query : {"Amélie", "Le fabuleux destin", "amelie"}) {
    v1::SearchResponse found = MustSearch(query, 0, "movie");
    ASSERT_EQ(found.results_size(), 1) << query;
    const v1::SearchResult& r = found.results(0);
    EXPECT_EQ(r.tmdb_id(), 194) << query;
    EXPECT_EQ(r.title_fr(), "Le Fabuleux Destin d'Amélie Poulain");
    EXPECT_EQ(r.title_en(), "Amélie");
    EXPECT_EQ(r.original_title(), "Le Fabuleux Destin d'Amélie Poulain");
    EXPECT_EQ(r.year(), 2001);
    EXPECT_EQ(found.source(), "tmdb");
    EXPECT_TRUE(found.library_checked());
    EXPECT_FALSE(r.in_plex());
    EXPECT_EQ(r.request_id(), 0);
  }
  // Overviews follow the user's language: alice reads French, bob English.
  EXPECT_THAT(MustSearch("amélie", alice_).results(0).overview(), HasSubstr("Montmartre"));
  EXPECT_THAT(MustSearch("amélie", bob_).results(0).overview(), HasSubstr("Parisian"));
  // Both languages were asked.
  std::set<std::string> languages;
  for (const auto& r : tmdb_double_.server().requests()) languages.insert(r.QueryParam("language"));
  EXPECT_THAT(languages, UnorderedElementsAre("fr-FR", "en-US"));
}

TEST_F(MediaServiceTest, SearchRemembersMappingsAndFallsBackToThemWhenTmdbIsDown) {
  MustSearch("Intouchables");
  EXPECT_EQ(Scalar("SELECT count(*) FROM media.title_mappings WHERE tmdb_id = 77338 AND "
                   "title_en = 'The Intouchables' AND source = 'tmdb'"),
            1);
  tmdb_double_.Stop();
  v1::SearchResponse local = MustSearch("intouchables");
  EXPECT_EQ(local.source(), "local");
  EXPECT_THAT(local.notice(), HasSubstr("TMDB"));
  ASSERT_EQ(local.results_size(), 1);
  EXPECT_EQ(local.results(0).tmdb_id(), 77338);
  EXPECT_EQ(local.results(0).title_en(), "The Intouchables");
  EXPECT_EQ(MustSearch("The Intouch").results_size(), 1) << "English title, local search";
}

TEST_F(MediaServiceTest, LocalSearchFoldsAccentsAndFindsBothLanguages) {
  MustSearch("Amélie", 0, "movie");
  tmdb_double_.Stop();
  for (const std::string query : {"amelie", "AMÉLIE", "fabuleux destin"}) {
    v1::SearchResponse local = MustSearch(query);
    EXPECT_EQ(local.source(), "local") << query;
    ASSERT_EQ(local.results_size(), 1) << query;
    EXPECT_EQ(local.results(0).tmdb_id(), 194);
    EXPECT_EQ(local.results(0).title_en(), "Amélie");
  }
  EXPECT_EQ(MustSearch("50%").results_size(), 0) << "LIKE wildcards are literal";
}

TEST_F(MediaServiceTest, SearchFallsBackWhenTheKeyIsMissing) {
  MustSearch("matrix");
  settings_.Set("tmdb.api_key", nullptr);
  v1::SearchResponse local = MustSearch("Matrix");
  EXPECT_EQ(local.source(), "local");
  EXPECT_THAT(local.notice(), HasSubstr("tmdb.api_key"));
  ASSERT_EQ(local.results_size(), 1);
  EXPECT_EQ(local.results(0).title_fr(), "Matrix");
}

TEST_F(MediaServiceTest, ManualMappingsWinAndTmdbNeverOverwritesThem) {
  v1::CreateTitleMappingRequest put;
  put.set_media_type("movie");
  put.set_tmdb_id(603);
  put.set_title_fr("La Matrice");
  put.set_title_en("The Matrix");
  v1::TitleMapping saved;
  ASSERT_TRUE(Call(&Stub::CreateTitleMapping, Token(admin_id_), put, &saved).ok());
  EXPECT_EQ(saved.source(), "manual");
  EXPECT_EQ(MustSearch("matrix").results(0).title_fr(), "La Matrice");
  EXPECT_EQ(Scalar("SELECT count(*) FROM media.title_mappings WHERE tmdb_id = 603 AND "
                   "title_fr = 'La Matrice' AND source = 'manual'"),
            1);
  // Users may not touch mappings.
  v1::TitleMapping ignored;
  EXPECT_EQ(Call(&Stub::CreateTitleMapping, Token(alice_), put, &ignored).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // Correct, list, delete.
  v1::UpdateTitleMappingRequest update;
  update.set_id(saved.id());
  update.set_title_fr("Matrix");
  ASSERT_TRUE(Call(&Stub::UpdateTitleMapping, Token(admin_id_), update, &saved).ok());
  EXPECT_EQ(saved.title_fr(), "Matrix");
  v1::ListTitleMappingsRequest list;
  list.set_query("matr");
  v1::ListTitleMappingsResponse listed;
  ASSERT_TRUE(Call(&Stub::ListTitleMappings, Token(admin_id_), list, &listed).ok());
  ASSERT_EQ(listed.mappings_size(), 1);
  v1::DeleteTitleMappingRequest del;
  del.set_id(saved.id());
  v1::DeleteTitleMappingResponse deleted;
  ASSERT_TRUE(Call(&Stub::DeleteTitleMapping, Token(admin_id_), del, &deleted).ok());
  EXPECT_EQ(Call(&Stub::DeleteTitleMapping, Token(admin_id_), del, &deleted).error_code(),
            grpc::StatusCode::NOT_FOUND);
  v1::CreateTitleMappingRequest empty;
  empty.set_media_type("movie");
  empty.set_tmdb_id(5);
  EXPECT_EQ(Call(&Stub::CreateTitleMapping, Token(admin_id_), empty, &ignored).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(MediaServiceTest, SearchShowsWhatPlexHoldsAndWhatIsRequested) {
  plex_.Add({.key = {"movie", 603}, .present = true});
  v1::MediaRequest request = MustCreate(alice_, "movie", 27205);
  v1::SearchResponse matrix = MustSearch("matrix");
  EXPECT_TRUE(matrix.results(0).in_plex());
  v1::SearchResponse inception = MustSearch("inception");
  EXPECT_FALSE(inception.results(0).in_plex());
  EXPECT_EQ(inception.results(0).request_id(), request.id());
  EXPECT_EQ(inception.results(0).request_status(), "pending");
  // kiosk-plex down: the search still answers, and says so.
  plex_.Fail(absl::UnavailableError("kiosk-plex down"));
  EXPECT_FALSE(MustSearch("matrix").library_checked());
}

TEST_F(MediaServiceTest, SearchRejectsBadInput) {
  v1::SearchRequest request;
  v1::SearchResponse out;
  EXPECT_EQ(Call(&Stub::Search, Token(alice_), request, &out).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  request.set_query("x");
  request.set_type("book");
  EXPECT_EQ(Call(&Stub::Search, Token(alice_), request, &out).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  request.set_type("");
  grpc::ClientContext anonymous;
  EXPECT_EQ(stub_->Search(&anonymous, request, &out).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}


// ---------------------------------------------------------------- requests

TEST_F(MediaServiceTest, RequestIsPendingUntilApprovedAndApprovalQueuesOneJob) {
  v1::MediaRequest created = MustCreate(alice_, "movie", 194, "fr");
  EXPECT_EQ(created.status(), "pending");
  EXPECT_EQ(created.title(), "Le Fabuleux Destin d'Amélie Poulain");
  EXPECT_EQ(created.title_en(), "Amélie");
  EXPECT_EQ(created.imdb_id(), "tt0211915");
  EXPECT_EQ(created.year(), 2001);
  EXPECT_EQ(created.poster_path(), "/nSxDa3M9aMvGVLoItzWTepQ5h5d.jpg");
  EXPECT_EQ(created.user_id(), alice_);
  EXPECT_EQ(RequestJobs(created.id()), 0);

  v1::MediaRequest approved;
  ASSERT_TRUE(Approve(created.id(), &approved).ok());
  EXPECT_EQ(approved.status(), "approved");
  EXPECT_EQ(approved.approved_by(), admin_id_);
  EXPECT_EQ(approved.approved_at().seconds(), absl::ToUnixSeconds(now_));
  EXPECT_EQ(RequestJobs(created.id()), 1);
  EXPECT_THAT(Events(), ElementsAre("request.created", "request.approved"));

  // The job hands it to kiosk-downloads and moves it to processing.
  ASSERT_TRUE(RunRequestJob(created.id()).ok());
  EXPECT_THAT(downloads_.submitted(), ElementsAre(created.id()));
  v1::GetRequestRequest get;
  get.set_id(created.id());
  v1::MediaRequest now;
  ASSERT_TRUE(Call(&Stub::GetRequest, Token(alice_), get, &now).ok());
  EXPECT_EQ(now.status(), "processing");

  // The history says who did what.
  v1::ListRequestHistoryRequest history_request;
  history_request.set_id(created.id());
  v1::ListRequestHistoryResponse history;
  ASSERT_TRUE(Call(&Stub::ListRequestHistory, Token(alice_), history_request, &history).ok());
  ASSERT_EQ(history.transitions_size(), 3);
  EXPECT_EQ(history.transitions(0).from_status(), "");
  EXPECT_EQ(history.transitions(0).to_status(), "pending");
  EXPECT_EQ(history.transitions(0).actor_user_id(), alice_);
  EXPECT_EQ(history.transitions(1).to_status(), "approved");
  EXPECT_EQ(history.transitions(1).actor_user_id(), admin_id_);
  EXPECT_EQ(history.transitions(2).to_status(), "processing");
  EXPECT_EQ(history.transitions(2).actor_service(), "kiosk-media");
}

TEST_F(MediaServiceTest, RequestJobFailsWhileDownloadsIsDownSoTheQueueRetries) {
  v1::MediaRequest created = MustCreate(alice_, "movie", 603);
  v1::MediaRequest approved;
  ASSERT_TRUE(Approve(created.id(), &approved).ok());
  downloads_.Fail(absl::UnavailableError("kiosk-downloads cannot be reached"));
  EXPECT_TRUE(absl::IsUnavailable(RunRequestJob(created.id())));
  EXPECT_EQ(workflow_->Get({.user_id = admin_id_, .role = "admin"}, created.id())->status,
            "approved");
  downloads_.Fail(absl::OkStatus());
  EXPECT_TRUE(RunRequestJob(created.id()).ok());
  EXPECT_EQ(workflow_->Get({.user_id = admin_id_, .role = "admin"}, created.id())->status,
            "processing");
}

TEST_F(MediaServiceTest, AutoApproveUsersAndAdminsAreApprovedAtOnce) {
  users_.Put({.id = bob_, .auto_approve = true, .preferred_language = "en"});
  v1::MediaRequest created = MustCreate(bob_, "movie", 603, "");
  EXPECT_EQ(created.status(), "approved");
  EXPECT_EQ(created.language(), "en") << "bob's preferred language";
  EXPECT_EQ(created.title(), "The Matrix");
  EXPECT_EQ(RequestJobs(created.id()), 1);
  EXPECT_THAT(Events(), ElementsAre("request.created", "request.approved"));
  EXPECT_EQ(MustCreate(admin_id_, "movie", 27205).status(), "approved");
}

TEST_F(MediaServiceTest, DuplicateActiveRequestIsAlreadyExistsNamingIt) {
  v1::MediaRequest first = MustCreate(alice_, "movie", 194, "fr");
  v1::MediaRequest again;
  grpc::Status dup = Create(bob_, "movie", 194, "fr", &again);
  EXPECT_EQ(dup.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_THAT(dup.error_message(), HasSubstr(absl::StrCat("request ", first.id())));
  EXPECT_THAT(dup.error_message(), HasSubstr("pending"));
  // Another language is another request.
  EXPECT_TRUE(Create(bob_, "movie", 194, "en", &again).ok());
  // Once cancelled, the title may be asked again.
  v1::CancelRequestRequest cancel;
  cancel.set_id(first.id());
  v1::MediaRequest cancelled;
  ASSERT_TRUE(Call(&Stub::CancelRequest, Token(alice_), cancel, &cancelled).ok());
  EXPECT_EQ(cancelled.status(), "cancelled");
  EXPECT_TRUE(Create(bob_, "movie", 194, "fr", &again).ok());
}

TEST_F(MediaServiceTest, WhatPlexHoldsIsRefused) {
  plex_.Add({.key = {"movie", 77338}, .present = true});
  v1::MediaRequest out;
  grpc::Status refused = Create(alice_, "movie", 77338, "fr", &out);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_THAT(refused.error_message(), HasSubstr("already in Plex"));
  // A series with only season 1 in Plex: season 1 is refused, season 2 is fine.
  plex_.Add({.key = {"tv", 96677}, .present = true, .seasons = {{1, {1, 2, 3, 4, 5}}}});
  EXPECT_EQ(Create(alice_, "tv", 96677, "fr", &out, {{1, {}}}).error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_TRUE(Create(alice_, "tv", 96677, "fr", &out, {{2, {}}}).ok());
  EXPECT_EQ(out.seasons_size(), 1);
  EXPECT_EQ(out.tvdb_id(), 375952);
}

TEST_F(MediaServiceTest, RequestsAreCheckedAgainstTmdb) {
  v1::MediaRequest out;
  grpc::Status wrong_type = Create(alice_, "movie", 1396, "fr", &out);
  EXPECT_EQ(wrong_type.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(wrong_type.error_message(), HasSubstr("media type"));
  EXPECT_EQ(Create(alice_, "tv", 1396, "fr", &out, {{9, {}}}).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  grpc::Status episodes = Create(alice_, "tv", 1396, "fr", &out, {{1, {8}}});
  EXPECT_EQ(episodes.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(episodes.error_message(), HasSubstr("7 episodes"));
  EXPECT_EQ(Create(alice_, "movie", 194, "de", &out).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Create(alice_, "movie", 194, "fr", &out, {{1, {}}}).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  ASSERT_TRUE(Create(alice_, "tv", 1396, "vo", &out, {{1, {1, 2}}, {2, {}}}).ok());
  EXPECT_EQ(out.title(), "Breaking Bad");
  ASSERT_EQ(out.seasons_size(), 2);
  EXPECT_THAT(out.seasons(0).episode_numbers(), ElementsAre(1, 2));
  // Services do not request.
  v1::CreateRequestRequest request;
  request.set_media_type("movie");
  request.set_tmdb_id(194);
  EXPECT_EQ(Call(&Stub::CreateRequest, ServiceToken("kiosk-plex"), request, &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(MediaServiceTest, QuotaCountsRequestsInTheWindowAndSaysWhenItFreesUp) {
  settings_.Set("quota.movie_limit", 2);
  settings_.Set("quota.movie_days", 7);
  MustCreate(alice_, "movie", 194);
  now_ += absl::Hours(24);
  MustCreate(alice_, "movie", 603);
  now_ += absl::Hours(24);
  v1::MediaRequest out;
  grpc::Status full = Create(alice_, "movie", 27205, "fr", &out);
  EXPECT_EQ(full.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(full.error_message(), HasSubstr("2026-12-07 12:00 UTC"));  // first + 7 days
  // Series have their own quota (none set).
  EXPECT_TRUE(Create(alice_, "tv", 1396, "fr", &out).ok());
  // Admins have none.
  EXPECT_TRUE(Create(admin_id_, "movie", 27205, "fr", &out).ok());
  // Seven days after the first request, one slot is free again.
  now_ = absl::FromCivil(absl::CivilSecond(2026, 12, 7, 12, 0, 1), absl::UTCTimeZone());
  EXPECT_TRUE(Create(alice_, "movie", 8392, "fr", &out).ok());
  EXPECT_EQ(Create(alice_, "movie", 77338, "fr", &out).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
  // A user's own limit beats the default.
  users_.Put({.id = alice_, .preferred_language = "fr", .movie_quota_limit = 10});
  EXPECT_TRUE(Create(alice_, "movie", 77338, "fr", &out).ok());
}

TEST_F(MediaServiceTest, DeclinedAndCancelledRequestsDoNotUseQuota) {
  settings_.Set("quota.movie_limit", 1);
  v1::MediaRequest first = MustCreate(alice_, "movie", 194);
  v1::DeclineRequestRequest decline;
  decline.set_id(first.id());
  decline.set_reason("not in French yet");
  v1::MediaRequest declined;
  ASSERT_TRUE(Call(&Stub::DeclineRequest, Token(admin_id_), decline, &declined).ok());
  EXPECT_EQ(declined.status(), "declined");
  EXPECT_EQ(declined.status_reason(), "not in French yet");
  EXPECT_THAT(Events(), ElementsAre("request.created", "request.declined"));
  v1::MediaRequest out;
  EXPECT_TRUE(Create(alice_, "movie", 603, "fr", &out).ok());
}

TEST_F(MediaServiceTest, UsersSeeAndCancelOnlyTheirOwnRequests) {
  v1::MediaRequest mine = MustCreate(alice_, "movie", 194);
  v1::GetRequestRequest get;
  get.set_id(mine.id());
  v1::MediaRequest out;
  grpc::Status hidden = Call(&Stub::GetRequest, Token(bob_), get, &out);
  EXPECT_EQ(hidden.error_code(), grpc::StatusCode::NOT_FOUND);
  get.set_id(mine.id() + 1000);
  grpc::Status missing = Call(&Stub::GetRequest, Token(bob_), get, &out);
  EXPECT_EQ(missing.error_code(), grpc::StatusCode::NOT_FOUND);
  v1::CancelRequestRequest cancel;
  cancel.set_id(mine.id());
  EXPECT_EQ(Call(&Stub::CancelRequest, Token(bob_), cancel, &out).error_code(),
            grpc::StatusCode::NOT_FOUND);
  v1::ListRequestHistoryRequest history;
  history.set_id(mine.id());
  v1::ListRequestHistoryResponse transitions;
  EXPECT_EQ(Call(&Stub::ListRequestHistory, Token(bob_), history, &transitions).error_code(),
            grpc::StatusCode::NOT_FOUND);
  // Bob cannot approve, list everything or delete either.
  EXPECT_EQ(Approve(mine.id(), &out, bob_).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  v1::ListRequestsResponse all;
  EXPECT_EQ(Call(&Stub::ListRequests, Token(bob_), v1::ListRequestsRequest(), &all).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::ListRequestsResponse bobs;
  ASSERT_TRUE(Call(&Stub::ListMyRequests, Token(bob_), v1::ListMyRequestsRequest(), &bobs).ok());
  EXPECT_EQ(bobs.results(), 0);
  // Alice can, and then cannot cancel twice.
  ASSERT_TRUE(Call(&Stub::CancelRequest, Token(alice_), cancel, &out).ok());
  EXPECT_EQ(Call(&Stub::CancelRequest, Token(alice_), cancel, &out).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(MediaServiceTest, TwoAdminsApprovingAtOnceMakeExactlyOneJob) {
  int64_t second_admin = AddUser("boss2", "admin");
  for (int round = 0; round < 5; ++round) {
    v1::MediaRequest created =
        MustCreate(alice_, "movie", round == 0 ? 194 : 900000 + round, "fr");
    std::latch start(2);
    grpc::Status results[2];
    std::thread approvers[2];
    for (int i = 0; i < 2; ++i) {
      approvers[i] = std::thread([&, i] {
        v1::ApproveRequestRequest request;
        request.set_id(created.id());
        v1::MediaRequest out;
        grpc::ClientContext ctx;
        ctx.AddMetadata("authorization",
                        "Bearer " + jwt_.Sign({.user_id = i == 0 ? admin_id_ : second_admin,
                                               .role = "admin",
                                               .must_change_password = false,
                                               .token_id = "t",
                                               .issued_at = absl::Now(),
                                               .expires_at = absl::Now() + absl::Minutes(5),
                                               .service = ""}));
        start.arrive_and_wait();
        results[i] = stub_->ApproveRequest(&ctx, request, &out);
      });
    }
    for (std::thread& t : approvers) t.join();
    int ok = results[0].ok() + results[1].ok();
    EXPECT_EQ(ok, 1) << "round " << round;
    for (const grpc::Status& s : results) {
      if (!s.ok()) {
        EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
        EXPECT_THAT(s.error_message(), HasSubstr("approved"));
      }
    }
    EXPECT_EQ(RequestJobs(created.id()), 1) << "round " << round;
    EXPECT_EQ(Scalar(absl::StrCat("SELECT count(*) FROM media.request_transitions WHERE "
                                  "request_id = ", created.id(), " AND to_status = 'approved'")),
              1);
  }
}

TEST_F(MediaServiceTest, AdminDeletesAndRetries) {
  v1::MediaRequest created = MustCreate(alice_, "movie", 194);
  v1::MediaRequest out;
  ASSERT_TRUE(Approve(created.id(), &out).ok());
  ASSERT_TRUE(RunRequestJob(created.id()).ok());
  ASSERT_TRUE(Progress(created.id(), "failed", &out).ok());
  EXPECT_EQ(out.status(), "failed");
  EXPECT_EQ(out.status_reason(), "test");
  v1::RetryRequestRequest retry;
  retry.set_id(created.id());
  ASSERT_TRUE(Call(&Stub::RetryRequest, Token(admin_id_), retry, &out).ok());
  EXPECT_EQ(out.status(), "approved");
  EXPECT_EQ(RequestJobs(created.id()), 2);
  EXPECT_EQ(Call(&Stub::RetryRequest, Token(admin_id_), retry, &out).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(Events(), ElementsAre("request.created", "request.approved", "request.failed",
                                    "request.approved"));
  v1::DeleteRequestRequest del;
  del.set_id(created.id());
  v1::DeleteRequestResponse deleted;
  EXPECT_EQ(Call(&Stub::DeleteRequest, Token(alice_), del, &deleted).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(Call(&Stub::DeleteRequest, Token(admin_id_), del, &deleted).ok());
  EXPECT_EQ(Scalar(absl::StrCat("SELECT count(*) FROM media.request_transitions WHERE "
                                "request_id = ", created.id())),
            0);
  EXPECT_TRUE(RunRequestJob(created.id()).ok()) << "a job for a deleted request has nothing to do";
}

TEST_F(MediaServiceTest, ListsFilterSortAndPageAndCountsPerStatus) {
  std::vector<int64_t> ids;
  for (int i = 1; i <= 5; ++i) {
    ids.push_back(MustCreate(i % 2 ? alice_ : bob_, "movie", 900000 + i).id());
    now_ += absl::Minutes(1);
  }
  ids.push_back(MustCreate(alice_, "tv", 1396, "en").id());
  v1::MediaRequest out;
  now_ += absl::Minutes(1);
  ASSERT_TRUE(Approve(ids[0], &out).ok());  // modified last

  v1::ListRequestsRequest list;
  list.set_page_size(2);
  v1::ListRequestsResponse page;
  ASSERT_TRUE(Call(&Stub::ListRequests, Token(admin_id_), list, &page).ok());
  EXPECT_EQ(page.results(), 6);
  EXPECT_EQ(page.pages(), 3);
  EXPECT_EQ(page.page(), 1);
  ASSERT_EQ(page.requests_size(), 2);
  EXPECT_EQ(page.requests(0).id(), ids[5]) << "newest first";
  list.set_page(3);
  ASSERT_TRUE(Call(&Stub::ListRequests, Token(admin_id_), list, &page).ok());
  ASSERT_EQ(page.requests_size(), 2);
  EXPECT_EQ(page.requests(1).id(), ids[0]);

  list.set_page(1);
  list.set_sort("modified");
  ASSERT_TRUE(Call(&Stub::ListRequests, Token(admin_id_), list, &page).ok());
  EXPECT_EQ(page.requests(0).id(), ids[0]) << "approved last";

  v1::ListRequestsRequest filtered;
  filtered.set_user_id(bob_);
  ASSERT_TRUE(Call(&Stub::ListRequests, Token(admin_id_), filtered, &page).ok());
  EXPECT_EQ(page.results(), 2);
  filtered.set_user_id(0);
  filtered.set_media_type("tv");
  filtered.set_language("en");
  ASSERT_TRUE(Call(&Stub::ListRequests, Token(admin_id_), filtered, &page).ok());
  EXPECT_EQ(page.results(), 1);
  filtered.set_media_type("");
  filtered.set_language("");
  filtered.set_status("approved");
  ASSERT_TRUE(Call(&Stub::ListRequests, Token(admin_id_), filtered, &page).ok());
  EXPECT_EQ(page.results(), 1);
  filtered.set_status("done");
  EXPECT_EQ(Call(&Stub::ListRequests, Token(admin_id_), filtered, &page).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  v1::ListRequestsResponse mine;
  ASSERT_TRUE(Call(&Stub::ListMyRequests, Token(alice_), v1::ListMyRequestsRequest(), &mine).ok());
  EXPECT_EQ(mine.results(), 4);

  v1::CountRequestsResponse counts;
  ASSERT_TRUE(Call(&Stub::CountRequests, Token(admin_id_), v1::CountRequestsRequest(), &counts).ok());
  EXPECT_EQ(counts.total(), 6);
  EXPECT_EQ(counts.counts().at("pending"), 5);
  EXPECT_EQ(counts.counts().at("approved"), 1);
  EXPECT_EQ(counts.counts().at("partially_available"), 0);
  ASSERT_TRUE(Call(&Stub::CountRequests, Token(bob_), v1::CountRequestsRequest(), &counts).ok());
  EXPECT_EQ(counts.total(), 2);
  v1::CountRequestsRequest someone_else;
  someone_else.set_user_id(alice_);
  EXPECT_EQ(Call(&Stub::CountRequests, Token(bob_), someone_else, &counts).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

// ------------------------------------------------- kiosk-downloads, kiosk-plex

TEST_F(MediaServiceTest, DownloadsMovesTheRequestAlongAndForbiddenMovesAreRefused) {
  v1::MediaRequest created = MustCreate(alice_, "movie", 194);
  v1::MediaRequest out;
  grpc::Status early = Progress(created.id(), "downloading", &out);
  EXPECT_EQ(early.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(early.error_message(), HasSubstr("pending"));
  EXPECT_THAT(early.error_message(), HasSubstr("downloading"));
  ASSERT_TRUE(Approve(created.id(), &out).ok());
  ASSERT_TRUE(Progress(created.id(), "processing", &out).ok());
  v1::ReportRequestProgressRequest progress;
  progress.set_request_id(created.id());
  progress.set_status("downloading");
  progress.mutable_progress()->set_percent(42.5);
  progress.mutable_progress()->set_download_speed(1 << 20);
  progress.mutable_progress()->set_eta_seconds(600);
  progress.mutable_progress()->set_stage("downloading");
  ASSERT_TRUE(Call(&Stub::ReportRequestProgress, ServiceToken("kiosk-downloads"), progress, &out)
                  .ok());
  EXPECT_EQ(out.status(), "downloading");
  EXPECT_DOUBLE_EQ(out.progress().percent(), 42.5);
  EXPECT_EQ(out.progress().eta_seconds(), 600);
  EXPECT_EQ(out.progress().updated_at().seconds(), absl::ToUnixSeconds(now_));
  // Progress only.
  progress.set_status("");
  progress.mutable_progress()->set_percent(90);
  ASSERT_TRUE(Call(&Stub::ReportRequestProgress, ServiceToken("kiosk-downloads"), progress, &out)
                  .ok());
  EXPECT_EQ(out.status(), "downloading");
  EXPECT_DOUBLE_EQ(out.progress().percent(), 90);
  progress.mutable_progress()->set_percent(120);
  EXPECT_EQ(Call(&Stub::ReportRequestProgress, ServiceToken("kiosk-downloads"), progress, &out)
                .error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  // Users and admins may not report.
  progress.mutable_progress()->set_percent(10);
  EXPECT_EQ(Call(&Stub::ReportRequestProgress, Token(admin_id_), progress, &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // Not a status kiosk-downloads reports.
  EXPECT_EQ(Progress(created.id(), "approved", &out).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  ASSERT_TRUE(Progress(created.id(), "importing", &out).ok());
  ASSERT_TRUE(Progress(created.id(), "available", &out).ok());
  EXPECT_EQ(Progress(created.id(), "downloading", &out).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(Events(), ElementsAre("request.created", "request.approved", "request.available"));
}

TEST_F(MediaServiceTest, PlexPresenceMakesRequestsAvailableAndTakesThemBack) {
  v1::MediaRequest out;
  int64_t film = MustCreate(alice_, "movie", 194).id();
  ASSERT_TRUE(Create(alice_, "tv", 96677, "fr", &out, {{1, {}}}).ok());
  int64_t lupin = out.id();
  int64_t breaking = MustCreate(alice_, "tv", 1396, "en").id();
  int64_t waiting = MustCreate(bob_, "movie", 603).id();  // pending: not tracked
  for (int64_t id : {film, lupin, breaking}) ASSERT_TRUE(Approve(id, &out).ok());

  v1::ListTrackedTitlesResponse tracked;
  ASSERT_TRUE(Call(&Stub::ListTrackedTitles, ServiceToken("kiosk-plex"),
                   v1::ListTrackedTitlesRequest(), &tracked)
                  .ok());
  ASSERT_EQ(tracked.titles_size(), 3);
  EXPECT_EQ(tracked.titles(0).media_type(), "movie");
  EXPECT_EQ(tracked.titles(0).imdb_id(), "tt0211915");
  EXPECT_EQ(Call(&Stub::ListTrackedTitles, Token(admin_id_), v1::ListTrackedTitlesRequest(),
                 &tracked)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  auto presence = [](v1::ReportLibraryPresenceRequest& report, const std::string& type, int id,
                     std::vector<std::pair<int, int>> seasons) {
    v1::TitlePresence* p = report.add_titles();
    p->mutable_title()->set_media_type(type);
    p->mutable_title()->set_tmdb_id(id);
    p->set_present(true);
    for (auto [season, episodes] : seasons) {
      v1::SeasonSelection* s = p->add_seasons();
      s->set_season_number(season);
      for (int e = 1; e <= episodes; ++e) s->add_episode_numbers(e);
    }
  };
  auto status_of = [&](int64_t id) {
    return workflow_->Get({.user_id = admin_id_, .role = "admin"}, id)->status;
  };

  v1::ReportLibraryPresenceRequest report;
  presence(report, "movie", 194, {});
  presence(report, "tv", 96677, {{1, 3}});                                    // 3 of 5
  presence(report, "tv", 1396, {{1, 7}, {2, 13}, {3, 13}, {4, 13}, {5, 16}});  // all
  v1::ReportLibraryPresenceResponse changed;
  ASSERT_TRUE(Call(&Stub::ReportLibraryPresence, ServiceToken("kiosk-plex"), report, &changed).ok());
  EXPECT_EQ(changed.requests_changed(), 3);
  EXPECT_EQ(status_of(film), "available");
  EXPECT_EQ(status_of(lupin), "partially_available");
  EXPECT_EQ(status_of(breaking), "available");
  EXPECT_EQ(status_of(waiting), "pending");

  v1::ReportLibraryPresenceRequest more;
  presence(more, "tv", 96677, {{1, 5}});
  ASSERT_TRUE(Call(&Stub::ReportLibraryPresence, ServiceToken("kiosk-plex"), more, &changed).ok());
  EXPECT_EQ(changed.requests_changed(), 1);
  EXPECT_EQ(status_of(lupin), "available");

  // A full sync without the series: they are gone from Plex.
  v1::ReportLibraryPresenceRequest full;
  presence(full, "movie", 194, {});
  full.set_complete(true);
  ASSERT_TRUE(Call(&Stub::ReportLibraryPresence, ServiceToken("kiosk-plex"), full, &changed).ok());
  EXPECT_EQ(changed.requests_changed(), 2);
  EXPECT_EQ(status_of(film), "available");
  EXPECT_EQ(status_of(lupin), "pending");
  EXPECT_EQ(status_of(breaking), "pending");

  v1::ListRequestHistoryRequest history_request;
  history_request.set_id(lupin);
  v1::ListRequestHistoryResponse history;
  ASSERT_TRUE(Call(&Stub::ListRequestHistory, Token(alice_), history_request, &history).ok());
  const v1::RequestTransition& last = history.transitions(history.transitions_size() - 1);
  EXPECT_EQ(last.from_status(), "available");
  EXPECT_EQ(last.to_status(), "pending");
  EXPECT_EQ(last.actor_service(), "kiosk-plex");
  EXPECT_EQ(last.reason(), "no longer in Plex");

  EXPECT_EQ(Call(&Stub::ReportLibraryPresence, Token(admin_id_), full, &changed).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(MediaServiceTest, CountUserRequestsStillServesKioskUsers) {
  MustCreate(alice_, "movie", 194);
  MustCreate(alice_, "tv", 1396);
  v1::CountUserRequestsRequest request;
  request.set_user_id(alice_);
  v1::CountUserRequestsResponse counts;
  ASSERT_TRUE(Call(&Stub::CountUserRequests, ServiceToken("kiosk-users"), request, &counts).ok());
  EXPECT_EQ(counts.movie_count(), 1);
  EXPECT_EQ(counts.tv_count(), 1);
}

}  // namespace
}  // namespace kiosk::media
