// The automatic grab across the real binaries, over REST only, with the
// TMDB, qBittorrent, Plex and Torznab doubles in their own processes: an
// admin adds an indexer, a user requests Amélie in French, the admin
// approves, and without any other step the FRENCH 1080p release is in
// qBittorrent; the ranking with its reasons is visible through
// SearchReleases; when that torrent disappears from qBittorrent the release
// is blocklisted and the next best one (MULTi 1080p) is grabbed.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/http/http_client.h"
#include "gateway/testing/http_test_client.h"
#include "services/downloads/qbittorrent/qbittorrent_client.h"
#include "services/downloads/testing/torznab_double.h"
#include "tests/suite/external_doubles.h"
#include "tests/suite/running_suite.h"
#include "tests/suite/suite_client.h"

namespace kiosk::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kFrench1080[] = "Le.Fabuleux.Destin.d.Amelie.Poulain.2001.FRENCH.1080p.BluRay.x264-GROUP";
constexpr char kMulti1080[] = "Le.Fabuleux.Destin.d.Amelie.Poulain.2001.MULTi.1080p.BluRay.x264-LOST";


std::string HashOf(const std::string& title) {
  return downloads::testing::TorznabRelease{.title = title}.InfoHash();
}

class AutoGrabTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Slow torrents: they stay downloading for the whole test.
    absl::StatusOr<std::unique_ptr<ExternalDoubles>> doubles =
        ExternalDoubles::Start({.torrent_size = 400000000, .torrent_speed = 1000});
    ASSERT_TRUE(doubles.ok()) << doubles.status();
    doubles_ = *std::move(doubles);
    absl::StatusOr<std::unique_ptr<RunningSuite>> suite = RunningSuite::Start();
    ASSERT_TRUE(suite.ok()) << suite.status();
    suite_ = *std::move(suite);
    rest_ = std::make_unique<SuiteClient>(suite_->gateway_port());
  }

  HttpTestResponse Call(const std::string& method, const std::string& target,
                        const std::string& token, const nlohmann::json& body = nullptr) {
    return rest_->Call(method, target, token, body);
  }
  // The request's download as the admin sees it once `done` holds (or the last one seen).
  nlohmann::json WaitForDownload(const std::string& admin, const std::string& request_id,
                                 const std::function<bool(const nlohmann::json&)>& done) {
    nlohmann::json download;
    for (absl::Time deadline = absl::Now() + absl::Seconds(60); absl::Now() < deadline;) {
      nlohmann::json list =
          Json(Call("GET", absl::StrCat("/api/v1/downloads?requestId=", request_id), admin));
      if (list.contains("downloads") && !list["downloads"].empty()) {
        download = list["downloads"][0];
        if (done(download)) break;
      }
      absl::SleepFor(absl::Milliseconds(250));
    }
    return download;
  }

  std::unique_ptr<ExternalDoubles> doubles_;
  std::unique_ptr<RunningSuite> suite_;
  std::unique_ptr<SuiteClient> rest_;
};

TEST_F(AutoGrabTest, ApprovalGrabsTheBestFrenchReleaseAndAFailureGrabsTheNext) {
  absl::StatusOr<std::string> signed_in = rest_->FirstAdminLogin("grab admin pw");
  ASSERT_TRUE(signed_in.ok()) << signed_in.status();
  const std::string admin = *signed_in;
  ASSERT_TRUE(rest_->UseDoubles(admin, *doubles_).ok());
  HttpTestResponse auto_grab =
      Call("PATCH", "/api/v1/settings", admin, {{"values", {{"releases.auto_grab", true}}}});
  ASSERT_EQ(auto_grab.status, 200) << auto_grab.body;
  const DoublesOptions& o = doubles_->options();

  // The indexer, probed on save; its key never comes back.
  HttpTestResponse indexer = Call("POST", "/api/v1/indexers", admin,
                                  {{"name", "Jackett"},
                                   {"url", doubles_->torznab_url()},
                                   {"apiKey", o.torznab_api_key},
                                   {"categories", {2000, 5000}}});
  ASSERT_EQ(indexer.status, 200) << indexer.body << "\n" << suite_->Logs();
  EXPECT_EQ(Json(indexer)["apiKey"], "");
  EXPECT_EQ(Json(indexer)["hasApiKey"], true);
  EXPECT_EQ(Json(indexer)["lastStatus"], "ok");
  EXPECT_THAT(indexer.body, ::testing::Not(HasSubstr(o.torznab_api_key)));
  HttpTestResponse bad = Call("POST", "/api/v1/indexers", admin,
                              {{"name", "Typo"}, {"url", doubles_->torznab_url()}, {"apiKey", "nope"}});
  EXPECT_EQ(bad.status, 400) << bad.body;  // FAILED_PRECONDITION
  EXPECT_THAT(bad.body, HasSubstr("Invalid API Key"));

  absl::StatusOr<std::string> alice_or = rest_->CreateUser(admin, "alice", "alice password 2");
  ASSERT_TRUE(alice_or.ok()) << alice_or.status();
  const std::string alice = *alice_or;
  EXPECT_EQ(Call("GET", "/api/v1/indexers", alice).status, 403);

  // Services read settings through a short cache: request once TMDB answers.
  HttpTestResponse request;
  for (absl::Time deadline = absl::Now() + absl::Seconds(30); absl::Now() < deadline;) {
    request = Call("POST", "/api/v1/requests", alice,
                   {{"mediaType", "movie"}, {"tmdbId", 194}, {"language", "fr"}});
    if (request.status == 200) break;
    absl::SleepFor(absl::Seconds(1));
  }
  ASSERT_EQ(request.status, 200) << request.body;
  const std::string id = Json(request)["id"];
  HttpTestResponse approved =
      Call("POST", absl::StrCat("/api/v1/requests/", id, ":approve"), admin, nlohmann::json::object());
  ASSERT_EQ(approved.status, 200) << approved.body;

  // No other step: the best release is grabbed and sent to qBittorrent.
  nlohmann::json d = WaitForDownload(admin, id, [](const nlohmann::json& d) {
    return !d.value("torrentHash", "").empty();
  });
  ASSERT_EQ(d.value("releaseTitle", ""), kFrench1080) << d.dump() << "\n" << suite_->Logs();
  EXPECT_EQ(d.value("indexer", ""), "Jackett");
  EXPECT_EQ(d.value("autoGrabbed", false), true);
  EXPECT_EQ(d.value("torrentHash", ""), HashOf(kFrench1080));
  http::CurlHttpClient curl;
  downloads::qbittorrent::QbittorrentClient qbt(
      curl, {.url = doubles_->qbittorrent_url(), .username = o.qbittorrent_username,
             .password = o.qbittorrent_password});
  absl::StatusOr<std::vector<downloads::qbittorrent::Torrent>> torrents =
      qbt.Info({HashOf(kFrench1080)}, "");
  ASSERT_TRUE(torrents.ok()) << torrents.status();
  ASSERT_EQ(torrents->size(), 1u);

  // The ranking, with the reasons of the rejected ones.
  HttpTestResponse ranked = Call("GET", absl::StrCat("/api/v1/requests/", id, "/releases"), admin);
  ASSERT_EQ(ranked.status, 200) << ranked.body;
  nlohmann::json r = Json(ranked);
  EXPECT_EQ(r["autoGrab"], true);
  ASSERT_EQ(r["indexers"].size(), 1u);
  EXPECT_EQ(r["indexers"][0]["error"], "");
  ASSERT_GT(r["releases"].size(), 5u);
  EXPECT_EQ(r["releases"][0]["title"], kFrench1080);
  EXPECT_EQ(r["releases"][0]["accepted"], true);
  EXPECT_EQ(r["releases"][1]["title"], kMulti1080);
  bool saw_english = false;
  for (const nlohmann::json& release : r["releases"]) {
    if (release["title"] != "Amelie.2001.1080p.BluRay.x264-AMIABLE") continue;
    saw_english = true;
    EXPECT_EQ(release["accepted"], false);
    EXPECT_THAT(release["rejections"][0].get<std::string>(), HasSubstr("no French audio"));
  }
  EXPECT_TRUE(saw_english) << ranked.body;
  EXPECT_EQ(Call("GET", absl::StrCat("/api/v1/requests/", id, "/releases"), alice).status, 403);

  // The torrent disappears from qBittorrent: blocklisted, the next one grabbed.
  ASSERT_TRUE(qbt.Delete({HashOf(kFrench1080)}, /*delete_files=*/true).ok());
  nlohmann::json next = WaitForDownload(admin, id, [](const nlohmann::json& d) {
    return d.value("releaseTitle", "") == kMulti1080 && !d.value("torrentHash", "").empty();
  });
  ASSERT_EQ(next.value("releaseTitle", ""), kMulti1080) << next.dump() << "\n" << suite_->Logs();
  EXPECT_EQ(next.value("autoGrabbed", false), true);
  EXPECT_EQ(next.value("torrentHash", ""), HashOf(kMulti1080));
  HttpTestResponse blocklist = Call("GET", "/api/v1/blocklist", admin);
  ASSERT_EQ(blocklist.status, 200) << blocklist.body;
  nlohmann::json entries = Json(blocklist)["entries"];
  ASSERT_EQ(entries.size(), 1u) << blocklist.body;
  EXPECT_EQ(entries[0]["title"], kFrench1080);
  EXPECT_EQ(entries[0]["infoHash"], HashOf(kFrench1080));
  EXPECT_THAT(entries[0]["reason"].get<std::string>(), HasSubstr("removed from qBittorrent"));
  torrents = qbt.Info({HashOf(kMulti1080)}, "");
  ASSERT_TRUE(torrents.ok()) << torrents.status();
  EXPECT_EQ(torrents->size(), 1u);
  // Nothing secret in any log line.
  EXPECT_THAT(suite_->Logs(), ::testing::Not(HasSubstr(o.torznab_api_key)));
}

}  // namespace
}  // namespace kiosk::testing
