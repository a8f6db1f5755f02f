#include "services/downloads/naming/release_name.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace kiosk::downloads::naming {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::IsEmpty;

struct ReleaseCase {
  std::string name;
  std::string title;
  std::optional<int> year;
  std::optional<int> season;
  std::vector<int> episodes;
  std::string quality;
  std::string codec;
  std::string group;
  std::vector<std::string> languages;
};

void PrintTo(const ReleaseCase& c, std::ostream* os) { *os << c.name; }

class ReleaseNameTest : public ::testing::TestWithParam<ReleaseCase> {};

TEST_P(ReleaseNameTest, Parses) {
  const ReleaseCase& c = GetParam();
  ParsedRelease r = ParseReleaseName(c.name);
  EXPECT_EQ(r.title, c.title);
  EXPECT_EQ(r.year, c.year);
  EXPECT_EQ(r.season, c.season);
  EXPECT_THAT(r.episodes, ElementsAreArray(c.episodes));
  EXPECT_EQ(r.quality, c.quality);
  EXPECT_EQ(r.codec, c.codec);
  EXPECT_EQ(r.group, c.group);
  EXPECT_THAT(r.languages, ElementsAreArray(c.languages));
}

INSTANTIATE_TEST_SUITE_P(
    FrenchScene, ReleaseNameTest,
    ::testing::Values(ReleaseCase{"Amelie.2001.FRENCH.1080p.BluRay.x264-LOST",
                                  "Amelie",
                                  2001,
                                  {},
                                  {},
                                  "Bluray-1080p",
                                  "x264",
                                  "LOST",
                                  {"FRENCH"}},
                      ReleaseCase{"Le.Bureau.des.Legendes.S05E03.FRENCH.720p.WEB.H264-FRATERNiTY",
                                  "Le Bureau des Legendes",
                                  {},
                                  5,
                                  {3},
                                  "WEBDL-720p",
                                  "h264",
                                  "FRATERNiTY",
                                  {"FRENCH"}},
                      ReleaseCase{"Movie.2019.MULTi.VFF.2160p.UHD.BluRay.REMUX.HDR.HEVC-GROUP",
                                  "Movie",
                                  2019,
                                  {},
                                  {},
                                  "Remux-2160p",
                                  "HEVC",
                                  "GROUP",
                                  {"MULTI", "VFF"}},
                      ReleaseCase{"Show.S01.COMPLETE.VOSTFR.1080p.WEB-DL.x264",
                                  "Show",
                                  {},
                                  1,
                                  {},
                                  "WEBDL-1080p",
                                  "x264",
                                  "",
                                  {"VOSTFR"}},
                      ReleaseCase{"Intouchables.2011.TRUEFRENCH.720p.BluRay.x264-ZEST",
                                  "Intouchables",
                                  2011,
                                  {},
                                  {},
                                  "Bluray-720p",
                                  "x264",
                                  "ZEST",
                                  {"TRUEFRENCH"}},
                      ReleaseCase{"Les.Miserables.2019.FRENCH.BDRip.XviD-EXTREME",
                                  "Les Miserables",
                                  2019,
                                  {},
                                  {},
                                  "Bluray-480p",
                                  "XviD",
                                  "EXTREME",
                                  {"FRENCH"}},
                      ReleaseCase{"Dune.Part.Two.2024.MULTi.VFQ.1080p.WEB.H265-SUPPLY",
                                  "Dune Part Two",
                                  2024,
                                  {},
                                  {},
                                  "WEBDL-1080p",
                                  "h265",
                                  "SUPPLY",
                                  {"MULTI", "VFQ"}},
                      ReleaseCase{"Oppenheimer.2023.MULTi.VF2.2160p.WEB-DL.DDP5.1.DV.HDR.H265-FW",
                                  "Oppenheimer",
                                  2023,
                                  {},
                                  {},
                                  "WEBDL-2160p",
                                  "h265",
                                  "FW",
                                  {"MULTI", "VF2"}},
                      ReleaseCase{"Lupin.S03E01.VFI.1080p.NF.WEBRip.x264-MiND",
                                  "Lupin",
                                  {},
                                  3,
                                  {1},
                                  "WEBRip-1080p",
                                  "x264",
                                  "MiND",
                                  {"VFI"}},
                      ReleaseCase{
                          "The.Last.of.Us.S01E05.SUBFRENCH.1080p.AMZN.WEB-DL.DDP5.1.H.264-NTb",
                          "The Last of Us",
                          {},
                          1,
                          {5},
                          "WEBDL-1080p",
                          "h264",
                          "NTb",
                          {"SUBFRENCH"}},
                      ReleaseCase{"Kaamelott.Premier.Volet.2021.FRENCH.720p.HDTV.x264-NoTag",
                                  "Kaamelott Premier Volet",
                                  2021,
                                  {},
                                  {},
                                  "HDTV-720p",
                                  "x264",
                                  "NoTag",
                                  {"FRENCH"}},
                      ReleaseCase{"Dix.Pour.Cent.S04.FRENCH.1080p.WEB.x264-WiNKS",
                                  "Dix Pour Cent",
                                  {},
                                  4,
                                  {},
                                  "WEBDL-1080p",
                                  "x264",
                                  "WiNKS",
                                  {"FRENCH"}},
                      ReleaseCase{"Astérix.Le.Domaine.des.Dieux.2014.FRENCH.DVDRip.XviD-GZR",
                                  "Astérix Le Domaine des Dieux",
                                  2014,
                                  {},
                                  {},
                                  "DVD",
                                  "XviD",
                                  "GZR",
                                  {"FRENCH"}},
                      ReleaseCase{"The.Bear.S02E01E02.MULTi.1080p.WEB.x264-TFA",
                                  "The Bear",
                                  {},
                                  2,
                                  {1, 2},
                                  "WEBDL-1080p",
                                  "x264",
                                  "TFA",
                                  {"MULTI"}},
                      ReleaseCase{"Anatomie.d.une.chute.2023.VOF.1080p.WEB-DL.EAC3.H264-Slay3R",
                                  "Anatomie d une chute",
                                  2023,
                                  {},
                                  {},
                                  "WEBDL-1080p",
                                  "h264",
                                  "Slay3R",
                                  {"VOF"}},
                      ReleaseCase{"Movie.2020.VO.VOSTFR.720p.WEB.x264-GRP",
                                  "Movie",
                                  2020,
                                  {},
                                  {},
                                  "WEBDL-720p",
                                  "x264",
                                  "GRP",
                                  {"VO", "VOSTFR"}},
                      ReleaseCase{"Movie.2020.MULTi-VFF.1080p.BluRay.x264-GRP",
                                  "Movie",
                                  2020,
                                  {},
                                  {},
                                  "Bluray-1080p",
                                  "x264",
                                  "GRP",
                                  {"MULTI", "VFF"}},
                      ReleaseCase{"Le Dîner de cons (1998) FRENCH 1080p BluRay x265",
                                  "Le Dîner de cons",
                                  1998,
                                  {},
                                  {},
                                  "Bluray-1080p",
                                  "x265",
                                  "",
                                  {"FRENCH"}}));

INSTANTIATE_TEST_SUITE_P(
    International, ReleaseNameTest,
    ::testing::Values(
        ReleaseCase{"The.Matrix.1999.1080p.BluRay.x264-SPARKS",
                    "The Matrix",
                    1999,
                    {},
                    {},
                    "Bluray-1080p",
                    "x264",
                    "SPARKS",
                    {}},
        ReleaseCase{"Blade.Runner.2049.2017.2160p.UHD.BluRay.x265-TERMiNAL",
                    "Blade Runner 2049",
                    2017,
                    {},
                    {},
                    "Bluray-2160p",
                    "x265",
                    "TERMiNAL",
                    {}},
        ReleaseCase{"2001.A.Space.Odyssey.1968.REMASTERED.1080p.BluRay.x264-AMIABLE",
                    "2001 A Space Odyssey",
                    1968,
                    {},
                    {},
                    "Bluray-1080p",
                    "x264",
                    "AMIABLE",
                    {}},
        ReleaseCase{"1917.2019.1080p.WEBRip.x264-RARBG",
                    "1917",
                    2019,
                    {},
                    {},
                    "WEBRip-1080p",
                    "x264",
                    "RARBG",
                    {}},
        ReleaseCase{"The.French.Dispatch.2021.720p.WEB.h264-KOGi",
                    "The French Dispatch",
                    2021,
                    {},
                    {},
                    "WEBDL-720p",
                    "h264",
                    "KOGi",
                    {}},
        ReleaseCase{"Spider-Man.No.Way.Home.2021.ENGLISH.1080p.WEB-DL.x264-EVO",
                    "Spider-Man No Way Home",
                    2021,
                    {},
                    {},
                    "WEBDL-1080p",
                    "x264",
                    "EVO",
                    {"ENGLISH"}},
        ReleaseCase{"Breaking.Bad.S05E14.720p.HDTV.x264-IMMERSE",
                    "Breaking Bad",
                    {},
                    5,
                    {14},
                    "HDTV-720p",
                    "x264",
                    "IMMERSE",
                    {}},
        ReleaseCase{"Show.Name.S01E02-E03.1080p.WEB-DL.AAC2.0.H.264-GRP",
                    "Show Name",
                    {},
                    1,
                    {2, 3},
                    "WEBDL-1080p",
                    "h264",
                    "GRP",
                    {}},
        ReleaseCase{"Show.Name.S01E01-03.720p.HDTV.x264-GRP",
                    "Show Name",
                    {},
                    1,
                    {1, 2, 3},
                    "HDTV-720p",
                    "x264",
                    "GRP",
                    {}},
        ReleaseCase{
            "Show.Name.2x05.HDTV.XviD-LOL", "Show Name", {}, 2, {5}, "SDTV", "XviD", "LOL", {}},
        ReleaseCase{"Doctor.Who.2005.S13E01.1080p.iP.WEB-DL.AAC2.0.H.264-GRP",
                    "Doctor Who",
                    2005,
                    13,
                    {1},
                    "WEBDL-1080p",
                    "h264",
                    "GRP",
                    {}},
        ReleaseCase{"Show Name - S02E10 - Episode Title [1080p WEBRip x265]",
                    "Show Name",
                    {},
                    2,
                    {10},
                    "WEBRip-1080p",
                    "x265",
                    "",
                    {}},
        ReleaseCase{"Show Name (2020) - S01E02 - Pilot WEBDL-1080p",
                    "Show Name",
                    2020,
                    1,
                    {2},
                    "WEBDL-1080p",
                    "",
                    "",
                    {}},
        // Our own file names parse back to the same quality.
        ReleaseCase{"The Matrix (1999) Bluray-1080p Proper.mkv",
                    "The Matrix",
                    1999,
                    {},
                    {},
                    "Bluray-1080p",
                    "",
                    "",
                    {}},
        ReleaseCase{"Movie (2019) Remux-2160p", "Movie", 2019, {}, {}, "Remux-2160p", "", "", {}},
        ReleaseCase{"Old.Movie.1975.DVDRip.XviD", "Old Movie", 1975, {}, {}, "DVD", "XviD", "", {}},
        ReleaseCase{"New.Movie.2024.HDCAM.x264-NoGrp",
                    "New Movie",
                    2024,
                    {},
                    {},
                    "CAM",
                    "x264",
                    "NoGrp",
                    {}},
        ReleaseCase{"Movie.Title.2022.GERMAN.DL.1080p.BluRay.AVC.REMUX-GRP",
                    "Movie Title",
                    2022,
                    {},
                    {},
                    "Remux-1080p",
                    "h264",
                    "GRP",
                    {"GERMAN"}},
        ReleaseCase{"Series.S03.1080p.BluRay.x264-ROVERS",
                    "Series",
                    {},
                    3,
                    {},
                    "Bluray-1080p",
                    "x264",
                    "ROVERS",
                    {}},
        ReleaseCase{
            "Show.Saison.2.FRENCH.720p.HDTV", "Show", {}, 2, {}, "HDTV-720p", "", "", {"FRENCH"}},
        ReleaseCase{"Just.A.Title", "Just A Title", {}, {}, {}, "", "", "", {}},
        ReleaseCase{"Movie.2010.mkv", "Movie", 2010, {}, {}, "", "", "", {}},
        ReleaseCase{"downloads/Some.Folder/Movie.2010.720p.mkv",
                    "Movie",
                    2010,
                    {},
                    {},
                    "HDTV-720p",
                    "",
                    "",
                    {}}));

TEST(ParseReleaseNameTest, ProperAndRepack) {
  EXPECT_TRUE(ParseReleaseName("Movie.2019.PROPER.1080p.BluRay.x264-GRP").proper);
  EXPECT_FALSE(ParseReleaseName("Movie.2019.PROPER.1080p.BluRay.x264-GRP").repack);
  EXPECT_TRUE(ParseReleaseName("Show.S01E01.REPACK.720p.HDTV.x264-GRP").repack);
  EXPECT_TRUE(ParseReleaseName("Show.S01E01.RERIP.720p.HDTV.x264-GRP").repack);
  EXPECT_FALSE(ParseReleaseName("Show.S01E01.720p.HDTV.x264-GRP").proper);
  EXPECT_EQ(ParseReleaseName("Show.S01E01.REPACK.720p.HDTV.x264-GRP").QualityFull(),
            "HDTV-720p Repack");
  EXPECT_EQ(ParseReleaseName("Show.S01E01.PROPER.720p.HDTV.x264-GRP").QualityFull(),
            "HDTV-720p Proper");
}

TEST(ParseReleaseNameTest, Editions) {
  EXPECT_EQ(ParseReleaseName("Blade.Runner.1982.Final.Cut.1080p.BluRay.x264-GRP").edition,
            "Final Cut");
  EXPECT_EQ(ParseReleaseName("Movie.2003.Directors.Cut.720p.BluRay.x264-GRP").edition,
            "Director's Cut");
  EXPECT_EQ(ParseReleaseName("Movie.2003.Director's.Cut.720p.BluRay.x264-GRP").edition,
            "Director's Cut");
  EXPECT_EQ(ParseReleaseName("Movie.2001.EXTENDED.1080p.BluRay.x264-GRP").edition, "Extended");
  EXPECT_EQ(ParseReleaseName("Movie.2001.VERSION.LONGUE.FRENCH.1080p.BluRay.x264-GRP").edition,
            "Extended");
  EXPECT_EQ(ParseReleaseName("Movie.2019.IMAX.UNRATED.2160p.WEB-DL.x265-GRP").edition,
            "IMAX Unrated");
  EXPECT_EQ(ParseReleaseName("Movie.2019.1080p.WEB-DL.x265-GRP").edition, "");
}

TEST(ParseReleaseNameTest, SeasonPacks) {
  ParsedRelease pack = ParseReleaseName("Show.S02.MULTi.1080p.WEB.x264-GRP");
  EXPECT_EQ(pack.season, 2);
  EXPECT_THAT(pack.episodes, IsEmpty());
  EXPECT_TRUE(pack.season_pack);
  EXPECT_TRUE(ParseReleaseName("Show.INTEGRALE.FRENCH.720p.HDTV").season_pack);
  EXPECT_FALSE(ParseReleaseName("Show.S02E01.1080p.WEB.x264-GRP").season_pack);
  EXPECT_EQ(ParseReleaseName("Show.S01-S03.1080p.BluRay.x264-GRP").season, 1);
}

TEST(ParseReleaseNameTest, ResolutionAndSource) {
  ParsedRelease r = ParseReleaseName("Movie.2019.2160p.UHD.BluRay.REMUX.HDR.HEVC.Atmos-GRP");
  EXPECT_EQ(r.resolution, "2160p");
  EXPECT_EQ(r.source, "Remux");
  EXPECT_EQ(ParseReleaseName("Movie.2019.4K.WEB-DL.x265").resolution, "2160p");
  EXPECT_EQ(ParseReleaseName("Movie.2019.UHD.BluRay.x265").quality, "Bluray-2160p");
  EXPECT_EQ(ParseReleaseName("Movie.2019.480p.WEB.x264").quality, "WEBDL-480p");
  EXPECT_EQ(ParseReleaseName("Show.S01E01.HDTV.x264-LOL").quality, "SDTV");
  EXPECT_EQ(ParseReleaseName("Movie.2019.DVDR-GRP").quality, "DVD-R");
  EXPECT_EQ(ParseReleaseName("Movie.2019.TS.x264").quality, "TELESYNC");
  EXPECT_EQ(ParseReleaseName("Movie.2019.1080p").quality, "HDTV-1080p");
  EXPECT_EQ(ParseReleaseName("Movie.2019").quality, "");
}

TEST(ParseReleaseNameTest, LanguageTagsInOrderWithoutDuplicates) {
  EXPECT_THAT(
      ParseReleaseName("Movie.2019.MULTi.TRUEFRENCH.VFF.ENGLISH.1080p.BluRay-GRP").languages,
      ElementsAre("MULTI", "TRUEFRENCH", "VFF", "ENGLISH"));
  EXPECT_THAT(ParseReleaseName("Movie.2019.FRENCH.FRENCH.1080p-GRP").languages,
              ElementsAre("FRENCH"));
  EXPECT_THAT(ParseReleaseName("Movie.2019.VOSTFR.720p-GRP").languages, ElementsAre("VOSTFR"));
  EXPECT_THAT(ParseReleaseName("Movie.2019.STFR.720p-GRP").languages, ElementsAre("VOSTFR"));
  EXPECT_THAT(ParseReleaseName("Movie.2019.VF.720p-GRP").languages, ElementsAre("VF"));
  EXPECT_THAT(ParseReleaseName("Movie.2019.SUBFRENCH.720p-GRP").languages,
              ElementsAre("SUBFRENCH"));
  EXPECT_THAT(ParseReleaseName("Movie.2019.QUEBEC.720p-GRP").languages, ElementsAre("VFQ"));
  EXPECT_THAT(ParseReleaseName("Movie 2019 multi vff 1080p").languages,
              ElementsAre("MULTI", "VFF"));
  // A language word inside the title before the year is title.
  EXPECT_EQ(ParseReleaseName("The.French.Connection.1971.1080p.BluRay.x264-GRP").title,
            "The French Connection");
  EXPECT_THAT(ParseReleaseName("The.French.Connection.1971.1080p.BluRay.x264-GRP").languages,
              IsEmpty());
}

TEST(ParseReleaseNameTest, GroupEdgeCases) {
  EXPECT_EQ(ParseReleaseName("Movie.2019.1080p.WEB-DL").group, "");
  EXPECT_EQ(ParseReleaseName("Movie.2019.1080p.BluRay.x264-GRP.mkv").group, "GRP");
  EXPECT_EQ(ParseReleaseName("Movie.2019.1080p.BluRay.x264-GRP[rarbg]").group, "rarbg");
  EXPECT_EQ(ParseReleaseName("[SubsPlease] Show - 01 (1080p)").group, "SubsPlease");
  EXPECT_EQ(ParseReleaseName("Show.S01E01-E02").group, "");
  EXPECT_EQ(ParseReleaseName("Movie-2019").group, "");
}

TEST(ParseReleaseNameTest, EmptyAndGarbageNeverCrash) {
  for (const char* name :
       {"", ".", "-", "....", "[", "]", "S", "S01E", "x", "-GRP", "2019", "1x", "S99E999999"}) {
    ParsedRelease r = ParseReleaseName(name);
    EXPECT_LE(r.episodes.size(), 64u) << name;
  }
}

}  // namespace
}  // namespace kiosk::downloads::naming

namespace kiosk::downloads::naming {
namespace {

struct LanguageCase {
  std::string word;
  std::string tag;
};
class LanguageTagTest : public ::testing::TestWithParam<LanguageCase> {};

// Each spelling, alone after a year, in a movie name and in an episode name.
TEST_P(LanguageTagTest, IsNormalised) {
  const LanguageCase& c = GetParam();
  EXPECT_THAT(ParseReleaseName("Some.Movie.2020." + c.word + ".1080p.WEB.x264-GRP").languages,
              ElementsAre(c.tag))
      << c.word;
  EXPECT_THAT(ParseReleaseName("Some.Show.S01E01." + c.word + ".720p.HDTV.x264-GRP").languages,
              ElementsAre(c.tag))
      << c.word;
  EXPECT_THAT(ParseReleaseName("Some Movie (2020) [" + c.word + "] [1080p]").languages,
              ElementsAre(c.tag))
      << c.word;
}
INSTANTIATE_TEST_SUITE_P(
    Tags, LanguageTagTest,
    ::testing::Values(LanguageCase{"FRENCH", "FRENCH"}, LanguageCase{"French", "FRENCH"},
                      LanguageCase{"FR", "FRENCH"}, LanguageCase{"TRUEFRENCH", "TRUEFRENCH"},
                      LanguageCase{"TrueFrench", "TRUEFRENCH"}, LanguageCase{"VFF", "VFF"},
                      LanguageCase{"VFQ", "VFQ"}, LanguageCase{"QUEBEC", "VFQ"},
                      LanguageCase{"VFI", "VFI"}, LanguageCase{"VF2", "VF2"},
                      LanguageCase{"VF", "VF"}, LanguageCase{"VOF", "VOF"},
                      LanguageCase{"VOSTFR", "VOSTFR"}, LanguageCase{"VOSTfr", "VOSTFR"},
                      LanguageCase{"STFR", "VOSTFR"}, LanguageCase{"SUBFRENCH", "SUBFRENCH"},
                      LanguageCase{"MULTi", "MULTI"}, LanguageCase{"MULTI", "MULTI"},
                      LanguageCase{"multi", "MULTI"}, LanguageCase{"VO", "VO"},
                      LanguageCase{"VOST", "VOST"}, LanguageCase{"ENGLISH", "ENGLISH"},
                      LanguageCase{"ENG", "ENGLISH"}, LanguageCase{"GERMAN", "GERMAN"},
                      LanguageCase{"SPANISH", "SPANISH"}, LanguageCase{"ITALIAN", "ITALIAN"},
                      LanguageCase{"JAPANESE", "JAPANESE"}, LanguageCase{"DUAL", "DUAL"}));

}  // namespace
}  // namespace kiosk::downloads::naming
