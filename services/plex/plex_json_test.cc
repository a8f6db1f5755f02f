// Parsing of captured-shape Plex answers (shared/EXTERNAL-APIS.md §3.4).
#include "services/plex/plex_json.h"

#include <gtest/gtest.h>

#include "common/testing/status_matchers.h"

namespace kiosk::plex {
namespace {

using ::kiosk::testing::StatusIs;

// Trimmed from a captured PMS response.
constexpr char kCapturedMoviePage[] = R"json({
  "MediaContainer": {
    "size": 2, "totalSize": 358, "offset": 0,
    "librarySectionID": 1, "librarySectionTitle": "Movies", "viewGroup": "movie",
    "Metadata": [
      {
        "ratingKey": "21050", "key": "/library/metadata/21050",
        "guid": "plex://movie/5d776824f54112001f5bbdd7", "type": "movie",
        "title": "28 Days Later", "originalTitle": "28 Days Later...", "year": 2002,
        "originallyAvailableAt": "2002-11-01", "addedAt": 1563846686, "updatedAt": 1721967834,
        "Media": [{"id": 21442, "duration": 6787605, "videoResolution": "1080",
          "Part": [{"id": 41881, "key": "/library/parts/41881/1540562456/file.mkv",
            "file": "/Movies/28 Days Later (2002)/28.Days.Later.2002.1080p.REPACK.BluRay.x264-AVCHD.mkv",
            "size": 8534411908}]}],
        "Guid": [{"id": "imdb://tt0289043"}, {"id": "tmdb://170"}, {"id": "tvdb://871"}]
      },
      {
        "ratingKey": 31, "guid": "com.plexapp.agents.imdb://tt0091635?lang=en", "type": "movie",
        "title": "9½ Weeks", "year": "1986", "addedAt": 1563846000, "unknownField": {"x": 1}
      }
    ]
  }
})json";

TEST(PlexJsonTest, ParsesACapturedMoviePage) {
  absl::StatusOr<ItemsPage> page = ParseItemsPage(kCapturedMoviePage, 0);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->size, 2);
  EXPECT_EQ(page->total_size, 358);
  ASSERT_EQ(page->items.size(), 2u);
  const LibraryItem& first = page->items[0];
  EXPECT_EQ(first.rating_key, "21050");
  EXPECT_EQ(first.section_id, 1);
  EXPECT_EQ(first.type, "movie");
  EXPECT_EQ(first.title, "28 Days Later");
  EXPECT_EQ(first.original_title, "28 Days Later...");
  EXPECT_EQ(first.year, 2002);
  EXPECT_EQ(first.ids.tmdb_id, 170);
  EXPECT_EQ(first.ids.imdb_id, "tt0289043");
  EXPECT_EQ(first.ids.tvdb_id, 871);
  EXPECT_EQ(first.file_path,
            "/Movies/28 Days Later (2002)/28.Days.Later.2002.1080p.REPACK.BluRay.x264-AVCHD.mkv");
  EXPECT_EQ(first.added_at, 1563846686);
  EXPECT_EQ(first.updated_at, 1721967834);
  // A numeric ratingKey, a year as a string, no originalTitle, a legacy guid.
  const LibraryItem& second = page->items[1];
  EXPECT_EQ(second.rating_key, "31");
  EXPECT_EQ(second.year, 1986);
  EXPECT_FALSE(second.original_title.has_value());
  EXPECT_EQ(second.ids.imdb_id, "tt0091635");
  EXPECT_EQ(second.file_path, "");
}

TEST(PlexJsonTest, ParsesEpisodesWithTheirNumbersAndParents) {
  absl::StatusOr<ItemsPage> page = ParseItemsPage(R"json({"MediaContainer": {"size": 1,
    "totalSize": 1, "offset": 0, "Metadata": [{"ratingKey": "9001", "type": "episode",
    "parentRatingKey": "9000", "grandparentRatingKey": "8000", "grandparentTitle": "Show",
    "parentTitle": "Season 2", "index": 5, "parentIndex": 2, "title": "Five",
    "addedAt": 1700000000}]}})json",
                                                  7);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].section_id, 7);  // from the caller: the container does not say
  EXPECT_EQ(page->items[0].season_number, 2);
  EXPECT_EQ(page->items[0].episode_number, 5);
  EXPECT_EQ(page->items[0].parent_rating_key, "9000");
  EXPECT_EQ(page->items[0].grandparent_rating_key, "8000");
}

TEST(PlexJsonTest, AnEmptyPageHasNoMetadataAtAll) {
  absl::StatusOr<ItemsPage> page =
      ParseItemsPage(R"({"MediaContainer":{"size":0,"totalSize":0,"offset":0}})", 1);
  ASSERT_TRUE(page.ok());
  EXPECT_TRUE(page->items.empty());
  EXPECT_EQ(page->total_size, 0);
}

TEST(PlexJsonTest, ParsesSectionsWithStringKeysAndLocations) {
  absl::StatusOr<std::vector<Section>> sections = ParseSections(R"json({"MediaContainer": {
    "size": 3, "Directory": [
      {"key": "1", "type": "movie", "title": "Movies", "agent": "tv.plex.agents.movie",
       "language": "en-US", "Location": [{"id": 1, "path": "/data/movies"},
                                         {"id": 4, "path": "/data/movies2"}]},
      {"key": "2", "type": "show", "title": "TV Shows", "Location": [{"id": 2, "path": "/data/tv"}]},
      {"key": "nope", "type": "photo", "title": "Broken"}]}})json");
  ASSERT_TRUE(sections.ok());
  ASSERT_EQ(sections->size(), 2u);
  EXPECT_EQ((*sections)[0].id, 1);
  EXPECT_EQ((*sections)[0].agent, "tv.plex.agents.movie");
  EXPECT_EQ((*sections)[0].locations, (std::vector<std::string>{"/data/movies", "/data/movies2"}));
  EXPECT_EQ((*sections)[1].type, "show");
}

TEST(PlexJsonTest, ParsesIdentity) {
  absl::StatusOr<ServerIdentity> identity = ParseIdentity(
      R"({"MediaContainer":{"size":0,"claimed":true,"machineIdentifier":"abc","version":"1.40"}})");
  ASSERT_TRUE(identity.ok());
  EXPECT_EQ(identity->machine_identifier, "abc");
  EXPECT_EQ(identity->version, "1.40");
}

TEST(PlexJsonTest, SomethingElseThanPlexJsonIsUnavailable) {
  for (const char* body : {"<html>502 Bad Gateway</html>", "", "[]", R"({"errors":[]})",
                           R"({"MediaContainer": [1]})", R"({"MediaContainer": {"Metad)"}) {
    EXPECT_THAT(ParseItemsPage(body, 1), StatusIs(absl::StatusCode::kUnavailable)) << body;
  }
}

}  // namespace
}  // namespace kiosk::plex
