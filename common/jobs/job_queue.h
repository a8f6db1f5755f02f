// The PostgreSQL job queue of one service: its `<schema>.jobs` table.
//
//   JobQueue queue(pool, "plex");
//   // In the transaction of the state change that causes the job, so the job
//   // exists if and only if the change committed:
//   pqxx::work tx(conn);
//   tx.exec_params(kMarkRequestApprovedSql, id);
//   ASSIGN_OR_RETURN(std::optional<int64_t> job, queue.Enqueue(tx, "media.request", payload));
//   tx.commit();   // the NOTIFY in Enqueue wakes idle workers at commit
//
// Workers (JobWorkers) claim due jobs with FOR UPDATE SKIP LOCKED and hold
// them under a lease; a job whose worker died is taken again once its lease
// has run out. Every method is thread-safe; all SQL is parameterised, and
// the schema name is fixed at construction (checked against [a-z_]+).
#ifndef KIOSK_COMMON_JOBS_JOB_QUEUE_H_
#define KIOSK_COMMON_JOBS_JOB_QUEUE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <pqxx/transaction_base>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/db/connection_pool.h"
#include "common/jobs/job.h"

namespace kiosk::jobs {

struct JobFilter {
  std::string kind;    // "" = any
  std::string status;  // "" = any
  int limit = 50;
  int64_t before_id = 0;  // paging: only ids below this (0 = from the newest)
};

struct KindStats {
  std::map<std::string, int64_t> by_status;  // count of jobs per status
  double mean_run_seconds = 0;               // succeeded in the last hour
  int64_t succeeded_last_hour = 0;
  int64_t failed_last_hour = 0;  // attempts that failed (failed + dead)
};

class JobQueue {
 public:
  JobQueue(db::ConnectionPool& pool, std::string schema);
  ~JobQueue();

  const std::string& schema() const { return schema_; }
  // The LISTEN/NOTIFY channel of this queue.
  const std::string& channel() const { return channel_; }

  // Inside the caller's transaction. The id, or nullopt when `dedupe_key`
  // already names a job that may still run. INVALID_ARGUMENT for a bad kind,
  // payload (not a JSON object) or max_attempts.
  absl::StatusOr<std::optional<int64_t>> Enqueue(pqxx::transaction_base& tx,
                                                 const std::string& kind,
                                                 const std::string& payload_json,
                                                 const EnqueueOptions& options = {}) const;
  // The same in a transaction of its own.
  absl::StatusOr<std::optional<int64_t>> Enqueue(const std::string& kind,
                                                 const std::string& payload_json,
                                                 const EnqueueOptions& options = {});

  // --- for workers
  // One due job among `kinds` (or one whose lease ran out), now running for
  // `worker` until now + lease; nullopt when there is none.
  absl::StatusOr<std::optional<Job>> Claim(const std::string& worker,
                                           const std::vector<std::string>& kinds,
                                           absl::Duration lease);
  // Extends the leases of `ids` still held by `worker`.
  absl::Status ExtendLeases(const std::string& worker, const std::vector<int64_t>& ids,
                            absl::Duration lease);
  // False when `worker` no longer holds the job (its lease ran out and
  // another worker took it).
  absl::StatusOr<bool> Succeed(int64_t id, const std::string& worker);
  // A failed attempt: retried at `retry_at`, or dead when `dead` is true.
  absl::StatusOr<bool> Fail(int64_t id, const std::string& worker, const std::string& error,
                            bool dead, absl::Time retry_at);
  // How far the running job `id` is: `done` of `total` (total < 0: not known
  // yet) and a short note ("section Movies"). Cheap (one UPDATE); call it
  // every batch, not every item. FAILED_PRECONDITION when the job is not
  // running (its lease ran out, or it was never claimed); INVALID_ARGUMENT
  // for a negative `done`.
  absl::Status ReportProgress(int64_t id, int64_t done, int64_t total, const std::string& note);
  // Puts the jobs `worker` still runs back in the queue (graceful shutdown);
  // the interrupted attempt does not count.
  absl::StatusOr<int> ReleaseAll(const std::string& worker);
  // When the next queued or failed job becomes due (nullopt: none).
  absl::StatusOr<std::optional<absl::Time>> NextDue();

  // --- for the job API
  absl::StatusOr<std::vector<Job>> List(const JobFilter& filter);
  absl::StatusOr<Job> Get(int64_t id);
  // A failed, dead or cancelled job runs again with its attempts reset;
  // FAILED_PRECONDITION for others.
  absl::StatusOr<Job> Retry(int64_t id);
  // A queued or failed job will not run; FAILED_PRECONDITION for others.
  absl::StatusOr<Job> Cancel(int64_t id);
  // Jobs per kind and status, and run times, for metrics.
  absl::StatusOr<std::map<std::string, KindStats>> Stats();
  // Deletes finished jobs (succeeded, dead, cancelled) older than `age`.
  absl::StatusOr<int64_t> DeleteFinished(absl::Duration age);

 private:
  struct Statements;  // the SQL with this schema's name, built once

  db::ConnectionPool& pool_;
  const std::string schema_;
  const std::string channel_;
  std::unique_ptr<const Statements> sql_;
};

}  // namespace kiosk::jobs

#endif  // KIOSK_COMMON_JOBS_JOB_QUEUE_H_
