// The release search on real PostgreSQL, against the Torznab indexer double
// and the qBittorrent double over real HTTP: indexer rows and probes, the
// ranking, one broken indexer among good ones, the automatic grab when a
// download awaits a release, and the next release after a failure. Jobs run
// one at a time (RunDue): nothing sleeps.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "services/downloads/chain_jobs.h"
#include "services/downloads/indexers/indexer_admin.h"
#include "services/downloads/indexers/indexer_calls.h"
#include "services/downloads/indexers/pg_indexer_store.h"
#include "services/downloads/indexers/torznab_client.h"
#include "services/downloads/qbittorrent/info_hash.h"
#include "services/downloads/releases/pg_release_store.h"
#include "services/downloads/releases/release_search.h"
#include "services/downloads/testing/chain_fixture.h"
#include "services/downloads/testing/torznab_double.h"

namespace kiosk::downloads::releases {
namespace {

using ::kiosk::downloads::testing::TorznabDouble;
using ::kiosk::downloads::testing::TorznabDoubleOptions;
using ::kiosk::downloads::testing::TorznabFault;
using ::kiosk::testing::IsOk;
using ::kiosk::testing::StatusIs;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr char kFrench1080[] = "Le.Fabuleux.Destin.d.Amelie.Poulain.2001.FRENCH.1080p.BluRay.x264-GROUP";
constexpr char kMulti1080[] = "Le.Fabuleux.Destin.d.Amelie.Poulain.2001.MULTi.1080p.BluRay.x264-LOST";

class ReleaseSearchTest : public downloads::testing::ChainTest {
 protected:
  void SetUp() override {
    ChainTest::SetUp();
    ASSERT_THAT(jackett_.Start(), IsOk());
    ASSERT_THAT(broken_.Start(), IsOk());
    settings_.Set("releases.auto_grab", true);
    settings_.Set("releases.min_seeders", 1);
    settings_.Set("releases.quality_order", "1080p,720p,2160p,480p");
    settings_.Set("releases.min_size_mb", 100);
    settings_.Set("releases.max_size_gb", 0);
    settings_.Set("releases.search_minutes", 60);
    indexer_store_ = std::make_unique<indexers::PgIndexerStore>(*pool_);
    torznab_ = std::make_unique<indexers::TorznabClient>(curl_, absl::Seconds(2));
    calls_ = std::make_unique<indexers::IndexerCalls>(*indexer_store_, *torznab_);
    admin_ = std::make_unique<indexers::IndexerAdmin>(*indexer_store_, *calls_);
    release_store_ = std::make_unique<PgReleaseStore>(*pool_, jobs_->queue());
    search_ = std::make_unique<ReleaseSearch>(*indexer_store_, *calls_, *release_store_, *store_,
                                              *chain_, media_, settings_);
  }

  int64_t AmelieRequest(const std::string& language = "fr") {
    int64_t id = CreateRequest("movie", 194, "Amélie", 2001);
    media_.Put({.id = id, .media_type = "movie", .tmdb_id = 194, .imdb_id = "tt0211915",
                .tvdb_id = 0, .title = "Le Fabuleux Destin d'Amélie Poulain",
                .title_fr = "Le Fabuleux Destin d'Amélie Poulain", .title_en = "Amélie",
                .original_title = "Le Fabuleux Destin d'Amélie Poulain", .year = 2001,
                .language = language, .seasons = {}, .status = "approved"});
    return id;
  }
  indexers::Indexer AddJackett(const std::string& name = "Jackett", int priority = 25) {
    indexers::Indexer i;
    i.name = name;
    i.url = jackett_.Url();
    i.api_key = "jackett-key";
    i.categories = {2000, 5000};
    i.priority = priority;
    absl::StatusOr<indexers::Indexer> created = admin_->Create(i);
    EXPECT_THAT(created, IsOk());
    return created.value_or(indexers::Indexer{});
  }
  absl::Status RunSearchJob() {
    return RunDue(kReleaseSearchJob, [this](const jobs::Job& j) { return search_->SearchJob(j); });
  }
  absl::Status RunFailedJob() {
    return RunDue(kReleaseFailedJob, [this](const jobs::Job& j) { return search_->FailedJob(j); });
  }
  static std::string Hash(const std::string& title) {
    return downloads::testing::TorznabRelease{.title = title}.InfoHash();
  }

  TorznabDouble jackett_{TorznabDoubleOptions{.api_key = "jackett-key"}};
  TorznabDouble broken_{TorznabDoubleOptions{.api_key = "broken-key"}};
  std::unique_ptr<indexers::PgIndexerStore> indexer_store_;
  std::unique_ptr<indexers::TorznabClient> torznab_;
  std::unique_ptr<indexers::IndexerCalls> calls_;
  std::unique_ptr<indexers::IndexerAdmin> admin_;
  std::unique_ptr<PgReleaseStore> release_store_;
  std::unique_ptr<ReleaseSearch> search_;
};

TEST_F(ReleaseSearchTest, CreateProbesCapsAndKeepsTheKeyForCalls) {
  indexers::Indexer created = AddJackett();
  EXPECT_GT(created.id, 0);
  EXPECT_EQ(created.last_status, "ok");
  EXPECT_EQ(created.caps_summary, "search, movie-search (imdbid), tv-search (season, ep, tvdbid)");
  EXPECT_TRUE(created.caps.movie_search.Supports("imdbid"));
  EXPECT_THAT(created.categories, ElementsAre(2000, 5000));
  EXPECT_EQ(created.api_key, "jackett-key");
  // Same name in another case: refused.
  indexers::Indexer again = created;
  again.name = "JACKETT";
  EXPECT_THAT(admin_->Create(again), StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("JACKETT")));
}

TEST_F(ReleaseSearchTest, CreateRefusesAnEnabledIndexerThatFailsTheProbe) {
  indexers::Indexer bad;
  bad.name = "Typo";
  bad.url = jackett_.Url();
  bad.api_key = "wrong";
  EXPECT_THAT(admin_->Create(bad), StatusIs(absl::StatusCode::kFailedPrecondition,
                                            HasSubstr("refused the API key")));
  EXPECT_THAT(*admin_->List(), IsEmpty());
  bad.enabled = false;  // saved as is, probed later
  absl::StatusOr<indexers::Indexer> disabled = admin_->Create(bad);
  ASSERT_THAT(disabled, IsOk());
  EXPECT_EQ(disabled->last_status, "");
  // Enabling it probes again: still the wrong key.
  EXPECT_THAT(admin_->Update(disabled->id, {.enabled = true}),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  absl::StatusOr<indexers::Indexer> fixed =
      admin_->Update(disabled->id, {.api_key = "jackett-key", .enabled = true});
  ASSERT_THAT(fixed, IsOk());
  EXPECT_TRUE(fixed->enabled);
  EXPECT_EQ(fixed->last_status, "ok");
  EXPECT_THAT(fixed->caps_summary, HasSubstr("movie-search (imdbid)"));
}

TEST_F(ReleaseSearchTest, ValidationNamesTheField) {
  indexers::Indexer i;
  i.name = "x";
  i.url = "ftp://jackett";
  EXPECT_THAT(admin_->Create(i), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("url")));
  i.url = jackett_.Url();
  i.priority = 0;
  EXPECT_THAT(admin_->Create(i), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("priority")));
  i.priority = 25;
  i.categories = {-1};
  EXPECT_THAT(admin_->Create(i), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("category")));
  i.categories = {};
  i.name = " ";
  EXPECT_THAT(admin_->Create(i), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("name")));
  EXPECT_THAT(admin_->Update(999, {.priority = 3}), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(admin_->Delete(999), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(ReleaseSearchTest, UpdateKeepsTheKeyWhenEmptyAndDeleteRemoves) {
  indexers::Indexer created = AddJackett();
  absl::StatusOr<indexers::Indexer> updated =
      admin_->Update(created.id, {.name = "Jackett all", .api_key = "", .categories = std::vector<int>{2000},
                                  .priority = 5, .rate_limit_per_minute = 10});
  ASSERT_THAT(updated, IsOk());
  EXPECT_EQ(updated->name, "Jackett all");
  EXPECT_EQ(updated->api_key, "jackett-key");
  EXPECT_THAT(updated->categories, ElementsAre(2000));
  EXPECT_EQ(updated->priority, 5);
  EXPECT_EQ(updated->rate_limit_per_minute, 10);
  ASSERT_THAT(admin_->Delete(created.id), IsOk());
  EXPECT_THAT(indexer_store_->Get(created.id), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(ReleaseSearchTest, TestRecordsTheOutcomeAndFailuresBackOff) {
  indexers::Indexer created = AddJackett();
  jackett_.SetFault(TorznabFault::kHtmlPage);
  absl::StatusOr<indexers::IndexerTestResult> test = admin_->Test(created.id);
  ASSERT_THAT(test, IsOk());
  EXPECT_FALSE(test->ok);
  EXPECT_THAT(test->message, HasSubstr("HTTP 503"));
  indexers::Indexer failing = *indexer_store_->Get(created.id);
  EXPECT_EQ(failing.last_status, "error");
  EXPECT_EQ(failing.failures, 1);
  ASSERT_TRUE(failing.backoff_until.has_value());
  EXPECT_GT(*failing.backoff_until, absl::Now());
  // While backing off, searches skip it without calling.
  jackett_.SetFault(TorznabFault::kNone);
  const int before = jackett_.searches();
  int64_t request = AmelieRequest();
  absl::StatusOr<SearchOutcome> outcome = search_->Search(request);
  ASSERT_THAT(outcome, IsOk());
  ASSERT_EQ(outcome->indexers.size(), 1u);
  EXPECT_THAT(outcome->indexers[0].error, HasSubstr("backing off"));
  EXPECT_EQ(jackett_.searches(), before);
  // A working test clears it.
  ASSERT_TRUE(admin_->Test(created.id)->ok);
  indexers::Indexer healthy = *indexer_store_->Get(created.id);
  EXPECT_EQ(healthy.last_status, "ok");
  EXPECT_EQ(healthy.failures, 0);
  EXPECT_FALSE(healthy.backoff_until.has_value());
}

TEST_F(ReleaseSearchTest, RateLimitSkipsTheExtraCalls) {
  indexers::Indexer created = AddJackett();
  ASSERT_THAT(admin_->Update(created.id, {.rate_limit_per_minute = 1}), IsOk());
  int64_t request = AmelieRequest();
  ASSERT_TRUE(search_->Search(request)->indexers[0].error.empty());
  absl::StatusOr<SearchOutcome> second = search_->Search(request);
  ASSERT_THAT(second, IsOk());
  EXPECT_THAT(second->indexers[0].error, HasSubstr("rate limit of 1 calls a minute"));
}

TEST_F(ReleaseSearchTest, SearchRanksAndOneBrokenIndexerNeverHidesTheOthers) {
  AddJackett("Jackett", 10);
  indexers::Indexer broken;
  broken.name = "Broken";
  broken.url = broken_.Url();
  broken.api_key = "broken-key";
  ASSERT_THAT(admin_->Create(broken), IsOk());
  broken_.SetFault(TorznabFault::kHtmlPage);
  int64_t request = AmelieRequest();
  absl::StatusOr<SearchOutcome> outcome = search_->Search(request);
  ASSERT_THAT(outcome, IsOk());
  ASSERT_EQ(outcome->indexers.size(), 2u);
  EXPECT_EQ(outcome->indexers[0].name, "Jackett");
  EXPECT_TRUE(outcome->indexers[0].error.empty());
  EXPECT_GT(outcome->indexers[0].found, 5);
  EXPECT_THAT(outcome->indexers[1].error, HasSubstr("HTML"));
  ASSERT_FALSE(outcome->releases.empty());
  EXPECT_EQ(outcome->releases[0].title, kFrench1080);
  EXPECT_TRUE(outcome->releases[0].accepted);
  EXPECT_EQ(outcome->releases[1].title, kMulti1080);
  EXPECT_THAT(outcome->releases[0].link, HasSubstr(Hash(kFrench1080)));
  // The rejected ones say why.
  bool saw_english = false, saw_dead = false;
  for (const EvaluatedRelease& r : outcome->releases) {
    if (r.title == "Amelie.2001.1080p.BluRay.x264-AMIABLE") {
      saw_english = true;
      EXPECT_FALSE(r.accepted);
      EXPECT_THAT(r.rejections, Contains(HasSubstr("no French audio")));
    }
    if (absl::StrContains(r.title, "-DEAD")) {
      saw_dead = true;
      EXPECT_THAT(r.rejections, Contains(HasSubstr("0 seeders")));
    }
  }
  EXPECT_TRUE(saw_english);
  EXPECT_TRUE(saw_dead);
  // The search asked by IMDb id.
  EXPECT_EQ(jackett_.server().requests().back().QueryParam("imdbid"), "tt0211915");
  EXPECT_THAT(search_->Search(0), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(search_->Search(request + 100), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(ReleaseSearchTest, WithoutIdSearchTheIndexerIsAskedByTitle) {
  TorznabDouble plain({.api_key = "k", .id_search = false});
  ASSERT_THAT(plain.Start(), IsOk());
  indexers::Indexer i;
  i.name = "Plain";
  i.url = plain.Url();
  i.api_key = "k";
  ASSERT_THAT(admin_->Create(i), IsOk());
  int64_t request = AmelieRequest();
  absl::StatusOr<SearchOutcome> outcome = search_->Search(request);
  ASSERT_THAT(outcome, IsOk());
  EXPECT_TRUE(outcome->indexers[0].error.empty()) << outcome->indexers[0].error;
  ASSERT_FALSE(outcome->releases.empty());
  EXPECT_EQ(outcome->releases[0].title, kFrench1080);
  for (const auto& r : plain.server().requests()) {
    if (r.QueryParam("t") == "caps") continue;
    EXPECT_EQ(r.QueryParam("imdbid"), "");
    EXPECT_THAT(r.QueryParam("q"), HasSubstr("2001"));
  }
}

TEST_F(ReleaseSearchTest, AwaitingDownloadGrabsTheBestReleaseAutomatically) {
  AddJackett();
  int64_t request = AmelieRequest();
  ASSERT_THAT(chain_->Submit(request, ""), IsOk());  // awaiting_release + release_search job
  ASSERT_THAT(RunSearchJob(), IsOk());
  Download d = store_->List("", request, 1, 0)->at(0);
  EXPECT_EQ(d.state, kQueued);
  EXPECT_EQ(d.release_title, kFrench1080);
  EXPECT_EQ(d.indexer, "Jackett");
  EXPECT_TRUE(d.auto_grabbed);
  EXPECT_THAT(d.source, HasSubstr(Hash(kFrench1080)));
  ASSERT_THAT(RunAdd(), IsOk());
  ASSERT_TRUE(qbt_->Find(Hash(kFrench1080)).has_value());

  // The torrent errors in qBittorrent: blocklisted, the next one grabbed.
  qbt_->ForceState(Hash(kFrench1080), "error");
  ASSERT_THAT(Monitor(), IsOk());
  ASSERT_EQ(store_->Get(d.id)->state, kFailed);
  ASSERT_THAT(RunFailedJob(), IsOk());
  std::vector<BlocklistEntry> blocked = *release_store_->ListBlocklist(request);
  ASSERT_EQ(blocked.size(), 1u);
  EXPECT_EQ(blocked[0].title, kFrench1080);
  EXPECT_EQ(blocked[0].info_hash, Hash(kFrench1080));
  EXPECT_EQ(blocked[0].indexer, "Jackett");
  EXPECT_THAT(blocked[0].reason, HasSubstr("error"));
  Download next = *store_->Get(d.id);
  EXPECT_EQ(next.state, kQueued);
  EXPECT_EQ(next.release_title, kMulti1080);
  EXPECT_TRUE(next.auto_grabbed);
  ASSERT_THAT(RunAdd(), IsOk());
  EXPECT_TRUE(qbt_->Find(Hash(kMulti1080)).has_value());
  // The search now shows the first one blocklisted.
  absl::StatusOr<SearchOutcome> outcome = search_->Search(request);
  ASSERT_THAT(outcome, IsOk());
  bool saw = false;
  for (const EvaluatedRelease& r : outcome->releases) {
    if (r.title != kFrench1080) continue;
    saw = true;
    EXPECT_TRUE(r.blocklisted);
    EXPECT_FALSE(r.accepted);
  }
  EXPECT_TRUE(saw);
  // A second run of the failure job finds nothing to do.
  EXPECT_THAT(RunFailedJob(), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(ReleaseSearchTest, NothingAcceptedKeepsWaitingWithTheReason) {
  AddJackett();
  settings_.Set("releases.min_seeders", 1000);
  int64_t request = AmelieRequest();
  ASSERT_THAT(chain_->Submit(request, ""), IsOk());
  ASSERT_THAT(RunSearchJob(), IsOk());
  Download d = store_->List("", request, 1, 0)->at(0);
  EXPECT_EQ(d.state, kAwaitingRelease);
  EXPECT_THAT(d.stage_message, HasSubstr("waiting for a release: none of the"));
  EXPECT_THAT(d.stage_message, HasSubstr("at least 1000 wanted"));
  EXPECT_THAT(d.stage_message, HasSubstr("every 60 minutes"));
  EXPECT_THAT(media_.reports().back().message, HasSubstr("none of the"));
  // Searched just now: not due; with a zero interval it is.
  ASSERT_THAT(release_store_->EnqueueDueSearches(absl::Minutes(60)), IsOk());
  EXPECT_EQ(CountJobs(kReleaseSearchJob, "queued"), 0);
  ASSERT_THAT(release_store_->EnqueueDueSearches(absl::ZeroDuration()), IsOk());
  EXPECT_EQ(CountJobs(kReleaseSearchJob, "queued"), 1);
}

TEST_F(ReleaseSearchTest, AutoGrabOffOrNoIndexerLeavesTheDownloadToTheAdmin) {
  int64_t request = AmelieRequest();
  ASSERT_THAT(chain_->Submit(request, ""), IsOk());
  ASSERT_THAT(RunSearchJob(), IsOk());  // no indexer
  EXPECT_EQ(store_->List("", request, 1, 0)->at(0).state, kAwaitingRelease);
  AddJackett();
  settings_.Set("releases.auto_grab", false);
  ASSERT_THAT(release_store_->EnqueueDueSearches(absl::ZeroDuration()), IsOk());
  ASSERT_THAT(RunSearchJob(), IsOk());
  EXPECT_EQ(store_->List("", request, 1, 0)->at(0).state, kAwaitingRelease);
  EXPECT_EQ(jackett_.searches(), 0);
}

TEST_F(ReleaseSearchTest, BlocklistIsPerRequestIdempotentAndDeletable) {
  int64_t request = AmelieRequest();
  BlocklistEntry e{.request_id = request, .title = "X.2001.1080p-G", .info_hash = std::string(40, 'a'),
                   .indexer = "J", .reason = "missing files"};
  absl::StatusOr<BlocklistEntry> first = release_store_->Block(e);
  ASSERT_THAT(first, IsOk());
  EXPECT_EQ(release_store_->Block(e)->id, first->id);
  EXPECT_EQ(release_store_->ListBlocklist(0)->size(), 1u);
  EXPECT_THAT(*release_store_->BlockedFor(request + 1), IsEmpty());
  ASSERT_THAT(search_->DeleteBlocklistEntry(first->id), IsOk());
  EXPECT_THAT(search_->DeleteBlocklistEntry(first->id), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(*release_store_->ListBlocklist(request), IsEmpty());
}

TEST(PlanQueries, SeriesBySeasonAndEpisode) {
  indexers::TorznabCaps caps;
  caps.tv_search = {.available = true, .params = {"q", "season", "ep", "tvdbid"}};
  RequestInfo bb{.id = 1, .media_type = "tv", .tvdb_id = 81189, .title = "Breaking Bad",
                 .title_fr = "Breaking Bad", .title_en = "Breaking Bad",
                 .original_title = "Breaking Bad", .year = 2008, .language = "fr",
                 .seasons = {{1, {}}, {2, {3}}}};
  std::vector<indexers::TorznabQuery> q = PlanQueries(caps, bb);
  ASSERT_EQ(q.size(), 2u);
  EXPECT_EQ(q[0].Describe(), "t=tvsearch tvdbid=81189 season=1");
  EXPECT_EQ(q[1].Describe(), "t=tvsearch tvdbid=81189 season=2 ep=3");
  caps.tv_search = {};
  caps.search = {.available = true, .params = {"q"}};
  q = PlanQueries(caps, bb);
  ASSERT_EQ(q.size(), 2u);  // one title (all the same), two seasons
  EXPECT_EQ(q[0].Describe(), "t=search q=\"Breaking Bad S01\"");
  EXPECT_EQ(q[1].Describe(), "t=search q=\"Breaking Bad S02E03\"");
}

}  // namespace
}  // namespace kiosk::downloads::releases
