#include "common/jobs/job_runtime.h"

#include "absl/strings/str_cat.h"
#include "common/log/log.h"

namespace kiosk::jobs {

inline constexpr char kCleanupKind[] = "jobs.cleanup";

JobRuntime::JobRuntime(db::ConnectionPool& pool, const std::string& schema, RuntimeOptions options)
    : pool_(pool),
      schema_(schema),
      options_(std::move(options)),
      queue_(pool, schema),
      workers_(queue_, options_.workers) {
  Register(kCleanupKind, [this](const Job&) -> absl::Status {
    absl::StatusOr<int64_t> deleted = queue_.DeleteFinished(options_.retention);
    if (!deleted.ok()) return deleted.status();
    log::Info("jobs_cleaned").With("queue", queue_.schema()).With("deleted", *deleted);
    return absl::OkStatus();
  });
  AddPeriodic({.name = kCleanupKind, .cron = options_.cleanup_cron, .kind = kCleanupKind});
}

JobRuntime::~JobRuntime() { Shutdown(absl::ZeroDuration()); }

void JobRuntime::Register(const std::string& kind, JobHandler handler, HandlerOptions options) {
  workers_.Register(kind, std::move(handler), options);
}

void JobRuntime::AddPeriodic(PeriodicJob job) { periodic_.push_back(std::move(job)); }

absl::Status JobRuntime::Start() {
  if (schema_.empty()) return absl::OkStatus();  // a service without jobs
  scheduler_ = std::make_unique<PeriodicScheduler>(pool_, queue_, periodic_);
  absl::Status scheduled = scheduler_->Start();
  if (!scheduled.ok()) return scheduled;
  absl::Status working = workers_.Start();
  if (!working.ok()) return working;
  started_ = true;
  return absl::OkStatus();
}

void JobRuntime::Shutdown(absl::Duration grace) {
  if (!started_) return;
  started_ = false;
  scheduler_->Stop();
  workers_.Shutdown(grace);
}

}  // namespace kiosk::jobs
