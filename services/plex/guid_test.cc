// GUID resolution: every form Plex serves, as a table.
#include "services/plex/guid.h"

#include <gtest/gtest.h>

namespace kiosk::plex {
namespace {

struct GuidCase {
  const char* name;
  std::string guid;
  std::vector<std::string> children;
  int tmdb;
  std::string imdb;
  int tvdb;
};

TEST(GuidTest, ResolvesEveryFormPlexServes) {
  const std::vector<GuidCase> cases = {
      {"new agent with children (tvdb on a film too)",
       "plex://movie/5d776824f54112001f5bbdd7",
       {"imdb://tt0289043", "tmdb://170", "tvdb://871"},
       170, "tt0289043", 871},
      {"new agent without includeGuids", "plex://movie/5d776824f54112001f5bbdd7", {}, 0, "", 0},
      {"legacy imdb agent", "com.plexapp.agents.imdb://tt2771200?lang=en", {}, 0, "tt2771200", 0},
      {"legacy themoviedb agent", "com.plexapp.agents.themoviedb://170?lang=en", {}, 170, "", 0},
      {"legacy thetvdb agent with season/episode", "com.plexapp.agents.thetvdb://74205/1/1?lang=en",
       {}, 0, "", 74205},
      {"children win over the guid", "com.plexapp.agents.imdb://tt0000001?lang=en",
       {"imdb://tt0289043"}, 0, "tt0289043", 0},
      {"unknown schemes ignored", "local://12345", {"none://x", "tmdb://abc", "imdb://nm123"}, 0,
       "", 0},
      {"malformed", "garbage", {"", "tmdb://", "tvdb://-4"}, 0, "", 0},
  };
  for (const GuidCase& c : cases) {
    ExternalIds ids = ResolveIds(c.guid, c.children);
    EXPECT_EQ(ids.tmdb_id, c.tmdb) << c.name;
    EXPECT_EQ(ids.imdb_id, c.imdb) << c.name;
    EXPECT_EQ(ids.tvdb_id, c.tvdb) << c.name;
  }
}

}  // namespace
}  // namespace kiosk::plex
