// The whole chain across the real binaries, over REST only, with the doubles
// of TMDB, qBittorrent and Plex in their own processes: a user searches and
// requests a film in French, an admin approves it and attaches a magnet, the
// download progresses on the request, the import renames the file into the
// library folder, kiosk-plex asks Plex to rescan exactly that folder (as Plex
// sees it, through plex.path_map), and the request becomes available.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gateway/testing/http_test_client.h"
#include "tests/suite/external_doubles.h"
#include "tests/suite/running_suite.h"
#include "tests/suite/suite_client.h"

namespace kiosk::testing {
namespace {

using ::kiosk::gateway::testing::HttpTestResponse;
using ::testing::HasSubstr;

class RequestChainTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<ExternalDoubles>> doubles =
        ExternalDoubles::Start({.torrent_size = 40000000});
    ASSERT_TRUE(doubles.ok()) << doubles.status();
    doubles_ = *std::move(doubles);
    absl::StatusOr<std::unique_ptr<RunningSuite>> suite = RunningSuite::Start();
    ASSERT_TRUE(suite.ok()) << suite.status();
    suite_ = *std::move(suite);
    port_ = suite_->gateway_port();
  }

  HttpTestResponse Call(const std::string& method, const std::string& target,
                        const std::string& token, const nlohmann::json& body = nullptr) {
    return SuiteClient(port_).Call(method, target, token, body);
  }

  int port_ = 0;
  std::unique_ptr<ExternalDoubles> doubles_;
  std::unique_ptr<RunningSuite> suite_;
};

TEST_F(RequestChainTest, ApprovedRequestWithAMagnetEndsAvailableInTheLibrary) {
  // The admin's first sign-in: change the password, then configure.
  SuiteClient rest(port_);
  absl::StatusOr<std::string> admin_token = rest.FirstAdminLogin("chain admin pw");
  ASSERT_TRUE(admin_token.ok()) << admin_token.status();
  const std::string admin = *admin_token;
  ASSERT_TRUE(rest.UseDoubles(admin, *doubles_).ok());
  const std::string root = doubles_->media_dir();
  absl::StatusOr<std::string> alice_token = rest.CreateUser(admin, "alice", "alice password 2");
  ASSERT_TRUE(alice_token.ok()) << alice_token.status();
  const std::string alice = *alice_token;

  // Services read the settings through a short cache: search until TMDB answers.
  nlohmann::json found;
  for (absl::Time deadline = absl::Now() + absl::Seconds(30); absl::Now() < deadline;) {
    HttpTestResponse search = Call("GET", "/api/v1/search?query=le%20fabuleux%20destin", alice);
    ASSERT_EQ(search.status, 200) << search.body;
    found = Json(search);
    if (found.value("source", "") != "local") break;
    absl::SleepFor(absl::Seconds(1));
  }
  ASSERT_FALSE(found["results"].empty()) << found.dump();
  EXPECT_EQ(found["results"][0]["tmdbId"], 194);
  EXPECT_EQ(found["results"][0]["titleEn"], "Amélie");

  HttpTestResponse request =
      Call("POST", "/api/v1/requests", alice, {{"mediaType", "movie"}, {"tmdbId", 194}, {"language", "fr"}});
  ASSERT_EQ(request.status, 200) << request.body;
  EXPECT_EQ(Json(request)["status"], "pending");
  const std::string id = Json(request)["id"];
  // A second request for the same title and language is refused.
  EXPECT_EQ(Call("POST", "/api/v1/requests", alice,
                 {{"mediaType", "movie"}, {"tmdbId", 194}, {"language", "fr"}})
                .status,
            409);
  // A user cannot approve.
  EXPECT_EQ(Call("POST", absl::StrCat("/api/v1/requests/", id, ":approve"), alice, nlohmann::json::object()).status,
            403);
  HttpTestResponse approved =
      Call("POST", absl::StrCat("/api/v1/requests/", id, ":approve"), admin, nlohmann::json::object());
  ASSERT_EQ(approved.status, 200) << approved.body;

  // kiosk-media's `request` job hands it to kiosk-downloads, where it waits
  // for a release.
  nlohmann::json waiting;
  for (absl::Time deadline = absl::Now() + absl::Seconds(30); absl::Now() < deadline;) {
    waiting = Json(Call("GET", absl::StrCat("/api/v1/requests/", id), alice));
    if (waiting["progress"].value("stage", "") == "awaiting_release") break;
    absl::SleepFor(absl::Milliseconds(200));
  }
  ASSERT_EQ(waiting["progress"].value("stage", ""), "awaiting_release") << waiting.dump();
  EXPECT_EQ(waiting["status"], "processing");
  HttpTestResponse attached =
      Call("POST", "/api/v1/downloads:attachRelease", admin,
           {{"requestId", std::stoll(id)},
            {"release",
             "magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567&dn="
             "Amelie.2001.FRENCH.1080p.BluRay.x264-LOST"}});
  ASSERT_EQ(attached.status, 200) << attached.body;

  // Progress moves on the request, then it becomes available.
  std::set<std::string> statuses;
  double last_percent = 0;
  bool saw_progress_between = false;
  nlohmann::json state;
  for (absl::Time deadline = absl::Now() + absl::Seconds(90); absl::Now() < deadline;) {
    state = Json(Call("GET", absl::StrCat("/api/v1/requests/", id), alice));
    statuses.insert(state.value("status", ""));
    double percent = state["progress"].value("percent", 0.0);
    if (percent > 0 && percent < 100) saw_progress_between = true;
    last_percent = percent;
    if (state["status"] == "available") break;
    absl::SleepFor(absl::Milliseconds(500));
  }
  ASSERT_EQ(state["status"], "available") << state.dump() << "\n" << suite_->Logs();
  EXPECT_TRUE(statuses.count("downloading")) << state.dump();
  EXPECT_TRUE(saw_progress_between) << "no progress between 0 and 100 % was seen";
  EXPECT_EQ(last_percent, 100);

  const std::filesystem::path file = std::filesystem::path(root) / "movies" / "Le Fabuleux Destin d'Amélie Poulain (2001)" /
                                     "Le Fabuleux Destin d'Amélie Poulain (2001) Bluray-1080p.mkv";
  EXPECT_TRUE(std::filesystem::exists(file)) << file;
  // No partial file left next to it.
  for (const auto& entry : std::filesystem::directory_iterator(file.parent_path())) {
    EXPECT_THAT(entry.path().filename().string(), ::testing::Not(HasSubstr("partial")));
  }
  HttpTestResponse transfers = Call("GET", "/api/v1/transfers", admin);
  ASSERT_EQ(transfers.status, 200);
  EXPECT_THAT(transfers.body, HasSubstr("Bluray-1080p.mkv"));
  // kiosk-plex asked Plex to rescan exactly that folder, as Plex sees it.
  EXPECT_THAT(suite_->Logs(),
              HasSubstr("event=plex_refresh_path section=1 path=\"/data/movies/Le Fabuleux Destin "
                        "d'Amélie Poulain (2001)\""));
}

}  // namespace
}  // namespace kiosk::testing
