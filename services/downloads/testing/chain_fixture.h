// A download chain on a fresh, migrated PostgreSQL database, wired to the
// qBittorrent double over real HTTP, with in-memory kiosk-media and
// kiosk-plex. Jobs are run by the test, one at a time (RunDue), so every step
// is deterministic; nothing here sleeps.
#ifndef KIOSK_SERVICES_DOWNLOADS_TESTING_CHAIN_FIXTURE_H_
#define KIOSK_SERVICES_DOWNLOADS_TESTING_CHAIN_FIXTURE_H_

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <pqxx/pqxx>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/db/connection_pool.h"
#include "common/http/http_client.h"
#include "common/jobs/job_runtime.h"
#include "common/server/remote_settings.h"
#include "common/testing/pg_test_database.h"
#include "common/testing/status_matchers.h"
#include "migrations/runner/migrator.h"
#include "services/downloads/chain_jobs.h"
#include "services/downloads/download_chain.h"
#include "services/downloads/pg_download_store.h"
#include "services/downloads/testing/fake_peers.h"
#include "services/downloads/testing/qbittorrent_double.h"
#include "services/downloads/torrent_clients.h"

namespace kiosk::downloads::testing {

class ChainTest : public kiosk::testing::PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    ASSERT_TRUE(migrate::MigrateToHead(db().conninfo()).ok());
    root_ = std::filesystem::temp_directory_path() /
            absl::StrCat("kiosk-dl-", getpid(), "-", ::testing::UnitTest::GetInstance()->random_seed(),
                         "-", reinterpret_cast<uintptr_t>(this));
    std::filesystem::create_directories(root_ / "downloads");
    std::filesystem::create_directories(root_ / "movies");
    std::filesystem::create_directories(root_ / "tv");
    qbt_ = std::make_unique<QbittorrentDouble>(QbittorrentDoubleOptions{
        .download_dir = (root_ / "downloads").string(), .default_size = 64 * 1024,
        .default_speed = 16 * 1024, .metadata_time = absl::Seconds(1)});
    ASSERT_THAT(qbt_->Start(), kiosk::testing::IsOk());
    settings_.Set("qbittorrent.url", qbt_->Url());
    settings_.Set("qbittorrent.username", "admin");
    settings_.Set("qbittorrent.password", "adminadmin");
    settings_.Set("qbittorrent.category", "plex-kiosk");
    settings_.Set("downloads.path", (root_ / "downloads").string());
    settings_.Set("library.movies_path", (root_ / "movies").string());
    settings_.Set("library.tv_path", (root_ / "tv").string());
    settings_.Set("downloads.stall_minutes", 30);
    settings_.Set("downloads.seed_ratio", 1.0);
    settings_.Set("downloads.seed_minutes", 0);
    settings_.Set("downloads.remove_torrents", true);
    settings_.Set("downloads.history_days", 90);
    db::PoolOptions pool_options;
    pool_options.conninfo = db().conninfo();
    pool_options.pool_size = 4;
    pool_ = std::make_unique<db::ConnectionPool>(pool_options);
    jobs_ = std::make_unique<jobs::JobRuntime>(*pool_, "downloads", jobs::RuntimeOptions{});
    store_ = std::make_unique<PgDownloadStore>(*pool_, jobs_->queue());
    clients_ = std::make_unique<TorrentClients>(
        curl_, qbittorrent::QbittorrentConfig{.confirm_attempts = 3,
                                              .confirm_interval = absl::Milliseconds(10)});
    ChainOptions options;
    options.now = [this] { return absl::Now() + clock_offset_; };
    chain_ = std::make_unique<DownloadChain>(*store_, settings_, *clients_, media_, options);
  }
  void TearDown() override {
    if (qbt_) qbt_->Stop();
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }

  // A user request row in media.media_requests (the FK target) and its
  // description in the fake kiosk-media.
  int64_t CreateRequest(const std::string& media_type = "movie", int tmdb_id = 603,
                        const std::string& title = "Matrix", int year = 1999,
                        int64_t user_id = 1) {
    pqxx::connection conn(db().conninfo());
    pqxx::work tx(conn);
    int64_t id = tx.exec_params1(
                       "INSERT INTO media.media_requests (user_id, media_type, tmdb_id, imdb_id, "
                       "title, year, status) VALUES ($5, $1, $2, 'tt0133093', $3, $4, 'approved') "
                       "RETURNING id",
                       media_type, tmdb_id, title, year, user_id)[0]
                     .as<int64_t>();
    tx.commit();
    media_.Put({.id = id, .user_id = user_id, .media_type = media_type, .tmdb_id = tmdb_id, .imdb_id = "tt0133093",
                .tvdb_id = 0, .title = title, .title_fr = title, .title_en = "The " + title,
                .original_title = "The " + title, .year = year, .language = "fr", .seasons = {},
                .status = "approved"});
    return id;
  }

  // Claims one due job of `kind` and runs `handler`; the handler's status.
  // NOT_FOUND when no job of that kind is due.
  absl::Status RunDue(const std::string& kind,
                      const std::function<absl::Status(const jobs::Job&)>& handler) {
    auto claimed = jobs_->queue().Claim("test-worker", {kind}, absl::Minutes(1));
    if (!claimed.ok()) return claimed.status();
    if (!claimed->has_value()) return absl::NotFoundError(absl::StrCat("no due ", kind, " job"));
    const jobs::Job& job = **claimed;
    absl::Status status = handler(job);
    if (status.ok()) {
      (void)jobs_->queue().Succeed(job.id, "test-worker");
    } else {
      (void)jobs_->queue().Fail(job.id, "test-worker", std::string(status.message()), false,
                                absl::Now());
    }
    return status;
  }
  absl::Status RunAdd() {
    return RunDue(kAddTorrentJob, [this](const jobs::Job& j) { return chain_->AddTorrent(j); });
  }
  absl::Status Monitor() {
    jobs::Job job;
    job.kind = kMonitorJob;
    job.payload = "{}";
    return chain_->MonitorPass(job);
  }
  int64_t CountJobs(const std::string& kind, const std::string& status = "") {
    pqxx::connection conn(db().conninfo());
    pqxx::read_transaction tx(conn);
    return tx.exec_params1("SELECT count(*) FROM downloads.jobs WHERE kind = $1 AND "
                           "($2 = '' OR status = $2)",
                           kind, status)[0]
        .as<int64_t>();
  }
  // Webhook events emitted (webhook.dispatch jobs) named `event`.
  int64_t CountEvents(const std::string& event) {
    pqxx::connection conn(db().conninfo());
    pqxx::read_transaction tx(conn);
    return tx.exec_params1("SELECT count(*) FROM downloads.jobs WHERE kind = 'webhook.dispatch' "
                           "AND payload->>'event' = $1",
                           event)[0]
        .as<int64_t>();
  }

  static std::string Magnet(const std::string& hash, const std::string& name) {
    return absl::StrCat("magnet:?xt=urn:btih:", hash, "&dn=", name);
  }

  std::filesystem::path root_;
  http::CurlHttpClient curl_;
  std::unique_ptr<QbittorrentDouble> qbt_;
  server::FixedSettings settings_;
  FakeMedia media_;
  FakePlex plex_;
  std::unique_ptr<db::ConnectionPool> pool_;
  std::unique_ptr<jobs::JobRuntime> jobs_;
  std::unique_ptr<PgDownloadStore> store_;
  std::unique_ptr<TorrentClients> clients_;
  std::unique_ptr<DownloadChain> chain_;
  absl::Duration clock_offset_ = absl::ZeroDuration();
};

}  // namespace kiosk::downloads::testing

#endif  // KIOSK_SERVICES_DOWNLOADS_TESTING_CHAIN_FIXTURE_H_
