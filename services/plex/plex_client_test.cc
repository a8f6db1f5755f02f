// The real Plex client over real HTTP against the Plex double: what it
// sends, paging and filters, quirks, and every failure mode.
#include "services/plex/plex_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/testing/status_matchers.h"
#include "services/plex/testing/plex_double.h"

namespace kiosk::plex {
namespace {

using ::kiosk::testing::StatusIs;
using ::testing::HasSubstr;
using testing::PlexDouble;

class PlexClientTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(double_.Start().ok()); }

  PlexClient Client(const std::string& token = "t") {
    return PlexClient(http_, {.url = double_.Url(), .token = token},
                      {.timeout = absl::Seconds(5),
                       .attempts = 3,
                       .backoff = absl::Milliseconds(1),
                       .client_identifier = "test-client"});
  }

  PlexDouble double_{{.token = "t", .movies = 12, .shows = 2}};
  http::CurlHttpClient http_;
};

TEST_F(PlexClientTest, SendsThePlexHeadersAndPagesWithContainerHeaders) {
  PlexClient plex = Client();
  absl::StatusOr<ItemsPage> page = plex.ListItems({.section_id = 1}, 5, 5);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->offset, 5);
  EXPECT_EQ(page->total_size, 12);
  ASSERT_EQ(page->items.size(), 5u);
  EXPECT_EQ(page->items[0].rating_key, "100006");
  const auto request = double_.requests().back();
  EXPECT_EQ(request.path, "/library/sections/1/all");
  EXPECT_EQ(request.QueryParam("includeGuids"), "1");
  EXPECT_EQ(request.Header("Accept"), "application/json");
  EXPECT_EQ(request.Header("X-Plex-Token"), "t");
  EXPECT_EQ(request.Header("X-Plex-Client-Identifier"), "test-client");
  EXPECT_EQ(request.Header("X-Plex-Product"), "plex-kiosk");
  EXPECT_FALSE(request.Header("X-Plex-Version").empty());
  EXPECT_EQ(request.Header("X-Plex-Container-Start"), "5");
  EXPECT_EQ(request.Header("X-Plex-Container-Size"), "5");
  EXPECT_EQ(request.target.find("X-Plex-Token"), std::string::npos);  // never in the URL
}

TEST_F(PlexClientTest, ResolvesIdsOfEveryGuidFormOfTheDataSet) {
  PlexClient plex = Client();
  absl::StatusOr<ItemsPage> page = plex.ListItems({.section_id = 1}, 0, 100);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->items.size(), 12u);
  for (const LibraryItem& item : page->items) {
    const int i = std::stoi(item.rating_key) - 100000;
    if (i % 5 == 0) {  // legacy imdb agent: no tmdb
      EXPECT_EQ(item.ids.tmdb_id, 0) << i;
      EXPECT_EQ(item.ids.imdb_id, PlexDouble::GeneratedMovieImdb(i)) << i;
    } else if (i % 11 == 0) {  // legacy themoviedb agent
      EXPECT_EQ(item.ids.tmdb_id, PlexDouble::GeneratedMovieTmdb(i)) << i;
      EXPECT_EQ(item.ids.imdb_id, "") << i;
    } else {
      EXPECT_EQ(item.ids.tmdb_id, PlexDouble::GeneratedMovieTmdb(i)) << i;
      EXPECT_EQ(item.ids.imdb_id, PlexDouble::GeneratedMovieImdb(i)) << i;
      EXPECT_EQ(item.ids.tvdb_id != 0, i % 7 == 0) << i;
    }
    EXPECT_EQ(item.original_title.has_value(), i % 3 == 0) << i;
  }
}

TEST_F(PlexClientTest, RecentlyAddedFiltersAndSortsNewestFirst) {
  PlexClient plex = Client();
  const int64_t since = PlexDouble::GeneratedMovie(9).added_at;  // films 10..12 are newer
  absl::StatusOr<ItemsPage> page =
      plex.ListItems({.section_id = 1, .type = kTypeMovie, .added_since = since}, 0, 50);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->items.size(), 3u);
  EXPECT_EQ(page->items[0].rating_key, "100012");
  EXPECT_EQ(page->items[2].rating_key, "100010");
  const auto request = double_.requests().back();
  EXPECT_EQ(request.QueryParam("sort"), "addedAt:desc");
  EXPECT_EQ(request.QueryParam("addedAt>>"), std::to_string(since));
  EXPECT_EQ(request.QueryParam("type"), "1");
}

TEST_F(PlexClientTest, AnEmptyListingAndMetadataAndChildren) {
  PlexClient plex = Client();
  absl::StatusOr<ItemsPage> none =
      plex.ListItems({.section_id = 1, .type = 1, .added_since = 2000000000}, 0, 50);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->items.empty());
  EXPECT_EQ(none->total_size, 0);

  const std::string show = PlexDouble::GeneratedShow(1, 2, 4).rating_key;
  absl::StatusOr<ItemsPage> meta = plex.Metadata(show);
  ASSERT_TRUE(meta.ok());
  ASSERT_EQ(meta->items.size(), 1u);
  EXPECT_EQ(meta->items[0].type, "show");
  EXPECT_EQ(meta->items[0].ids.tvdb_id, PlexDouble::GeneratedShowTvdb(1));
  absl::StatusOr<ItemsPage> seasons = plex.Children(show);
  ASSERT_TRUE(seasons.ok());
  ASSERT_EQ(seasons->items.size(), 2u);
  EXPECT_EQ(seasons->items[1].season_number, 2);
  absl::StatusOr<ItemsPage> episodes = plex.Children(seasons->items[1].rating_key);
  ASSERT_TRUE(episodes.ok());
  ASSERT_EQ(episodes->items.size(), 4u);
  EXPECT_EQ(episodes->items[3].episode_number, 4);
  EXPECT_EQ(episodes->items[3].season_number, 2);
  EXPECT_THAT(plex.Metadata("424242"), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(PlexClientTest, RefreshSendsTheEncodedPathOfTheRightSection) {
  PlexClient plex = Client();
  ASSERT_TRUE(plex.RefreshPath(1, "/data/movies/Amélie & Co (2001)").ok());
  ASSERT_TRUE(plex.RefreshSection(2).ok());
  const std::vector<testing::RefreshCall> calls = double_.refresh_calls();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].section_id, 1);
  EXPECT_EQ(calls[0].path, "/data/movies/Amélie & Co (2001)");
  EXPECT_EQ(calls[1].section_id, 2);
  EXPECT_EQ(calls[1].path, "");
}

TEST_F(PlexClientTest, ABadTokenIsAClearError) {
  PlexClient plex = Client("wrong");
  EXPECT_THAT(plex.Sections(), StatusIs(absl::StatusCode::kFailedPrecondition,
                                        HasSubstr("Plex token rejected")));
  EXPECT_EQ(double_.requests().size(), 1u);  // not retried
}

TEST_F(PlexClientTest, ServerErrorsAreRetriedThenUnavailable) {
  PlexClient plex = Client();
  double_.FailNext(2, 500);
  absl::StatusOr<std::vector<Section>> sections = plex.Sections();
  ASSERT_TRUE(sections.ok()) << sections.status();  // third attempt answered
  EXPECT_EQ(sections->size(), 2u);
  double_.FailAll(503);
  EXPECT_THAT(plex.Identity(),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("Plex answered 503")));
}

TEST_F(PlexClientTest, GarbageSlownessAndNoServerAreStatuses) {
  double_.SetGarbage(true);
  EXPECT_THAT(Client().Sections(),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("not Plex JSON")));
  double_.SetGarbage(false);
  double_.SetDelay(absl::Seconds(3));
  PlexClient impatient(http_, {.url = double_.Url(), .token = "t"},
                       {.timeout = absl::Milliseconds(200), .attempts = 2,
                        .backoff = absl::Milliseconds(1), .client_identifier = "x"});
  EXPECT_THAT(impatient.Identity(), StatusIs(absl::StatusCode::kDeadlineExceeded));
  double_.SetDelay(absl::ZeroDuration());
  const std::string url = double_.Url();
  double_.Stop();
  PlexClient gone(http_, {.url = url, .token = "t"},
                  {.timeout = absl::Seconds(2), .attempts = 2,
                   .backoff = absl::Milliseconds(1), .client_identifier = "x"});
  EXPECT_THAT(gone.Identity(), StatusIs(absl::StatusCode::kUnavailable));
  PlexClient unset(http_, {.url = "", .token = ""});
  EXPECT_THAT(unset.Identity(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("plex.url")));
}

}  // namespace
}  // namespace kiosk::plex
