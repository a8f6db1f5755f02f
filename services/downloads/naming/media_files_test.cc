#include "services/downloads/naming/media_files.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/testing/status_matchers.h"

namespace kiosk::downloads::naming {
namespace {

using ::kiosk::testing::IsOk;
using ::kiosk::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr int64_t kGiB = int64_t{1} << 30;
constexpr int64_t kMiB = int64_t{1} << 20;

std::vector<std::string> Sources(const std::vector<ImportFile>& files) {
  std::vector<std::string> out;
  for (const ImportFile& f : files) out.push_back(f.source);
  return out;
}

TEST(SelectImportFilesTest, MovieKeepsTheVideoAndSubtitlesOnly) {
  auto files = SelectImportFiles({
      {"Amelie.2001.FRENCH.1080p.BluRay.x264-LOST/Amelie.2001.FRENCH.1080p.BluRay.x264-LOST.mkv",
       8 * kGiB},
      {"Amelie.2001.FRENCH.1080p.BluRay.x264-LOST/Sample/amelie-sample.mkv", 50 * kMiB},
      {"Amelie.2001.FRENCH.1080p.BluRay.x264-LOST/amelie.nfo", 4000},
      {"Amelie.2001.FRENCH.1080p.BluRay.x264-LOST/poster.jpg", 300000},
      {"Amelie.2001.FRENCH.1080p.BluRay.x264-LOST/Screens/screen1.png", 300000},
      {"Amelie.2001.FRENCH.1080p.BluRay.x264-LOST/Amelie.2001.fr.srt", 60000},
      {"Amelie.2001.FRENCH.1080p.BluRay.x264-LOST/Subs/English.srt", 60000},
      {"Amelie.2001.FRENCH.1080p.BluRay.x264-LOST/Subs/French.forced.ass", 6000},
      {"Amelie.2001.FRENCH.1080p.BluRay.x264-LOST/RARBG.txt", 30},
      {"Amelie.2001.FRENCH.1080p.BluRay.x264-LOST/Trailers/trailer.mp4", 80 * kMiB},
  });
  ASSERT_THAT(files, IsOk());
  ASSERT_EQ(files->size(), 4u);
  EXPECT_EQ((*files)[0].kind, "video");
  EXPECT_EQ((*files)[0].extension, ".mkv");
  EXPECT_EQ((*files)[1].source, "Amelie.2001.FRENCH.1080p.BluRay.x264-LOST/Amelie.2001.fr.srt");
  EXPECT_EQ((*files)[1].kind, "subtitle");
  EXPECT_EQ((*files)[1].language, "fr");
  EXPECT_EQ((*files)[2].source, "Amelie.2001.FRENCH.1080p.BluRay.x264-LOST/Subs/English.srt");
  EXPECT_EQ((*files)[2].language, "en");
  EXPECT_EQ((*files)[3].language, "fr");
  EXPECT_TRUE((*files)[3].forced);
  EXPECT_EQ((*files)[3].extension, ".ass");
}

TEST(SelectImportFilesTest, SeasonPackKeepsEveryEpisodeWithNumbers) {
  auto files = SelectImportFiles({
      {"Show.S01.COMPLETE.VOSTFR.1080p.WEB-DL.x264/Show.S01E02.VOSTFR.1080p.WEB-DL.x264.mkv", kGiB},
      {"Show.S01.COMPLETE.VOSTFR.1080p.WEB-DL.x264/Show.S01E01.VOSTFR.1080p.WEB-DL.x264.mkv",
       kGiB + 5},
      {"Show.S01.COMPLETE.VOSTFR.1080p.WEB-DL.x264/Show.S01E03E04.VOSTFR.1080p.WEB-DL.x264.mkv",
       2 * kGiB},
      {"Show.S01.COMPLETE.VOSTFR.1080p.WEB-DL.x264/Extras/Bloopers.mkv", 200 * kMiB},
      {"Show.S01.COMPLETE.VOSTFR.1080p.WEB-DL.x264/Show.S01E01.VOSTFR.1080p.WEB-DL.x264.fr.srt",
       50000},
  });
  ASSERT_THAT(files, IsOk());
  ASSERT_EQ(files->size(), 4u);
  EXPECT_EQ((*files)[0].season, 1);
  EXPECT_THAT((*files)[0].episodes, ElementsAre(1));
  EXPECT_THAT((*files)[1].episodes, ElementsAre(2));
  EXPECT_THAT((*files)[2].episodes, ElementsAre(3, 4));
  EXPECT_EQ((*files)[3].kind, "subtitle");
  EXPECT_THAT((*files)[3].episodes, ElementsAre(1));
  EXPECT_EQ((*files)[3].language, "fr");
}

TEST(SelectImportFilesTest, SeasonFromTheFolderWhenTheFileHasNone) {
  auto files = SelectImportFiles(
      {{"Show/Saison 2/Show.S02E05.mkv", kGiB}, {"Show/Season 3/03x07.mkv", kGiB}});
  ASSERT_THAT(files, IsOk());
  ASSERT_EQ(files->size(), 2u);
  EXPECT_EQ((*files)[0].season, 2);
  EXPECT_EQ((*files)[1].season, 3);
  EXPECT_THAT((*files)[1].episodes, ElementsAre(7));
}

TEST(SelectImportFilesTest, SmallVideosBesideABigOneAreExtras) {
  auto files =
      SelectImportFiles({{"Movie.2019.mkv", 4 * kGiB}, {"Movie.2019.behind.mkv", 100 * kMiB}});
  ASSERT_THAT(files, IsOk());
  EXPECT_THAT(Sources(*files), ElementsAre("Movie.2019.mkv"));
  // Tiny files alone (test torrents) are still the movie.
  auto tiny = SelectImportFiles({{"Movie.2019.mkv", 1024}});
  ASSERT_THAT(tiny, IsOk());
  EXPECT_THAT(Sources(*tiny), ElementsAre("Movie.2019.mkv"));
}

TEST(SelectImportFilesTest, ExtrasByNameAreSkipped) {
  auto files = SelectImportFiles({
      {"Movie/Movie.2019.mkv", kGiB},
      {"Movie/Movie.2019-trailer.mkv", kGiB},
      {"Movie/Movie.2019.sample.mkv", kGiB},
      {"Movie/Featurettes/Making.mkv", kGiB},
      {"Movie/Behind The Scenes/x.mkv", kGiB},
      {"Movie/Deleted Scenes/x.mkv", kGiB},
  });
  ASSERT_THAT(files, IsOk());
  EXPECT_THAT(Sources(*files), ElementsAre("Movie/Movie.2019.mkv"));
}

TEST(SelectImportFilesTest, SubtitlesWithoutVideoAreNotImported) {
  auto files = SelectImportFiles({{"Subs/Movie.fr.srt", 5000}, {"Movie.nfo", 10}});
  ASSERT_THAT(files, IsOk());
  EXPECT_THAT(*files, IsEmpty());
}

TEST(SelectImportFilesTest, EverySubtitleFormatAndLanguageSpelling) {
  std::vector<TorrentFile> in = {{"M/Movie.mkv", kGiB}};
  for (const char* name :
       {"M/a.fre.srt", "M/b.FRENCH.ass", "M/c.eng.ssa", "M/d.en.sdh.sub", "M/e.vtt", "M/f.es.srt",
        "M/g.Deutsch.srt", "M/h.ita.srt", "M/i.pt.srt", "M/j.jpn.srt"}) {
    in.push_back({name, 1000});
  }
  auto files = SelectImportFiles(in);
  ASSERT_THAT(files, IsOk());
  ASSERT_EQ(files->size(), 11u);
  std::vector<std::string> languages;
  for (size_t i = 1; i < files->size(); ++i) languages.push_back((*files)[i].language);
  EXPECT_THAT(languages, ElementsAre("fr", "fr", "en", "en", "", "es", "de", "it", "pt", "ja"));
  EXPECT_TRUE((*files)[4].hearing_impaired);
  EXPECT_EQ(SubtitleSuffix((*files)[4]), ".en.sdh.sub");
  EXPECT_EQ(SubtitleSuffix((*files)[5]), ".vtt");
}

TEST(SelectImportFilesTest, SubtitleSuffix) {
  EXPECT_EQ(SubtitleSuffix({.language = "fr", .extension = ".srt"}), ".fr.srt");
  EXPECT_EQ(SubtitleSuffix({.language = "fr", .extension = ".srt", .forced = true}),
            ".fr.forced.srt");
  EXPECT_EQ(SubtitleSuffix({.extension = ".ass"}), ".ass");
}

class PathEscapeTest : public ::testing::TestWithParam<std::string> {};
TEST_P(PathEscapeTest, IsRefusedAndNothingIsImported) {
  auto files = SelectImportFiles({{"Movie/Movie.mkv", kGiB}, {GetParam(), kGiB}});
  EXPECT_THAT(files, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("torrent")));
}
INSTANTIATE_TEST_SUITE_P(Escapes, PathEscapeTest,
                         ::testing::Values("../../etc/passwd.mkv", "/etc/cron.d/x.mkv",
                                           "Movie/../../x.mkv", "Movie//x.mkv", "./x.mkv",
                                           "Movie/./x.mkv", "", "Movie/",
                                           std::string("a\0b.mkv", 7), ".."));

TEST(ValidateRelativePathTest, AcceptsPlainPaths) {
  EXPECT_THAT(ValidateRelativePath("Movie/Movie.mkv"), IsOk());
  EXPECT_THAT(ValidateRelativePath("..Movie../x..mkv"), IsOk());  // dots inside names are fine
  EXPECT_THAT(ValidateRelativePath("Amélie/Amélie.mkv"), IsOk());
}

}  // namespace
}  // namespace kiosk::downloads::naming
