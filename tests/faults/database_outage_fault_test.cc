// PostgreSQL stopped for 10 s and started again under steady load through the
// gateway (searches, request lists, new requests, a setting changed): while
// it is down every service says NOT_SERVING on grpc.health.v1 and /readyz is
// 503; they come back by themselves within 5 s of the restart; every write
// answered 2xx is in the database; every request job ran to its end once.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <map>
#include <pqxx/pqxx>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gateway/testing/http_test_client.h"
#include "services/media/testing/tmdb_double.h"
#include "tests/faults/fault_catalogue.h"
#include "tests/faults/fault_suite.h"
#include "tests/faults/health_probe.h"
#include "tests/faults/rest_session.h"
#include "tests/faults/steady_load.h"

namespace kiosk::testing {
namespace {

using ::kiosk::gateway::testing::HttpCall;

constexpr int kFirstTmdbId = 900000;
constexpr char kTmdbKey[] = "outage-tmdb-key";

// What the health monitor saw at one instant.
struct HealthSample {
  absl::Time at;
  int readyz = 0;
  std::map<std::string, Health> services;
  bool AllServing() const {
    if (readyz != 200) return false;
    for (const auto& [name, h] : services) {
      if (h != Health::kServing) return false;
    }
    return true;
  }
};

TEST(DatabaseOutageFaultTest, ServicesGoNotServingRecoverAndLoseNoAcceptedWrite) {
  media::testing::TmdbDouble tmdb(kTmdbKey, FaultCatalogue(kFirstTmdbId, 6000), /*threads=*/4);
  ASSERT_TRUE(tmdb.Start().ok());
  absl::StatusOr<std::unique_ptr<FaultSuite>> started = FaultSuite::Start(
      {.env = {{"JOB_POLL_INTERVAL", "1"}, {"JOB_LEASE", "10"}, {"GATEWAY_THREADS", "4"}}});
  ASSERT_TRUE(started.ok()) << started.status();
  FaultSuite& suite = **started;
  const int port = suite.gateway_port();
  absl::StatusOr<RestSession> admin = RestSession::FirstAdminLogin(port);
  ASSERT_TRUE(admin.ok()) << admin.status();
  ASSERT_TRUE(admin->SetSettings({{"tmdb.url", tmdb.base_url()}, {"tmdb.api_key", kTmdbKey}}).ok());
  // The services cache settings for a short while: wait until TMDB answers.
  bool tmdb_seen = false;
  for (absl::Time end = absl::Now() + absl::Seconds(30); !tmdb_seen && absl::Now() < end;) {
    tmdb_seen = Json(admin->Call("GET", "/api/v1/search?query=fault%20film")).value("source", "") != "local";
    if (!tmdb_seen) absl::SleepFor(absl::Milliseconds(500));
  }
  ASSERT_TRUE(tmdb_seen) << suite.Logs();

  // Health monitor: /readyz and every service's grpc.health.v1, every 100 ms.
  std::atomic<bool> monitoring{true};
  std::vector<HealthSample> samples;
  std::thread monitor([&] {
    while (monitoring.load()) {
      HealthSample s{absl::Now(), HttpCall(port, "GET", "/readyz").status, {}};
      for (const std::string& name : FaultSuite::ServiceNames()) {
        s.services[name] = CheckHealth(suite.address(name));
      }
      samples.push_back(std::move(s));
      absl::SleepFor(absl::Milliseconds(100));
    }
  });

  // ~200 calls/s: worker 0 changes a setting (one writer, so the last value
  // it was told is stored is well defined); the others search, list and
  // create requests for titles nobody requested yet.
  std::atomic<int> next_film{kFirstTmdbId};
  const RestSession& rest = *admin;
  SteadyLoad load(200, 32, [&](int worker, int64_t n) -> LoadCall {
    if (worker == 0) {
      std::string value = absl::StrCat(1 + n % 3000);
      HttpTestResponse r = rest.Call("PATCH", "/api/v1/settings",
                                     {{"values", {{"quota.movie_days", std::stoi(value)}}}});
      return {"setting", r.status, value};  // the value, also when refused (it may be stored)
    }
    switch (n % 10) {
      case 0: case 1: case 2: case 3: {
        HttpTestResponse r = rest.Call("GET", absl::StrCat("/api/v1/search?query=fault%20film%20", 9000 + n % 100));
        return {"search", r.status, Json(r).value("message", "")};
      }
      case 4: case 5: case 6: {
        HttpTestResponse r = rest.Call("GET", "/api/v1/requests?pageSize=20");
        return {"list", r.status, Json(r).value("message", "")};
      }
      default: {
        int id = next_film.fetch_add(1);
        HttpTestResponse r = rest.Call("POST", "/api/v1/requests",
                                       {{"mediaType", "movie"}, {"tmdbId", id}, {"language", "en"}});
        return {"create", r.status, r.status == 200 ? Json(r).value("id", "") : Json(r).value("message", "")};
      }
    }
  });
  const absl::Time load_start = absl::Now();
  absl::SleepFor(absl::Seconds(8));
  const absl::Time stop_at = absl::Now();
  ASSERT_TRUE(suite.database().Stop().ok());
  const absl::Time stopped_at = absl::Now();
  absl::SleepFor(absl::Seconds(10));
  ASSERT_TRUE(suite.database().Start().ok());
  const absl::Time started_at = absl::Now();
  absl::SleepFor(absl::Seconds(12));
  std::vector<LoadRecord> calls = load.Stop();
  const absl::Time load_end = absl::Now();
  monitoring.store(false);
  monitor.join();

  std::printf("load: %zu calls in %.1f s = %.0f calls/s (target 200)\n", calls.size(),
              absl::ToDoubleSeconds(load_end - load_start),
              calls.size() / absl::ToDoubleSeconds(load_end - load_start));
  std::printf("database stop took %.1f s, down %.1f s\n",
              absl::ToDoubleSeconds(stopped_at - stop_at),
              absl::ToDoubleSeconds(started_at - stopped_at));
  std::printf("before the outage:\n%s", Summarize(calls, load_start, stop_at).c_str());
  {
    // Why calls failed before the database was stopped (load on a small machine).
    std::map<std::string, int> why;
    for (const LoadRecord& r : calls) {
      if (r.start < stop_at && r.call.status >= 500 && r.call.kind != "setting") ++why[absl::StrCat(r.call.status, " ", r.call.detail)];
    }
    for (const auto& [message, count] : why) {
      std::printf("  failed before the stop (call started before it): %d x %s\n", count, message.c_str());
    }
  }
  std::printf("during the outage:\n%s", Summarize(calls, stop_at, started_at).c_str());
  std::printf("after the restart:\n%s", Summarize(calls, started_at, load_end).c_str());

  // Health while down: each service NOT_SERVING, /readyz 503.
  std::map<std::string, int> not_serving;
  int readyz_503 = 0;
  for (const HealthSample& s : samples) {
    if (s.at < stopped_at || s.at > started_at) continue;
    if (s.readyz == 503) ++readyz_503;
    for (const auto& [name, h] : s.services) not_serving[name] += h == Health::kNotServing;
  }
  for (const std::string& name : FaultSuite::ServiceNames()) {
    std::printf("%s: NOT_SERVING in %d health checks while the database was down\n", name.c_str(),
                not_serving[name]);
    EXPECT_GT(not_serving[name], 0) << name << " never said NOT_SERVING";
  }
  std::printf("gateway /readyz: 503 in %d checks while the database was down\n", readyz_503);
  EXPECT_GT(readyz_503, 0);
  // Recovery: the first instant after the restart when everything serves.
  std::optional<absl::Time> recovered;
  for (const HealthSample& s : samples) {
    if (s.at >= started_at && s.AllServing()) {
      recovered = s.at;
      break;
    }
  }
  ASSERT_TRUE(recovered.has_value()) << "never recovered\n" << suite.Logs();
  const double recovery_s = absl::ToDoubleSeconds(*recovered - started_at);
  std::printf("recovered (all SERVING, /readyz 200) %.2f s after PostgreSQL was back\n", recovery_s);
  EXPECT_LE(recovery_s, 5.0);
  // Calls work again after recovery: no 5xx from 2 s after recovery on.
  int late_failures = 0;
  for (const LoadRecord& r : calls) {
    if (r.start > *recovered + absl::Seconds(2) && (r.call.status == 0 || r.call.status >= 500)) {
      ++late_failures;
    }
  }
  std::printf("failed calls from 2 s after recovery: %d\n", late_failures);
  EXPECT_EQ(late_failures, 0);

  // Every write answered 2xx is stored.
  std::set<std::string> created;
  std::string last_setting;
  std::vector<std::string> settings_after_last_ok;
  for (const LoadRecord& r : calls) {
    if (r.call.kind == "create" && r.call.status == 200) created.insert(r.call.detail);
  }
  {
    // Worker 0's calls are sequential: their order in `calls` is their order.
    std::vector<const LoadRecord*> writes;
    for (const LoadRecord& r : calls) {
      if (r.call.kind == "setting") writes.push_back(&r);
    }
    std::sort(writes.begin(), writes.end(),
              [](const LoadRecord* a, const LoadRecord* b) { return a->start < b->start; });
    for (const LoadRecord* w : writes) {
      if (w->call.status == 200) {
        last_setting = w->call.detail;
        settings_after_last_ok.clear();
      } else {
        settings_after_last_ok.push_back(w->call.detail);  // may or may not have been applied
      }
    }
  }
  pqxx::connection db(suite.database_conninfo());
  // The request jobs run to their end (failed attempts during the outage are
  // retried with back-off): wait until none is left to run.
  int pending_jobs = -1;
  for (absl::Time end = absl::Now() + absl::Seconds(90); absl::Now() < end;) {
    pqxx::work tx(db);
    pending_jobs = tx.exec1("SELECT count(*) FROM media.jobs WHERE kind = 'request' AND status IN "
                            "('queued', 'running', 'failed')")[0]
                       .as<int>();
    if (pending_jobs == 0) break;
    absl::SleepFor(absl::Milliseconds(500));
  }
  EXPECT_EQ(pending_jobs, 0) << suite.Logs();
  pqxx::work tx(db);
  std::set<std::string> stored;
  for (const auto& row : tx.exec("SELECT id::text FROM media.media_requests")) {
    stored.insert(row[0].as<std::string>());
  }
  int lost = 0;
  for (const std::string& id : created) lost += stored.count(id) == 0;
  std::printf("requests created with 2xx: %zu, in the database: %zu, lost: %d\n", created.size(),
              stored.size(), lost);
  EXPECT_GT(created.size(), 0u);
  EXPECT_EQ(lost, 0);
  std::string stored_setting =
      tx.exec1("SELECT value::text FROM users.system_settings WHERE key = 'quota.movie_days'")[0]
          .as<std::string>();
  bool setting_ok = stored_setting == last_setting ||
                    std::count(settings_after_last_ok.begin(), settings_after_last_ok.end(),
                               stored_setting) > 0;
  std::printf("setting quota.movie_days: last 2xx value %s, stored %s\n", last_setting.c_str(),
              stored_setting.c_str());
  EXPECT_TRUE(setting_ok);

  // Each stored request has exactly one request job, which succeeded, and at
  // most one download (the hand-over ran once).
  int jobs_not_one = 0, jobs_not_succeeded = 0, retried = 0, max_attempts = 0;
  for (const auto& row : tx.exec(
           "SELECT r.id, count(j.id), count(j.id) FILTER (WHERE j.status = 'succeeded'), "
           "coalesce(max(j.attempts), 0) FROM media.media_requests r LEFT JOIN media.jobs j ON "
           "j.kind = 'request' AND (j.payload->>'request_id')::bigint = r.id GROUP BY r.id")) {
    jobs_not_one += row[1].as<int>() != 1;
    jobs_not_succeeded += row[2].as<int>() != 1;
    int attempts = row[3].as<int>();
    retried += attempts > 1;
    max_attempts = std::max(max_attempts, attempts);
  }
  int duplicate_downloads = tx.exec1("SELECT count(*) FROM (SELECT request_id FROM "
                                     "downloads.downloads GROUP BY request_id HAVING count(*) > 1) d")[0]
                                .as<int>();
  int handed_over = tx.exec1("SELECT count(*) FROM downloads.downloads")[0].as<int>();
  std::printf("request jobs: %zu requests, %d without exactly one job, %d not succeeded, %d retried "
              "(max %d attempts); downloads %d, duplicated %d\n",
              stored.size(), jobs_not_one, jobs_not_succeeded, retried, max_attempts, handed_over,
              duplicate_downloads);
  EXPECT_EQ(jobs_not_one, 0);
  EXPECT_EQ(jobs_not_succeeded, 0);
  EXPECT_EQ(duplicate_downloads, 0);
  EXPECT_EQ(handed_over, static_cast<int>(stored.size()));
  EXPECT_TRUE(suite.Dead().empty()) << suite.Logs();
}

}  // namespace
}  // namespace kiosk::testing
