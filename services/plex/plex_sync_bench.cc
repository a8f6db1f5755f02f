// Times kiosk-plex's library sync against the Plex double over real HTTP into
// a real PostgreSQL (the test cluster, like the pg tests): a full sync of
// 50,000 films into an empty library (target < 5 s), the same full sync
// again with nothing changed, and an incremental sync after 100 new films
// (target < 200 ms). Prints numbers; run through `./kiosk bench`.
#include <cstdio>

#include "absl/time/clock.h"
#include "common/db/connection_pool.h"
#include "common/http/http_client.h"
#include "common/testing/pg_test_database.h"
#include "migrations/runner/migrator.h"
#include "services/plex/library_sync.h"
#include "services/plex/pg_library_store.h"
#include "services/plex/testing/plex_double.h"
#include "common/testing/bench_result.h"

namespace {

constexpr int kMovies = 50000;
constexpr int kNew = 100;

int Fail(const absl::Status& status) {
  std::fprintf(stderr, "plex_sync_bench: %s\n", std::string(status.message()).c_str());
  return 1;
}

}  // namespace

int main() {
  namespace kp = kiosk::plex;
  namespace fake = kiosk::plex::testing;
  absl::StatusOr<std::unique_ptr<kiosk::testing::TestDatabase>> db =
      kiosk::testing::TestDatabase::Create();
  if (!db.ok()) return Fail(db.status());
  if (absl::Status migrated = kiosk::migrate::MigrateToHead((*db)->conninfo()); !migrated.ok()) {
    return Fail(migrated);
  }
  kiosk::db::PoolOptions pool_options;
  pool_options.conninfo = (*db)->conninfo();
  pool_options.pool_size = 2;
  kiosk::db::ConnectionPool pool(pool_options);

  const absl::Time generating = absl::Now();
  fake::PlexDouble plex_double({.token = "bench", .movies = kMovies, .shows = 0});
  if (absl::Status started = plex_double.Start(); !started.ok()) return Fail(started);
  std::printf("plex double: %d films generated in %.0f ms\n", kMovies,
              absl::ToDoubleMilliseconds(absl::Now() - generating));

  kiosk::http::CurlHttpClient http;
  kp::PlexClient client(http, {.url = plex_double.Url(), .token = "bench"});
  kp::PgLibraryStore store(pool);
  kp::LibrarySync sync(store, nullptr);

  absl::StatusOr<kp::SyncReport> full = sync.FullSync(client, nullptr);
  if (!full.ok()) return Fail(full.status());
  const double full_s = absl::ToDoubleSeconds(full->took);
  std::printf("full sync, empty library: %d films in %.2f s, %.0f rows/s (target < 5 s: %s)\n",
              full->items_written, full_s, full->items_written / full_s,
              full_s < 5 ? "met" : "MISSED");
  kiosk::testing::PrintBenchResult("plex full sync, 50k films, empty library", full_s, "s", "< 5 s");
  kiosk::testing::PrintBenchResult("plex full sync upserts", full->items_written / absl::ToDoubleSeconds(full->write_time), "rows/s");
  std::printf("  of which batched upserts: %.2f s, %.0f rows/s\n",
              absl::ToDoubleSeconds(full->write_time),
              full->items_written / absl::ToDoubleSeconds(full->write_time));

  absl::StatusOr<kp::SyncReport> again = sync.FullSync(client, nullptr);
  if (!again.ok()) return Fail(again.status());
  std::printf("full sync, nothing changed: %d listed, %d written in %.2f s\n", again->items_seen,
              again->items_written, absl::ToDoubleSeconds(again->took));
  kiosk::testing::PrintBenchResult("plex full sync, 50k films, nothing changed", absl::ToDoubleSeconds(again->took), "s");

  for (int i = kMovies + 1; i <= kMovies + kNew; ++i) {
    fake::DoubleMovie movie = fake::PlexDouble::GeneratedMovie(i);
    movie.added_at = absl::ToUnixSeconds(absl::Now());
    plex_double.AddMovie(movie);
  }
  absl::StatusOr<kp::SyncReport> incremental = sync.IncrementalSync(client, nullptr);
  if (!incremental.ok()) return Fail(incremental.status());
  const double inc_ms = absl::ToDoubleMilliseconds(incremental->took);
  std::printf("incremental sync, %d new films: %d written in %.1f ms (target < 200 ms: %s)\n", kNew,
              incremental->items_written, inc_ms, inc_ms < 200 ? "met" : "MISSED");
  kiosk::testing::PrintBenchResult("plex incremental sync, 100 new films", inc_ms, "ms", "< 200 ms");

  absl::StatusOr<kp::SyncReport> idle = sync.IncrementalSync(client, nullptr);
  if (!idle.ok()) return Fail(idle.status());
  std::printf("incremental sync, nothing new: %d written in %.1f ms\n", idle->items_written,
              absl::ToDoubleMilliseconds(idle->took));
  return full_s < 5 && inc_ms < 200 ? 0 : 1;
}
