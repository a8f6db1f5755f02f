// The workers of one service's job queue: a few threads that claim due jobs
// (FOR UPDATE SKIP LOCKED), run their handler, and record the outcome; a
// LISTEN connection that wakes them when a job is enqueued (no busy polling;
// a slow fallback poll only); a heartbeat that extends the leases of running
// jobs. Any number of replicas may run workers on one queue: a job runs on
// one worker at a time.
//
//   JobWorkers workers(queue, {.threads = 2, .listen_conninfo = conninfo});
//   workers.Register("plex.sync", [&](const Job& job) { return sync.Run(job); },
//                    {.concurrency = 1});
//   RETURN_IF_ERROR(workers.Start());
//   ...
//   workers.Shutdown(absl::Seconds(10));
//
// HANDLERS MUST BE IDEMPOTENT. A job can run more than once: when its
// worker dies (kill -9, lost host) the lease runs out and another worker
// takes it again, and a handler still running at shutdown past the grace
// period has its job put back in the queue. Write handlers so that a second
// run finds the work done and succeeds.
//
// A handler's error is an attempt that failed: retried with exponential
// backoff and jitter until max_attempts, then the job is dead with the last
// error. INVALID_ARGUMENT means the job itself is wrong (a bad payload) and
// makes it dead at once. The concurrency limit of a kind applies per replica.
#ifndef KIOSK_COMMON_JOBS_JOB_WORKERS_H_
#define KIOSK_COMMON_JOBS_JOB_WORKERS_H_

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/jobs/job_queue.h"

namespace kiosk::jobs {

using JobHandler = std::function<absl::Status(const Job& job)>;

struct HandlerOptions {
  int concurrency = 1;  // jobs of this kind running at once in this replica
};

struct WorkerOptions {
  int threads = 2;
  absl::Duration lease = absl::Seconds(30);  // renewed every lease/3 while running
  absl::Duration poll_interval = absl::Seconds(5);
  absl::Duration backoff_base = absl::Seconds(5);
  absl::Duration backoff_max = absl::Hours(1);
  // libpq conninfo of the LISTEN connection; empty = no LISTEN, poll only.
  std::string listen_conninfo;
  // Name in locked_by; empty = host:pid:random.
  std::string worker_id;
};

// The delay before retry `attempt` (1 = after the first failure): base *
// 2^(attempt-1), at most `max`, scaled by a random factor in [0.8, 1.2].
absl::Duration RetryDelay(int attempt, absl::Duration base, absl::Duration max);

class JobWorkers {
 public:
  JobWorkers(JobQueue& queue, WorkerOptions options);
  ~JobWorkers();  // Shutdown(0) if still running
  JobWorkers(const JobWorkers&) = delete;
  JobWorkers& operator=(const JobWorkers&) = delete;

  // Before Start().
  void Register(const std::string& kind, JobHandler handler, HandlerOptions options = {});
  absl::Status Start();
  // Stops taking jobs, lets running handlers finish within `grace`, then
  // puts the jobs still running back in the queue.
  void Shutdown(absl::Duration grace);

  const std::string& worker_id() const { return worker_id_; }
  // Wakes idle workers now (tests; a NOTIFY does the same).
  void Wake();

 private:
  struct Kind {
    JobHandler handler;
    HandlerOptions options;
    int running = 0;
  };
  void WorkLoop();
  void ListenLoop();
  void HeartbeatLoop();
  void Run(const Job& job);
  std::vector<std::string> AvailableKinds() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void WaitForWork(absl::Duration max_wait);

  JobQueue& queue_;
  const WorkerOptions options_;
  const std::string worker_id_;

  std::mutex mu_;
  std::condition_variable wake_;
  std::map<std::string, Kind> kinds_ ABSL_GUARDED_BY(mu_);
  std::set<int64_t> running_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t wake_generation_ ABSL_GUARDED_BY(mu_) = 0;
  std::atomic<bool> stop_listening_{false};
  bool started_ = false;

  std::vector<std::thread> workers_;
  std::thread listener_;
  std::thread heartbeat_;
};

}  // namespace kiosk::jobs

#endif  // KIOSK_COMMON_JOBS_JOB_WORKERS_H_
