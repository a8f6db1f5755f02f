#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "services/downloads/naming/naming_format.h"

namespace kiosk::downloads::naming {
namespace {

struct CleanCase {
  std::string input;
  ColonMode colon;
  bool replace_illegal;
  std::string expected;
};

class CleanFileNameTest : public ::testing::TestWithParam<CleanCase> {};

TEST_P(CleanFileNameTest, MatchesRadarr) {
  const CleanCase& c = GetParam();
  EXPECT_EQ(CleanFileName(c.input, {.colon = c.colon, .replace_illegal = c.replace_illegal}),
            c.expected)
      << "input: " << c.input;
}

INSTANTIATE_TEST_SUITE_P(
    ColonModes, CleanFileNameTest,
    ::testing::Values(
        // Radarr's FileNameBuilder colon modes on "Mission: Impossible" and a bare colon.
        CleanCase{"Mission: Impossible", ColonMode::kDelete, true, "Mission Impossible"},
        CleanCase{"Mission: Impossible", ColonMode::kDash, true, "Mission- Impossible"},
        CleanCase{"Mission: Impossible", ColonMode::kSpaceDash, true, "Mission - Impossible"},
        CleanCase{"Mission: Impossible", ColonMode::kSpaceDashSpace, true, "Mission - Impossible"},
        CleanCase{"Mission: Impossible", ColonMode::kSmart, true, "Mission - Impossible"},
        CleanCase{"12:30", ColonMode::kDelete, true, "1230"},
        CleanCase{"12:30", ColonMode::kDash, true, "12-30"},
        CleanCase{"12:30", ColonMode::kSpaceDash, true, "12 -30"},
        CleanCase{"12:30", ColonMode::kSpaceDashSpace, true, "12 - 30"},
        CleanCase{"12:30", ColonMode::kSmart, true, "12-30"},
        CleanCase{"Star Wars: Episode IV: A New Hope", ColonMode::kSmart, true,
                  "Star Wars - Episode IV - A New Hope"},
        // Illegal characters removed instead of replaced: colons go too.
        CleanCase{"Mission: Impossible", ColonMode::kSmart, false, "Mission Impossible"},
        CleanCase{"12:30", ColonMode::kDash, false, "1230"}));

INSTANTIATE_TEST_SUITE_P(
    IllegalCharacters, CleanFileNameTest,
    ::testing::Values(
        // BadCharacters \ / < > ? * | " -> GoodCharacters + + "" "" ! - "" ""
        CleanCase{"AC\\DC", ColonMode::kSmart, true, "AC+DC"},
        CleanCase{"Face/Off", ColonMode::kSmart, true, "Face+Off"},
        CleanCase{"<Title>", ColonMode::kSmart, true, "Title"},
        CleanCase{"What If?", ColonMode::kSmart, true, "What If!"},
        CleanCase{"M*A*S*H", ColonMode::kSmart, true, "M-A-S-H"},
        CleanCase{"This|That", ColonMode::kSmart, true, "ThisThat"},
        CleanCase{"\"Quoted\"", ColonMode::kSmart, true, "Quoted"},
        CleanCase{"Face/Off", ColonMode::kSmart, false, "FaceOff"},
        CleanCase{"What If?", ColonMode::kSmart, false, "What If"},
        CleanCase{"M*A*S*H", ColonMode::kSmart, false, "MASH"},
        CleanCase{"a\\b/c<d>e?f*g|h\"i", ColonMode::kSmart, false, "abcdefghi"},
        CleanCase{"a\\b/c<d>e?f*g|h\"i", ColonMode::kSmart, true, "a+b+cde!f-ghi"},
        // Control characters never reach a file name.
        CleanCase{"Line\nBreak\tTab", ColonMode::kSmart, true, "LineBreakTab"}));

INSTANTIATE_TEST_SUITE_P(
    TrimmingAndCollapsing, CleanFileNameTest,
    ::testing::Values(CleanCase{"  .Hidden", ColonMode::kSmart, true, "Hidden"},
                      CleanCase{"...Dots", ColonMode::kSmart, true, "Dots"},
                      CleanCase{"Trailing   ", ColonMode::kSmart, true, "Trailing"},
                      CleanCase{"Trailing.", ColonMode::kSmart, true, "Trailing"},
                      CleanCase{"Trailing -", ColonMode::kSmart, true, "Trailing"},
                      CleanCase{"Many    Spaces", ColonMode::kSmart, true, "Many Spaces"},
                      CleanCase{"Many...Dots", ColonMode::kSmart, true, "Many.Dots"},
                      CleanCase{"Dash--Dash", ColonMode::kSmart, true, "Dash-Dash"},
                      CleanCase{"Under__Score", ColonMode::kSmart, true, "Under_Score"},
                      CleanCase{"Mixed .- kept", ColonMode::kSmart, true, "Mixed .- kept"},
                      CleanCase{"", ColonMode::kSmart, true, ""},
                      CleanCase{" . ", ColonMode::kSmart, true, ""}));

INSTANTIATE_TEST_SUITE_P(
    WindowsReservedNames, CleanFileNameTest,
    ::testing::Values(CleanCase{"CON", ColonMode::kSmart, true, "CON_"},
                      CleanCase{"con.mkv", ColonMode::kSmart, true, "con_mkv"},
                      CleanCase{"PRN", ColonMode::kSmart, true, "PRN_"},
                      CleanCase{"aux.Movie", ColonMode::kSmart, true, "aux_Movie"},
                      CleanCase{"NUL", ColonMode::kSmart, true, "NUL_"},
                      CleanCase{"COM1", ColonMode::kSmart, true, "COM1_"},
                      CleanCase{"com9.x", ColonMode::kSmart, true, "com9_x"},
                      CleanCase{"LPT1", ColonMode::kSmart, true, "LPT1_"},
                      CleanCase{"lpt9.file", ColonMode::kSmart, true, "lpt9_file"},
                      // Not reserved: other numbers, longer words, the name inside a longer name.
                      CleanCase{"COM0", ColonMode::kSmart, true, "COM0"},
                      CleanCase{"Console", ColonMode::kSmart, true, "Console"},
                      CleanCase{"Con Air (1997)", ColonMode::kSmart, true, "Con Air (1997)"},
                      CleanCase{"Auxiliary", ColonMode::kSmart, true, "Auxiliary"}));

INSTANTIATE_TEST_SUITE_P(
    AccentsAreLegal, CleanFileNameTest,
    ::testing::Values(CleanCase{"Amélie", ColonMode::kSmart, true, "Amélie"},
                      CleanCase{"À bout de souffle", ColonMode::kSmart, true, "À bout de souffle"},
                      CleanCase{"Le Bureau des Légendes", ColonMode::kSmart, true,
                                "Le Bureau des Légendes"},
                      CleanCase{"Ça: Chapitre 2", ColonMode::kSmart, true, "Ça - Chapitre 2"},
                      CleanCase{"Œuvre ñandú 東京", ColonMode::kSmart, true, "Œuvre ñandú 東京"}));

}  // namespace
}  // namespace kiosk::downloads::naming
