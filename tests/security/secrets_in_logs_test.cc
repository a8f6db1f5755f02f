// Secrets never reach the logs. Runs last in this binary: it first goes
// through everything that handles a secret (sign-in, refresh, a wrong
// password, API keys, a webhook with its signing secret and a test delivery,
// Plex's connection test and a sync, a TMDB search, a qBittorrent sign-in
// through an attached release), then looks for every secret of the whole run
// (SECRET_KEY, plex.token, qbittorrent.password, tmdb.api_key, passwords,
// access and refresh tokens, API keys, database role passwords) in the output
// of every binary.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/testing/http_test_server.h"
#include "gateway/testing/http_test_client.h"
#include "tests/security/security_suite.h"

namespace kiosk::testing {
namespace {

using ::testing::HasSubstr;

TEST(SecretsInLogsTest, NoSecretOfTheRunAppearsInAnyLog) {
  SecuritySuite& s = SecuritySuite::Get();
  ASSERT_TRUE(s.ok()) << s.status;
  std::vector<std::string> secrets = s.secrets;

  // A session: refresh token, refresh, logout; a wrong password.
  HttpTestResponse login =
      s.rest.Call("POST", "/api/v1/auth/login", "",
                  {{"username", "alice"}, {"password", "alice security pw 1"}});
  ASSERT_EQ(login.status, 200) << login.body;
  const std::string refresh = Json(login)["refreshToken"];
  secrets.push_back(refresh);
  HttpTestResponse refreshed =
      s.rest.Call("POST", "/api/v1/auth/refresh", "", {{"refreshToken", refresh}});
  ASSERT_EQ(refreshed.status, 200) << refreshed.body;
  secrets.push_back(Json(refreshed)["refreshToken"]);
  secrets.push_back(Json(refreshed)["accessToken"]);
  // Reusing the spent refresh token is refused (and logged as such).
  EXPECT_EQ(s.rest.Call("POST", "/api/v1/auth/refresh", "", {{"refreshToken", refresh}}).status,
            401);
  const std::string wrong_password = "wrong-password-4c1f9e";
  secrets.push_back(wrong_password);
  EXPECT_EQ(s.rest
                .Call("POST", "/api/v1/auth/login", "",
                      {{"username", "alice"}, {"password", wrong_password}})
                .status,
            401);

  // An API key, used.
  HttpTestResponse key =
      s.rest.Call("POST", "/api/v1/auth/api-keys", s.admin, {{"name", "logs key"}});
  ASSERT_EQ(key.status, 200) << key.body;
  const std::string api_key = Json(key)["key"];
  secrets.push_back(api_key);
  HttpTestResponse with_key =
      gateway::testing::HttpCall(s.suite->gateway_port(), "GET", "/api/v1/requests", "",
                                 {absl::StrCat("X-Api-Key: ", api_key)});
  EXPECT_EQ(with_key.status, 200) << with_key.body;

  // A webhook with its secret, and a test delivery to a receiver.
  HttpTestServer receiver;
  receiver.Handle("POST", "/hook",
                  [](const TestHttpRequest&) { return TestHttpResponse::Json("{}"); });
  ASSERT_TRUE(receiver.Start().ok());
  const std::string webhook_secret = "webhook-secret-logs-3e8d0a7b";
  secrets.push_back(webhook_secret);
  HttpTestResponse hook = s.rest.Call("POST", "/api/v1/webhooks", s.admin,
                                      {{"name", "logs hook"},
                                       {"url", receiver.Url("/hook?token=query-secret-91b2")},
                                       {"secret", webhook_secret}});
  ASSERT_EQ(hook.status, 200) << hook.body;
  secrets.push_back("query-secret-91b2");
  const std::string hook_id = Json(hook)["webhook"]["id"];
  HttpTestResponse tested = s.rest.Call("POST", absl::StrCat("/api/v1/webhooks/", hook_id, ":test"),
                                        s.admin, nlohmann::json::object());
  EXPECT_EQ(tested.status, 200) << tested.body;

  // The external systems: Plex (test connection, a sync), TMDB (a search),
  // qBittorrent (sign-in when a release is attached).
  EXPECT_EQ(
      s.rest.Call("POST", "/api/v1/plex:test-connection", s.admin, nlohmann::json::object()).status,
      200);
  EXPECT_EQ(
      s.rest.Call("POST", "/api/v1/plex/library:sync", s.admin, nlohmann::json::object()).status,
      200);
  nlohmann::json search =
      s.rest.PollJson("/api/v1/search?query=intouchables", s.alice, [](const nlohmann::json& j) {
        return j.is_object() && j.value("source", "local") != "local";
      });
  EXPECT_NE(search.value("source", "local"), "local") << search.dump();
  HttpTestResponse request =
      s.rest.Call("POST", "/api/v1/requests", s.alice,
                  {{"mediaType", "movie"}, {"tmdbId", 77338}, {"language", "fr"}});
  ASSERT_EQ(request.status, 200) << request.body;
  const std::string id = Json(request)["id"];
  ASSERT_EQ(s.rest
                .Call("POST", absl::StrCat("/api/v1/requests/", id, ":approve"), s.admin,
                      nlohmann::json::object())
                .status,
            200);
  nlohmann::json waiting =
      s.rest.PollJson(absl::StrCat("/api/v1/requests/", id), s.alice, [](const nlohmann::json& j) {
        return j.contains("progress") && j["progress"].value("stage", "") == "awaiting_release";
      });
  HttpTestResponse attached = s.rest.Call(
      "POST", "/api/v1/downloads:attachRelease", s.admin,
      {{"requestId", std::stoll(id)},
       {"release",
        "magnet:?xt=urn:btih:aaaabbbbccccddddeeeeffff0000111122223333&dn=Intouchables"}});
  EXPECT_EQ(attached.status, 200) << attached.body;
  s.rest.PollJson(absl::StrCat("/api/v1/requests/", id), s.alice, [](const nlohmann::json& j) {
    return j.value("status", "") == "downloading" || j.value("status", "") == "available";
  });
  receiver.WaitForRequests(1, absl::Seconds(10));

  const std::string logs = s.suite->Logs();
  ASSERT_THAT(logs, HasSubstr("event=listening"));
  for (const std::string& secret : secrets) {
    ASSERT_GE(secret.size(), 8u) << "too short to grep for: " << secret;
    size_t at = logs.find(secret);
    EXPECT_EQ(at, std::string::npos)
        << "a secret is in the logs: \"" << secret.substr(0, 6)
        << "...\" in: " << logs.substr(at == std::string::npos ? 0 : logs.rfind('\n', at) + 1, 300);
  }
}

}  // namespace
}  // namespace kiosk::testing
