#include "services/downloads/naming/title_transforms.h"

#include <gtest/gtest.h>

#include <string>

namespace kiosk::downloads::naming {
namespace {

TEST(RemoveDiacriticsTest, StripsMarksKeepsOtherLetters) {
  EXPECT_EQ(RemoveDiacritics("Amélie"), "Amelie");
  EXPECT_EQ(RemoveDiacritics("À bout de souffle"), "A bout de souffle");
  EXPECT_EQ(RemoveDiacritics("Ça, garçon, Noël, naïf, où, Éric"),
            "Ca, garcon, Noel, naif, ou, Eric");
  EXPECT_EQ(RemoveDiacritics("Škoda Čeština Łódź"), "Skoda Cestina Łodz");
  EXPECT_EQ(RemoveDiacritics("Œdipe æ ø ß"), "Œdipe æ ø ß");  // no decomposition, as .NET
  EXPECT_EQ(RemoveDiacritics("plain ascii"), "plain ascii");
}

TEST(CleanTitleTest, MatchesRadarrCleanTitle) {
  EXPECT_EQ(CleanTitle("Law & Order: SVU"), "Law and Order SVU");
  EXPECT_EQ(CleanTitle("Mission: Impossible - Dead Reckoning"),
            "Mission Impossible  Dead Reckoning");
  EXPECT_EQ(CleanTitle("Don't Look Up"), "Dont Look Up");
  EXPECT_EQ(CleanTitle("Don’t Look Up"), "Dont Look Up");
  EXPECT_EQ(CleanTitle("Amélie"), "Amelie");
  EXPECT_EQ(CleanTitle("Face/Off"), "Face Off");
  EXPECT_EQ(CleanTitle("What If...?"), "What If...");
  EXPECT_EQ(CleanTitle("The Office (US)"), "The Office US");
  EXPECT_EQ(CleanTitle("Hello, World"), "Hello World");
  EXPECT_EQ(CleanTitle("Spider-Man"), "Spider-Man");
}

TEST(TitleTheTest, MovesEnglishArticles) {
  EXPECT_EQ(TitleThe("The Matrix"), "Matrix, The");
  EXPECT_EQ(TitleThe("A Quiet Place"), "Quiet Place, A");
  EXPECT_EQ(TitleThe("An American Tail"), "American Tail, An");
  EXPECT_EQ(TitleThe("The Office (US)"), "Office, The (US)");
  EXPECT_EQ(TitleThe("A Quiet Place (2018)"), "Quiet Place, A (2018)");
  EXPECT_EQ(TitleThe("Theory of Everything"), "Theory of Everything");
  EXPECT_EQ(TitleThe("Amélie"), "Amélie");
  EXPECT_EQ(TitleThe("The"), "The");
}

TEST(TitleYearTest, AddsYearOnce) {
  EXPECT_EQ(TitleYear("Show", 2020), "Show (2020)");
  EXPECT_EQ(TitleYear("Show (2020)", 2020), "Show (2020)");
  EXPECT_EQ(TitleWithoutYear("Show (2020)"), "Show");
  EXPECT_EQ(TitleWithoutYear("Show"), "Show");
}

TEST(TruncateTitleTest, CutsCharactersNotBytes) {
  EXPECT_EQ(TruncateTitle("The Lord of the Rings", 10, "..."), "The Lor...");
  EXPECT_EQ(TruncateTitle("The Lord of the Rings", -10, "..."), "...e Rings");
  EXPECT_EQ(TruncateTitle("Short", 10, "..."), "Short");
  EXPECT_EQ(TruncateTitle("Short", 0, "..."), "Short");
  // "Les Misérables" cut after the é: the é stays whole.
  EXPECT_EQ(TruncateTitle("Les Misérables", 11, "..."), "Les Misé...");
  EXPECT_EQ(Utf8Length("Misérables"), 10u);
  // A cut that ends on a space or dot drops it before the ellipsis.
  EXPECT_EQ(TruncateTitle("Mr. Robot Season", 7, "..."), "Mr...");
}

}  // namespace
}  // namespace kiosk::downloads::naming
