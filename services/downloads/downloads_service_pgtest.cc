// kiosk-downloads over gRPC (in process, port 0) on real PostgreSQL: who may
// call each RPC (service-only SubmitRequest refuses admins, users and API
// keys; admin RPCs refuse users and services), and what each answers,
// errors included.
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "common/server/executor.h"
#include "common/server/service_info.h"
#include "services/downloads/downloads_service.h"
#include "services/downloads/rename_admin.h"
#include "services/downloads/testing/chain_fixture.h"

namespace kiosk::downloads {
namespace {

using ::testing::HasSubstr;

constexpr char kSecret[] = "downloads-test-secret-0123456789abcdef0123";
constexpr char kHash[] = "5f36bfb78edbaf25157713166d2b8c37abeff28b";

class DownloadsServiceTest : public testing::ChainTest {
 protected:
  void SetUp() override {
    ChainTest::SetUp();
    config_.database = db().url();
    info_ = std::make_unique<server::ServiceInfoSource>("kiosk-downloads", config_, *pool_);
    authenticator_ = std::make_unique<auth::Authenticator>(
        jwt_, [](absl::string_view key) -> absl::StatusOr<auth::Caller> {
          if (key == "admin-key") return auth::Caller{.user_id = 1, .role = "admin", .token_id = "apikey:1"};
          return absl::UnauthenticatedError("unknown API key");
        });
    rename_ = std::make_unique<RenameAdmin>(*store_);
    service_ = std::make_unique<DownloadsServiceImpl>(*jobs_, executor_, *info_, *authenticator_,
                                                      *chain_, *store_, *rename_);
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
  int64_t AddUser(const std::string& name) {
    pqxx::connection conn(db().conninfo());
    pqxx::work tx(conn);
    const int64_t id = tx.exec_params1(
        "INSERT INTO users.users (username, email, password_hash, role) VALUES ($1, $2, "
        "'$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g', 'user') RETURNING id",
        name, name + "@example.org")[0].as<int64_t>();
    tx.commit();
    return id;
  }

  // `credential` "key:<k>" is sent as an API key, anything else as a bearer token.
  template <typename Fn>
  grpc::Status Call(const std::string& credential, Fn call) {
    grpc::ClientContext ctx;
    if (absl::StartsWith(credential, "key:")) {
      ctx.AddMetadata("x-api-key", credential.substr(4));
    } else if (!credential.empty()) {
      ctx.AddMetadata("authorization", "Bearer " + credential);
    }
    return call(&ctx);
  }
  grpc::Status Submit(const std::string& who, int64_t request, const std::string& release,
                      v1::Download* out) {
    v1::SubmitRequestRequest r;
    r.set_request_id(request);
    r.set_release(release);
    return Call(who, [&](grpc::ClientContext* c) { return stub_->SubmitRequest(c, r, out); });
  }

  config::ServiceConfig config_;
  auth::JwtCodec jwt_{kSecret};
  std::unique_ptr<auth::Authenticator> authenticator_;
  std::unique_ptr<server::ServiceInfoSource> info_;
  server::Executor executor_{"test-db", 4, 100};
  std::unique_ptr<RenameAdmin> rename_;
  std::unique_ptr<DownloadsServiceImpl> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::DownloadsService::Stub> stub_;
};

TEST_F(DownloadsServiceTest, SubmitRequestIsForServicesOnly) {
  int64_t request = CreateRequest();
  v1::Download out;
  EXPECT_EQ(Submit("", request, "", &out).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Submit(User(), request, "", &out).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Submit(Admin(), request, "", &out).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Submit("key:admin-key", request, "", &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(Submit(Service(), request, "", &out).ok());
  EXPECT_EQ(out.state(), "awaiting_release");
  EXPECT_EQ(out.request_id(), request);
  v1::Download again;
  ASSERT_TRUE(Submit(Service(), request, "", &again).ok());
  EXPECT_EQ(again.id(), out.id());
  grpc::Status bad = Submit(Service(), request + 1, "nonsense", &out);
  EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(bad.error_message(), HasSubstr("magnet"));
}

TEST_F(DownloadsServiceTest, AttachAndRetryAreForAdmins) {
  int64_t request = CreateRequest();
  v1::Download out;
  ASSERT_TRUE(Submit(Service(), request, "", &out).ok());
  v1::AttachReleaseRequest attach;
  attach.set_request_id(request);
  attach.set_release(testing::ChainTest::Magnet(kHash, "M"));
  for (const std::string& who : {User(), Service()}) {
    EXPECT_EQ(Call(who, [&](grpc::ClientContext* c) { return stub_->AttachRelease(c, attach, &out); })
                  .error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  ASSERT_TRUE(
      Call(Admin(), [&](grpc::ClientContext* c) { return stub_->AttachRelease(c, attach, &out); }).ok());
  EXPECT_EQ(out.state(), "queued");
  EXPECT_EQ(out.source(), attach.release());
  v1::RetryDownloadRequest retry;
  retry.set_id(out.id());
  EXPECT_EQ(Call(User(), [&](grpc::ClientContext* c) { return stub_->RetryDownload(c, retry, &out); })
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  grpc::Status not_failed =
      Call(Admin(), [&](grpc::ClientContext* c) { return stub_->RetryDownload(c, retry, &out); });
  EXPECT_EQ(not_failed.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(DownloadsServiceTest, GetAndListForAdminsAndServicesAll) {
  int64_t request = CreateRequest();
  v1::Download created;
  ASSERT_TRUE(Submit(Service(), request, "", &created).ok());
  v1::GetDownloadRequest get;
  get.set_id(created.id());
  v1::Download out;
  for (const std::string& who : {Admin(), Service()}) {
    ASSERT_TRUE(Call(who, [&](grpc::ClientContext* c) { return stub_->GetDownload(c, get, &out); }).ok());
    EXPECT_EQ(out.id(), created.id());
  }
  get.set_id(9999);
  EXPECT_EQ(Call(Admin(), [&](grpc::ClientContext* c) { return stub_->GetDownload(c, get, &out); })
                .error_code(),
            grpc::StatusCode::NOT_FOUND);

  v1::ListDownloadsRequest list;
  v1::ListDownloadsResponse page;
  ASSERT_TRUE(Call(Admin(), [&](grpc::ClientContext* c) { return stub_->ListDownloads(c, list, &page); }).ok());
  ASSERT_EQ(page.downloads_size(), 1);
  list.set_state("bogus");
  EXPECT_EQ(Call(Admin(), [&](grpc::ClientContext* c) { return stub_->ListDownloads(c, list, &page); })
                .error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

// Contract B: a user reads the downloads of his own requests, whoever made
// the download (kiosk-media's hand-over with the owner, or an admin's
// AttachRelease before it, which asks kiosk-media who the owner is).
TEST_F(DownloadsServiceTest, UsersSeeOnlyTheDownloadsOfTheirOwnRequests) {
  const int64_t alice = AddUser("alice"), bob = AddUser("bob");
  const int64_t alice_request = CreateRequest("movie", 603, "Matrix", 1999, alice);
  const int64_t bob_request = CreateRequest("movie", 604, "Reloaded", 2003, bob);
  v1::SubmitRequestRequest submit;
  submit.set_request_id(alice_request);
  submit.set_user_id(alice);
  v1::Download alice_download, bob_download;
  ASSERT_TRUE(Call(Service(), [&](grpc::ClientContext* c) {
                return stub_->SubmitRequest(c, submit, &alice_download);
              }).ok());
  v1::AttachReleaseRequest attach;  // before any hand-over: kiosk-media names the owner
  attach.set_request_id(bob_request);
  attach.set_release(testing::ChainTest::Magnet(kHash, "Reloaded"));
  ASSERT_TRUE(Call(Admin(), [&](grpc::ClientContext* c) {
                return stub_->AttachRelease(c, attach, &bob_download);
              }).ok());

  auto get = [&](const std::string& who, int64_t id, v1::Download* out) {
    v1::GetDownloadRequest r;
    r.set_id(id);
    return Call(who, [&](grpc::ClientContext* c) { return stub_->GetDownload(c, r, out); });
  };
  v1::Download out;
  ASSERT_TRUE(get(Token(alice, "user"), alice_download.id(), &out).ok());
  EXPECT_EQ(out.request_id(), alice_request);
  ASSERT_TRUE(get(Token(bob, "user"), bob_download.id(), &out).ok());
  EXPECT_EQ(out.request_id(), bob_request);
  // The requester sees the release's info-hash, not its trackers or keys;
  // an admin sees the whole link.
  EXPECT_EQ(out.source(), absl::StrCat("magnet:?xt=urn:btih:", kHash));
  ASSERT_TRUE(get(Admin(), bob_download.id(), &out).ok());
  EXPECT_EQ(out.source(), attach.release());
  // Another user's download does not exist for him.
  grpc::Status other = get(Token(alice, "user"), bob_download.id(), &out);
  EXPECT_EQ(other.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(get(Token(bob, "user"), alice_download.id(), &out).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(get("", alice_download.id(), &out).error_code(), grpc::StatusCode::UNAUTHENTICATED);

  auto list = [&](const std::string& who, int64_t request_id) {
    v1::ListDownloadsRequest r;
    r.set_request_id(request_id);
    v1::ListDownloadsResponse page;
    EXPECT_TRUE(
        Call(who, [&](grpc::ClientContext* c) { return stub_->ListDownloads(c, r, &page); }).ok());
    std::vector<int64_t> ids;
    for (const v1::Download& d : page.downloads()) ids.push_back(d.id());
    return ids;
  };
  EXPECT_THAT(list(Token(alice, "user"), 0), ::testing::ElementsAre(alice_download.id()));
  EXPECT_THAT(list(Token(bob, "user"), 0), ::testing::ElementsAre(bob_download.id()));
  EXPECT_THAT(list(Token(alice, "user"), alice_request), ::testing::ElementsAre(alice_download.id()));
  EXPECT_THAT(list(Token(alice, "user"), bob_request), ::testing::IsEmpty());  // filtered out
  EXPECT_THAT(list(Admin(), 0), ::testing::ElementsAre(bob_download.id(), alice_download.id()));
  EXPECT_THAT(list(Service(), bob_request), ::testing::ElementsAre(bob_download.id()));
  // A user still cannot act on his download.
  v1::RetryDownloadRequest retry;
  retry.set_id(alice_download.id());
  EXPECT_EQ(Call(Token(alice, "user"),
                 [&](grpc::ClientContext* c) { return stub_->RetryDownload(c, retry, &out); })
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(DownloadsServiceTest, ListDownloadsPages) {
  for (int i = 0; i < 3; ++i) {
    v1::Download out;
    ASSERT_TRUE(Submit(Service(), CreateRequest("movie", 100 + i), "", &out).ok());
  }
  v1::ListDownloadsRequest list;
  list.set_page_size(2);
  v1::ListDownloadsResponse first, second;
  ASSERT_TRUE(Call(Admin(), [&](grpc::ClientContext* c) { return stub_->ListDownloads(c, list, &first); }).ok());
  ASSERT_EQ(first.downloads_size(), 2);
  ASSERT_FALSE(first.next_page_token().empty());
  list.set_page_token(first.next_page_token());
  ASSERT_TRUE(Call(Admin(), [&](grpc::ClientContext* c) { return stub_->ListDownloads(c, list, &second); }).ok());
  ASSERT_EQ(second.downloads_size(), 1);
  EXPECT_TRUE(second.next_page_token().empty());
  EXPECT_LT(second.downloads(0).id(), first.downloads(1).id());
  list.set_page_size(1000);
  EXPECT_EQ(Call(Admin(), [&](grpc::ClientContext* c) { return stub_->ListDownloads(c, list, &second); })
                .error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(DownloadsServiceTest, RenameSettingsHaveRadarrAndSonarrDefaultsAndAreAdminOnly) {
  v1::ListRenameSettingsRequest list;
  v1::ListRenameSettingsResponse all;
  EXPECT_EQ(Call(User(), [&](grpc::ClientContext* c) { return stub_->ListRenameSettings(c, list, &all); })
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Call(Service(), [&](grpc::ClientContext* c) { return stub_->ListRenameSettings(c, list, &all); })
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(Call(Admin(), [&](grpc::ClientContext* c) { return stub_->ListRenameSettings(c, list, &all); }).ok());
  ASSERT_EQ(all.settings_size(), 2);
  EXPECT_EQ(all.settings(0).media_type(), "movie");
  EXPECT_EQ(all.settings(0).folder_format(), "{Movie Title} ({Release Year})");
  EXPECT_EQ(all.settings(0).file_format(), "{Movie Title} ({Release Year}) {Quality Full}");
  EXPECT_EQ(all.settings(0).library_root(), "");
  EXPECT_EQ(all.settings(0).transfer_mode(), "hardlink_or_copy");
  EXPECT_EQ(all.settings(1).media_type(), "tv");
  EXPECT_EQ(all.settings(1).season_folder_format(), "Season {season}");
  EXPECT_EQ(all.settings(1).file_format(),
            "{Series Title} - S{season:00}E{episode:00} - {Episode Title} {Quality Full}");

  v1::UpdateRenameSettingsRequest update;
  update.set_media_type("movie");
  update.set_transfer_mode("copy");
  update.set_library_root("/srv/media/movies");
  update.set_colon_mode("dash");
  v1::RenameSettings saved;
  EXPECT_EQ(Call(User(), [&](grpc::ClientContext* c) { return stub_->UpdateRenameSettings(c, update, &saved); })
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(Call(Admin(), [&](grpc::ClientContext* c) { return stub_->UpdateRenameSettings(c, update, &saved); }).ok());
  EXPECT_EQ(saved.transfer_mode(), "copy");
  EXPECT_EQ(saved.library_root(), "/srv/media/movies");
  EXPECT_EQ(saved.colon_mode(), "dash");
  EXPECT_EQ(saved.folder_format(), "{Movie Title} ({Release Year})");  // untouched

  v1::GetRenameSettingsRequest get;
  get.set_media_type("movie");
  ASSERT_TRUE(Call(Admin(), [&](grpc::ClientContext* c) { return stub_->GetRenameSettings(c, get, &saved); }).ok());
  EXPECT_EQ(saved.transfer_mode(), "copy");
  get.set_media_type("music");
  EXPECT_EQ(Call(Admin(), [&](grpc::ClientContext* c) { return stub_->GetRenameSettings(c, get, &saved); })
                .error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  for (auto bad : std::vector<std::function<void(v1::UpdateRenameSettingsRequest*)>>{
           [](auto* r) { r->set_transfer_mode("symlink"); },
           [](auto* r) { r->set_colon_mode("nope"); },
           [](auto* r) { r->set_library_root("relative/path"); },
           [](auto* r) { r->set_library_root("/srv/../etc"); },
           [](auto* r) { r->set_on_existing("overwrite"); },
           [](auto* r) { r->set_file_format(""); }}) {
    v1::UpdateRenameSettingsRequest r;
    r.set_media_type("movie");
    bad(&r);
    grpc::Status s =
        Call(Admin(), [&](grpc::ClientContext* c) { return stub_->UpdateRenameSettings(c, r, &saved); });
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << r.ShortDebugString();
  }
}

TEST_F(DownloadsServiceTest, PreviewAndTransfersAreAdminOnly) {
  v1::PreviewRenameRequest preview;
  preview.set_media_type("movie");
  v1::PreviewRenameResponse rendered;
  EXPECT_EQ(Call(User(), [&](grpc::ClientContext* c) { return stub_->PreviewRename(c, preview, &rendered); })
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::ListTransfersRequest list;
  v1::ListTransfersResponse transfers;
  EXPECT_EQ(Call(User(), [&](grpc::ClientContext* c) { return stub_->ListTransfers(c, list, &transfers); })
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Call(Service(), [&](grpc::ClientContext* c) { return stub_->ListTransfers(c, list, &transfers); })
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(Call(Admin(), [&](grpc::ClientContext* c) { return stub_->ListTransfers(c, list, &transfers); }).ok());
  EXPECT_EQ(transfers.transfers_size(), 0);
  list.set_download_id(-1);
  EXPECT_EQ(Call(Admin(), [&](grpc::ClientContext* c) { return stub_->ListTransfers(c, list, &transfers); })
                .error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(DownloadsServiceTest, PreviewRendersSavedOrGivenFormatsOnSampleData) {
  v1::PreviewRenameRequest preview;
  preview.set_media_type("movie");
  v1::PreviewRenameResponse rendered;
  ASSERT_TRUE(Call(Admin(), [&](grpc::ClientContext* c) { return stub_->PreviewRename(c, preview, &rendered); }).ok());
  EXPECT_THAT(rendered.relative_path(), ::testing::MatchesRegex(".+ \\([0-9]{4}\\)/.+\\.mkv"));

  preview.set_file_format("{Movie CleanTitle} {Release Year} {Quality Full}");
  preview.set_release_name("The.Matrix.1999.2160p.UHD.BluRay.x265-GROUP");
  preview.set_extension(".mp4");
  ASSERT_TRUE(Call(Admin(), [&](grpc::ClientContext* c) { return stub_->PreviewRename(c, preview, &rendered); }).ok());
  EXPECT_THAT(rendered.relative_path(), HasSubstr("2160p"));
  EXPECT_THAT(rendered.relative_path(), ::testing::EndsWith(".mp4"));
  EXPECT_EQ(rendered.parsed_year(), 1999);
  EXPECT_EQ(rendered.parsed_group(), "GROUP");
  EXPECT_THAT(rendered.parsed_quality(), HasSubstr("2160p"));

  v1::PreviewRenameRequest tv;
  tv.set_media_type("tv");
  ASSERT_TRUE(Call(Admin(), [&](grpc::ClientContext* c) { return stub_->PreviewRename(c, tv, &rendered); }).ok());
  EXPECT_THAT(rendered.relative_path(), ::testing::MatchesRegex(".+/Season [0-9]+/.+ - S[0-9]{2}E[0-9]{2} - .+"));

  preview.set_file_format("{Movie Title");
  grpc::Status bad =
      Call(Admin(), [&](grpc::ClientContext* c) { return stub_->PreviewRename(c, preview, &rendered); });
  EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  // A format that does not render is never saved.
  v1::UpdateRenameSettingsRequest update;
  update.set_media_type("movie");
  update.set_file_format("{Movie Title} {Nonsense Token}");
  v1::RenameSettings saved;
  EXPECT_EQ(Call(Admin(), [&](grpc::ClientContext* c) { return stub_->UpdateRenameSettings(c, update, &saved); })
                .error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(DownloadsServiceTest, JobApiIsAdminOnly) {
  kiosk::common::v1::ListJobsRequest list;
  kiosk::common::v1::ListJobsResponse jobs;
  EXPECT_EQ(Call(User(), [&](grpc::ClientContext* c) { return stub_->ListJobs(c, list, &jobs); })
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(Call(Admin(), [&](grpc::ClientContext* c) { return stub_->ListJobs(c, list, &jobs); }).ok());
}

}  // namespace
}  // namespace kiosk::downloads
