// Periodic jobs (what Celery beat did): each schedule enqueues a job of its
// kind at every occurrence of its cron expression, exactly once across all
// replicas. The `<schema>.job_schedules` row of a schedule holds the last
// occurrence enqueued; a replica enqueues an occurrence only by moving that
// mark forward (a conditional UPDATE), in the same transaction as the job.
// After downtime, the missed occurrences run once, not once each. A run that
// is still queued or running makes the next occurrence a no-op (runs of one
// schedule never overlap).
//
//   PeriodicScheduler scheduler(pool, queue, {{.name = "jobs.cleanup",
//                                              .cron = "17 3 * * *",
//                                              .kind = "jobs.cleanup"}});
//   RETURN_IF_ERROR(scheduler.Start());   // validates, records, ticks in the background
//   ...
//   scheduler.Stop();
//
// Tests inject the clock and call Tick() themselves instead of Start().
#ifndef KIOSK_COMMON_JOBS_PERIODIC_SCHEDULER_H_
#define KIOSK_COMMON_JOBS_PERIODIC_SCHEDULER_H_

#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/db/connection_pool.h"
#include "common/jobs/cron.h"
#include "common/jobs/job_queue.h"

namespace kiosk::jobs {

struct PeriodicJob {
  std::string name;  // [a-z][a-z0-9_.-]*, e.g. "plex.sync"
  std::string cron;  // see cron.h
  std::string kind;  // the job enqueued
  std::string payload = "{}";
  std::string time_zone = "UTC";  // IANA name the cron fields are read in
  int max_attempts = 3;
};

struct ScheduleView {
  std::string name;
  std::string cron;
  std::string kind;
  std::string time_zone;
  std::optional<absl::Time> last_occurrence;
  std::optional<int64_t> last_job_id;
  absl::Time next_run;
};

class PeriodicScheduler {
 public:
  PeriodicScheduler(
      db::ConnectionPool& pool, JobQueue& queue, std::vector<PeriodicJob> jobs,
      std::function<absl::Time()> clock = [] { return absl::Now(); });
  ~PeriodicScheduler();

  // Parses every schedule (INVALID_ARGUMENT naming it) and starts ticking at
  // each next occurrence (re-checked at least each minute). The schedules are
  // recorded in the database at the first tick that reaches it, so a service
  // starts while its database is down.
  absl::Status Start();
  void Stop();

  // Checks every schedule now: the number of jobs this call enqueued.
  absl::StatusOr<int> Tick();
  // Enqueues a run of `name` now, outside the schedule. NOT_FOUND for an
  // unknown name; FAILED_PRECONDITION when a run is already queued or running.
  absl::StatusOr<int64_t> RunNow(const std::string& name);
  absl::StatusOr<std::vector<ScheduleView>> List();

 private:
  struct Entry {
    PeriodicJob job;
    CronSchedule cron;
    absl::TimeZone zone;
  };
  absl::Status Prepare();  // parses, once
  absl::Status Record();
  absl::Status EnsureRecorded();
  // Enqueues `entry`'s latest occurrence due at `now`, if no replica has.
  absl::StatusOr<bool> TickOne(const Entry& entry, absl::Time now);
  void Loop();

  db::ConnectionPool& pool_;
  JobQueue& queue_;
  const std::vector<PeriodicJob> jobs_;
  const std::function<absl::Time()> clock_;
  std::mutex prepare_mu_;
  std::vector<Entry> entries_;  // filled once by Prepare()
  bool recorded_ = false;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace kiosk::jobs

#endif  // KIOSK_COMMON_JOBS_PERIODIC_SCHEDULER_H_
