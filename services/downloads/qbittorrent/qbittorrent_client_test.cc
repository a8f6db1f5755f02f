// The qBittorrent client over real HTTP against the WebUI double: login and
// cookies, re-login on 403, bad credentials in both styles, adds with text
// and JSON answers, info-hashes from magnets and .torrent files, the state
// table, files, delete, stop/start by API version.
#include "services/downloads/qbittorrent/qbittorrent_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "common/http/http_client.h"
#include "common/testing/status_matchers.h"
#include "services/downloads/qbittorrent/info_hash.h"
#include "services/downloads/qbittorrent/torrent_state.h"
#include "services/downloads/testing/qbittorrent_double.h"

namespace kiosk::downloads::qbittorrent {
namespace {

using ::kiosk::downloads::testing::QbittorrentDouble;
using ::kiosk::downloads::testing::QbittorrentDoubleOptions;
using ::kiosk::downloads::testing::ReleaseSpec;
using ::kiosk::testing::IsOk;
using ::kiosk::testing::IsOkAndHolds;
using ::kiosk::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::SizeIs;

constexpr char kHash[] = "5f36bfb78edbaf25157713166d2b8c37abeff28b";
constexpr char kBase32[] = "L43L7N4O3OXSKFLXCMLG2K4MG6V674UL";

std::string Magnet(const std::string& hash = kHash) {
  return absl::StrCat("magnet:?xt=urn:btih:", hash, "&dn=Film.2020.1080p.BluRay.x264-GRP",
                      "&tr=udp%3A%2F%2Ftracker.example%3A1337");
}

class QbittorrentClientTest : public ::testing::Test {
 protected:
  void StartDouble(QbittorrentDoubleOptions options) {
    dir_ = std::filesystem::temp_directory_path() /
           absl::StrCat("qbt-client-test-", getpid(), "-", ++counter_);
    std::filesystem::create_directories(dir_);
    options.download_dir = dir_.string();
    options.metadata_time = absl::ZeroDuration();
    qbt_ = std::make_unique<QbittorrentDouble>(options);
    ASSERT_THAT(qbt_->Start(), IsOk());
    client_ = std::make_unique<QbittorrentClient>(
        curl_, QbittorrentConfig{.url = qbt_->Url() + "/", .username = "admin",
                                 .password = "adminadmin"});
  }
  void TearDown() override {
    if (qbt_) qbt_->Stop();
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
  }
  AddTorrent Add(const std::string& source) {
    return {.source = source, .save_path = dir_.string(), .category = "plex-kiosk",
            .tags = {"plex-kiosk", "request-7"}};
  }
  std::vector<kiosk::testing::TestHttpRequest> RequestsTo(const std::string& path) {
    std::vector<kiosk::testing::TestHttpRequest> out;
    for (const auto& r : qbt_->server().requests()) {
      if (r.path == path) out.push_back(r);
    }
    return out;
  }

  static inline int counter_ = 0;
  http::CurlHttpClient curl_;
  std::filesystem::path dir_;
  std::unique_ptr<QbittorrentDouble> qbt_;
  std::unique_ptr<QbittorrentClient> client_;
};

TEST(InfoHashTest, HexMagnetIsLowerCased) {
  EXPECT_THAT(InfoHashFromMagnet(Magnet("5F36BFB78EDBAF25157713166D2B8C37ABEFF28B")),
              IsOkAndHolds(std::string(kHash)));
}

TEST(InfoHashTest, Base32MagnetBecomesHex) {
  EXPECT_THAT(InfoHashFromMagnet(Magnet(kBase32)), IsOkAndHolds(std::string(kHash)));
  EXPECT_THAT(Base32ToHex("l43l7n4o3oxskflxcmlg2k4mg6v674ul"), IsOkAndHolds(std::string(kHash)));
}

TEST(InfoHashTest, V2MultihashMagnet) {
  const std::string digest(64, 'a');
  EXPECT_THAT(InfoHashFromMagnet("magnet:?xt=urn:btmh:1220" + digest), IsOkAndHolds(digest));
  // A hybrid is listed by its v1 hash.
  EXPECT_THAT(InfoHashFromMagnet(absl::StrCat("magnet:?xt=urn:btmh:1220", digest,
                                              "&xt=urn:btih:", kHash)),
              IsOkAndHolds(std::string(kHash)));
}

TEST(InfoHashTest, BadMagnetsAreInvalidArgument) {
  EXPECT_THAT(InfoHashFromMagnet("http://x/y.torrent"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(InfoHashFromMagnet("magnet:?dn=nothing"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("no info-hash")));
  EXPECT_THAT(InfoHashFromMagnet("magnet:?xt=urn:btih:1234"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(InfoHashFromMagnet("magnet:?xt=urn:btih:L43L7N4O3OXSKFLXCMLG2K4MG6V674U1"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("base32")));
  EXPECT_THAT(InfoHashFromMagnet("magnet:?xt=urn:btmh:1114" + std::string(64, 'a')),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(InfoHashTest, TorrentFileHashIsSha1OfInfo) {
  // sha1("d4:name1:xe") computed independently with Python's hashlib.
  EXPECT_THAT(InfoHashFromTorrentFile("d8:announce3:abc4:infod4:name1:xee"),
              IsOkAndHolds(std::string("c06fadd1439dd2d619fec4538d69a54e614bb831")));
  EXPECT_THAT(InfoHashFromTorrentFile("not bencode"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(InfoHashFromTorrentFile("d3:foo3:bare"), StatusIs(absl::StatusCode::kInvalidArgument));
}

struct StateCase {
  const char* state;
  TorrentPhase phase;
};

TEST(TorrentStateTest, EveryStateMapsLikeRadarr) {
  const StateCase cases[] = {
      {"downloading", TorrentPhase::kDownloading},   {"forcedDL", TorrentPhase::kDownloading},
      {"moving", TorrentPhase::kDownloading},        {"allocating", TorrentPhase::kDownloading},
      {"unknown", TorrentPhase::kDownloading},       {"metaDL", TorrentPhase::kQueued},
      {"forcedMetaDL", TorrentPhase::kQueued},       {"queuedDL", TorrentPhase::kQueued},
      {"checkingDL", TorrentPhase::kQueued},         {"checkingUP", TorrentPhase::kQueued},
      {"checkingResumeData", TorrentPhase::kQueued}, {"stalledDL", TorrentPhase::kStalled},
      {"stoppedDL", TorrentPhase::kPaused},          {"pausedDL", TorrentPhase::kPaused},
      {"uploading", TorrentPhase::kCompleted},       {"stalledUP", TorrentPhase::kCompleted},
      {"queuedUP", TorrentPhase::kCompleted},        {"forcedUP", TorrentPhase::kCompleted},
      {"stoppedUP", TorrentPhase::kCompleted},       {"pausedUP", TorrentPhase::kCompleted},
      {"error", TorrentPhase::kError},               {"missingFiles", TorrentPhase::kError},
  };
  for (const StateCase& c : cases) {
    TorrentStateInfo info = MapTorrentState(c.state);
    EXPECT_EQ(info.phase, c.phase) << c.state;
    EXPECT_TRUE(info.known) << c.state;
  }
  EXPECT_THAT(MapTorrentState("error").message, HasSubstr("reporting an error"));
  EXPECT_THAT(MapTorrentState("missingFiles").message, HasSubstr("missing files"));
  EXPECT_THAT(MapTorrentState("stalledDL").message, HasSubstr("stalled"));
  TorrentStateInfo future = MapTorrentState("someNewState");
  EXPECT_EQ(future.phase, TorrentPhase::kDownloading);
  EXPECT_FALSE(future.known);
}

TEST_F(QbittorrentClientTest, LoginSendsFormRefererOriginAndUsesTheSidCookie) {
  StartDouble({.major = 5});
  ASSERT_THAT(client_->Info({}, ""), IsOk());
  auto logins = RequestsTo("/api/v2/auth/login");
  ASSERT_THAT(logins, SizeIs(1));
  auto form = logins[0].FormParams();
  EXPECT_EQ(form.find("username")->second, "admin");
  EXPECT_EQ(form.find("password")->second, "adminadmin");
  EXPECT_EQ(logins[0].Header("origin"), qbt_->Url());
  EXPECT_EQ(logins[0].Header("referer"), qbt_->Url() + "/");
  auto infos = RequestsTo("/api/v2/torrents/info");
  ASSERT_THAT(infos, SizeIs(1));
  EXPECT_THAT(infos[0].Header("cookie"), HasSubstr("SID="));
}

TEST_F(QbittorrentClientTest, Qbittorrent52CookieNameIsKept) {
  StartDouble({.major = 5, .cookie_name = "QBT_SID_8080"});
  EXPECT_THAT(client_->Info({}, ""), IsOk());
}

TEST_F(QbittorrentClientTest, ExpiredSessionLogsInOnceAgainAndRetries) {
  StartDouble({.major = 5});
  ASSERT_THAT(client_->Info({}, ""), IsOk());
  qbt_->ExpireSessions();
  EXPECT_THAT(client_->Info({}, ""), IsOk());
  EXPECT_EQ(qbt_->logins(), 2);
}

TEST_F(QbittorrentClientTest, BadCredentialsOldStyle200FailsIsClear) {
  StartDouble({.major = 4});
  QbittorrentClient bad(curl_, {.url = qbt_->Url(), .username = "admin", .password = "wrong"});
  EXPECT_THAT(bad.Info({}, ""), StatusIs(absl::StatusCode::kFailedPrecondition,
                                         HasSubstr("qbittorrent.password")));
  EXPECT_EQ(RequestsTo("/api/v2/auth/login").size(), 1u);
  EXPECT_TRUE(RequestsTo("/api/v2/torrents/info").empty());
}

TEST_F(QbittorrentClientTest, BadCredentialsNewStyle401IsClear) {
  StartDouble({.major = 5, .webapi_version = "2.14.1"});
  QbittorrentClient bad(curl_, {.url = qbt_->Url(), .username = "x", .password = "y"});
  EXPECT_THAT(bad.Login(), StatusIs(absl::StatusCode::kFailedPrecondition,
                                    HasSubstr("qbittorrent.username")));
}

TEST_F(QbittorrentClientTest, BannedAddressIsClear) {
  StartDouble({.major = 5});
  QbittorrentClient bad(curl_, {.url = qbt_->Url(), .username = "x", .password = "y"});
  for (int i = 0; i < 5; ++i) (void)bad.Login();
  EXPECT_THAT(bad.Login(), StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("banned")));
}

TEST_F(QbittorrentClientTest, UnreachableIsUnavailable) {
  StartDouble({.major = 5});
  qbt_->Stop();
  EXPECT_THAT(client_->Info({}, ""), StatusIs(absl::StatusCode::kUnavailable));
}

TEST_F(QbittorrentClientTest, V5AddWithJsonAnswerSendsStoppedFalseAndSubfolder) {
  StartDouble({.major = 5, .webapi_version = "2.14.1"});
  EXPECT_THAT(client_->Add(Add(Magnet())), IsOkAndHolds(std::string(kHash)));
  auto adds = RequestsTo("/api/v2/torrents/add");
  ASSERT_THAT(adds, SizeIs(1));
  auto form = adds[0].FormParams();
  EXPECT_EQ(form.find("urls")->second, Magnet());
  EXPECT_EQ(form.find("stopped")->second, "false");
  EXPECT_EQ(form.count("paused"), 0u);
  EXPECT_EQ(form.find("contentLayout")->second, "Subfolder");
  EXPECT_EQ(form.find("category")->second, "plex-kiosk");
  EXPECT_EQ(form.find("tags")->second, "plex-kiosk,request-7");
  EXPECT_EQ(form.find("savepath")->second, dir_.string());
  auto torrent = qbt_->Find(kHash);
  ASSERT_TRUE(torrent.has_value());
  EXPECT_EQ(torrent->category, "plex-kiosk");
}

TEST_F(QbittorrentClientTest, V4AddWithTextAnswerSendsPausedFalse) {
  StartDouble({.major = 4});
  EXPECT_THAT(client_->Add(Add(Magnet(kBase32))), IsOkAndHolds(std::string(kHash)));
  auto form = RequestsTo("/api/v2/torrents/add")[0].FormParams();
  EXPECT_EQ(form.find("paused")->second, "false");
  EXPECT_EQ(form.count("stopped"), 0u);
  EXPECT_TRUE(qbt_->Find(kHash).has_value());
}

TEST_F(QbittorrentClientTest, V50TextAnswersWithStopped) {
  StartDouble({.major = 5, .webapi_version = "2.11.2"});
  EXPECT_THAT(client_->Add(Add(Magnet())), IsOkAndHolds(std::string(kHash)));
  EXPECT_EQ(RequestsTo("/api/v2/torrents/add")[0].FormParams().find("stopped")->second, "false");
}

TEST_F(QbittorrentClientTest, SecondAddOfTheSameReleaseAnswersTheHashWithoutAdding) {
  for (const char* version : {"2.9.3", "2.14.1"}) {
    StartDouble({.major = 5, .webapi_version = version});
    ASSERT_THAT(client_->Add(Add(Magnet())), IsOk());
    EXPECT_THAT(client_->Add(Add(Magnet())), IsOkAndHolds(std::string(kHash))) << version;
    EXPECT_EQ(qbt_->add_calls(), 1) << version;
    EXPECT_EQ(qbt_->torrent_count(), 1u);
    qbt_->Stop();
  }
}

TEST_F(QbittorrentClientTest, RefusedReleaseIsInvalidArgumentBothStyles) {
  for (const char* version : {"2.9.3", "2.14.1"}) {
    StartDouble({.major = 5, .webapi_version = version});
    qbt_->RefuseAdds(true);
    EXPECT_THAT(client_->Add(Add(Magnet())),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("refused"))) << version;
    // A .torrent URL that cannot be fetched is refused before qBittorrent.
    EXPECT_THAT(client_->Add(Add(qbt_->server().Url("/nothing.torrent"))),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("HTTP 404"))) << version;
    qbt_->Stop();
  }
}

TEST_F(QbittorrentClientTest, TorrentUrlIsHashedFromTheFile) {
  StartDouble({.major = 5});
  std::string hash;
  std::string url = qbt_->ServeTorrentFile({.name = "Show.S01", .files = {{"e1.mkv", 1000}}}, &hash);
  EXPECT_THAT(client_->Add(Add(url)), IsOkAndHolds(hash));
  EXPECT_TRUE(qbt_->Find(hash).has_value());
}

TEST_F(QbittorrentClientTest, CompleteIsDecidedByStateNotProgress) {
  StartDouble({.major = 5});
  qbt_->RegisterRelease(kHash, {.name = "Film", .files = {{"Film.mkv", 4096}},
                                .check_time = absl::Seconds(5)});
  ASSERT_THAT(client_->Add(Add(Magnet())), IsOk());
  qbt_->Advance(absl::Seconds(2));
  auto info = client_->Info({kHash}, "plex-kiosk");
  ASSERT_THAT(info, IsOk());
  ASSERT_THAT(*info, SizeIs(1));
  EXPECT_DOUBLE_EQ((*info)[0].progress, 1.0);
  EXPECT_EQ((*info)[0].state, "checkingUP");
  EXPECT_NE(MapTorrentState((*info)[0].state).phase, TorrentPhase::kCompleted);
  qbt_->Advance(absl::Seconds(10));
  info = client_->Info({kHash}, "");
  EXPECT_EQ((*info)[0].state, "uploading");
  EXPECT_EQ(MapTorrentState((*info)[0].state).phase, TorrentPhase::kCompleted);
  EXPECT_EQ((*info)[0].content_path, dir_.string() + "/Film");
  EXPECT_TRUE(std::filesystem::exists(dir_ / "Film" / "Film.mkv"));
  EXPECT_EQ(std::filesystem::file_size(dir_ / "Film" / "Film.mkv"), 4096u);
}

TEST_F(QbittorrentClientTest, StopAndStartUseTheNamesOfTheVersion) {
  for (int major : {4, 5}) {
    StartDouble({.major = major});
    qbt_->RegisterRelease(kHash, {.name = "Film", .files = {{"Film.mkv", 100}}});
    ASSERT_THAT(client_->Add(Add(Magnet())), IsOk());
    qbt_->Advance(absl::Seconds(3));
    ASSERT_THAT(client_->Stop({kHash}), IsOk());
    auto info = client_->Info({kHash}, "");
    ASSERT_THAT(info, IsOk());
    EXPECT_EQ((*info)[0].state, major == 4 ? "pausedUP" : "stoppedUP");
    EXPECT_EQ(MapTorrentState((*info)[0].state).phase, TorrentPhase::kCompleted);
    EXPECT_EQ(RequestsTo(major == 4 ? "/api/v2/torrents/pause" : "/api/v2/torrents/stop").size(), 1u);
    ASSERT_THAT(client_->Start({kHash}), IsOk());
    EXPECT_EQ(qbt_->Find(kHash)->state, "uploading");
    qbt_->Stop();
  }
}

TEST_F(QbittorrentClientTest, StoppedBeforeTheEndIsPausedInBothSpellings) {
  for (int major : {4, 5}) {
    StartDouble({.major = major, .default_speed = 100});
    ASSERT_THAT(client_->Add(Add(Magnet())), IsOk());
    qbt_->Advance(absl::Seconds(2));
    ASSERT_THAT(client_->Stop({kHash}), IsOk());
    auto info = client_->Info({kHash}, "");
    EXPECT_EQ((*info)[0].state, major == 4 ? "pausedDL" : "stoppedDL");
    EXPECT_EQ(MapTorrentState((*info)[0].state).phase, TorrentPhase::kPaused);
    qbt_->Stop();
  }
}

TEST_F(QbittorrentClientTest, FilesBeforeAndAfterMetadataAndDeleteWithFiles) {
  StartDouble({.major = 5});
  qbt_->RegisterRelease(kHash, {.name = "Film", .files = {{"Film.mkv", 2000}, {"Film.nfo", 10}}});
  ASSERT_THAT(client_->Add(Add(Magnet())), IsOk());
  qbt_->Advance(absl::Seconds(2));
  auto files = client_->Files(kHash);
  ASSERT_THAT(files, IsOk());
  ASSERT_THAT(*files, SizeIs(2));
  EXPECT_EQ((*files)[0].name, "Film/Film.mkv");
  EXPECT_EQ((*files)[0].size, 2000);
  EXPECT_THAT(client_->Files("0000000000000000000000000000000000000000"),
              StatusIs(absl::StatusCode::kNotFound));
  ASSERT_THAT(client_->Delete({kHash}, true), IsOk());
  auto form = RequestsTo("/api/v2/torrents/delete")[0].FormParams();
  EXPECT_EQ(form.find("deleteFiles")->second, "true");
  EXPECT_EQ(qbt_->torrent_count(), 0u);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "Film"));
}

TEST_F(QbittorrentClientTest, ShareLimitsStopSeeding) {
  StartDouble({.major = 5, .default_speed = 1000});
  qbt_->RegisterRelease(kHash, {.name = "Film", .files = {{"Film.mkv", 1000}}});
  ASSERT_THAT(client_->Add(Add(Magnet())), IsOk());
  ASSERT_THAT(client_->SetShareLimits({kHash}, 1.0, -1), IsOk());
  EXPECT_DOUBLE_EQ(qbt_->Find(kHash)->ratio_limit, 1.0);
  qbt_->Advance(absl::Seconds(10));
  auto info = client_->Info({kHash}, "");
  EXPECT_EQ((*info)[0].state, "stoppedUP");
  EXPECT_GE((*info)[0].ratio, 1.0);
}

TEST_F(QbittorrentClientTest, WrongMethodIs405LikeTheRealServer) {
  StartDouble({.major = 5});
  ASSERT_THAT(client_->Login(), IsOk());
  http::CurlHttpClient raw;
  auto response = raw.Send({.url = qbt_->server().Url("/api/v2/torrents/delete")});
  ASSERT_THAT(response, IsOk());
  EXPECT_EQ(response->status, 405);
  auto forbidden = raw.Send({.url = qbt_->server().Url("/api/v2/torrents/info")});
  EXPECT_EQ(forbidden->status, 403);
}

}  // namespace
}  // namespace kiosk::downloads::qbittorrent
