#include "services/downloads/indexers/torznab_xml.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/testing/status_matchers.h"

namespace kiosk::downloads::indexers {
namespace {

using ::kiosk::testing::IsOk;
using ::kiosk::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Prowlarr's caps answer for a single indexer.
constexpr char kProwlarrCaps[] = R"(<?xml version="1.0" encoding="UTF-8"?>
<caps>
  <server title="Prowlarr" />
  <limits default="100" max="100" />
  <searching>
    <search available="yes" supportedParams="q" />
    <tv-search available="yes" supportedParams="q,season,ep,imdbid,tvdbid" />
    <movie-search available="yes" supportedParams="q,imdbid,tmdbid" />
    <music-search available="no" supportedParams="q" />
  </searching>
  <categories>
    <category id="2000" name="Movies"><subcat id="2040" name="Movies/HD" /></category>
    <category id="5000" name="TV" />
  </categories>
</caps>)";

TEST(TorznabCaps, ReadsModesParamsAndCategories) {
  absl::StatusOr<TorznabCaps> caps = ParseTorznabCaps(kProwlarrCaps);
  ASSERT_THAT(caps, IsOk());
  EXPECT_TRUE(caps->movie_search.Supports("imdbid"));
  EXPECT_TRUE(caps->tv_search.Supports("tvdbid"));
  EXPECT_FALSE(caps->search.Supports("imdbid"));
  EXPECT_THAT(caps->categories, ElementsAre(2000, 2040, 5000));
  EXPECT_EQ(caps->Summary(),
            "search, movie-search (imdbid, tmdbid), tv-search (season, ep, imdbid, tvdbid)");
  TorznabCaps round = TorznabCaps::FromJson(caps->ToJson());
  EXPECT_TRUE(round.movie_search.Supports("imdbid"));
  EXPECT_EQ(round.Summary(), caps->Summary());
}

TEST(TorznabCaps, UnavailableModesAreLeftOutOfTheSummary) {
  absl::StatusOr<TorznabCaps> caps = ParseTorznabCaps(
      R"(<caps><searching><search available="yes" supportedParams="q"/>)"
      R"(<movie-search available="no" supportedParams="q,imdbid"/></searching></caps>)");
  ASSERT_THAT(caps, IsOk());
  EXPECT_FALSE(caps->movie_search.Supports("imdbid"));
  EXPECT_EQ(caps->Summary(), "search");
  EXPECT_EQ(TorznabCaps::FromJson("not json").Summary(), "no search available");
}

TEST(TorznabCaps, TorznabErrorBecomesAStatus) {
  EXPECT_THAT(ParseTorznabCaps(R"(<?xml version="1.0"?><error code="100" description="Invalid API Key"/>)"),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("Invalid API Key")));
  EXPECT_THAT(ParseTorznabCaps(R"(<error code="203" description="Function not available"/>)"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("203")));
  EXPECT_THAT(ParseTorznabCaps(R"(<error code="900" description="Tracker down"/>)"),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("Tracker down")));
}

TEST(TorznabCaps, HtmlAndBrokenXmlAreRefusedWithAHint) {
  EXPECT_THAT(ParseTorznabCaps("<!DOCTYPE html><html><body>Login</body></html>"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("HTML page")));
  EXPECT_THAT(ParseTorznabCaps("<caps><searching>"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not valid XML")));
  EXPECT_THAT(ParseTorznabCaps("<rss><channel/></rss>"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("instead of <caps>")));
  EXPECT_THAT(ParseTorznabCaps(""), StatusIs(absl::StatusCode::kInvalidArgument));
}

constexpr char kFeed[] = R"(<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:torznab="http://torznab.com/schemas/2015/feed">
<channel>
  <item>
    <title>Le.Fabuleux.Destin.d.Amelie.Poulain.2001.FRENCH.1080p.BluRay.x264-GROUP</title>
    <guid>https://tracker/details/1</guid>
    <link>http://jackett:9117/dl/x/?jackett_apikey=k&amp;path=abc</link>
    <pubDate>Sat, 03 Feb 2024 10:00:00 +0100</pubDate>
    <size>9663676416</size>
    <enclosure url="http://jackett:9117/dl/x/?jackett_apikey=k&amp;path=abc" length="9663676416" type="application/x-bittorrent"/>
    <torznab:attr name="category" value="2000"/>
    <torznab:attr name="category" value="2040"/>
    <torznab:attr name="seeders" value="45"/>
    <torznab:attr name="peers" value="52"/>
    <torznab:attr name="infohash" value="0123456789ABCDEF0123456789ABCDEF01234567"/>
    <torznab:attr name="magneturl" value="magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567&amp;dn=x"/>
    <torznab:attr name="imdb" value="0211915"/>
  </item>
  <item>
    <title>Breaking.Bad.S01E01.FRENCH.720p.HDTV.x264-FRG</title>
    <link>magnet:?xt=urn:btih:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa</link>
    <torznab:attr name="seeders" value="n/a"/>
    <torznab:attr name="tvdbid" value="81189"/>
    <torznab:attr name="infohash" value="not-a-hash"/>
  </item>
  <item><guid>no-title</guid><link>http://x/1.torrent</link></item>
  <item><title>No.Link.2001.1080p-X</title></item>
</channel>
</rss>)";

TEST(TorznabFeed, ReadsItemsAttributesAndSkipsBrokenOnes) {
  absl::StatusOr<TorznabFeed> feed = ParseTorznabFeed(kFeed);
  ASSERT_THAT(feed, IsOk());
  ASSERT_EQ(feed->items.size(), 2u);
  const TorznabItem& a = feed->items[0];
  EXPECT_EQ(a.seeders, 45);
  EXPECT_EQ(a.peers, 52);
  EXPECT_EQ(a.size_bytes, 9663676416);
  EXPECT_EQ(a.info_hash, "0123456789abcdef0123456789abcdef01234567");
  EXPECT_EQ(a.imdb_id, "tt0211915");
  EXPECT_THAT(a.categories, ElementsAre(2000, 2040));
  EXPECT_THAT(a.DownloadLink(), ::testing::StartsWith("magnet:?xt=urn:btih:0123"));
  ASSERT_TRUE(a.published_at.has_value());
  EXPECT_EQ(absl::ToUnixSeconds(*a.published_at), 1706950800);
  const TorznabItem& b = feed->items[1];
  EXPECT_EQ(b.seeders, -1);  // "n/a": unknown, not a crash
  EXPECT_EQ(b.tvdb_id, 81189);
  EXPECT_EQ(b.info_hash, "");
  EXPECT_EQ(b.guid, b.link);
  EXPECT_EQ(b.DownloadLink(), b.link);
  EXPECT_EQ(feed->skipped, 2);
  EXPECT_THAT(feed->problems, ElementsAre(HasSubstr("no title"), HasSubstr("no link")));
}

TEST(TorznabFeed, EmptyChannelIsNoResults) {
  absl::StatusOr<TorznabFeed> feed = ParseTorznabFeed("<rss><channel><title>x</title></channel></rss>");
  ASSERT_THAT(feed, IsOk());
  EXPECT_TRUE(feed->items.empty());
}

TEST(TorznabFeed, DatesAndImdbIds) {
  EXPECT_FALSE(ParseRfc822("yesterday").has_value());
  ASSERT_TRUE(ParseRfc822("03 Feb 2024 10:00:00 GMT").has_value());
  EXPECT_EQ(absl::ToUnixSeconds(*ParseRfc822("Sat, 03 Feb 2024 10:00:00 -0030")), 1706956200);
  EXPECT_EQ(NormalizeImdbId("211915"), "tt0211915");
  EXPECT_EQ(NormalizeImdbId("tt0133093"), "tt0133093");
  EXPECT_EQ(NormalizeImdbId("tt12345678"), "tt12345678");
  EXPECT_EQ(NormalizeImdbId("abc"), "");
  EXPECT_EQ(NormalizeImdbId("0"), "");
}

}  // namespace
}  // namespace kiosk::downloads::indexers
