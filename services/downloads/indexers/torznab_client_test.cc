// The Torznab client over real HTTP against the indexer double.
#include "services/downloads/indexers/torznab_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/testing/status_matchers.h"
#include "services/downloads/testing/torznab_double.h"

namespace kiosk::downloads::indexers {
namespace {

using ::kiosk::downloads::testing::TorznabDouble;
using ::kiosk::downloads::testing::TorznabDoubleOptions;
using ::kiosk::downloads::testing::TorznabFault;
using ::kiosk::testing::IsOk;
using ::kiosk::testing::StatusIs;
using ::testing::Contains;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::Not;

class TorznabClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_THAT(double_.Start(), IsOk());
    indexer_.name = "Jackett";
    indexer_.url = double_.Url();
    indexer_.api_key = "sekret-key";
  }
  std::vector<std::string> Titles(const TorznabFeed& feed) {
    std::vector<std::string> out;
    for (const TorznabItem& i : feed.items) out.push_back(i.title);
    return out;
  }

  TorznabDouble double_{TorznabDoubleOptions{.api_key = "sekret-key", .slow_delay = absl::Seconds(5)}};
  http::CurlHttpClient http_;
  TorznabClient client_{http_, absl::Seconds(2)};
  Indexer indexer_;
};

TEST(TorznabEndpoint, AppendsApiOnce) {
  EXPECT_EQ(TorznabEndpoint("http://j:9117/api/v2.0/indexers/all/results/torznab"),
            "http://j:9117/api/v2.0/indexers/all/results/torznab/api");
  EXPECT_EQ(TorznabEndpoint("http://j:9117/api/v2.0/indexers/all/results/torznab/"),
            "http://j:9117/api/v2.0/indexers/all/results/torznab/api");
  EXPECT_EQ(TorznabEndpoint("http://prowlarr:9696/1/api"), "http://prowlarr:9696/1/api");
}

TEST_F(TorznabClientTest, CapsSendsTheKeyAsApikeyAndReadsTheModes) {
  absl::StatusOr<TorznabCaps> caps = client_.Caps(indexer_);
  ASSERT_THAT(caps, IsOk());
  EXPECT_EQ(caps->Summary(), "search, movie-search (imdbid), tv-search (season, ep, tvdbid)");
  auto requests = double_.server().requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].path, "/api/v2.0/indexers/all/results/torznab/api");
  EXPECT_EQ(requests[0].QueryParam("t"), "caps");
  EXPECT_EQ(requests[0].QueryParam("apikey"), "sekret-key");
}

TEST_F(TorznabClientTest, MovieSearchByImdbIdWithCategories) {
  indexer_.categories = {2000};
  absl::StatusOr<TorznabFeed> feed =
      client_.Search(indexer_, {.function = "movie", .imdb_id = "tt0211915"});
  ASSERT_THAT(feed, IsOk());
  EXPECT_THAT(Titles(*feed),
              Contains("Le.Fabuleux.Destin.d.Amelie.Poulain.2001.FRENCH.1080p.BluRay.x264-GROUP"));
  EXPECT_THAT(Titles(*feed), Not(Contains(HasSubstr("Matrix"))));
  EXPECT_EQ(feed->skipped, 2);  // the double's malformed items
  for (const TorznabItem& item : feed->items) {
    EXPECT_FALSE(item.DownloadLink().empty()) << item.title;
  }
  auto request = double_.server().requests().back();
  EXPECT_EQ(request.QueryParam("t"), "movie");
  EXPECT_EQ(request.QueryParam("imdbid"), "tt0211915");
  EXPECT_EQ(request.QueryParam("cat"), "2000");
  EXPECT_EQ(request.QueryParam("extended"), "1");
}

TEST_F(TorznabClientTest, TvSearchBySeasonAndEpisode) {
  absl::StatusOr<TorznabFeed> feed = client_.Search(
      indexer_, {.function = "tvsearch", .tvdb_id = 81189, .season = 1, .episode = 2});
  ASSERT_THAT(feed, IsOk());
  // The episode and the season pack that holds it.
  EXPECT_THAT(Titles(*feed), Contains("Breaking.Bad.S01E02.VOSTFR.1080p.WEB.x264-NTB"));
  EXPECT_THAT(Titles(*feed), Contains("Breaking.Bad.S01.MULTi.1080p.BluRay.x264-ROVERS"));
  EXPECT_THAT(Titles(*feed), Not(Contains("Breaking.Bad.S01E01.FRENCH.720p.HDTV.x264-FRG")));
  auto request = double_.server().requests().back();
  EXPECT_EQ(request.QueryParam("tvdbid"), "81189");
  EXPECT_EQ(request.QueryParam("season"), "1");
  EXPECT_EQ(request.QueryParam("ep"), "2");
}

TEST_F(TorznabClientTest, TextSearch) {
  absl::StatusOr<TorznabFeed> feed = client_.Search(indexer_, {.q = "Intouchables 2011"});
  ASSERT_THAT(feed, IsOk());
  EXPECT_EQ(feed->items.size(), 2u);
}

TEST_F(TorznabClientTest, WrongKeyIsPermissionDeniedWithoutTheKeyInTheMessage) {
  indexer_.api_key = "wrong-key-123";
  absl::StatusOr<TorznabCaps> caps = client_.Caps(indexer_);
  EXPECT_THAT(caps, StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("Invalid API Key")));
  EXPECT_THAT(std::string(caps.status().message()), Not(HasSubstr("wrong-key-123")));
}

TEST_F(TorznabClientTest, FaultsBecomeStatusesNeverCrashes) {
  double_.SetFault(TorznabFault::kHtmlPage);
  absl::StatusOr<TorznabFeed> html = client_.Search(indexer_, {.q = "x"});
  EXPECT_THAT(html, StatusIs(absl::StatusCode::kUnavailable, HasSubstr("HTTP 503")));
  EXPECT_THAT(std::string(html.status().message()), Not(HasSubstr("sekret-key")));
  double_.SetFault(TorznabFault::kTorznabError);
  EXPECT_THAT(client_.Search(indexer_, {.q = "x"}),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("Torznab error 900")));
  double_.SetFault(TorznabFault::kBrokenXml);
  EXPECT_THAT(client_.Search(indexer_, {.q = "x"}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not valid XML")));
  double_.SetFault(TorznabFault::kHttp500);
  EXPECT_THAT(client_.Search(indexer_, {.q = "x"}),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("HTTP 500")));
  double_.SetFault(TorznabFault::kSlow);
  absl::StatusOr<TorznabFeed> slow = client_.Search(indexer_, {.q = "x"});
  EXPECT_THAT(slow, StatusIs(absl::StatusCode::kDeadlineExceeded, HasSubstr("did not answer")));
  EXPECT_THAT(std::string(slow.status().message()), Not(HasSubstr("sekret-key")));
}

TEST_F(TorznabClientTest, WrongUrlAndNoServer) {
  indexer_.url = double_.server().Url("/nothing/here");
  // 404 HTML: not a Torznab feed.
  EXPECT_THAT(client_.Caps(indexer_), StatusIs(absl::StatusCode::kInvalidArgument));
  indexer_.url = "http://127.0.0.1:1/torznab";
  EXPECT_THAT(client_.Caps(indexer_), StatusIs(absl::StatusCode::kUnavailable));
}

}  // namespace
}  // namespace kiosk::downloads::indexers
