// kiosk-media benchmark: search latency (p50/p99) against the TMDB double
// (both languages asked in parallel, mappings saved, request state read from
// PostgreSQL) and request creation throughput (TMDB details, duplicate and
// quota checks, insert, history and event in one transaction). The real
// TMDB client, real HTTP, a real database; in-memory kiosk-plex and
// kiosk-users. Prints numbers; run via ./kiosk bench.
#include <algorithm>
#include <pqxx/pqxx>
#include <atomic>
#include <cstdio>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/http/http_client.h"
#include "common/jobs/job_runtime.h"
#include "common/log/log.h"
#include "common/testing/pg_test_database.h"
#include "migrations/runner/migrator.h"
#include "services/media/pg_request_store.h"
#include "services/media/pg_title_mapping_store.h"
#include "services/media/request_workflow.h"
#include "services/media/search.h"
#include "services/media/testing/fake_peers.h"
#include "services/media/testing/tmdb_double.h"
#include "services/media/tmdb_client.h"
#include "common/testing/bench_result.h"

namespace {

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
}

}  // namespace

int main() {
  namespace media = kiosk::media;
  kiosk::log::Init("media_bench", kiosk::log::Level::kError);
  absl::StatusOr<std::unique_ptr<kiosk::testing::TestDatabase>> test_db =
      kiosk::testing::TestDatabase::Create();
  if (!test_db.ok() || !kiosk::migrate::MigrateToHead((*test_db)->conninfo()).ok()) {
    std::fprintf(stderr, "media_bench: no database (run through ./kiosk bench)\n");
    return 1;
  }
  constexpr int kUsers = 8;
  std::vector<int64_t> user_ids;
  {
    pqxx::connection conn((*test_db)->conninfo());
    pqxx::work tx(conn);
    for (int i = 0; i < kUsers; ++i) {
      user_ids.push_back(
          tx.exec_params1("INSERT INTO users.users (username, email, password_hash) VALUES "
                          "($1, $2, '$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g') "
                          "RETURNING id",
                          absl::StrCat("bench", i), absl::StrCat("bench", i, "@example.org"))[0]
              .as<int64_t>());
    }
    tx.commit();
  }

  // The built-in catalogue plus 1000 films to request.
  constexpr int kFilms = 1000;
  std::vector<media::testing::CatalogueEntry> catalogue = media::testing::BuiltInCatalogue();
  for (int i = 1; i <= kFilms; ++i) {
    catalogue.push_back({"movie", 800000 + i, absl::StrCat("Film numéro ", i),
                         absl::StrCat("Bench film ", i), absl::StrCat("Film numéro ", i), "fr",
                         "2020-01-01", "/p.jpg", "Résumé", "Overview", "", 0, 1, {}});
  }
  media::testing::TmdbDouble tmdb_double("bench-key", catalogue, 4);
  if (!tmdb_double.Start().ok()) return 1;
  kiosk::server::FixedSettings settings(
      {{"tmdb.api_key", "bench-key"}, {"tmdb.url", tmdb_double.base_url()}});

  kiosk::db::PoolOptions pool_options;
  pool_options.conninfo = (*test_db)->conninfo() + " options='-c role=kiosk_media'";
  pool_options.pool_size = 8;
  kiosk::db::ConnectionPool pool(pool_options);
  kiosk::jobs::JobRuntime jobs(pool, "media", {});
  kiosk::http::CurlHttpClient http;
  media::TmdbOptions tmdb_options;
  tmdb_options.requests_per_second = 1e6;  // measure us, not the politeness limiter
  tmdb_options.burst = 1000;
  tmdb_options.search_cache_ttl = absl::ZeroDuration();  // every search goes to the double
  media::TmdbClient tmdb(http, settings, tmdb_options);
  media::PgRequestStore requests(pool, jobs.queue());
  media::PgTitleMappingStore mappings(pool);
  media::testing::FakePlexLibrary plex;
  media::testing::FakeUserDirectory users;
  for (int64_t id : user_ids) users.Put({.id = id, .preferred_language = "fr"});
  media::Search search(tmdb, mappings, requests, plex, users, settings);
  media::RequestWorkflow workflow(requests, tmdb, plex, users, settings);

  // --- search latency, one caller at a time
  const std::vector<std::string> queries = {"amélie", "Le fabuleux destin", "matrix",
                                            "bureau", "breaking", "film", "intouchables",
                                            "totoro", "lupin", "inception"};
  constexpr int kSearches = 400;
  std::vector<double> latencies;
  kiosk::auth::Caller alice{.user_id = user_ids[0], .role = "user"};
  for (int i = 0; i < kSearches + 20; ++i) {
    absl::Time start = absl::Now();
    absl::StatusOr<media::SearchPage> page =
        search.Run(alice, {.query = queries[i % queries.size()]}, "bench");
    double ms = absl::ToDoubleMilliseconds(absl::Now() - start);
    if (!page.ok() || page->source != "tmdb") {
      std::fprintf(stderr, "search failed: %s\n", std::string(page.status().message()).c_str());
      return 1;
    }
    if (i >= 20) latencies.push_back(ms);  // the first ones warm connections up
  }
  std::printf("media_bench search (FR+EN, TMDB double, %d searches): p50 %.2f ms  p99 %.2f ms\n",
              kSearches, Percentile(latencies, 0.5), Percentile(latencies, 0.99));
  kiosk::testing::PrintBenchResult("search FR+EN (TMDB double) p50", Percentile(latencies, 0.5), "ms");
  kiosk::testing::PrintBenchResult("search FR+EN (TMDB double) p99", Percentile(latencies, 0.99), "ms");

  // --- where the time goes: one TMDB call alone, over the same client
  std::vector<double> tmdb_alone;
  for (int i = 0; i < 200; ++i) {
    absl::Time start = absl::Now();
    if (!tmdb.Search(queries[i % queries.size()], "", "fr-FR", 1, 0).ok()) return 1;
    tmdb_alone.push_back(absl::ToDoubleMilliseconds(absl::Now() - start));
  }
  std::printf("media_bench one TMDB search call (double): p50 %.2f ms  p99 %.2f ms\n",
              Percentile(tmdb_alone, 0.5), Percentile(tmdb_alone, 0.99));

  // --- request creation throughput, 4 callers
  constexpr int kThreads = 4;
  std::atomic<int> next{1}, created{0}, failed{0};
  absl::Time start = absl::Now();
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = next++; i <= kFilms; i = next++) {
        kiosk::auth::Caller caller{.user_id = user_ids[i % kUsers], .role = "user"};
        absl::StatusOr<media::MediaRequest> r = workflow.Create(
            caller, {.media_type = "movie", .tmdb_id = 800000 + i, .language = "fr"}, "bench");
        (r.ok() ? created : failed)++;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  std::printf("media_bench request creation (%d callers, uncached TMDB details): %d created, "
              "%d failed in %.2f s = %.0f requests/s\n",
              kThreads, created.load(), failed.load(), seconds, created.load() / seconds);
  kiosk::testing::PrintBenchResult("request creation (4 callers)", created.load() / seconds, "requests/s");
  return failed.load() == 0 ? 0 : 1;
}
