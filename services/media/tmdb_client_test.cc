// The real TmdbClient over real HTTP against the TMDB double.
#include "services/media/tmdb_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <mutex>

#include "common/http/http_client.h"
#include "common/testing/status_matchers.h"
#include "services/media/testing/tmdb_double.h"

namespace kiosk::media {
namespace {

using ::kiosk::testing::IsOk;
using ::kiosk::testing::StatusIs;
using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kKey[] = "0123456789abcdef0123456789abcdef";

class TmdbClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_THAT(tmdb_.Start(), IsOk());
    settings_.Set("tmdb.api_key", kKey);
    settings_.Set("tmdb.url", tmdb_.base_url());
  }
  TmdbOptions Options() {
    TmdbOptions options;
    options.sleep = [this](absl::Duration d) {
      std::lock_guard<std::mutex> lock(mu_);
      slept_.push_back(d);
    };
    return options;
  }
  std::vector<absl::Duration> slept() {
    std::lock_guard<std::mutex> lock(mu_);
    return slept_;
  }

  testing::TmdbDouble tmdb_{kKey};
  server::FixedSettings settings_;
  http::CurlHttpClient http_;
  std::mutex mu_;
  std::vector<absl::Duration> slept_;
};

TEST_F(TmdbClientTest, SearchSendsTmdbParametersAndReadsLocalizedTitles) {
  TmdbClient client(http_, settings_, Options());
  absl::StatusOr<TmdbPage> fr = client.Search("amélie", "movie", "fr-FR", 1, 2001);
  ASSERT_THAT(fr, IsOk());
  ASSERT_EQ(fr->results.size(), 1u);
  EXPECT_EQ(fr->results[0].id, 194);
  EXPECT_EQ(fr->results[0].media_type, "movie");
  EXPECT_EQ(fr->results[0].title, "Le Fabuleux Destin d'Amélie Poulain");
  EXPECT_EQ(fr->results[0].original_title, "Le Fabuleux Destin d'Amélie Poulain");
  EXPECT_EQ(fr->results[0].year, 2001);
  EXPECT_EQ(fr->results[0].poster_path, "/nSxDa3M9aMvGVLoItzWTepQ5h5d.jpg");

  absl::StatusOr<TmdbPage> en = client.Search("Le fabuleux destin", "movie", "en-US", 1, 0);
  ASSERT_THAT(en, IsOk());
  ASSERT_EQ(en->results.size(), 1u);
  EXPECT_EQ(en->results[0].title, "Amélie");
  EXPECT_EQ(en->results[0].original_title, "Le Fabuleux Destin d'Amélie Poulain");

  const auto request = tmdb_.server().requests().front();
  EXPECT_EQ(request.path, "/3/search/movie");
  EXPECT_EQ(request.QueryParam("query"), "amélie");
  EXPECT_EQ(request.QueryParam("language"), "fr-FR");
  EXPECT_EQ(request.QueryParam("include_adult"), "false");
  EXPECT_EQ(request.QueryParam("page"), "1");
  EXPECT_EQ(request.QueryParam("year"), "2001");
  EXPECT_EQ(request.QueryParam("api_key"), kKey);
}

TEST_F(TmdbClientTest, MultiSearchReadsSeriesNamesAndPages) {
  TmdbClient client(http_, settings_, Options());
  absl::StatusOr<TmdbPage> tv = client.Search("bureau", "", "en-US", 1, 0);
  ASSERT_THAT(tv, IsOk());
  ASSERT_EQ(tv->results.size(), 1u);
  EXPECT_EQ(tv->results[0].media_type, "tv");
  EXPECT_EQ(tv->results[0].title, "The Bureau");
  EXPECT_EQ(tv->results[0].original_title, "Le Bureau des légendes");
  EXPECT_EQ(tv->results[0].year, 2015);
  EXPECT_EQ(tmdb_.server().requests().back().path, "/3/search/multi");

  absl::StatusOr<TmdbPage> page1 = client.Search("test", "movie", "en-US", 1, 0);
  absl::StatusOr<TmdbPage> page3 = client.Search("test", "movie", "en-US", 3, 0);
  ASSERT_THAT(page1, IsOk());
  ASSERT_THAT(page3, IsOk());
  EXPECT_EQ(page1->total_results, 45);
  EXPECT_EQ(page1->total_pages, 3);
  EXPECT_EQ(page1->results.size(), 20u);
  EXPECT_EQ(page3->page, 3);
  EXPECT_EQ(page3->results.size(), 5u);
}

TEST_F(TmdbClientTest, RepeatedSearchesComeFromAShortLivedCache) {
  TmdbOptions options = Options();
  absl::Time now = absl::FromUnixSeconds(1800000000);
  options.clock = [&now] { return now; };
  TmdbClient client(http_, settings_, options);
  ASSERT_THAT(client.Search("amélie", "movie", "fr-FR", 1, 0), IsOk());
  const size_t calls = tmdb_.server().request_count();
  // Same words (case and spaces aside), type, page and language: no new call.
  absl::StatusOr<TmdbPage> again = client.Search(" Amélie ", "movie", "fr-FR", 1, 0);
  ASSERT_THAT(again, IsOk());
  ASSERT_EQ(again->results.size(), 1u);
  EXPECT_EQ(again->results[0].id, 194);
  EXPECT_EQ(tmdb_.server().request_count(), calls);
  // Another language is another answer.
  ASSERT_THAT(client.Search("amélie", "movie", "en-US", 1, 0), IsOk());
  EXPECT_EQ(tmdb_.server().request_count(), calls + 1);
  // Once the entry is older than search_cache_ttl, TMDB is asked again.
  now += options.search_cache_ttl + absl::Seconds(1);
  ASSERT_THAT(client.Search("amélie", "movie", "fr-FR", 1, 0), IsOk());
  EXPECT_EQ(tmdb_.server().request_count(), calls + 2);
}

TEST_F(TmdbClientTest, DetailsCarryExternalIdsAndSeasonsAndAreCached) {
  TmdbClient client(http_, settings_, Options());
  absl::StatusOr<TmdbDetails> show = client.Details("tv", 1396, "fr-FR");
  ASSERT_THAT(show, IsOk());
  EXPECT_EQ(show->title.title, "Breaking Bad");
  EXPECT_EQ(show->imdb_id, "tt0903747");
  EXPECT_EQ(show->tvdb_id, 81189);
  ASSERT_EQ(show->seasons.size(), 6u);
  EXPECT_EQ(show->seasons[5].season_number, 5);
  EXPECT_EQ(show->seasons[5].episode_count, 16);
  EXPECT_EQ(tmdb_.server().requests().back().QueryParam("append_to_response"), "external_ids");

  absl::StatusOr<TmdbDetails> film = client.Details("movie", 194, "en-US");
  ASSERT_THAT(film, IsOk());
  EXPECT_EQ(film->title.title, "Amélie");
  EXPECT_EQ(film->imdb_id, "tt0211915");

  size_t calls = tmdb_.server().request_count();
  ASSERT_THAT(client.Details("movie", 194, "en-US"), IsOk());
  EXPECT_EQ(tmdb_.server().request_count(), calls) << "details come from the cache";

  EXPECT_THAT(client.SeasonEpisodeCount(1396, 2), ::kiosk::testing::IsOkAndHolds(13));
  EXPECT_EQ(tmdb_.server().requests().back().path, "/3/tv/1396/season/2");
}

TEST_F(TmdbClientTest, SeasonGivesEpisodesInTheAskedLanguageAndIsCachedPerLanguage) {
  TmdbClient client(http_, settings_, Options());
  absl::StatusOr<TmdbDetails> show = client.Details("tv", 96677, "fr-FR");
  ASSERT_THAT(show, IsOk());
  ASSERT_EQ(show->seasons.size(), 3u);
  EXPECT_EQ(show->seasons[1].name, "Saison 2");
  EXPECT_EQ(show->seasons[1].air_date, "2022-01-08");
  EXPECT_FALSE(show->seasons[1].poster_path.empty());

  absl::StatusOr<TmdbSeasonDetails> fr = client.Season(96677, 2, "fr-FR");
  ASSERT_THAT(fr, IsOk());
  EXPECT_EQ(tmdb_.server().requests().back().path, "/3/tv/96677/season/2");
  EXPECT_EQ(tmdb_.server().requests().back().QueryParam("language"), "fr-FR");
  EXPECT_EQ(fr->season_number, 2);
  EXPECT_EQ(fr->name, "Saison 2");
  ASSERT_EQ(fr->episodes.size(), 5u);
  EXPECT_EQ(fr->episodes[0].episode_number, 1);
  EXPECT_EQ(fr->episodes[0].name, "Épisode 1");
  EXPECT_EQ(fr->episodes[4].air_date, "2022-02-05");

  size_t calls = tmdb_.server().request_count();
  ASSERT_THAT(client.Season(96677, 2, "fr-FR"), IsOk());
  EXPECT_EQ(tmdb_.server().request_count(), calls) << "a season comes from the cache";
  absl::StatusOr<TmdbSeasonDetails> en = client.Season(96677, 2, "en-US");
  ASSERT_THAT(en, IsOk());
  EXPECT_EQ(tmdb_.server().request_count(), calls + 1) << "another language is another answer";
  EXPECT_EQ(en->episodes[2].name, "Episode 3");

  EXPECT_THAT(client.Season(96677, 9, "en-US"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("season 9")));
  EXPECT_THAT(client.Season(424242, 1, "en-US"), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(TmdbClientTest, UnknownIdIsNotFoundAndBadTypeInvalid) {
  TmdbClient client(http_, settings_, Options());
  EXPECT_THAT(client.Details("movie", 1396, "en-US"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("1396")));
  EXPECT_THAT(client.SeasonEpisodeCount(1396, 9), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(client.Details("film", 194, "en-US"), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(TmdbClientTest, TranslationsGiveEveryLanguage) {
  TmdbClient client(http_, settings_, Options());
  auto titles = client.Translations("movie", 194);
  ASSERT_THAT(titles, IsOk());
  EXPECT_EQ((*titles)["fr"], "Le Fabuleux Destin d'Amélie Poulain");
  EXPECT_EQ((*titles)["en"], "Amélie");
}

TEST_F(TmdbClientTest, RejectedKeyIsFailedPreconditionWithTmdbsMessageAndNoKey) {
  settings_.Set("tmdb.api_key", "wrong-key");
  TmdbClient client(http_, settings_, Options());
  absl::StatusOr<TmdbPage> page = client.Search("x", "", "en-US", 1, 0);
  EXPECT_THAT(page, StatusIs(absl::StatusCode::kFailedPrecondition,
                             AllOf(HasSubstr("status_code 7"), HasSubstr("tmdb.api_key"),
                                   Not(HasSubstr("wrong-key")))));
}

TEST_F(TmdbClientTest, MissingKeyTellsTheAdminWhatToSet) {
  settings_.Set("tmdb.api_key", nullptr);
  TmdbClient client(http_, settings_, Options());
  EXPECT_THAT(client.Search("x", "", "en-US", 1, 0),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("tmdb.api_key")));
  EXPECT_EQ(tmdb_.server().request_count(), 0u);
}

TEST_F(TmdbClientTest, BearerTokenGoesInTheAuthorizationHeader) {
  std::string token = "eyJhbGciOiJIUzI1NiJ9.eyJhdWQiOiJ4In0.c2lnbmF0dXJl";
  testing::TmdbDouble v4(token);
  ASSERT_THAT(v4.Start(), IsOk());
  settings_.Set("tmdb.api_key", token);
  settings_.Set("tmdb.url", v4.base_url() + "/");
  TmdbClient client(http_, settings_, Options());
  ASSERT_THAT(client.Search("matrix", "movie", "en-US", 1, 0), IsOk());
  const auto request = v4.server().requests().front();
  EXPECT_EQ(request.Header("authorization"), "Bearer " + token);
  EXPECT_EQ(request.QueryParam("api_key"), "");
}

TEST_F(TmdbClientTest, RateLimitWaitsRetryAfterThenRetries) {
  tmdb_.RateLimitNext(2, 3);
  TmdbClient client(http_, settings_, Options());
  absl::StatusOr<TmdbPage> page = client.Search("matrix", "movie", "en-US", 1, 0);
  ASSERT_THAT(page, IsOk());
  EXPECT_EQ(page->results.size(), 1u);
  EXPECT_EQ(tmdb_.server().request_count(), 3u);
  EXPECT_THAT(slept(), Contains(absl::Seconds(3)));
}

TEST_F(TmdbClientTest, RateLimitThatLastsIsUnavailable) {
  tmdb_.RateLimitNext(10, 1);
  TmdbClient client(http_, settings_, Options());
  EXPECT_THAT(client.Search("matrix", "movie", "en-US", 1, 0),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("rate-limiting")));
  EXPECT_EQ(tmdb_.server().request_count(), 3u) << "max_attempts";

  tmdb_.RateLimitNext(1, 120);  // longer than max_retry_wait: no waiting at all
  TmdbClient impatient(http_, settings_, Options());
  slept_.clear();
  EXPECT_THAT(impatient.Search("matrix", "movie", "en-US", 1, 0),
              StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_THAT(slept(), Not(Contains(absl::Seconds(120))));
}

TEST_F(TmdbClientTest, UnreachableTmdbIsUnavailableNamingTheUrlWithoutKey) {
  tmdb_.Stop();
  TmdbClient client(http_, settings_, Options());
  EXPECT_THAT(client.Search("x", "", "en-US", 1, 0),
              StatusIs(absl::StatusCode::kUnavailable,
                       AllOf(HasSubstr("127.0.0.1"), Not(HasSubstr(kKey)))));
}

TEST_F(TmdbClientTest, LimiterSpacesBurstsOut) {
  // A clock that only moves when the client waits.
  auto now = std::make_shared<absl::Time>(absl::FromUnixSeconds(1000000));
  TmdbOptions options = Options();
  options.requests_per_second = 10;
  options.burst = 2;
  options.search_cache_ttl = absl::ZeroDuration();  // the same search, sent each time
  options.clock = [now] { return *now; };
  options.sleep = [this, now](absl::Duration d) {
    std::lock_guard<std::mutex> lock(mu_);
    slept_.push_back(d);
    *now += d;
  };
  TmdbClient client(http_, settings_, options);
  for (int i = 0; i < 4; ++i) ASSERT_THAT(client.Search("matrix", "", "en-US", 1, 0), IsOk());
  // Two calls from the burst, then one every 100 ms.
  absl::Duration total;
  for (absl::Duration d : slept()) total += d;
  EXPECT_GE(slept().size(), 2u);
  EXPECT_GE(total, absl::Milliseconds(199));
  EXPECT_LE(total, absl::Milliseconds(201));
}

TEST(FoldForSearchTest, FoldsFrenchAccentsAndCase) {
  EXPECT_EQ(testing::FoldForSearch("Le Fabuleux Destin d'Amélie"), "le fabuleux destin d'amelie");
  EXPECT_EQ(testing::FoldForSearch("ÇA FÊTE"), "ca fete");
}

}  // namespace
}  // namespace kiosk::media
