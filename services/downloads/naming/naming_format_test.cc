#include "services/downloads/naming/naming_format.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "common/testing/status_matchers.h"

namespace kiosk::downloads::naming {
namespace {

using ::kiosk::testing::IsOkAndHolds;
using ::kiosk::testing::StatusIs;
using ::testing::HasSubstr;

NamingContext Movie() {
  NamingContext c;
  c.title = "The Matrix";
  c.title_fr = "Matrix";
  c.title_en = "The Matrix";
  c.original_title = "The Matrix";
  c.year = 1999;
  c.imdb_id = "tt0133093";
  c.tmdb_id = 603;
  c.release = ParseReleaseName("The.Matrix.1999.REMASTERED.1080p.BluRay.x264-SPARKS");
  return c;
}

NamingContext Episode() {
  NamingContext c;
  c.title = "Le Bureau des Légendes";
  c.title_en = "The Bureau";
  c.year = 2015;
  c.tvdb_id = 295730;
  c.season = 5;
  c.episodes = {3};
  c.episode_title = "Épisode 3";
  c.air_date = "2020-04-20";
  c.release = ParseReleaseName("Le.Bureau.des.Legendes.S05E03.FRENCH.720p.WEB.H264-FRATERNiTY");
  return c;
}

struct FormatCase {
  std::string format;
  std::string expected;
};

class MovieTokenTest : public ::testing::TestWithParam<FormatCase> {};
TEST_P(MovieTokenTest, Renders) {
  EXPECT_THAT(RenderFormat(GetParam().format, Movie(), {}), IsOkAndHolds(GetParam().expected))
      << GetParam().format;
}
INSTANTIATE_TEST_SUITE_P(
    Tokens, MovieTokenTest,
    ::testing::Values(
        FormatCase{"{Movie Title}", "The Matrix"}, FormatCase{"{Movie Title:FR}", "Matrix"},
        FormatCase{"{Movie Title:EN}", "The Matrix"}, FormatCase{"{Movie Title:fr}", "Matrix"},
        FormatCase{"{Movie Title:DE}", "The Matrix"},  // no German title: the main one
        FormatCase{"{Movie Title:DE|FR}", "Matrix"},   // first recognised code
        FormatCase{"{Movie CleanTitle}", "The Matrix"},
        FormatCase{"{Movie TitleThe}", "Matrix, The"},
        FormatCase{"{Movie CleanTitleThe}", "Matrix The"},  // Radarr: CleanTitle drops the comma
        FormatCase{"{Movie OriginalTitle}", "The Matrix"},
        FormatCase{"{Movie CleanOriginalTitle}", "The Matrix"},
        FormatCase{"{Movie TitleYear}", "The Matrix (1999)"},
        FormatCase{"{Movie TitleFirstCharacter}", "M"}, FormatCase{"{Release Year}", "1999"},
        FormatCase{"{ImdbId}", "tt0133093"}, FormatCase{"{TmdbId}", "603"},
        FormatCase{"{imdb-{ImdbId}}", "{imdb-tt0133093}"},
        FormatCase{"{tmdb-{TmdbId}}", "{tmdb-603}"}, FormatCase{"{Quality Full}", "Bluray-1080p"},
        FormatCase{"{Quality Title}", "Bluray-1080p"}, FormatCase{"{Release Group}", "SPARKS"},
        FormatCase{"{Edition Tags}", "Remastered"},
        FormatCase{"{edition-{Edition Tags}}", "{edition-Remastered}"},
        FormatCase{"{Movie Title} ({Release Year})", "The Matrix (1999)"},
        FormatCase{"{Movie Title} ({Release Year}) {Quality Full}",
                   "The Matrix (1999) Bluray-1080p"},
        FormatCase{"{Movie Title} ({Release Year}) {imdb-{ImdbId}}",
                   "The Matrix (1999) {imdb-tt0133093}"},
        // Separators replace the spaces of the value.
        FormatCase{"{Movie.CleanTitle}", "The.Matrix"}, FormatCase{"{Movie_Title}", "The_Matrix"},
        FormatCase{"{Movie-Title}", "The-Matrix"},
        FormatCase{"{Movie.CleanTitle}{.Release.Year}", "The.Matrix.1999"},
        FormatCase{"{Movie.CleanTitle}.{Release.Year}.{Quality.Full}",
                   "The.Matrix.1999.Bluray-1080p"},
        // Prefix and suffix inside the braces.
        FormatCase{"{Movie Title}{-Release Group}", "The Matrix-SPARKS"},
        FormatCase{"{Movie Title} {[Quality Full]}", "The Matrix [Bluray-1080p]"},
        FormatCase{"{Movie Title} {(Release Year)}", "The Matrix (1999)"},
        // Case follows the token's case.
        FormatCase{"{movie title}", "the matrix"}, FormatCase{"{MOVIE TITLE}", "THE MATRIX"},
        // Truncation keeps the result within N characters, ellipsis included.
        FormatCase{"{Movie Title:6}", "The..."}, FormatCase{"{Movie Title:-6}", "...rix"},
        FormatCase{"{Movie Title:30}", "The Matrix"},
        // Literal braces.
        FormatCase{"{{Movie Title}}", "{Movie Title}"},
        FormatCase{"{{{Movie Title}}}", "{The Matrix}"}, FormatCase{"Plain text", "Plain text"}));

class EpisodeTokenTest : public ::testing::TestWithParam<FormatCase> {};
TEST_P(EpisodeTokenTest, Renders) {
  EXPECT_THAT(RenderFormat(GetParam().format, Episode(), {}), IsOkAndHolds(GetParam().expected))
      << GetParam().format;
}
INSTANTIATE_TEST_SUITE_P(
    Tokens, EpisodeTokenTest,
    ::testing::Values(
        FormatCase{"{Series Title}", "Le Bureau des Légendes"},
        FormatCase{"{Series TitleYear}", "Le Bureau des Légendes (2015)"},
        FormatCase{"{Series CleanTitle}", "Le Bureau des Legendes"},
        FormatCase{"{Series CleanTitleYear}", "Le Bureau des Legendes 2015"},
        FormatCase{"{Series Year}", "2015"},
        FormatCase{"{Series TitleThe}", "Le Bureau des Légendes"},
        FormatCase{"{Series TitleWithoutYear}", "Le Bureau des Légendes"},
        FormatCase{"{Series Title:EN}", "The Bureau"},
        FormatCase{"{Series TitleFirstCharacter}", "L"}, FormatCase{"{TvdbId}", "295730"},
        FormatCase{"{tvdb-{TvdbId}}", "{tvdb-295730}"}, FormatCase{"{season}", "5"},
        FormatCase{"{season:0}", "5"}, FormatCase{"{season:00}", "05"},
        FormatCase{"{season:000}", "005"}, FormatCase{"{episode:00}", "03"},
        FormatCase{"S{season:00}E{episode:00}", "S05E03"},
        FormatCase{"{season}x{episode:00}", "5x03"}, FormatCase{"{Episode Title}", "Épisode 3"},
        FormatCase{"{Episode CleanTitle}", "Episode 3"}, FormatCase{"{Air-Date}", "2020-04-20"},
        FormatCase{"{Air Date}", "2020 04 20"}, FormatCase{"{Air.Date}", "2020.04.20"},
        FormatCase{"Season {season:00}", "Season 05"},
        FormatCase{"{Series Title} - S{season:00}E{episode:00} - {Episode Title} {Quality Full}",
                   "Le Bureau des Légendes - S05E03 - Épisode 3 WEBDL-720p"},
        FormatCase{"{Series.CleanTitle}.S{season:00}E{episode:00}{-Release Group}",
                   "Le.Bureau.des.Legendes.S05E03-FRATERNiTY"}));

TEST(RenderFormatTest, MultiEpisodeIsAPrefixedRange) {
  NamingContext c = Episode();
  c.episodes = {1, 2, 3};
  EXPECT_THAT(RenderFormat("S{season:00}E{episode:00}", c, {}), IsOkAndHolds("S05E01-E03"));
  c.episodes = {7, 8};
  EXPECT_THAT(RenderFormat("{Series Title} - S{season:00}E{episode:00}", c, {}),
              IsOkAndHolds("Le Bureau des Légendes - S05E07-E08"));
}

TEST(RenderFormatTest, EmptyValuesDropTheirPrefixSuffixAndTags) {
  NamingContext c;
  c.title = "Unknown Film";
  EXPECT_THAT(RenderFormat("{Movie Title}{ - Release Year}", c, {}), IsOkAndHolds("Unknown Film"));
  EXPECT_THAT(RenderFormat("{Movie Title} {imdb-{ImdbId}}", c, {}), IsOkAndHolds("Unknown Film"));
  EXPECT_THAT(RenderFormat("{Movie Title} {tmdb-{TmdbId}}", c, {}), IsOkAndHolds("Unknown Film"));
  EXPECT_THAT(RenderFormat("{Movie Title} {[Quality Full]}{-Release Group}", c, {}),
              IsOkAndHolds("Unknown Film"));
  EXPECT_THAT(RenderFormat("{Movie Title} {edition-{Edition Tags}}", c, {}),
              IsOkAndHolds("Unknown Film"));
  // An unknown year leaves no "()" behind.
  EXPECT_THAT(RenderFormat("{Movie Title} ({Release Year})", c, {}), IsOkAndHolds("Unknown Film"));
  EXPECT_THAT(RenderFormat("{Movie Title:FR}", c, {}), IsOkAndHolds("Unknown Film"));
  EXPECT_THAT(RenderFormat("{Release Year}", c, {}), IsOkAndHolds(""));
}

TEST(RenderFormatTest, ProperAndRepackInQualityFull) {
  NamingContext c = Movie();
  c.release = ParseReleaseName("The.Matrix.1999.PROPER.720p.HDTV.x264-GRP");
  EXPECT_THAT(RenderFormat("{Quality Full}", c, {}), IsOkAndHolds("HDTV-720p Proper"));
  EXPECT_THAT(RenderFormat("{Quality Title}", c, {}), IsOkAndHolds("HDTV-720p"));
  c.release = ParseReleaseName("The.Matrix.1999.REPACK.2160p.WEB-DL.DDP5.1.HEVC-GRP");
  EXPECT_THAT(RenderFormat("{Quality Full}", c, {}), IsOkAndHolds("WEBDL-2160p Repack"));
}

TEST(RenderFormatTest, TitlesAreCleanedNeverASlash) {
  NamingContext c;
  c.title = "Face/Off: The Return?";
  c.year = 1997;
  EXPECT_THAT(RenderFormat("{Movie Title} ({Release Year})", c, {}),
              IsOkAndHolds("Face+Off - The Return! (1997)"));
  EXPECT_THAT(RenderFormat("{Movie Title}", c, {.colon = ColonMode::kDelete}),
              IsOkAndHolds("Face+Off The Return!"));
  EXPECT_THAT(RenderFormat("{Movie Title}", c, {.colon = ColonMode::kDash}),
              IsOkAndHolds("Face+Off- The Return!"));
  EXPECT_THAT(
      RenderFormat("{Movie Title}", c, {.colon = ColonMode::kSmart, .replace_illegal = false}),
      IsOkAndHolds("FaceOff The Return"));
  c.title = "../../etc";
  EXPECT_THAT(RenderFormat("{Movie Title}", c, {}), IsOkAndHolds("+.+etc"));
  // Literal text of the format is cleaned too.
  EXPECT_THAT(RenderFormat("a/b:{Release Year}", c, {}), IsOkAndHolds("a+b-1997"));
}

TEST(RenderFormatTest, AccentsAndFrenchTitlesAreKept) {
  NamingContext c;
  c.title = "Le Fabuleux Destin d'Amélie Poulain";
  c.title_fr = "Le Fabuleux Destin d'Amélie Poulain";
  c.title_en = "Amélie";
  c.year = 2001;
  EXPECT_THAT(RenderFormat("{Movie Title} ({Release Year})", c, {}),
              IsOkAndHolds("Le Fabuleux Destin d'Amélie Poulain (2001)"));
  EXPECT_THAT(RenderFormat("{Movie Title:EN} ({Release Year})", c, {}),
              IsOkAndHolds("Amélie (2001)"));
  EXPECT_THAT(RenderFormat("{Movie CleanTitle}", c, {}),
              IsOkAndHolds("Le Fabuleux Destin d'Amelie Poulain"));
  EXPECT_THAT(RenderFormat("{Movie.CleanTitle:EN}", c, {}), IsOkAndHolds("Amelie"));
  EXPECT_THAT(RenderFormat("{Movie Title:20}", c, {}), IsOkAndHolds("Le Fabuleux Desti..."));
}

TEST(RenderFormatTest, OriginalTitleDiffersFromTheRequestTitle) {
  NamingContext c;
  c.title = "Spirited Away";
  c.original_title = "千と千尋の神隠し";
  c.year = 2001;
  EXPECT_THAT(RenderFormat("{Movie OriginalTitle} ({Release Year})", c, {}),
              IsOkAndHolds("千と千尋の神隠し (2001)"));
  EXPECT_THAT(RenderFormat("{Movie TitleThe}", c, {}), IsOkAndHolds("Spirited Away"));
}

TEST(RenderFormatTest, WindowsReservedNameFromATitle) {
  NamingContext c;
  c.title = "Con";
  EXPECT_THAT(RenderFormat("{Movie Title}", c, {}), IsOkAndHolds("Con_"));
  c.title = "Con Air";
  c.year = 1997;
  EXPECT_THAT(RenderFormat("{Movie Title} ({Release Year})", c, {}),
              IsOkAndHolds("Con Air (1997)"));
}

struct BadFormat {
  std::string format;
  std::string message;
};
class BadFormatTest : public ::testing::TestWithParam<BadFormat> {};
TEST_P(BadFormatTest, IsInvalidArgumentNamingTheProblem) {
  EXPECT_THAT(RenderFormat(GetParam().format, Movie(), {}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(GetParam().message)))
      << GetParam().format;
}
INSTANTIATE_TEST_SUITE_P(Errors, BadFormatTest,
                         ::testing::Values(BadFormat{"{Movie Title", "unbalanced '{'"},
                                           BadFormat{"Movie Title}", "unbalanced '}'"},
                                           BadFormat{"{Movie {Title}}", "unbalanced '{'"},
                                           BadFormat{"{Movie Rating}",
                                                     "unknown token {Movie Rating}"},
                                           BadFormat{"{Nope}", "unknown token {Nope}"},
                                           BadFormat{"{}", "is not a token"},
                                           BadFormat{"{Movie/Title}", "is not a token"},
                                           BadFormat{"{Movie Title:}", "nothing after ':'"},
                                           BadFormat{"{imdb-{ImdbId}", "needs a closing '}'"}));

TEST(ParseColonModeTest, KnowsEveryMode) {
  EXPECT_THAT(ParseColonMode("delete"), IsOkAndHolds(ColonMode::kDelete));
  EXPECT_THAT(ParseColonMode("dash"), IsOkAndHolds(ColonMode::kDash));
  EXPECT_THAT(ParseColonMode("space_dash"), IsOkAndHolds(ColonMode::kSpaceDash));
  EXPECT_THAT(ParseColonMode("space_dash_space"), IsOkAndHolds(ColonMode::kSpaceDashSpace));
  EXPECT_THAT(ParseColonMode("Smart"), IsOkAndHolds(ColonMode::kSmart));
  EXPECT_THAT(ParseColonMode("custom"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("custom")));
}

}  // namespace
}  // namespace kiosk::downloads::naming
