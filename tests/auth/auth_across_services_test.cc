// kiosk-users issues access tokens and API keys; another service (kiosk-plex)
// accepts both, refuses forged or revoked ones, and says UNAVAILABLE when it
// cannot ask kiosk-users about a key.
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/testing/pg_cluster.h"
#include "common/testing/subprocess.h"
#include "kiosk/plex/v1/plex_service.grpc.pb.h"
#include "kiosk/users/v1/users_service.grpc.pb.h"

namespace kiosk {
namespace {

using ::kiosk::testing::PgCluster;
using ::kiosk::testing::Subprocess;
using ::kiosk::testing::WaitForListeningPort;
namespace users_v1 = ::kiosk::users::v1;

constexpr char kSecret[] = "across-services-secret-0123456789abcdef";

std::string Bin(const std::string& name) { return absl::StrCat(KIOSK_BIN_DIR, "/", name); }

class AuthAcrossServicesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<PgCluster>> cluster = PgCluster::Create();
    ASSERT_TRUE(cluster.ok()) << cluster.status();
    cluster_ = *std::move(cluster);
    const std::string url = cluster_->url().ToConnString();
    absl::StatusOr<Subprocess> migrate =
        Subprocess::Start({Bin("kiosk-migrate"), "upgrade", "head"}, {{"DATABASE_URL", url}});
    ASSERT_TRUE(migrate.ok());
    ASSERT_EQ(migrate->Wait(absl::Seconds(60)), 0) << migrate->Output();

    absl::StatusOr<Subprocess> users = Subprocess::Start(
        {Bin("kiosk-users")},
        {{"LISTEN_ADDR", "127.0.0.1:0"}, {"DATABASE_URL", url}, {"SECRET_KEY", kSecret}});
    ASSERT_TRUE(users.ok());
    users_.emplace(*std::move(users));
    int users_port = WaitForListeningPort(*users_);
    ASSERT_GT(users_port, 0) << users_->Output();
    absl::StatusOr<Subprocess> plex = Subprocess::Start(
        {Bin("kiosk-plex")}, {{"LISTEN_ADDR", "127.0.0.1:0"},
                              {"DATABASE_URL", url},
                              {"SECRET_KEY", kSecret},
                              {"USERS_ADDR", absl::StrCat("127.0.0.1:", users_port)}});
    ASSERT_TRUE(plex.ok());
    plex_.emplace(*std::move(plex));
    int plex_port = WaitForListeningPort(*plex_);
    ASSERT_GT(plex_port, 0) << plex_->Output();
    users_stub_ = users_v1::UsersService::NewStub(grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", users_port), grpc::InsecureChannelCredentials()));
    plex_stub_ = plex::v1::PlexService::NewStub(grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", plex_port), grpc::InsecureChannelCredentials()));
  }

  grpc::Status PlexInfo(const std::string& header, const std::string& value) {
    grpc::ClientContext ctx;
    ctx.AddMetadata(header, value);
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    common::v1::ServiceInfo info;
    return plex_stub_->GetServiceInfo(&ctx, {}, &info);
  }

  std::string CreateKey(const std::string& access, const std::string& name, int64_t* id) {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer " + access);
    users_v1::CreateApiKeyRequest request;
    request.set_name(name);
    users_v1::CreateApiKeyResponse response;
    EXPECT_TRUE(users_stub_->CreateApiKey(&ctx, request, &response).ok());
    *id = response.api_key().id();
    return response.key();
  }

  std::unique_ptr<PgCluster> cluster_;
  std::optional<Subprocess> users_, plex_;
  std::unique_ptr<users_v1::UsersService::Stub> users_stub_;
  std::unique_ptr<plex::v1::PlexService::Stub> plex_stub_;
};

TEST_F(AuthAcrossServicesTest, TokensAndApiKeysFromKioskUsersWorkInOtherServices) {
  // First login: the admin must change the password, and plex agrees.
  users_v1::Session first;
  {
    grpc::ClientContext ctx;
    users_v1::LoginRequest login;
    login.set_username("admin");
    login.set_password("admin");
    ASSERT_TRUE(users_stub_->Login(&ctx, login, &first).ok());
  }
  grpc::Status before = PlexInfo("authorization", "Bearer " + first.access_token());
  EXPECT_EQ(before.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  users_v1::Session session;
  {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer " + first.access_token());
    users_v1::ChangePasswordRequest change;
    change.set_current_password("admin");
    change.set_new_password("a-much-better-one");
    ASSERT_TRUE(users_stub_->ChangePassword(&ctx, change, &session).ok());
  }
  EXPECT_TRUE(PlexInfo("authorization", "Bearer " + session.access_token()).ok());
  EXPECT_EQ(PlexInfo("authorization", "Bearer forged.token.here").error_code(),
            grpc::StatusCode::UNAUTHENTICATED);

  int64_t key_id = 0, revoked_id = 0;
  std::string key = CreateKey(session.access_token(), "sonarr", &key_id);
  std::string revoked = CreateKey(session.access_token(), "old", &revoked_id);
  {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer " + session.access_token());
    users_v1::RevokeApiKeyRequest request;
    request.set_id(revoked_id);
    users_v1::RevokeApiKeyResponse response;
    ASSERT_TRUE(users_stub_->RevokeApiKey(&ctx, request, &response).ok());
  }
  EXPECT_TRUE(PlexInfo("x-api-key", key).ok()) << plex_->Output();
  EXPECT_EQ(PlexInfo("x-api-key", revoked).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(PlexInfo("x-api-key", "pk_" + std::string(43, 'x')).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);

  // Without kiosk-users, a key plex has not seen cannot be checked.
  int64_t unused = 0;
  std::string fresh = CreateKey(session.access_token(), "fresh", &unused);
  users_->Signal(SIGTERM);
  ASSERT_EQ(users_->Wait(absl::Seconds(15)), 0);
  grpc::Status down = PlexInfo("x-api-key", fresh);
  EXPECT_EQ(down.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(down.error_message(), ::testing::HasSubstr("USERS_ADDR"));
  EXPECT_TRUE(PlexInfo("x-api-key", key).ok());  // cached a moment ago
}

}  // namespace
}  // namespace kiosk
