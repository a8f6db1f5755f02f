// GetTitle / GetSeason's logic on a real, migrated PostgreSQL (requests
// written as kiosk-media stores them), the real TmdbClient over HTTP against
// the TMDB double, and an in-memory kiosk-plex.
#include "services/media/title_details.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include "common/db/connection_pool.h"
#include "common/http/http_client.h"
#include "common/testing/pg_test_database.h"
#include "migrations/runner/migrator.h"
#include "services/media/pg_requested_seasons_store.h"
#include "services/media/testing/fake_peers.h"
#include "services/media/testing/tmdb_double.h"

namespace kiosk::media {
namespace {

using ::testing::HasSubstr;

constexpr char kTmdbKey[] = "0123456789abcdef0123456789abcdef";
constexpr char kDummyHash[] = "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g";
constexpr int kLupin = 96677;  // 3 seasons of 5, 5 and 7 episodes in the double

class TitleDetailsTest : public kiosk::testing::PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    ASSERT_TRUE(migrate::MigrateToHead(db().conninfo()).ok());
    ASSERT_TRUE(tmdb_double_.Start().ok());
    settings_.Set("tmdb.api_key", kTmdbKey);
    settings_.Set("tmdb.url", tmdb_double_.base_url());
    db::PoolOptions options;
    options.conninfo = db().conninfo() + " options='-c role=kiosk_media'";
    options.pool_size = 2;
    pool_ = std::make_unique<db::ConnectionPool>(options);
    requested_ = std::make_unique<PgRequestedSeasonsStore>(*pool_);
    tmdb_ = std::make_unique<TmdbClient>(http_, settings_);
    reader_ = std::make_unique<TitleDetailsReader>(*tmdb_, plex_, *requested_, users_, settings_);
    pqxx::connection conn(db().conninfo());
    pqxx::work tx(conn);
    alice_ = tx.exec_params1("INSERT INTO users.users (username, email, password_hash, role) "
                             "VALUES ('alice', 'alice@example.org', $1, 'user') RETURNING id",
                             kDummyHash)[0]
                 .as<int64_t>();
    tx.commit();
    users_.Put({.id = alice_, .preferred_language = "fr"});
  }

  // A request of Lupin as kiosk-media stores it (NULL seasons = all of them).
  void AddRequest(const std::string& language, const char* seasons_json,
                  const std::string& status) {
    pqxx::connection conn(db().conninfo());
    pqxx::work tx(conn);
    tx.exec_params("INSERT INTO media.media_requests (user_id, media_type, tmdb_id, title, "
                   "language, requested_seasons, status) VALUES ($1, 'tv', $2, 'Lupin', $3, "
                   "$4::jsonb, $5)",
                   alice_, kLupin, language, seasons_json, status);
    tx.commit();
  }

  auth::Caller Alice() { return {.user_id = alice_, .role = "user"}; }

  testing::TmdbDouble tmdb_double_{kTmdbKey};
  server::FixedSettings settings_;
  http::CurlHttpClient http_;
  testing::FakePlexLibrary plex_;
  testing::FakeUserDirectory users_;
  std::unique_ptr<db::ConnectionPool> pool_;
  std::unique_ptr<PgRequestedSeasonsStore> requested_;
  std::unique_ptr<TmdbClient> tmdb_;
  std::unique_ptr<TitleDetailsReader> reader_;
  int64_t alice_ = 0;
};

TEST_F(TitleDetailsTest, SeriesHasBothTitlesAndItsSeasonsInTheCallersLanguage) {
  absl::StatusOr<TitleInfo> title = reader_->Title(Alice(), "tv", kLupin, "", "r1");
  ASSERT_TRUE(title.ok()) << title.status();
  EXPECT_EQ(title->title_fr, "Lupin");
  EXPECT_EQ(title->title_en, "Lupin");
  EXPECT_EQ(title->year, 2021);
  EXPECT_THAT(title->overview, HasSubstr("Assane Diop"));
  EXPECT_TRUE(title->library_checked);
  EXPECT_FALSE(title->in_plex);
  ASSERT_EQ(title->seasons.size(), 3u);
  EXPECT_EQ(title->seasons[0].season_number, 1);
  EXPECT_EQ(title->seasons[0].name, "Saison 1");  // alice prefers French
  EXPECT_EQ(title->seasons[0].episode_count, 5);
  EXPECT_EQ(title->seasons[0].air_date, "2021-01-08");
  EXPECT_EQ(title->seasons[2].episode_count, 7);
  EXPECT_FALSE(title->seasons[2].poster_path.empty());

  absl::StatusOr<TitleInfo> english = reader_->Title(Alice(), "tv", kLupin, "en", "r2");
  ASSERT_TRUE(english.ok()) << english.status();
  EXPECT_EQ(english->seasons[1].name, "Season 2");
}

TEST_F(TitleDetailsTest, FilmHasNoSeasonsAndSaysWhenPlexHoldsIt) {
  plex_.Add({.key = {"movie", 194}, .present = true});
  absl::StatusOr<TitleInfo> film = reader_->Title(Alice(), "movie", 194, "en", "r1");
  ASSERT_TRUE(film.ok()) << film.status();
  EXPECT_EQ(film->title_fr, "Le Fabuleux Destin d'Amélie Poulain");
  EXPECT_EQ(film->title_en, "Amélie");
  EXPECT_THAT(film->overview, HasSubstr("Parisian"));
  EXPECT_TRUE(film->in_plex);
  EXPECT_TRUE(film->seasons.empty());
}

TEST_F(TitleDetailsTest, EpisodesSayWhatPlexHoldsAndWhatActiveRequestsCover) {
  plex_.Add({.key = {"tv", kLupin}, .present = true, .seasons = {{1, {1, 2}}}});
  AddRequest("fr", R"([{"season": 1, "episodes": [3]}])", "pending");
  AddRequest("en", R"([{"season": 1, "episodes": [4]}, 3])", "declined");  // not active
  absl::StatusOr<SeasonInfo> season = reader_->Season(Alice(), kLupin, 1, "en", "r1");
  ASSERT_TRUE(season.ok()) << season.status();
  EXPECT_EQ(season->name, "Season 1");
  ASSERT_EQ(season->episodes.size(), 5u);
  EXPECT_EQ(season->episodes[0].name, "Episode 1");
  EXPECT_EQ(season->episodes[1].air_date, "2021-01-15");
  std::vector<std::pair<bool, bool>> flags;  // (in Plex, requested) per episode
  for (const EpisodeInfo& e : season->episodes) flags.push_back({e.in_plex, e.requested});
  EXPECT_EQ(flags, (std::vector<std::pair<bool, bool>>{
                       {true, false}, {true, false}, {false, true}, {false, false}, {false, false}}));

  // Season 3 is untouched; a whole-season request covers all of it.
  absl::StatusOr<SeasonInfo> third = reader_->Season(Alice(), kLupin, 3, "fr", "r2");
  ASSERT_TRUE(third.ok()) << third.status();
  EXPECT_EQ(third->name, "Saison 3");
  for (const EpisodeInfo& e : third->episodes) EXPECT_FALSE(e.requested || e.in_plex);
  AddRequest("en", "[3]", "approved");
  third = reader_->Season(Alice(), kLupin, 3, "fr", "r3");
  ASSERT_TRUE(third.ok()) << third.status();
  ASSERT_EQ(third->episodes.size(), 7u);
  for (const EpisodeInfo& e : third->episodes) EXPECT_TRUE(e.requested) << e.episode_number;
}

TEST_F(TitleDetailsTest, AWholeSeriesRequestCoversEverySeasonButTheSpecials) {
  AddRequest("vo", nullptr, "available");
  absl::StatusOr<SeasonInfo> second = reader_->Season(Alice(), kLupin, 2, "fr", "r1");
  ASSERT_TRUE(second.ok()) << second.status();
  for (const EpisodeInfo& e : second->episodes) EXPECT_TRUE(e.requested);
  absl::StatusOr<SeasonInfo> specials = reader_->Season(Alice(), 1396, 0, "en", "r2");
  ASSERT_TRUE(specials.ok()) << specials.status();
  EXPECT_EQ(specials->name, "Specials");
  EXPECT_EQ(specials->episodes.size(), 9u);
}

TEST_F(TitleDetailsTest, KioskPlexDownIsNoErrorButSaidSo) {
  plex_.Fail(absl::UnavailableError("kiosk-plex is down"));
  absl::StatusOr<SeasonInfo> season = reader_->Season(Alice(), kLupin, 1, "fr", "r1");
  ASSERT_TRUE(season.ok()) << season.status();
  EXPECT_FALSE(season->library_checked);
  absl::StatusOr<TitleInfo> title = reader_->Title(Alice(), "tv", kLupin, "fr", "r2");
  ASSERT_TRUE(title.ok()) << title.status();
  EXPECT_FALSE(title->library_checked);
  EXPECT_FALSE(title->in_plex);
}

TEST_F(TitleDetailsTest, BadInputUnknownTitlesAndServicesAreRefused) {
  EXPECT_TRUE(absl::IsInvalidArgument(reader_->Title(Alice(), "book", 1, "", "r").status()));
  EXPECT_TRUE(absl::IsInvalidArgument(reader_->Title(Alice(), "tv", 0, "", "r").status()));
  EXPECT_TRUE(absl::IsInvalidArgument(reader_->Title(Alice(), "tv", kLupin, "de", "r").status()));
  EXPECT_TRUE(absl::IsInvalidArgument(reader_->Season(Alice(), kLupin, -1, "", "r").status()));
  absl::Status unknown = reader_->Title(Alice(), "tv", 424242, "", "r").status();
  EXPECT_TRUE(absl::IsNotFound(unknown)) << unknown;
  EXPECT_THAT(unknown.message(), HasSubstr("424242"));
  absl::Status no_season = reader_->Season(Alice(), kLupin, 9, "", "r").status();
  EXPECT_TRUE(absl::IsNotFound(no_season)) << no_season;
  EXPECT_THAT(no_season.message(), HasSubstr("season 9"));
  auth::Caller service{.role = "service", .service = "kiosk-plex"};
  EXPECT_TRUE(absl::IsPermissionDenied(reader_->Title(service, "tv", kLupin, "", "r").status()));
  EXPECT_TRUE(absl::IsPermissionDenied(reader_->Season(service, kLupin, 1, "", "r").status()));
  settings_.Set("tmdb.api_key", "");
  EXPECT_TRUE(absl::IsFailedPrecondition(reader_->Title(Alice(), "movie", 603, "", "r").status()));
}

}  // namespace
}  // namespace kiosk::media
