// plex.path_map: both directions, whole components only, longest prefix.
#include "services/plex/path_map.h"

#include <gtest/gtest.h>

#include "common/testing/status_matchers.h"

namespace kiosk::plex {
namespace {

using ::kiosk::testing::StatusIs;

TEST(PathMapTest, TranslatesBothWaysByTheLongestWholeComponentPrefix) {
  absl::StatusOr<PathMap> map =
      PathMap::Parse(" /data/movies=/srv/media/movies ; /data=/mnt/all;/data/tv/=/srv/tv/ ");
  ASSERT_TRUE(map.ok()) << map.status();
  EXPECT_EQ(map->ToPlex("/srv/media/movies/Film (2020)/f.mkv"), "/data/movies/Film (2020)/f.mkv");
  EXPECT_EQ(map->ToLocal("/data/movies/Film (2020)/f.mkv"), "/srv/media/movies/Film (2020)/f.mkv");
  EXPECT_EQ(map->ToLocal("/data/tv/Show/S01"), "/srv/tv/Show/S01");
  EXPECT_EQ(map->ToLocal("/data/music/a.flac"), "/mnt/all/music/a.flac");  // shorter prefix
  EXPECT_EQ(map->ToLocal("/data/tvshows/x"), "/mnt/all/tvshows/x");  // not under /data/tv
  EXPECT_EQ(map->ToLocal("/elsewhere/x"), "/elsewhere/x");           // unmapped: unchanged
  EXPECT_EQ(map->ToPlex("/srv/tv"), "/data/tv");
}

TEST(PathMapTest, AnEmptyMapChangesNothing) {
  absl::StatusOr<PathMap> map = PathMap::Parse("");
  ASSERT_TRUE(map.ok());
  EXPECT_EQ(map->ToPlex("/a/b"), "/a/b");
}

TEST(PathMapTest, BadEntriesAreRefusedWithWhatToWrite) {
  EXPECT_THAT(PathMap::Parse("/data/movies"),
              StatusIs(absl::StatusCode::kInvalidArgument, ::testing::HasSubstr("no \"=\"")));
  EXPECT_THAT(PathMap::Parse("data=/srv"),
              StatusIs(absl::StatusCode::kInvalidArgument, ::testing::HasSubstr("absolute")));
}

TEST(PathMapTest, PrefixesMatchWholeComponents) {
  EXPECT_TRUE(PathHasPrefix("/data/tv/x", "/data/tv"));
  EXPECT_TRUE(PathHasPrefix("/data/tv", "/data/tv/"));
  EXPECT_FALSE(PathHasPrefix("/data/tvshows", "/data/tv"));
  EXPECT_TRUE(PathHasPrefix("/anything", "/"));
  EXPECT_FALSE(PathHasPrefix("/a", ""));
}

}  // namespace
}  // namespace kiosk::plex
