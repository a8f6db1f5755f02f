// A worker process for the crash test (job_worker_crash_pgtest.cc): runs
// jobs of one kind with a short lease; each job prints "running job <id>"
// and then hangs until the process is killed.
//
//   job_worker_child CONNINFO KIND
#include <cstdio>
#include <iostream>

#include "absl/time/clock.h"
#include "common/db/connection_pool.h"
#include "common/jobs/job_workers.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: job_worker_child CONNINFO KIND\n";
    return 2;
  }
  kiosk::db::PoolOptions options;
  options.conninfo = argv[1];
  options.pool_size = 2;
  kiosk::db::ConnectionPool pool(options);
  kiosk::jobs::JobQueue queue(pool, "media");
  kiosk::jobs::JobWorkers workers(queue, {.threads = 1,
                                          .lease = absl::Seconds(1),
                                          .poll_interval = absl::Milliseconds(100),
                                          .listen_conninfo = argv[1],
                                          .worker_id = "doomed-child"});
  workers.Register(argv[2], [](const kiosk::jobs::Job& job) {
    std::printf("running job %lld\n", static_cast<long long>(job.id));
    std::fflush(stdout);
    while (true) absl::SleepFor(absl::Seconds(1));
    return absl::OkStatus();
  });
  if (!workers.Start().ok()) return 1;
  while (true) absl::SleepFor(absl::Seconds(1));
}
