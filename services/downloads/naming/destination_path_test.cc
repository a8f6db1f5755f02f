#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "common/testing/status_matchers.h"
#include "services/downloads/naming/naming_format.h"

namespace kiosk::downloads::naming {
namespace {

using ::kiosk::testing::IsOkAndHolds;
using ::kiosk::testing::StatusIs;
using ::testing::HasSubstr;

TEST(DestinationPathTest, DefaultMovie) {
  EXPECT_THAT(DestinationPath(DefaultFormats("movie"), SampleContext("movie"), {}, ".mkv"),
              IsOkAndHolds("The Matrix (1999)/The Matrix (1999) Bluray-1080p.mkv"));
}

TEST(DestinationPathTest, DefaultEpisodeWithSeasonFolder) {
  NamingContext c;
  c.title = "Show";
  c.year = 2020;
  c.season = 1;
  c.episodes = {2};
  c.episode_title = "Title";
  c.release = ParseReleaseName("Show.S01E02.1080p.WEB-DL.x264-GRP");
  EXPECT_THAT(DestinationPath(DefaultFormats("tv"), c, {}, ".mkv"),
              IsOkAndHolds("Show (2020)/Season 01/Show (2020) - S01E02 - Title WEBDL-1080p.mkv"));
}

TEST(DestinationPathTest, SpecialsGoToTheSpecialsFolder) {
  NamingContext c = SampleContext("tv");
  c.season = 0;
  c.episodes = {1};
  c.episode_title = "Making Of";
  EXPECT_THAT(DestinationPath(DefaultFormats("tv"), c, {}, ".mkv"),
              IsOkAndHolds("Le Bureau des Légendes (2015)/Specials/"
                           "Le Bureau des Légendes (2015) - S00E01 - Making Of WEBDL-1080p.mkv"));
}

TEST(DestinationPathTest, NoSeasonFolderWhenTheFormatIsEmpty) {
  RenameFormats formats = DefaultFormats("tv");
  formats.season_folder_format = "";
  EXPECT_THAT(DestinationPath(formats, SampleContext("tv"), {}, ".srt"),
              IsOkAndHolds("Le Bureau des Légendes (2015)/"
                           "Le Bureau des Légendes (2015) - S01E02 - Épisode 2 WEBDL-1080p.srt"));
}

TEST(DestinationPathTest, SonarrStyleSeasonFolderWithoutPadding) {
  RenameFormats formats = DefaultFormats("tv");
  formats.season_folder_format = "Season {season}";
  NamingContext c = SampleContext("tv");
  c.season = 3;
  EXPECT_THAT(DestinationPath(formats, c, {}, ".mkv"), IsOkAndHolds(HasSubstr("/Season 3/")));
}

TEST(DestinationPathTest, PlexIdTagsInFolder) {
  RenameFormats formats{
      .folder_format = "{Movie Title} ({Release Year}) {tmdb-{TmdbId}}",
      .file_format = "{Movie Title} ({Release Year}) {edition-{Edition Tags}} {Quality Full}"};
  EXPECT_THAT(
      DestinationPath(formats, SampleContext("movie"), {}, ".mkv"),
      IsOkAndHolds(
          "The Matrix (1999) {tmdb-603}/The Matrix (1999) {edition-Remastered} Bluray-1080p.mkv"));
}

TEST(DestinationPathTest, FrenchTitleFormat) {
  RenameFormats formats{.folder_format = "{Movie Title:FR} ({Release Year})",
                        .file_format = "{Movie Title:FR} ({Release Year})"};
  EXPECT_THAT(DestinationPath(formats, SampleContext("movie"), {}, ".mp4"),
              IsOkAndHolds("Matrix (1999)/Matrix (1999).mp4"));
}

TEST(DestinationPathTest, EmptyNameIsRefused) {
  NamingContext c;  // nothing known
  EXPECT_THAT(DestinationPath(DefaultFormats("movie"), c, {}, ".mkv"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("empty name")));
}

TEST(DestinationPathTest, TooLongNameIsRefusedWithAHint) {
  NamingContext c = SampleContext("movie");
  c.title = std::string(300, 'a');
  EXPECT_THAT(DestinationPath(DefaultFormats("movie"), c, {}, ".mkv"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("{Movie Title:80}")));
  RenameFormats truncated{.folder_format = "{Movie Title:80}", .file_format = "{Movie Title:80}"};
  auto path = DestinationPath(truncated, c, {}, ".mkv");
  ASSERT_TRUE(path.ok()) << path.status();
  EXPECT_EQ(*path, std::string(77, 'a') + ".../" + std::string(77, 'a') + "....mkv");
}

TEST(DestinationPathTest, SubtitleSuffixAsExtension) {
  EXPECT_THAT(
      DestinationPath(DefaultFormats("movie"), SampleContext("movie"), {}, ".fr.forced.srt"),
      IsOkAndHolds("The Matrix (1999)/The Matrix (1999) Bluray-1080p.fr.forced.srt"));
  EXPECT_THAT(DestinationPath(DefaultFormats("movie"), SampleContext("movie"), {}, ".pt-BR.srt"),
              IsOkAndHolds("The Matrix (1999)/The Matrix (1999) Bluray-1080p.pt-BR.srt"));
}

TEST(DestinationPathTest, BadExtensionOrFormat) {
  EXPECT_THAT(DestinationPath(DefaultFormats("movie"), SampleContext("movie"), {}, "mkv"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("extension")));
  for (const char* bad : {"./../x", ".mkv/", "..mkv", ".mkv.", ".", ".m kv", ".a/b"}) {
    EXPECT_THAT(DestinationPath(DefaultFormats("movie"), SampleContext("movie"), {}, bad),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("extension")))
        << bad;
  }
  RenameFormats bad{.folder_format = "{Movie Title", .file_format = "{Movie Title}"};
  EXPECT_THAT(DestinationPath(bad, SampleContext("movie"), {}, ".mkv"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("unbalanced")));
}

TEST(DestinationPathTest, TitlesCannotAddFolders) {
  NamingContext c = SampleContext("movie");
  c.title = "AC/DC: Live / At Donington";
  auto path = DestinationPath(DefaultFormats("movie"), c, {}, ".mkv");
  ASSERT_TRUE(path.ok()) << path.status();
  EXPECT_EQ(
      *path,
      "AC+DC - Live + At Donington (1999)/AC+DC - Live + At Donington (1999) Bluray-1080p.mkv");
}

TEST(DefaultFormatsTest, RadarrAndSonarrDefaults) {
  EXPECT_EQ(DefaultFormats("movie").folder_format, "{Movie Title} ({Release Year})");
  EXPECT_EQ(DefaultFormats("movie").file_format, "{Movie Title} ({Release Year}) {Quality Full}");
  EXPECT_EQ(DefaultFormats("movie").season_folder_format, "");
  EXPECT_EQ(DefaultFormats("tv").season_folder_format, "Season {season:00}");
  EXPECT_THAT(DefaultFormats("tv").file_format, HasSubstr("S{season:00}E{episode:00}"));
}

TEST(SampleContextTest, RendersEveryDefault) {
  for (const char* type : {"movie", "tv"}) {
    auto path = DestinationPath(DefaultFormats(type), SampleContext(type), {}, ".mkv");
    ASSERT_TRUE(path.ok()) << path.status();
    EXPECT_FALSE(path->empty());
  }
  EXPECT_EQ(SampleContext("movie").title, "The Matrix");
  EXPECT_EQ(SampleContext("movie").year, 1999);
  EXPECT_EQ(SampleContext("tv").season, 1);
}

}  // namespace
}  // namespace kiosk::downloads::naming
