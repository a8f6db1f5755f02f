// The real binaries over REST: kiosk-gateway in front of kiosk-users on a
// migrated PostgreSQL. Login, the forced password change of the default
// admin, `me` with and without a token, throttling as 429 + Retry-After, a
// service that is down as 503, and a clean exit on SIGTERM.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/testing/pg_cluster.h"
#include "common/testing/subprocess.h"
#include "gateway/testing/http_test_client.h"

namespace kiosk {
namespace {

using ::kiosk::gateway::testing::HttpCall;
using ::kiosk::gateway::testing::HttpTestResponse;
using ::kiosk::testing::PgCluster;
using ::kiosk::testing::Subprocess;
using ::kiosk::testing::WaitForListeningPort;
using ::testing::HasSubstr;

constexpr char kSecret[] = "gateway-users-test-secret-0123456789abcdef";

std::string Bin(const std::string& name) { return absl::StrCat(KIOSK_BIN_DIR, "/", name); }

nlohmann::json Json(const HttpTestResponse& response) {
  return nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
}

class GatewayUsersTest : public ::testing::Test {
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
    const int users_port = WaitForListeningPort(*users_);
    ASSERT_GT(users_port, 0) << users_->Output();
    // Only kiosk-users runs; the other services point at a closed port.
    absl::StatusOr<Subprocess> gateway = Subprocess::Start(
        {Bin("kiosk-gateway")}, {{"LISTEN_ADDR", "127.0.0.1:0"},
                                 {"USERS_ADDR", absl::StrCat("127.0.0.1:", users_port)},
                                 {"MEDIA_ADDR", "127.0.0.1:1"},
                                 {"DOWNLOADS_ADDR", "127.0.0.1:1"},
                                 {"PLEX_ADDR", "127.0.0.1:1"}});
    ASSERT_TRUE(gateway.ok());
    gateway_.emplace(*std::move(gateway));
    port_ = WaitForListeningPort(*gateway_);
    ASSERT_GT(port_, 0) << gateway_->Output();
  }

  HttpTestResponse Login(const std::string& user, const std::string& password) {
    return HttpCall(port_, "POST", "/api/v1/auth/login",
                    nlohmann::json{{"username", user}, {"password", password}}.dump());
  }
  static std::string Bearer(const std::string& token) {
    return absl::StrCat("Authorization: Bearer ", token);
  }

  std::unique_ptr<PgCluster> cluster_;
  std::optional<Subprocess> users_;
  std::optional<Subprocess> gateway_;
  int port_ = 0;
};

TEST_F(GatewayUsersTest, AdminLogsInChangesThePasswordAndContinues) {
  HttpTestResponse login = Login("admin", "admin");
  ASSERT_EQ(login.status, 200) << login.body;
  nlohmann::json session = Json(login);
  ASSERT_TRUE(session["accessToken"].is_string()) << login.body;
  EXPECT_EQ(session["mustChangePassword"], true);
  EXPECT_EQ(session["expiresIn"], "900");  // int64 as a string, as the JSON mapping says
  const std::string first = session["accessToken"];

  HttpTestResponse me = HttpCall(port_, "GET", "/api/v1/users/me", "", {Bearer(first)});
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(Json(me)["username"], "admin");
  EXPECT_EQ(Json(me)["role"], "ROLE_ADMIN");

  HttpTestResponse refused = HttpCall(port_, "GET", "/api/v1/users", "", {Bearer(first)});
  EXPECT_EQ(refused.status, 400);  // FAILED_PRECONDITION
  EXPECT_EQ(Json(refused)["code"], 9);
  EXPECT_THAT(Json(refused)["message"].get<std::string>(), HasSubstr("change your password"));

  HttpTestResponse changed = HttpCall(
      port_, "POST", "/api/v1/auth/password",
      R"({"currentPassword":"admin","newPassword":"correct horse battery"})", {Bearer(first)});
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(Json(changed)["mustChangePassword"], false);
  const std::string second = Json(changed)["accessToken"];

  HttpTestResponse list =
      HttpCall(port_, "GET", "/api/v1/users?pageSize=10&role=ROLE_ADMIN", "", {Bearer(second)});
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(Json(list)["users"].size(), 1u);
  EXPECT_EQ(Login("admin", "admin").status, 401);
  EXPECT_EQ(Login("admin", "correct horse battery").status, 200);
}

// The kiosk page: served at "/" under a strict CSP, and its session's refresh
// token kept in an HttpOnly cookie its scripts never see.
TEST_F(GatewayUsersTest, ThePageIsServedAndKeepsItsRefreshTokenInAnHttpOnlyCookie) {
  HttpTestResponse page = HttpCall(port_, "GET", "/");
  ASSERT_EQ(page.status, 200);
  EXPECT_THAT(page.Header("content-type"), HasSubstr("text/html"));
  EXPECT_THAT(page.body, HasSubstr("src=\"/app.js\""));
  EXPECT_THAT(page.Header("content-security-policy"), HasSubstr("script-src 'self'"));
  EXPECT_THAT(page.Header("content-security-policy"), HasSubstr("frame-ancestors 'none'"));
  EXPECT_EQ(page.Header("x-content-type-options"), "nosniff");
  HttpTestResponse script = HttpCall(port_, "GET", "/app.js");
  ASSERT_EQ(script.status, 200);
  EXPECT_THAT(script.Header("content-type"), HasSubstr("text/javascript"));
  HttpTestResponse again =
      HttpCall(port_, "GET", "/app.js", "", {absl::StrCat("If-None-Match: ", script.Header("etag"))});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());

  const std::string web = "X-Kiosk-Client: web";
  HttpTestResponse login = HttpCall(port_, "POST", "/api/v1/auth/login",
                                    R"({"username":"admin","password":"admin"})", {web});
  ASSERT_EQ(login.status, 200) << login.body;
  EXPECT_TRUE(Json(login)["accessToken"].is_string());
  EXPECT_FALSE(Json(login).contains("refreshToken")) << login.body;
  const std::string cookie = login.Header("set-cookie");
  EXPECT_THAT(cookie, HasSubstr("HttpOnly"));
  EXPECT_THAT(cookie, HasSubstr("SameSite=Strict"));
  EXPECT_THAT(cookie, HasSubstr("Path=/api/v1/auth"));
  const std::string first = cookie.substr(0, cookie.find(';'));  // kiosk_refresh=...
  ASSERT_GT(first.size(), std::string("kiosk_refresh=").size());

  // The page refreshes with the cookie alone; the token rotates.
  HttpTestResponse refreshed = HttpCall(port_, "POST", "/api/v1/auth/refresh", "{}",
                                        {web, absl::StrCat("Cookie: theme=dark; ", first)});
  ASSERT_EQ(refreshed.status, 200) << refreshed.body;
  EXPECT_TRUE(Json(refreshed)["accessToken"].is_string());
  EXPECT_FALSE(Json(refreshed).contains("refreshToken"));
  const std::string rotated = refreshed.Header("set-cookie");
  const std::string second = rotated.substr(0, rotated.find(';'));
  EXPECT_NE(second, first);

  // Other clients keep the plain JSON API: no cookie is read for them.
  HttpTestResponse plain = HttpCall(port_, "POST", "/api/v1/auth/refresh", "{}",
                                    {absl::StrCat("Cookie: ", second)});
  EXPECT_EQ(plain.status, 401) << plain.body;
  EXPECT_THAT(plain.body, HasSubstr("refresh_token is required"));
  EXPECT_TRUE(plain.Header("set-cookie").empty());

  HttpTestResponse logout =
      HttpCall(port_, "POST", "/api/v1/auth/logout", "{}",
               {web, absl::StrCat("Cookie: ", second),
                Bearer(Json(refreshed)["accessToken"].get<std::string>())});
  ASSERT_EQ(logout.status, 200) << logout.body;
  EXPECT_THAT(logout.Header("set-cookie"), HasSubstr("Max-Age=0"));
  // The logged-out token is revoked.
  EXPECT_EQ(HttpCall(port_, "POST", "/api/v1/auth/refresh", "{}",
                     {web, absl::StrCat("Cookie: ", second)})
                .status,
            401);
}

TEST_F(GatewayUsersTest, WithoutAValidTokenIs401) {
  HttpTestResponse none = HttpCall(port_, "GET", "/api/v1/users/me");
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(Json(none)["code"], 16);
  EXPECT_EQ(HttpCall(port_, "GET", "/api/v1/users/me", "", {Bearer("not.a.token")}).status, 401);
  EXPECT_EQ(HttpCall(port_, "GET", "/api/v1/users/me", "", {"X-Api-Key: nope"}).status, 401);
}

TEST_F(GatewayUsersTest, RepeatedFailedLoginsAre429WithRetryAfter) {
  for (int i = 0; i < 5; ++i) EXPECT_EQ(Login("admin", "wrong").status, 401);
  HttpTestResponse blocked = Login("admin", "admin");
  EXPECT_EQ(blocked.status, 429) << blocked.body;
  int seconds = 0;
  ASSERT_TRUE(absl::SimpleAtoi(blocked.Header("retry-after"), &seconds)) << blocked.body;
  EXPECT_GT(seconds, 0);
}

TEST_F(GatewayUsersTest, AServiceThatIsDownIs503AndNotReady) {
  HttpTestResponse login = Login("admin", "admin");
  const std::string token = Json(login)["accessToken"];
  HttpTestResponse media = HttpCall(port_, "GET", "/api/v1/media/info", "", {Bearer(token)});
  EXPECT_EQ(media.status, 503) << media.body;
  HttpTestResponse ready = HttpCall(port_, "GET", "/readyz");
  EXPECT_EQ(ready.status, 503);
  EXPECT_EQ(Json(ready)["upstreams"]["kiosk.media.v1.MediaService"], "NOT_SERVING");
  EXPECT_EQ(HttpCall(port_, "GET", "/healthz").status, 200);
}

TEST_F(GatewayUsersTest, OpenApiListsEveryAnnotatedRpcAndSigtermStopsCleanly) {
  HttpTestResponse openapi = HttpCall(port_, "GET", "/openapi.json");
  ASSERT_EQ(openapi.status, 200);
  nlohmann::json doc = Json(openapi);
  EXPECT_EQ(doc["openapi"], "3.0.3");
  EXPECT_TRUE(doc["paths"].contains("/api/v1/auth/login"));
  EXPECT_TRUE(doc["paths"].contains("/api/v1/users/{id}"));
  EXPECT_TRUE(doc["paths"].contains("/api/v1/plex/info"));
  gateway_->Signal(SIGTERM);
  EXPECT_EQ(gateway_->Wait(absl::Seconds(15)), 0) << gateway_->Output();
}

}  // namespace
}  // namespace kiosk
