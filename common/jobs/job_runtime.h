// Everything a service needs to run background jobs, built by the service
// bootstrap (common/server/service_main) for the service's own schema: the
// queue, the workers and the periodic scheduler. Every service gets the
// periodic job "jobs.cleanup" (finished jobs older than the retention are
// deleted daily).
//
//   // in the service factory:
//   env.jobs.Register("plex.sync", [&](const jobs::Job& job) { return sync.Run(job); });
//   env.jobs.AddPeriodic({.name = "plex.sync", .cron = "@every 15m", .kind = "plex.sync"});
//   // in a store, inside the transaction of the state change:
//   env.jobs.queue().Enqueue(tx, "plex.refresh", payload);
//
// The bootstrap starts it after the factory and shuts it down after the gRPC
// server (running handlers get the shutdown grace period).
#ifndef KIOSK_COMMON_JOBS_JOB_RUNTIME_H_
#define KIOSK_COMMON_JOBS_JOB_RUNTIME_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/db/connection_pool.h"
#include "common/jobs/job_queue.h"
#include "common/jobs/job_workers.h"
#include "common/jobs/periodic_scheduler.h"

namespace kiosk::jobs {

struct RuntimeOptions {
  WorkerOptions workers;
  absl::Duration retention = absl::Hours(24 * 14);
  std::string cleanup_cron = "17 3 * * *";
};

class JobRuntime {
 public:
  // An empty `schema` makes a runtime that never starts (a service without jobs).
  JobRuntime(db::ConnectionPool& pool, const std::string& schema, RuntimeOptions options);
  ~JobRuntime();

  JobQueue& queue() { return queue_; }
  // Before Start().
  void Register(const std::string& kind, JobHandler handler, HandlerOptions options = {});
  void AddPeriodic(PeriodicJob job);

  absl::Status Start();
  void Shutdown(absl::Duration grace);
  // The scheduler (for the job API); null before Start().
  PeriodicScheduler* scheduler() { return scheduler_.get(); }

 private:
  db::ConnectionPool& pool_;
  const std::string schema_;
  const RuntimeOptions options_;
  JobQueue queue_;
  JobWorkers workers_;
  std::vector<PeriodicJob> periodic_;
  std::unique_ptr<PeriodicScheduler> scheduler_;
  bool started_ = false;
};

}  // namespace kiosk::jobs

#endif  // KIOSK_COMMON_JOBS_JOB_RUNTIME_H_
