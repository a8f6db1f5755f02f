#include "services/downloads/releases/release_selection.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "services/downloads/naming/release_name.h"

namespace kiosk::downloads::releases {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr int64_t kGb = int64_t{1} << 30;

Candidate Item(const std::string& title, int seeders = 20, int64_t size = 8 * kGb,
               const std::string& hash = "") {
  Candidate c;
  c.item.title = title;
  c.item.guid = title;
  c.item.link = "magnet:?xt=urn:btih:" + std::string(40, 'a');
  c.item.magnet_url = c.item.link;
  c.item.seeders = seeders;
  c.item.peers = seeders;
  c.item.size_bytes = size;
  c.item.info_hash = hash;
  c.indexer_id = 1;
  c.indexer = "Jackett";
  return c;
}

WantedMedia Amelie(const std::string& language = "fr") {
  return {.media_type = "movie",
          .titles = {"Le Fabuleux Destin d'Amélie Poulain", "Amélie",
                     "Le Fabuleux Destin d'Amélie Poulain"},
          .year = 2001,
          .language = language,
          .seasons = {}};
}

// The language tags of French scene names, as the parser reads them.
struct TagCase {
  const char* name;
  std::vector<std::string> tags;
};
TEST(LanguageTags, FrenchSceneTags) {
  const TagCase cases[] = {
      {"Film.2001.FRENCH.1080p.BluRay.x264-G", {"FRENCH"}},
      {"Film.2001.TRUEFRENCH.1080p.BluRay.x264-G", {"TRUEFRENCH"}},
      {"Film.2001.VFF.1080p.BluRay.x264-G", {"VFF"}},
      {"Film.2001.VFQ.1080p.BluRay.x264-G", {"VFQ"}},
      {"Film.2001.VFI.1080p.WEB.x264-G", {"VFI"}},
      {"Film.2001.VF2.1080p.BluRay.x264-G", {"VF2"}},
      {"Film.2001.MULTi.1080p.BluRay.x264-G", {"MULTI"}},
      {"Film.2001.MULTi.VFF.1080p.BluRay.x264-G", {"MULTI", "VFF"}},
      {"Film.2001.VOSTFR.720p.WEB.x264-G", {"VOSTFR"}},
      {"Film.2001.SUBFRENCH.1080p.WEB.x264-G", {"SUBFRENCH"}},
      {"Film.2001.1080p.BluRay.x264-G", {}},
  };
  for (const TagCase& c : cases) {
    EXPECT_THAT(naming::ParseReleaseName(c.name).languages, ElementsAreArray(c.tags)) << c.name;
  }
}

// Language match of the request's language: 2 exact, 1 acceptable, 0 refused.
struct LanguageCase {
  std::vector<std::string> tags;
  const char* language;
  int match;
};
TEST(LanguageMatch, Table) {
  const LanguageCase cases[] = {
      {{"FRENCH"}, "fr", 2},     {{"TRUEFRENCH"}, "fr", 2}, {{"VFF"}, "fr", 2},
      {{"VFQ"}, "fr", 1},        {{"MULTI"}, "fr", 2},      {{"MULTI", "VFQ"}, "fr", 2},
      {{"VOSTFR"}, "fr", 0},     {{}, "fr", 0},             {{"SUBFRENCH"}, "fr", 0},
      {{}, "en", 2},             {{"ENGLISH"}, "en", 2},    {{"MULTI"}, "en", 2},
      {{"VOSTFR"}, "en", 1},     {{"FRENCH"}, "en", 0},     {{"TRUEFRENCH"}, "en", 0},
      {{"GERMAN"}, "en", 0},     {{}, "vo", 2},             {{"VOSTFR"}, "vo", 2},
      {{"SUBFRENCH"}, "vo", 2},  {{"MULTI"}, "vo", 1},      {{"VFF"}, "vo", 0},
      {{"FRENCH"}, "xx", 0},
  };
  for (const LanguageCase& c : cases) {
    std::string why;
    EXPECT_EQ(LanguageMatch(c.tags, c.language, &why), c.match)
        << ::testing::PrintToString(c.tags) << " for " << c.language;
    EXPECT_EQ(why.empty(), c.match > 0) << why;
  }
}

TEST(NormalizeTitle, FoldsAccentsAndPunctuation) {
  EXPECT_EQ(NormalizeTitle("Le Fabuleux Destin d'Amélie Poulain"), "lefabuleuxdestindameliepoulain");
  EXPECT_EQ(NormalizeTitle("Le.Fabuleux.Destin.d.Amelie.Poulain"), "lefabuleuxdestindameliepoulain");
  EXPECT_EQ(NormalizeTitle("ÉTÉ Œuvre & Co"), "eteoeuvreandco");
}

TEST(ParseQualityOrder, SplitsAndCleans) {
  EXPECT_THAT(ParseQualityOrder(" 1080P, 720p,,2160p ,1080p"), ElementsAre("1080p", "720p", "2160p"));
  EXPECT_THAT(ParseQualityOrder(""), IsEmpty());
}

// The ranking of the indexer double's Amélie releases for each language.
TEST(RankReleases, FrenchRequestPrefersFrenchAudioThenQualityThenSeeders) {
  std::vector<Candidate> candidates = {
      Item("Le.Fabuleux.Destin.d.Amelie.Poulain.2001.FRENCH.2160p.UHD.BluRay.x265-SUPPLY", 8, 38 * kGb),
      Item("Le.Fabuleux.Destin.d.Amelie.Poulain.2001.MULTi.1080p.BluRay.x264-LOST", 20, 10 * kGb),
      Item("Amelie.2001.1080p.BluRay.x264-AMIABLE", 60, 8 * kGb),
      Item("Le.Fabuleux.Destin.d.Amelie.Poulain.2001.FRENCH.720p.BluRay.x264-GROUP", 30, 4 * kGb),
      Item("Le.Fabuleux.Destin.d.Amelie.Poulain.2001.FRENCH.1080p.BluRay.x264-GROUP", 45, 9 * kGb),
      Item("Le.Fabuleux.Destin.d.Amelie.Poulain.2001.VFQ.1080p.BluRay.x264-QC", 99, 9 * kGb),
  };
  std::vector<EvaluatedRelease> ranked = RankReleases(candidates, Amelie("fr"), {}, {});
  std::vector<std::string> order;
  for (const auto& r : ranked) order.push_back(r.group + (r.accepted ? "" : " (rejected)"));
  EXPECT_THAT(order, ElementsAre("GROUP", "LOST", "GROUP", "SUPPLY", "QC", "AMIABLE (rejected)"));
  EXPECT_EQ(ranked[0].resolution, "1080p");
  EXPECT_EQ(ranked[2].resolution, "720p");
  EXPECT_THAT(ranked.back().rejections, ElementsAre(HasSubstr("no French audio")));
}

TEST(RankReleases, EnglishAndOriginalRequests) {
  std::vector<Candidate> candidates = {
      Item("Le.Fabuleux.Destin.d.Amelie.Poulain.2001.FRENCH.1080p.BluRay.x264-GROUP", 45),
      Item("Le.Fabuleux.Destin.d.Amelie.Poulain.2001.MULTi.1080p.BluRay.x264-LOST", 20),
      Item("Amelie.2001.1080p.BluRay.x264-AMIABLE", 60),
      Item("Amelie.2001.VOSTFR.1080p.WEB.x264-NOTAG", 12),
  };
  std::vector<std::string> en, vo;
  for (const auto& r : RankReleases(candidates, Amelie("en"), {}, {})) {
    en.push_back(r.group + (r.accepted ? "" : " (rejected)"));
  }
  for (const auto& r : RankReleases(candidates, Amelie("vo"), {}, {})) {
    vo.push_back(r.group + (r.accepted ? "" : " (rejected)"));
  }
  EXPECT_THAT(en, ElementsAre("AMIABLE", "LOST", "NOTAG", "GROUP (rejected)"));
  EXPECT_THAT(vo, ElementsAre("AMIABLE", "NOTAG", "LOST", "GROUP (rejected)"));
}

struct RejectCase {
  Candidate candidate;
  const char* reason;
};
TEST(Evaluate, EveryRejectionHasItsSentence) {
  SelectionRules rules;
  rules.min_seeders = 5;
  rules.max_size_bytes = 20 * kGb;
  const RejectCase cases[] = {
      {Item("Amelie.Poulain.Returns.2019.FRENCH.1080p.WEB.x264-FAKE"), "is not the requested one"},
      {Item("Amelie.1995.FRENCH.1080p.WEB.x264-OLD"), "year 1995; the film is from 2001"},
      {Item("Le.Fabuleux.Destin.d.Amelie.Poulain.2001.FRENCH.CAM.x264-NOGRP"), "a cam recording"},
      {Item("Le.Fabuleux.Destin.d.Amelie.Poulain.2001.FRENCH.1080p.BluRay.x264-GROUP.sample", 9,
            40 << 20),
       "a sample"},
      {Item("Le.Fabuleux.Destin.d.Amelie.Poulain.2001.FRENCH.1080p.BluRay.x264-G", 9, 40 << 20),
       "too small: 40 MB"},
      {Item("Le.Fabuleux.Destin.d.Amelie.Poulain.2001.FRENCH.1080p.BluRay.x264-G", 9, 30 * kGb),
       "too large: 30.0 GB"},
      {Item("Le.Fabuleux.Destin.d.Amelie.Poulain.2001.FRENCH.1080p.BluRay.x264-G", 0),
       "0 seeders; at least 5 wanted"},
      {Item("Le.Fabuleux.Destin.d.Amelie.Poulain.2001.FRENCH.576p.BluRay.x264-G"),
       "resolution 576p is not in releases.quality_order"},
      {Item("Le.Fabuleux.Destin.d.Amelie.Poulain.2001.FRENCH.1080p.BluRay.x264-G", 9, 0),
       "gives no size"},
      {Item("Amelie.S01E01.FRENCH.1080p.WEB.x264-G"), "the request is a film"},
  };
  for (const RejectCase& c : cases) {
    EvaluatedRelease r = Evaluate(c.candidate, Amelie("fr"), rules, {});
    EXPECT_FALSE(r.accepted) << c.candidate.item.title;
    EXPECT_THAT(r.rejections, ::testing::Contains(HasSubstr(c.reason))) << c.candidate.item.title;
  }
}

TEST(Evaluate, BlocklistByHashOrTitle) {
  Candidate c = Item("Le.Fabuleux.Destin.d.Amelie.Poulain.2001.FRENCH.1080p.BluRay.x264-GROUP", 45,
                     9 * kGb, std::string(40, 'b'));
  EXPECT_TRUE(Evaluate(c, Amelie(), {}, {}).accepted);
  EvaluatedRelease by_hash =
      Evaluate(c, Amelie(), {}, {{.info_hash = std::string(40, 'b'), .title = "x", .reason = "error"}});
  EXPECT_TRUE(by_hash.blocklisted);
  EXPECT_THAT(by_hash.rejections, ElementsAre("blocklisted: error"));
  EvaluatedRelease by_title = Evaluate(
      c, Amelie(), {},
      {{.info_hash = "", .title = "Le Fabuleux Destin d Amelie Poulain 2001 FRENCH 1080p BluRay x264-GROUP"}});
  EXPECT_TRUE(by_title.blocklisted);
}

TEST(Evaluate, SeriesSeasonsAndEpisodes) {
  WantedMedia whole{.media_type = "tv", .titles = {"Breaking Bad"}, .year = 2008, .language = "fr",
                    .seasons = {{1, {}}}};
  EXPECT_TRUE(Evaluate(Item("Breaking.Bad.S01.MULTi.1080p.BluRay.x264-ROVERS"), whole, {}, {}).accepted);
  EXPECT_THAT(Evaluate(Item("Breaking.Bad.S01E01.FRENCH.720p.HDTV.x264-FRG", 10, kGb), whole, {}, {})
                  .rejections,
              ElementsAre(HasSubstr("the request wants the whole season 1")));
  EXPECT_THAT(Evaluate(Item("Breaking.Bad.S02.MULTi.1080p.BluRay.x264-ROVERS"), whole, {}, {}).rejections,
              ElementsAre("season 2; the request covers season 1"));
  WantedMedia episodes = whole;
  episodes.seasons = {{1, {1, 2}}};
  EXPECT_TRUE(Evaluate(Item("Breaking.Bad.S01E01.FRENCH.720p.HDTV.x264-FRG", 10, kGb), episodes, {}, {})
                  .accepted);
  EXPECT_THAT(Evaluate(Item("Breaking.Bad.S01E05.FRENCH.720p.HDTV.x264-FRG", 10, kGb), episodes, {}, {})
                  .rejections,
              ElementsAre(HasSubstr("episode 5 of season 1 is not requested")));
  EXPECT_THAT(Evaluate(Item("Breaking.Bad.2008.FRENCH.1080p.BluRay.x264-X"), whole, {}, {}).rejections,
              ElementsAre(HasSubstr("no season or episode")));
}

TEST(RankReleases, DuplicatesAcrossIndexersAreMergedAndPriorityBreaksTies) {
  Candidate a = Item("Le.Fabuleux.Destin.d.Amelie.Poulain.2001.FRENCH.1080p.BluRay.x264-GROUP", 45,
                     9 * kGb, std::string(40, 'c'));
  a.indexer = "Slow";
  a.indexer_priority = 50;
  Candidate b = a;
  b.indexer = "Fast";
  b.indexer_priority = 1;
  std::vector<EvaluatedRelease> ranked = RankReleases({a, b}, Amelie(), {}, {});
  ASSERT_EQ(ranked.size(), 1u);
  EXPECT_EQ(ranked[0].indexer, "Fast");
}

TEST(ExplainNoneAccepted, NamesTheClosest) {
  std::vector<EvaluatedRelease> ranked =
      RankReleases({Item("Amelie.2001.1080p.BluRay.x264-AMIABLE", 60)}, Amelie("fr"), {}, {});
  EXPECT_THAT(ExplainNoneAccepted(ranked),
              HasSubstr("none of the 1 releases found fits; the closest: Amelie.2001.1080p.BluRay.x264-AMIABLE (no French audio"));
  EXPECT_EQ(ExplainNoneAccepted({}), "no release found on the indexers");
}

}  // namespace
}  // namespace kiosk::downloads::releases
