// Cost of one download_monitor pass with 100 active torrents: one
// torrents/info call to the qBittorrent double over real HTTP, 100 progress
// rows written to PostgreSQL (one transaction each) and 100 progress reports
// to an in-memory kiosk-media (in production each is one gRPC call). Prints
// numbers; run via ./kiosk bench.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <pqxx/pqxx>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/db/connection_pool.h"
#include "common/http/http_client.h"
#include "common/jobs/job_runtime.h"
#include "common/testing/pg_test_database.h"
#include "migrations/runner/migrator.h"
#include "services/downloads/chain_jobs.h"
#include "services/downloads/download_chain.h"
#include "services/downloads/pg_download_store.h"
#include "services/downloads/testing/fake_peers.h"
#include "services/downloads/testing/qbittorrent_double.h"
#include "services/downloads/torrent_clients.h"
#include "common/testing/bench_result.h"

namespace {

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
}

}  // namespace

int main() {
  namespace dl = kiosk::downloads;
  constexpr int kTorrents = 100;
  constexpr int kPasses = 30;
  auto test_db = kiosk::testing::TestDatabase::Create();
  if (!test_db.ok() || !kiosk::migrate::MigrateToHead((*test_db)->conninfo()).ok()) {
    std::fprintf(stderr, "downloads_bench: no database (run through ./kiosk bench)\n");
    return 1;
  }
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / absl::StrCat("downloads-bench-", getpid());
  std::filesystem::create_directories(dir);
  dl::testing::QbittorrentDouble qbt({.download_dir = dir.string()});
  if (!qbt.Start().ok()) return 1;
  kiosk::db::PoolOptions pool_options;
  pool_options.conninfo = (*test_db)->conninfo();
  kiosk::db::ConnectionPool pool(pool_options);
  kiosk::jobs::JobRuntime jobs(pool, "downloads", {});
  dl::PgDownloadStore store(pool, jobs.queue());
  kiosk::http::CurlHttpClient curl;
  dl::TorrentClients clients(curl);
  dl::testing::FakeMedia media;
  kiosk::server::FixedSettings settings({{"qbittorrent.url", qbt.Url()},
                                         {"qbittorrent.username", "admin"},
                                         {"qbittorrent.password", "adminadmin"},
                                         {"downloads.path", dir.string()}});
  dl::DownloadChain chain(store, settings, clients, media);

  {
    pqxx::connection conn((*test_db)->conninfo());
    pqxx::work tx(conn);
    for (int i = 1; i <= kTorrents; ++i) {
      tx.exec_params("INSERT INTO media.media_requests (user_id, media_type, tmdb_id, title, status) "
                     "VALUES (1, 'movie', $1, $2, 'approved')",
                     i, absl::StrCat("Film ", i));
    }
    tx.commit();
  }
  for (int i = 1; i <= kTorrents; ++i) {
    const std::string hash = absl::StrFormat("%040x", i);
    // Big and slow: every torrent stays downloading for the whole run.
    qbt.AddTorrent(hash, {.name = absl::StrCat("Film.", i), .files = {{"f.mkv", int64_t{1} << 40}},
                          .speed = 1 << 20},
                   "plex-kiosk", dir.string());
    auto d = store.Submit(i, absl::StrCat("magnet:?xt=urn:btih:", hash));
    if (!d.ok() || !store.SetTorrentAdded(d->id, hash, "").ok()) {
      std::fprintf(stderr, "setup failed\n");
      return 1;
    }
  }
  kiosk::jobs::Job job;
  job.kind = dl::kMonitorJob;
  (void)chain.MonitorPass(job);  // warm-up: login, connections
  std::vector<double> pass_ms, info_ms;
  auto client = clients.For(*settings.Get({"qbittorrent.url", "qbittorrent.username",
                                           "qbittorrent.password"}));
  std::vector<std::string> hashes;
  for (int i = 1; i <= kTorrents; ++i) hashes.push_back(absl::StrFormat("%040x", i));
  for (int pass = 0; pass < kPasses; ++pass) {
    qbt.Advance(absl::Seconds(1));
    auto start = std::chrono::steady_clock::now();
    absl::Status status = chain.MonitorPass(job);
    auto end = std::chrono::steady_clock::now();
    if (!status.ok()) {
      std::fprintf(stderr, "monitor pass failed: %s\n", std::string(status.message()).c_str());
      return 1;
    }
    pass_ms.push_back(std::chrono::duration<double, std::milli>(end - start).count());
    start = std::chrono::steady_clock::now();
    auto info = (*client)->Info(hashes, "");
    end = std::chrono::steady_clock::now();
    if (!info.ok() || info->size() != kTorrents) return 1;
    info_ms.push_back(std::chrono::duration<double, std::milli>(end - start).count());
  }
  std::printf("downloads_bench: monitor pass with %d active torrents (%d passes)\n", kTorrents,
              kPasses);
  std::printf("  monitor pass          median %.1f ms  p90 %.1f ms  max %.1f ms\n",
              Percentile(pass_ms, 0.5), Percentile(pass_ms, 0.9), Percentile(pass_ms, 1.0));
  std::printf("  of which torrents/info median %.1f ms  (one call for all %d hashes)\n",
              Percentile(info_ms, 0.5), kTorrents);
  std::printf("  per torrent           %.2f ms\n", Percentile(pass_ms, 0.5) / kTorrents);
  kiosk::testing::PrintBenchResult("download monitor pass, 100 active torrents (median)",
                                   Percentile(pass_ms, 0.5), "ms");
  qbt.Stop();
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return 0;
}
