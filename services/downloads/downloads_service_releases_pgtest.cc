// The release search RPCs over gRPC (in process) on real PostgreSQL with the
// Torznab double: admins only (users, services and anonymous callers are
// refused), API keys never answered, the ranking and the blocklist as the
// page sees them.
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "common/server/executor.h"
#include "common/server/service_info.h"
#include "services/downloads/downloads_service.h"
#include "services/downloads/indexers/torznab_client.h"
#include "services/downloads/rename_admin.h"
#include "services/downloads/testing/chain_fixture.h"
#include "services/downloads/testing/torznab_double.h"

namespace kiosk::downloads {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kSecret[] = "downloads-test-secret-0123456789abcdef0123";

class ReleaseRpcTest : public testing::ChainTest {
 protected:
  void SetUp() override {
    ChainTest::SetUp();
    ASSERT_THAT(jackett_.Start(), kiosk::testing::IsOk());
    config_.database = db().url();
    info_ = std::make_unique<server::ServiceInfoSource>("kiosk-downloads", config_, *pool_);
    authenticator_ = std::make_unique<auth::Authenticator>(
        jwt_, [](absl::string_view) -> absl::StatusOr<auth::Caller> {
          return absl::UnauthenticatedError("unknown API key");
        });
    rename_ = std::make_unique<RenameAdmin>(*store_);
    indexer_store_ = std::make_unique<indexers::PgIndexerStore>(*pool_);
    torznab_ = std::make_unique<indexers::TorznabClient>(curl_, absl::Seconds(2));
    calls_ = std::make_unique<indexers::IndexerCalls>(*indexer_store_, *torznab_);
    admin_ = std::make_unique<indexers::IndexerAdmin>(*indexer_store_, *calls_);
    release_store_ = std::make_unique<releases::PgReleaseStore>(*pool_, jobs_->queue());
    search_ = std::make_unique<releases::ReleaseSearch>(*indexer_store_, *calls_, *release_store_,
                                                        *store_, *chain_, media_, settings_);
    service_ = std::make_unique<DownloadsServiceImpl>(*jobs_, executor_, *info_, *authenticator_,
                                                      *chain_, *store_, *rename_, admin_.get(),
                                                      search_.get());
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    stub_ = v1::DownloadsService::NewStub(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
  }
  void TearDown() override {
    if (server_) server_->Shutdown();
    executor_.Shutdown();
    ChainTest::TearDown();
  }

  std::string Token(int64_t id, const std::string& role) {
    const absl::Time now = absl::Now();
    return jwt_.Sign({.user_id = id, .role = role, .must_change_password = false, .token_id = "t",
                      .issued_at = now, .expires_at = now + absl::Minutes(5), .service = ""});
  }
  std::string Admin() { return Token(1, "admin"); }
  std::string User() { return Token(2, "user"); }
  std::string Service() { return jwt_.SignServiceToken("kiosk-media", absl::Now()); }

  template <typename Fn>
  grpc::Status Call(const std::string& token, Fn call) {
    grpc::ClientContext ctx;
    if (!token.empty()) ctx.AddMetadata("authorization", "Bearer " + token);
    return call(&ctx);
  }
  v1::Indexer JackettBody() {
    v1::Indexer body;
    body.set_name("Jackett");
    body.set_url(jackett_.Url());
    body.set_api_key("jackett-key");
    body.add_categories(2000);
    return body;
  }

  downloads::testing::TorznabDouble jackett_{{.api_key = "jackett-key"}};
  config::ServiceConfig config_;
  auth::JwtCodec jwt_{kSecret};
  std::unique_ptr<auth::Authenticator> authenticator_;
  std::unique_ptr<server::ServiceInfoSource> info_;
  server::Executor executor_{"test-db", 4, 100};
  std::unique_ptr<RenameAdmin> rename_;
  std::unique_ptr<indexers::PgIndexerStore> indexer_store_;
  std::unique_ptr<indexers::TorznabClient> torznab_;
  std::unique_ptr<indexers::IndexerCalls> calls_;
  std::unique_ptr<indexers::IndexerAdmin> admin_;
  std::unique_ptr<releases::PgReleaseStore> release_store_;
  std::unique_ptr<releases::ReleaseSearch> search_;
  std::unique_ptr<DownloadsServiceImpl> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::DownloadsService::Stub> stub_;
};

TEST_F(ReleaseRpcTest, IndexerRpcsAreAdminOnlyAndNeverAnswerTheKey) {
  v1::Indexer body = JackettBody();
  v1::Indexer created;
  for (const std::string& who : {std::string(), User(), Service()}) {
    grpc::Status refused =
        Call(who, [&](grpc::ClientContext* c) { return stub_->CreateIndexer(c, body, &created); });
    EXPECT_EQ(refused.error_code(), who.empty() ? grpc::StatusCode::UNAUTHENTICATED
                                                : grpc::StatusCode::PERMISSION_DENIED);
    v1::ListIndexersResponse list;
    EXPECT_FALSE(Call(who, [&](grpc::ClientContext* c) {
                   return stub_->ListIndexers(c, v1::ListIndexersRequest(), &list);
                 }).ok());
  }
  ASSERT_TRUE(Call(Admin(), [&](grpc::ClientContext* c) {
                return stub_->CreateIndexer(c, body, &created);
              }).ok());
  EXPECT_GT(created.id(), 0);
  EXPECT_EQ(created.api_key(), "");
  EXPECT_TRUE(created.has_api_key());
  EXPECT_TRUE(created.enabled());
  EXPECT_EQ(created.priority(), 25);
  EXPECT_EQ(created.last_status(), "ok");
  EXPECT_THAT(created.caps_summary(), HasSubstr("movie-search (imdbid)"));
  v1::ListIndexersResponse list;
  ASSERT_TRUE(Call(Admin(), [&](grpc::ClientContext* c) {
                return stub_->ListIndexers(c, v1::ListIndexersRequest(), &list);
              }).ok());
  ASSERT_EQ(list.indexers_size(), 1);
  EXPECT_EQ(list.indexers(0).api_key(), "");
  EXPECT_THAT(list.DebugString(), Not(HasSubstr("jackett-key")));

  // PATCH: only the fields present change; an empty key keeps the saved one.
  v1::Indexer patch;
  patch.set_id(created.id());
  patch.set_priority(3);
  v1::Indexer updated;
  ASSERT_TRUE(Call(Admin(), [&](grpc::ClientContext* c) {
                return stub_->UpdateIndexer(c, patch, &updated);
              }).ok());
  EXPECT_EQ(updated.priority(), 3);
  EXPECT_EQ(updated.name(), "Jackett");
  EXPECT_TRUE(updated.has_api_key());

  v1::TestIndexerRequest test;
  test.set_id(created.id());
  v1::TestIndexerResponse tested;
  ASSERT_TRUE(Call(Admin(), [&](grpc::ClientContext* c) {
                return stub_->TestIndexer(c, test, &tested);
              }).ok());
  EXPECT_TRUE(tested.ok());
  EXPECT_THAT(tested.message(), HasSubstr("the indexer answered"));
  EXPECT_GE(tested.duration_ms(), 0);

  // A wrong key is refused with what the indexer said, and no secret.
  v1::Indexer wrong = JackettBody();
  wrong.set_name("Other");
  wrong.set_api_key("totally-wrong-key");
  v1::Indexer out;
  grpc::Status refused =
      Call(Admin(), [&](grpc::ClientContext* c) { return stub_->CreateIndexer(c, wrong, &out); });
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(refused.error_message(), HasSubstr("Invalid API Key"));
  EXPECT_THAT(refused.error_message(), Not(HasSubstr("totally-wrong-key")));

  v1::DeleteIndexerRequest del;
  del.set_id(created.id());
  v1::DeleteIndexerResponse deleted;
  ASSERT_TRUE(Call(Admin(), [&](grpc::ClientContext* c) {
                return stub_->DeleteIndexer(c, del, &deleted);
              }).ok());
  EXPECT_EQ(Call(Admin(), [&](grpc::ClientContext* c) { return stub_->DeleteIndexer(c, del, &deleted); })
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(ReleaseRpcTest, SearchReleasesShowsTheRankingAndAttachRecordsTheRelease) {
  v1::Indexer created;
  v1::Indexer body = JackettBody();
  ASSERT_TRUE(Call(Admin(), [&](grpc::ClientContext* c) {
                return stub_->CreateIndexer(c, body, &created);
              }).ok());
  int64_t request = CreateRequest("movie", 194, "Amélie", 2001);
  media_.Put({.id = request, .media_type = "movie", .tmdb_id = 194, .imdb_id = "tt0211915",
              .tvdb_id = 0, .title = "Amélie", .title_fr = "Le Fabuleux Destin d'Amélie Poulain",
              .title_en = "Amélie", .original_title = "Le Fabuleux Destin d'Amélie Poulain",
              .year = 2001, .language = "fr", .seasons = {}, .status = "approved"});
  v1::SearchReleasesRequest search;
  search.set_request_id(request);
  v1::SearchReleasesResponse found;
  EXPECT_EQ(Call(User(), [&](grpc::ClientContext* c) { return stub_->SearchReleases(c, search, &found); })
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(Call(Admin(), [&](grpc::ClientContext* c) {
                return stub_->SearchReleases(c, search, &found);
              }).ok());
  EXPECT_TRUE(found.auto_grab());
  ASSERT_EQ(found.indexers_size(), 1);
  EXPECT_EQ(found.indexers(0).error(), "");
  ASSERT_GT(found.releases_size(), 3);
  const v1::Release& best = found.releases(0);
  EXPECT_EQ(best.title(), "Le.Fabuleux.Destin.d.Amelie.Poulain.2001.FRENCH.1080p.BluRay.x264-GROUP");
  EXPECT_TRUE(best.accepted());
  EXPECT_EQ(best.resolution(), "1080p");
  EXPECT_EQ(best.quality(), "Bluray-1080p");
  EXPECT_EQ(best.languages(0), "FRENCH");
  EXPECT_EQ(best.seeders(), 45);
  EXPECT_EQ(best.indexer(), "Jackett");
  EXPECT_TRUE(best.has_published_at());
  const v1::Release& last = found.releases(found.releases_size() - 1);
  EXPECT_FALSE(last.accepted());
  EXPECT_GT(last.rejections_size(), 0);

  // An admin picks one: title and indexer are kept on the download.
  ASSERT_THAT(chain_->Submit(request, ""), kiosk::testing::IsOk());
  v1::AttachReleaseRequest attach;
  attach.set_request_id(request);
  attach.set_release(found.releases(1).link());
  attach.set_release_title(found.releases(1).title());
  attach.set_indexer_id(created.id());
  v1::Download d;
  ASSERT_TRUE(Call(Admin(), [&](grpc::ClientContext* c) {
                return stub_->AttachRelease(c, attach, &d);
              }).ok());
  EXPECT_EQ(d.state(), "queued");
  EXPECT_EQ(d.release_title(), found.releases(1).title());
  EXPECT_EQ(d.indexer(), "Jackett");
  EXPECT_FALSE(d.auto_grabbed());
}

TEST_F(ReleaseRpcTest, BlocklistIsAdminOnly) {
  int64_t request = CreateRequest();
  ASSERT_TRUE(release_store_->Block({.request_id = request, .title = "Bad.Release.1999.1080p-X",
                                     .info_hash = std::string(40, 'e'), .indexer = "J",
                                     .reason = "missing files"}).ok());
  v1::ListBlocklistResponse list;
  EXPECT_EQ(Call(User(), [&](grpc::ClientContext* c) {
              return stub_->ListBlocklist(c, v1::ListBlocklistRequest(), &list);
            }).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(Call(Admin(), [&](grpc::ClientContext* c) {
                return stub_->ListBlocklist(c, v1::ListBlocklistRequest(), &list);
              }).ok());
  ASSERT_EQ(list.entries_size(), 1);
  EXPECT_EQ(list.entries(0).reason(), "missing files");
  EXPECT_EQ(list.entries(0).request_id(), request);
  v1::DeleteBlocklistEntryRequest del;
  del.set_id(list.entries(0).id());
  v1::DeleteBlocklistEntryResponse out;
  EXPECT_EQ(Call(Service(), [&](grpc::ClientContext* c) {
              return stub_->DeleteBlocklistEntry(c, del, &out);
            }).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(Call(Admin(), [&](grpc::ClientContext* c) {
                return stub_->DeleteBlocklistEntry(c, del, &out);
              }).ok());
  EXPECT_EQ(Call(Admin(), [&](grpc::ClientContext* c) {
              return stub_->DeleteBlocklistEntry(c, del, &out);
            }).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace kiosk::downloads
