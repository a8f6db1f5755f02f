#include "services/media/episode_progress.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/testing/status_matchers.h"

namespace kiosk::media {
namespace {

using ::testing::ElementsAre;

// A series of two seasons (3 and 2 episodes) plus specials; counts only.
class TwoSeasonTmdb final : public TmdbApi {
 public:
  absl::StatusOr<TmdbPage> Search(const std::string&, const std::string&, const std::string&, int,
                                  int) override {
    return absl::UnimplementedError("not used");
  }
  absl::StatusOr<TmdbDetails> Details(const std::string&, int, const std::string&) override {
    ++details_calls;
    if (down) return absl::UnavailableError("TMDB is down");
    TmdbDetails d;
    d.seasons = {{0, 4}, {1, 3}, {2, 2}};
    return d;
  }
  absl::StatusOr<int> SeasonEpisodeCount(int, int season) override {
    if (down) return absl::UnavailableError("TMDB is down");
    return season == 0 ? 4 : season == 1 ? 3 : 2;
  }
  absl::StatusOr<TmdbSeasonDetails> Season(int, int, const std::string&) override {
    return absl::UnimplementedError("not used");
  }
  bool down = false;
  int details_calls = 0;
};

MediaRequest Series(std::vector<SeasonSelection> seasons) {
  MediaRequest r;
  r.media_type = "tv";
  r.tmdb_id = 1;
  r.seasons = std::move(seasons);
  return r;
}

TEST(EpisodeProgressTest, TheWholeSeriesIsEverySeasonButTheSpecials) {
  TwoSeasonTmdb tmdb;
  absl::StatusOr<EpisodeSet> wanted = RequestedEpisodes(Series({}), tmdb);
  ASSERT_TRUE(wanted.ok());
  EXPECT_EQ(CountEpisodes(*wanted), 5);
  EXPECT_EQ(wanted->count(0), 0u);
}

TEST(EpisodeProgressTest, WholeSeasonsAndExplicitEpisodesMix) {
  TwoSeasonTmdb tmdb;
  absl::StatusOr<EpisodeSet> wanted = RequestedEpisodes(Series({{0, {2}}, {2, {}}}), tmdb);
  ASSERT_TRUE(wanted.ok());
  EXPECT_THAT(wanted->at(0), ElementsAre(2));
  EXPECT_THAT(wanted->at(2), ElementsAre(1, 2));
  EXPECT_EQ(tmdb.details_calls, 0);  // seasons given: no need of the series' list
}

TEST(EpisodeProgressTest, FilmsCoverNothingAndTmdbFailuresAreReturned) {
  TwoSeasonTmdb tmdb;
  MediaRequest film;
  film.media_type = "movie";
  EXPECT_TRUE(RequestedEpisodes(film, tmdb)->empty());
  tmdb.down = true;
  EXPECT_EQ(RequestedEpisodes(Series({}), tmdb).status().code(), absl::StatusCode::kUnavailable);
}

TEST(EpisodeProgressTest, TallyKeepsOnlyRequestedEpisodesAndJoinsBeforeAndFound) {
  const EpisodeSet requested = {{1, {1, 2, 3}}};
  EpisodeTally tally = Tally(requested, {{1, {1}}}, {{1, {3, 4}}, {2, {1}}});
  EXPECT_EQ(tally.requested, 3);
  ASSERT_EQ(tally.available.size(), 1u);
  EXPECT_THAT(tally.available[0].episode_numbers, ElementsAre(1, 3));
  EXPECT_EQ(SeriesStatus(tally), "partially_available");
  EXPECT_EQ(SeriesStatus(Tally(requested, ToEpisodeSet(tally.available), {{1, {2}}})), "available");
  EXPECT_EQ(SeriesStatus(Tally(requested, {}, {})), "");
  EXPECT_EQ(SeriesStatus(EpisodeTally{0, {}}), "");
}

TEST(EpisodeProgressTest, BadNumbersAreRefusedWithTheField) {
  EXPECT_TRUE(CheckEpisodes({{0, {1}}, {3, {}}}, "x").ok());
  absl::Status season = CheckEpisodes({{-1, {1}}}, "episodes_imported");
  EXPECT_EQ(season.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(season.message()), ::testing::HasSubstr("episodes_imported"));
  EXPECT_EQ(CheckEpisodes({{1, {0}}}, "x").code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace kiosk::media
