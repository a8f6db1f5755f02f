// The real binaries over REST: kiosk-gateway in front of kiosk-users and
// kiosk-media, kiosk-media asking kiosk-tmdb-double, on a migrated
// PostgreSQL. kiosk-plex and kiosk-downloads are down (closed ports): search
// and requests still work, and the request job waits for kiosk-downloads.
// A user searches "Amélie" and "Le fabuleux destin" (the same TMDB id with
// both titles), requests it in French, an admin approves, the request is
// approved and its job exists.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <optional>

#include "absl/strings/str_cat.h"
#include "common/testing/pg_cluster.h"
#include "common/testing/subprocess.h"
#include "gateway/testing/http_test_client.h"

namespace kiosk::media {
namespace {

using ::kiosk::gateway::testing::HttpCall;
using ::kiosk::gateway::testing::HttpTestResponse;
using ::kiosk::testing::PgCluster;
using ::kiosk::testing::Subprocess;
using ::kiosk::testing::WaitForListeningPort;
using nlohmann::json;

constexpr char kSecret[] = "media-e2e-test-secret-0123456789abcdef0123";
constexpr char kTmdbKey[] = "e2e-tmdb-key";

std::string Bin(const std::string& name) { return absl::StrCat(KIOSK_BIN_DIR, "/", name); }

// Starts a binary into `slot`; false (and a test failure) when it cannot.
bool Launch(std::optional<Subprocess>& slot, const std::vector<std::string>& argv,
            const std::map<std::string, std::string>& env) {
  absl::StatusOr<Subprocess> proc = Subprocess::Start(argv, env);
  if (!proc.ok()) {
    ADD_FAILURE() << "cannot start " << argv[0] << ": " << proc.status();
    return false;
  }
  slot.emplace(*std::move(proc));
  return true;
}

json Json(const HttpTestResponse& response) {
  return json::parse(response.body, nullptr, /*allow_exceptions=*/false);
}

class MediaGatewayTest : public ::testing::Test {
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

    ASSERT_TRUE(
        Launch(tmdb_, {Bin("kiosk-tmdb-double"), "--port", "0", "--api-key", kTmdbKey}, {}));
    tmdb_port_ = WaitForListeningPort(*tmdb_);
    ASSERT_GT(tmdb_port_, 0) << tmdb_->Output();

    ASSERT_TRUE(Launch(users_, {Bin("kiosk-users")},
                       {{"LISTEN_ADDR", "127.0.0.1:0"},
                        {"DATABASE_URL", url},
                        {"SECRET_KEY", kSecret}}));
    const int users_port = WaitForListeningPort(*users_);
    ASSERT_GT(users_port, 0) << users_->Output();
    const std::string users_addr = absl::StrCat("127.0.0.1:", users_port);

    ASSERT_TRUE(Launch(media_, {Bin("kiosk-media")},
                       {{"LISTEN_ADDR", "127.0.0.1:0"},
                        {"DATABASE_URL", url},
                        {"SECRET_KEY", kSecret},
                        {"USERS_ADDR", users_addr},
                        {"PLEX_ADDR", "127.0.0.1:1"},
                        {"DOWNLOADS_ADDR", "127.0.0.1:1"}}));
    const int media_port = WaitForListeningPort(*media_);
    ASSERT_GT(media_port, 0) << media_->Output();

    ASSERT_TRUE(Launch(gateway_, {Bin("kiosk-gateway")},
                       {{"LISTEN_ADDR", "127.0.0.1:0"},
                        {"USERS_ADDR", users_addr},
                        {"MEDIA_ADDR", absl::StrCat("127.0.0.1:", media_port)},
                        {"DOWNLOADS_ADDR", "127.0.0.1:1"},
                        {"PLEX_ADDR", "127.0.0.1:1"}}));
    port_ = WaitForListeningPort(*gateway_);
    ASSERT_GT(port_, 0) << gateway_->Output();
  }

  static std::string Bearer(const std::string& token) {
    return absl::StrCat("Authorization: Bearer ", token);
  }
  // Logs in and changes the first password; the new access token.
  std::string SignIn(const std::string& user, const std::string& first_password) {
    HttpTestResponse login = HttpCall(port_, "POST", "/api/v1/auth/login",
                                      json{{"username", user}, {"password", first_password}}.dump());
    EXPECT_EQ(login.status, 200) << login.body;
    HttpTestResponse changed =
        HttpCall(port_, "POST", "/api/v1/auth/password",
                 json{{"currentPassword", first_password}, {"newPassword", "a much longer one 1"}}
                     .dump(),
                 {Bearer(Json(login)["accessToken"])});
    EXPECT_EQ(changed.status, 200) << changed.body;
    return Json(changed)["accessToken"];
  }

  std::unique_ptr<PgCluster> cluster_;
  std::optional<Subprocess> tmdb_, users_, media_, gateway_;
  int tmdb_port_ = 0;
  int port_ = 0;
};

TEST_F(MediaGatewayTest, UserSearchesInBothLanguagesRequestsInFrenchAndAnAdminApproves) {
  const std::string admin = SignIn("admin", "admin");
  HttpTestResponse settings = HttpCall(
      port_, "PATCH", "/api/v1/settings",
      json{{"values",
            {{"tmdb.url", absl::StrCat("http://127.0.0.1:", tmdb_port_, "/3")},
             {"tmdb.api_key", kTmdbKey}}}}
          .dump(),
      {Bearer(admin)});
  ASSERT_EQ(settings.status, 200) << settings.body;
  HttpTestResponse created_user = HttpCall(port_, "POST", "/api/v1/users",
                                           json{{"username", "alice"},
                                                {"email", "alice@example.org"},
                                                {"password", "first-pass-123"},
                                                {"role", "ROLE_USER"},
                                                {"preferredLanguage", "fr"}}
                                               .dump(),
                                           {Bearer(admin)});
  ASSERT_EQ(created_user.status, 200) << created_user.body;
  const std::string alice = SignIn("alice", "first-pass-123");

  for (const std::string query : {"Am%C3%A9lie", "le%20fabuleux%20destin"}) {
    HttpTestResponse found =
        HttpCall(port_, "GET", "/api/v1/search?type=movie&query=" + query, "", {Bearer(alice)});
    ASSERT_EQ(found.status, 200) << found.body;
    json results = Json(found)["results"];
    ASSERT_EQ(results.size(), 1u) << found.body;
    EXPECT_EQ(results[0]["tmdbId"], 194);
    EXPECT_EQ(results[0]["titleFr"], "Le Fabuleux Destin d'Amélie Poulain");
    EXPECT_EQ(results[0]["titleEn"], "Amélie");
    EXPECT_EQ(Json(found)["source"], "tmdb");
  }

  HttpTestResponse requested =
      HttpCall(port_, "POST", "/api/v1/requests",
               R"({"mediaType":"movie","tmdbId":194,"language":"fr"})", {Bearer(alice)});
  ASSERT_EQ(requested.status, 200) << requested.body;
  EXPECT_EQ(Json(requested)["status"], "pending");
  const std::string id = Json(requested)["id"];  // int64: a JSON string
  HttpTestResponse again =
      HttpCall(port_, "POST", "/api/v1/requests",
               R"({"mediaType":"movie","tmdbId":194,"language":"fr"})", {Bearer(alice)});
  EXPECT_EQ(again.status, 409) << again.body;

  HttpTestResponse approved = HttpCall(port_, "POST", "/api/v1/requests/" + id + ":approve", "{}",
                                       {Bearer(admin)});
  ASSERT_EQ(approved.status, 200) << approved.body;
  EXPECT_EQ(Json(approved)["status"], "approved");

  HttpTestResponse mine = HttpCall(port_, "GET", "/api/v1/requests/mine", "", {Bearer(alice)});
  ASSERT_EQ(mine.status, 200) << mine.body;
  EXPECT_EQ(Json(mine)["results"], "1");
  // kiosk-downloads is down: the request stays approved while its job retries.
  HttpTestResponse one = HttpCall(port_, "GET", "/api/v1/requests/" + id, "", {Bearer(alice)});
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(Json(one)["status"], "approved");
  HttpTestResponse jobs =
      HttpCall(port_, "GET", "/api/v1/jobs/media?kind=request", "", {Bearer(admin)});
  ASSERT_EQ(jobs.status, 200) << jobs.body;
  ASSERT_EQ(Json(jobs)["jobs"].size(), 1u) << jobs.body;

  HttpTestResponse counts = HttpCall(port_, "GET", "/api/v1/requests:count", "", {Bearer(admin)});
  ASSERT_EQ(counts.status, 200) << counts.body;
  EXPECT_EQ(Json(counts)["counts"]["approved"], "1");
  HttpTestResponse history =
      HttpCall(port_, "GET", "/api/v1/requests/" + id + "/history", "", {Bearer(alice)});
  ASSERT_EQ(history.status, 200) << history.body;
  EXPECT_EQ(Json(history)["transitions"].size(), 2u);
}

}  // namespace
}  // namespace kiosk::media
