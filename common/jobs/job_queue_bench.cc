// The job queue's numbers: throughput of empty jobs with 2 workers (2
// threads each, as two replicas) draining a backlog, and the wake-up latency
// of idle workers (enqueue committed -> handler started) through
// LISTEN/NOTIFY while the fallback poll is a minute. Run by ./kiosk bench.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <mutex>
#include <pqxx/pqxx>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/jobs/job_workers.h"
#include "common/log/log.h"
#include "common/testing/pg_test_database.h"
#include "migrations/runner/migrator.h"
#include "common/testing/bench_result.h"

namespace {

using kiosk::jobs::Job;
using kiosk::jobs::JobQueue;
using kiosk::jobs::JobWorkers;
using kiosk::jobs::WorkerOptions;

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
}

std::unique_ptr<kiosk::db::ConnectionPool> Pool(const std::string& conninfo) {
  kiosk::db::PoolOptions options;
  options.conninfo = conninfo;
  options.pool_size = 4;
  return std::make_unique<kiosk::db::ConnectionPool>(options);
}

WorkerOptions Options(const std::string& conninfo, const std::string& id,
                      absl::Duration poll) {
  return {.threads = 2,
          .lease = absl::Seconds(30),
          .poll_interval = poll,
          .listen_conninfo = conninfo,
          .worker_id = id};
}

int Throughput(const std::string& conninfo) {
  constexpr int kJobs = 5000;
  auto pool = Pool(conninfo);
  JobQueue queue(*pool, "media");
  {
    pqxx::connection conn(conninfo);
    pqxx::work tx(conn);
    for (int i = 0; i < kJobs; ++i) {
      if (!queue.Enqueue(tx, "bench.empty", "{}").ok()) return 1;
    }
    tx.commit();
  }
  std::atomic<int> done{0};
  auto other_pool = Pool(conninfo);
  JobQueue other(*other_pool, "media");
  JobWorkers a(queue, Options(conninfo, "bench-a", absl::Seconds(1)));
  JobWorkers b(other, Options(conninfo, "bench-b", absl::Seconds(1)));
  auto handler = [&](const Job&) {
    ++done;
    return absl::OkStatus();
  };
  a.Register("bench.empty", handler, {.concurrency = 2});
  b.Register("bench.empty", handler, {.concurrency = 2});
  const absl::Time start = absl::Now();
  if (!a.Start().ok() || !b.Start().ok()) return 1;
  while (done.load() < kJobs && absl::Now() - start < absl::Minutes(5)) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  a.Shutdown(absl::Seconds(5));
  b.Shutdown(absl::Seconds(5));
  std::printf("job throughput: %d empty jobs in %.2f s = %.0f jobs/s (2 workers x 2 threads)\n",
              done.load(), seconds, done.load() / seconds);
  kiosk::testing::PrintBenchResult("job queue throughput (2 replicas x 2 threads)", done.load() / seconds, "jobs/s");
  return done.load() == kJobs ? 0 : 1;
}

int WakeUpLatency(const std::string& conninfo) {
  constexpr int kSamples = 100;
  auto pool = Pool(conninfo);
  JobQueue queue(*pool, "plex");
  std::mutex mu;
  std::vector<double> latencies_ms;
  std::atomic<int64_t> committed_at_us{0};
  std::atomic<int> runs{0};
  JobWorkers workers(queue, Options(conninfo, "bench-wake", absl::Minutes(1)));
  workers.Register("bench.wake", [&](const Job&) {
    const double ms = (absl::ToUnixMicros(absl::Now()) - committed_at_us.load()) / 1000.0;
    std::lock_guard<std::mutex> lock(mu);
    latencies_ms.push_back(ms);
    ++runs;
    return absl::OkStatus();
  });
  if (!workers.Start().ok()) return 1;
  pqxx::connection conn(conninfo);
  for (int i = 0; i < kSamples; ++i) {
    absl::SleepFor(absl::Milliseconds(50));  // workers idle, waiting on LISTEN
    pqxx::work tx(conn);
    if (!queue.Enqueue(tx, "bench.wake", "{}").ok()) return 1;
    tx.commit();
    committed_at_us = absl::ToUnixMicros(absl::Now());
    const absl::Time deadline = absl::Now() + absl::Seconds(10);
    while (runs.load() <= i && absl::Now() < deadline) absl::SleepFor(absl::Microseconds(200));
  }
  workers.Shutdown(absl::Seconds(5));
  if (latencies_ms.size() != kSamples) {
    std::fprintf(stderr, "job_queue_bench: %zu of %d wake-ups seen\n", latencies_ms.size(),
                 kSamples);
    return 1;
  }
  std::printf("job wake-up latency (commit -> handler, idle workers, poll 60 s): "
              "p50 %.2f ms, p99 %.2f ms, max %.2f ms (%d samples)\n",
              Percentile(latencies_ms, 0.5), Percentile(latencies_ms, 0.99),
              Percentile(latencies_ms, 1.0), kSamples);
  kiosk::testing::PrintBenchResult("job wake-up latency p99", Percentile(latencies_ms, 0.99), "ms", "< 100 ms");
  return 0;
}

}  // namespace

int main() {
  kiosk::log::Init("job_queue_bench", kiosk::log::Level::kWarn);
  absl::StatusOr<std::unique_ptr<kiosk::testing::TestDatabase>> db =
      kiosk::testing::TestDatabase::Create();
  if (!db.ok() || !kiosk::migrate::MigrateToHead((*db)->conninfo()).ok()) {
    std::fprintf(stderr, "job_queue_bench: no database (run through ./kiosk bench)\n");
    return 1;
  }
  const std::string conninfo = (*db)->conninfo();
  int rc = Throughput(conninfo);
  if (rc == 0) rc = WakeUpLatency(conninfo);
  return rc;
}
