// The library sync end to end: the real Plex client over HTTP against the
// Plex double, into a real PostgreSQL migrated to head, with an in-memory
// kiosk-media. Full sync (inserts, updates, deletions), paging edge cases,
// incremental sync, availability with partial seasons, Plex failures.
#include "services/plex/library_sync.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include "absl/time/clock.h"
#include "common/testing/pg_test_database.h"
#include "common/testing/status_matchers.h"
#include "migrations/runner/migrator.h"
#include "services/plex/testing/fake_media_peer.h"
#include "services/plex/testing/plex_double.h"

namespace kiosk::plex {
namespace {

using ::kiosk::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::PlexDouble;

class LibrarySyncTest : public kiosk::testing::PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    ASSERT_TRUE(migrate::MigrateToHead(db().conninfo()).ok());
    db::PoolOptions options;
    options.conninfo = db().conninfo();
    options.pool_size = 2;
    pool_ = std::make_unique<db::ConnectionPool>(options);
    store_ = std::make_unique<PgLibraryStore>(*pool_);
    ASSERT_TRUE(double_.Start().ok());
    plex_ = std::make_unique<PlexClient>(
        http_, PlexConnection{.url = double_.Url(), .token = "t"},
        PlexClientOptions{.timeout = absl::Seconds(10),
                          .attempts = 2,
                          .backoff = absl::Milliseconds(1),
                          .client_identifier = "test"});
    // Small pages and batches so a small library exercises the paging.
    sync_ = std::make_unique<LibrarySync>(
        *store_, &media_,
        SyncOptions{.page_size = 7, .batch_size = 5, .incremental_margin = absl::Minutes(10)});
  }

  int64_t Count(const std::string& type) {
    pqxx::connection conn(db().conninfo());
    pqxx::read_transaction tx(conn);
    return tx.exec_params1("SELECT count(*) FROM plex.plex_library_items WHERE item_type = $1",
                           type)[0]
        .as<int64_t>();
  }
  std::string Title(const std::string& rating_key) {
    pqxx::connection conn(db().conninfo());
    pqxx::read_transaction tx(conn);
    pqxx::result rows = tx.exec_params(
        "SELECT title FROM plex.plex_library_items WHERE rating_key = $1", rating_key);
    return rows.empty() ? "" : rows[0][0].as<std::string>();
  }
  int ListingRequests(int section, int type) {
    int n = 0;
    for (const auto& r : double_.requests()) {
      if (r.path == "/library/sections/" + std::to_string(section) + "/all" &&
          r.QueryParam("type") == std::to_string(type)) {
        ++n;
      }
    }
    return n;
  }

  PlexDouble double_{{.token = "t", .movies = 20, .shows = 3}};  // 2 seasons x 4 episodes
  http::CurlHttpClient http_;
  testing::FakeMediaPeer media_;
  std::unique_ptr<db::ConnectionPool> pool_;
  std::unique_ptr<PgLibraryStore> store_;
  std::unique_ptr<PlexClient> plex_;
  std::unique_ptr<LibrarySync> sync_;
};

TEST_F(LibrarySyncTest, AFullSyncCopiesEverySectionWithProgress) {
  std::vector<std::tuple<int64_t, int64_t, std::string>> progress;
  absl::StatusOr<SyncReport> report =
      sync_->FullSync(*plex_, [&](int64_t done, int64_t total, const std::string& note) {
        progress.emplace_back(done, total, note);
      });
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->sections, 2);
  EXPECT_EQ(report->items_written, 20 + 3 + 6 + 24);
  EXPECT_EQ(report->items_deleted, 0);
  EXPECT_EQ(Count("movie"), 20);
  EXPECT_EQ(Count("show"), 3);
  EXPECT_EQ(Count("season"), 6);
  EXPECT_EQ(Count("episode"), 24);
  ASSERT_FALSE(progress.empty());
  EXPECT_EQ(std::get<0>(progress.front()), 0);
  EXPECT_EQ(std::get<1>(progress.front()), 53);  // the total is known from the start
  bool saw_movies = false;
  for (const auto& [done, total, note] : progress) {
    EXPECT_LE(done, total);
    saw_movies |= note == "Movies: films";
  }
  EXPECT_TRUE(saw_movies);
  EXPECT_EQ(std::get<0>(progress.back()), 53);

  absl::StatusOr<std::vector<SectionRow>> sections = store_->ListSections();
  ASSERT_TRUE(sections.ok());
  ASSERT_EQ(sections->size(), 2u);
  EXPECT_EQ((*sections)[0].section.locations, std::vector<std::string>{"/data/movies"});
  EXPECT_EQ((*sections)[0].item_count, 20);
  EXPECT_EQ((*sections)[1].item_count, 3);
  EXPECT_TRUE((*sections)[1].last_synced_at.has_value());
  absl::StatusOr<std::optional<SyncState>> state = store_->GetSyncState("full");
  ASSERT_TRUE(state.ok() && state->has_value());
  EXPECT_EQ((*state)->items_seen, 53);
}

TEST_F(LibrarySyncTest, AFullSyncUpdatesChangedItemsAndDeletesVanishedOnes) {
  ASSERT_TRUE(sync_->FullSync(*plex_, nullptr).ok());
  absl::StatusOr<SyncReport> unchanged = sync_->FullSync(*plex_, nullptr);
  ASSERT_TRUE(unchanged.ok());
  EXPECT_EQ(unchanged->items_written, 0);  // nothing changed: nothing written

  ASSERT_TRUE(double_.Rename("100004", "Renamed Film", 1800000000));
  ASSERT_TRUE(double_.Remove("100007"));
  ASSERT_TRUE(double_.Remove(PlexDouble::GeneratedShow(2, 2, 4).rating_key));  // + 2 + 8 below
  double_.AddMovie(PlexDouble::GeneratedMovie(21));
  absl::StatusOr<SyncReport> report = sync_->FullSync(*plex_, nullptr);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->items_written, 2);
  EXPECT_EQ(report->items_deleted, 1 + 1 + 2 + 8);
  EXPECT_EQ(Title("100004"), "Renamed Film");
  EXPECT_EQ(Title("100007"), "");
  EXPECT_EQ(Title("100021"), "Generated Movie 21");
  EXPECT_EQ(Count("movie"), 20);
  EXPECT_EQ(Count("show"), 2);
  EXPECT_EQ(Count("episode"), 16);
}

TEST_F(LibrarySyncTest, PagingStopsAtAnExactMultipleAndHandlesAnEmptySection) {
  PlexDouble exact({.token = "t", .movies = 14, .shows = 0});
  ASSERT_TRUE(exact.Start().ok());
  PlexClient plex(http_, {.url = exact.Url(), .token = "t"});
  absl::StatusOr<SyncReport> report = sync_->FullSync(plex, nullptr);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(Count("movie"), 14);
  EXPECT_EQ(Count("show"), 0);
  int movie_pages = 0, show_pages = 0;
  for (const auto& r : exact.requests()) {
    if (r.path == "/library/sections/1/all" && r.Header("X-Plex-Container-Size") == "7") {
      ++movie_pages;
    }
    if (r.path == "/library/sections/2/all" && r.Header("X-Plex-Container-Size") == "7") {
      ++show_pages;
    }
  }
  EXPECT_EQ(movie_pages, 2);  // 14 = 2 x 7: no third, empty page
  EXPECT_EQ(show_pages, 3);   // shows, seasons, episodes: one empty page each
}

TEST_F(LibrarySyncTest, ALibraryThatChangesWhilePagedIsNeverDeletedFromByMistake) {
  ASSERT_TRUE(sync_->FullSync(*plex_, nullptr).ok());
  ASSERT_TRUE(double_.Remove("100003"));
  // A film is added in the middle of the film listing: totalSize changes, so
  // the pages may have shifted and the run cannot know what vanished.
  bool added = false;
  double_.SetListingHook([&](int section, int start) {
    if (section == 1 && start == 7 && !added) {
      added = true;
      testing::DoubleMovie early = PlexDouble::GeneratedMovie(30);
      double_.AddMovie(early);
    }
  });
  absl::StatusOr<SyncReport> report = sync_->FullSync(*plex_, nullptr);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->deletions_skipped, 1);
  EXPECT_EQ(Title("100003"), "Generated Movie 3");  // kept for now
  double_.SetListingHook(nullptr);
  report = sync_->FullSync(*plex_, nullptr);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->deletions_skipped, 0);
  EXPECT_EQ(Title("100003"), "");  // the next stable run removes it
  EXPECT_EQ(Title("100030"), "Generated Movie 30");
}

TEST_F(LibrarySyncTest, IncrementalSyncFetchesOnlyWhatWasAddedAndNewShows) {
  ASSERT_TRUE(sync_->FullSync(*plex_, nullptr).ok());
  const int64_t now = absl::ToUnixSeconds(absl::Now());
  for (int i = 21; i <= 23; ++i) {
    testing::DoubleMovie movie = PlexDouble::GeneratedMovie(i);
    movie.added_at = now;
    double_.AddMovie(movie);
  }
  testing::DoubleShow fresh = PlexDouble::GeneratedShow(9, 1, 2);
  for (auto& e : fresh.seasons[0].episodes) e.added_at = now;
  double_.AddShow(fresh);
  testing::DoubleShow grown = PlexDouble::GeneratedShow(1, 2, 5);  // S02E05 is new
  grown.seasons[1].episodes[4].added_at = now;
  double_.AddShow(grown);
  double_.ClearRequests();

  absl::StatusOr<SyncReport> report = sync_->IncrementalSync(*plex_, nullptr);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->items_written, 3 + 2 + 1 + 1 + 1);  // films, episodes, show, season
  EXPECT_EQ(Count("movie"), 23);
  EXPECT_EQ(Count("show"), 4);
  EXPECT_EQ(Count("season"), 7);
  EXPECT_EQ(Count("episode"), 27);
  absl::StatusOr<std::optional<TitleMatch>> show =
      store_->Lookup({.media_type = "tv", .tvdb_id = PlexDouble::GeneratedShowTvdb(9)});
  ASSERT_TRUE(show.ok() && show->has_value());
  EXPECT_THAT((*show)->episodes[1], ElementsAre(1, 2));
  int metadata_calls = 0;
  for (const auto& r : double_.requests()) {
    metadata_calls += r.path.rfind("/library/metadata/", 0) == 0;
  }
  EXPECT_EQ(metadata_calls, 1);  // only the new show

  double_.ClearRequests();
  const size_t reports_before = media_.reports().size();
  report = sync_->IncrementalSync(*plex_, nullptr);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->items_written, 0);
  EXPECT_EQ(double_.requests().size(), 2u);  // one listing per section
  EXPECT_EQ(media_.reports().size(), reports_before);  // nothing new, nothing reported
}

TEST_F(LibrarySyncTest, TheFirstIncrementalSyncIsAFullOne) {
  absl::StatusOr<SyncReport> report = sync_->IncrementalSync(*plex_, nullptr);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(Count("movie"), 20);
  EXPECT_EQ(Count("episode"), 24);
}

TEST_F(LibrarySyncTest, AvailabilityIsReportedWithSeasonsAndTakenBackWhenVanished) {
  // A show with a partial season 2 (episodes 1 and 3 only).
  testing::DoubleShow partial = PlexDouble::GeneratedShow(5, 2, 3);
  partial.seasons[1].episodes.erase(partial.seasons[1].episodes.begin() + 1);
  double_.AddShow(partial);
  double_.AddShow(PlexDouble::GeneratedShow(4, 2, 4));  // legacy thetvdb agent
  media_.Track({.media_type = "movie", .tmdb_id = PlexDouble::GeneratedMovieTmdb(1)});
  media_.Track({.media_type = "movie", .imdb_id = PlexDouble::GeneratedMovieImdb(5)});
  media_.Track({.media_type = "movie", .tmdb_id = 999999});
  media_.Track({.media_type = "tv", .tmdb_id = PlexDouble::GeneratedShowTmdb(5)});
  media_.Track({.media_type = "tv", .tvdb_id = PlexDouble::GeneratedShowTvdb(4)});

  absl::StatusOr<SyncReport> report = sync_->FullSync(*plex_, nullptr);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->titles_reported, 5);
  ASSERT_EQ(media_.reports().size(), 1u);
  testing::FakeMediaPeer::Report first = media_.reports()[0];
  EXPECT_TRUE(first.complete);
  ASSERT_EQ(first.titles.size(), 5u);
  EXPECT_TRUE(first.titles[0].present);
  EXPECT_EQ(first.titles[0].rating_key, "100001");
  EXPECT_TRUE(first.titles[1].present);  // legacy imdb agent: matched by imdb
  EXPECT_FALSE(first.titles[2].present);
  EXPECT_TRUE(first.titles[3].present);
  EXPECT_THAT(first.titles[3].episodes[1], ElementsAre(1, 2, 3));
  EXPECT_THAT(first.titles[3].episodes[2], ElementsAre(1, 3));  // media decides: partial
  EXPECT_TRUE(first.titles[4].present);  // legacy thetvdb agent: matched by tvdb
  EXPECT_EQ(first.titles[4].episodes.size(), 2u);

  ASSERT_TRUE(double_.Remove("100001"));
  ASSERT_TRUE(sync_->FullSync(*plex_, nullptr).ok());
  ASSERT_EQ(media_.reports().size(), 2u);
  EXPECT_FALSE(media_.reports()[1].titles[0].present);  // deleted: no longer available
  EXPECT_TRUE(media_.reports()[1].complete);

  // An incremental sync reports only what is present, never a removal.
  testing::DoubleMovie back = PlexDouble::GeneratedMovie(1);
  back.added_at = absl::ToUnixSeconds(absl::Now());
  double_.AddMovie(back);
  ASSERT_TRUE(sync_->IncrementalSync(*plex_, nullptr).ok());
  ASSERT_EQ(media_.reports().size(), 3u);
  testing::FakeMediaPeer::Report third = media_.reports()[2];
  EXPECT_FALSE(third.complete);
  EXPECT_EQ(third.titles.size(), 4u);
  for (const TitlePresence& p : third.titles) EXPECT_TRUE(p.present);
}

TEST_F(LibrarySyncTest, FilmsMatchByTmdbOrImdbNeverByTvdbAlone) {
  ASSERT_TRUE(sync_->FullSync(*plex_, nullptr).ok());
  // Film 7 carries tvdb://700007 (as Plex does for some films).
  absl::StatusOr<std::optional<TitleMatch>> by_tvdb =
      store_->Lookup({.media_type = "movie", .tvdb_id = 700007});
  ASSERT_TRUE(by_tvdb.ok());
  EXPECT_FALSE(by_tvdb->has_value());
  absl::StatusOr<std::optional<TitleMatch>> by_tmdb =
      store_->Lookup({.media_type = "movie", .tmdb_id = PlexDouble::GeneratedMovieTmdb(7),
                      .imdb_id = "tt9999999"});
  ASSERT_TRUE(by_tmdb.ok() && by_tmdb->has_value());
  EXPECT_EQ((*by_tmdb)->item.rating_key, "100007");
  absl::StatusOr<std::optional<TitleMatch>> as_tv =
      store_->Lookup({.media_type = "tv", .tmdb_id = PlexDouble::GeneratedMovieTmdb(7)});
  ASSERT_TRUE(as_tv.ok());
  EXPECT_FALSE(as_tv->has_value());  // a film is not a series
}

TEST_F(LibrarySyncTest, PlexDownFailsTheSyncAndLeavesTheCopyAlone) {
  ASSERT_TRUE(sync_->FullSync(*plex_, nullptr).ok());
  double_.FailAll(500);
  EXPECT_THAT(sync_->FullSync(*plex_, nullptr),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("Plex answered 500")));
  EXPECT_EQ(Count("movie"), 20);
  double_.FailAll(0);
  media_.Fail(absl::UnavailableError("kiosk-media is not reachable (MEDIA_ADDR)"));
  media_.Track({.media_type = "movie", .tmdb_id = 1001});
  // kiosk-media down: the library is synced all the same; the failed report
  // is said apart, for the caller to retry it alone.
  double_.Remove("100002");
  absl::StatusOr<SyncReport> report = sync_->FullSync(*plex_, nullptr);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->items_deleted, 1);
  EXPECT_THAT(report->availability,
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("kiosk-media")));
  media_.Fail(absl::OkStatus());
  EXPECT_EQ(*sync_->ReportAvailability(true, nullptr), 1);
}

}  // namespace
}  // namespace kiosk::plex
