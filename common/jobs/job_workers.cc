#include "common/jobs/job_workers.h"

#include <unistd.h>

#include <pqxx/pqxx>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/log/log.h"
#include "common/request_id.h"

namespace kiosk::jobs {
namespace {

class Listener final : public pqxx::notification_receiver {
 public:
  Listener(pqxx::connection_base& conn, const std::string& channel, std::function<void()> on_notify)
      : pqxx::notification_receiver(conn, channel), on_notify_(std::move(on_notify)) {}
  void operator()(const std::string&, int) override { on_notify_(); }

 private:
  std::function<void()> on_notify_;
};

std::string DefaultWorkerId() {
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  return absl::StrCat(host, ":", getpid(), ":", NewRequestId().substr(0, 8));
}

}  // namespace

absl::Duration RetryDelay(int attempt, absl::Duration base, absl::Duration max) {
  absl::Duration delay = base;
  for (int i = 1; i < attempt && delay < max; ++i) delay *= 2;
  delay = std::min(delay, max);
  thread_local absl::BitGen gen;
  return delay * absl::Uniform(gen, 0.8, 1.2);
}

JobWorkers::JobWorkers(JobQueue& queue, WorkerOptions options)
    : queue_(queue),
      options_(std::move(options)),
      worker_id_(options_.worker_id.empty() ? DefaultWorkerId() : options_.worker_id) {}

JobWorkers::~JobWorkers() { Shutdown(absl::ZeroDuration()); }

void JobWorkers::Register(const std::string& kind, JobHandler handler, HandlerOptions options) {
  std::lock_guard<std::mutex> lock(mu_);
  kinds_[kind] = Kind{std::move(handler), options, 0};
}

absl::Status JobWorkers::Start() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [kind, entry] : kinds_) {
      if (!IsJobKind(kind)) {
        return absl::InvalidArgumentError(absl::StrCat("job kind \"", kind, "\" is not valid"));
      }
    }
  }
  started_ = true;
  for (int i = 0; i < options_.threads; ++i) workers_.emplace_back([this] { WorkLoop(); });
  if (!options_.listen_conninfo.empty()) listener_ = std::thread([this] { ListenLoop(); });
  heartbeat_ = std::thread([this] { HeartbeatLoop(); });
  log::Info("job_workers_started")
      .With("queue", queue_.schema())
      .With("worker", worker_id_)
      .With("threads", options_.threads);
  return absl::OkStatus();
}

void JobWorkers::Wake() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++wake_generation_;
  }
  wake_.notify_all();
}

std::vector<std::string> JobWorkers::AvailableKinds() {
  std::vector<std::string> kinds;
  for (const auto& [name, kind] : kinds_) {
    if (kind.running < kind.options.concurrency) kinds.push_back(name);
  }
  return kinds;
}

void JobWorkers::WaitForWork(absl::Duration max_wait) {
  std::unique_lock<std::mutex> lock(mu_);
  const uint64_t generation = wake_generation_;
  wake_.wait_for(lock, absl::ToChronoMilliseconds(max_wait),
                 [&] { return stopping_ || wake_generation_ != generation; });
}

void JobWorkers::WorkLoop() {
  while (true) {
    std::vector<std::string> kinds;
    uint64_t generation;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return;
      kinds = AvailableKinds();
      generation = wake_generation_;
    }
    if (kinds.empty()) {
      WaitForWork(options_.poll_interval);
      continue;
    }
    absl::StatusOr<std::optional<Job>> claimed = queue_.Claim(worker_id_, kinds, options_.lease);
    if (!claimed.ok()) {
      log::Warn("job_claim_failed")
          .With(claimed.status())
          .With("queue", queue_.schema())
          .With("hint", "jobs wait until the database answers again");
      WaitForWork(std::min(options_.poll_interval, absl::Seconds(1)));
      continue;
    }
    if (claimed->has_value()) {
      Run(**claimed);
      continue;
    }
    // Nothing due for us: sleep until the next job is due, a NOTIFY, or the
    // fallback poll, whichever comes first.
    absl::Duration wait = options_.poll_interval;
    absl::StatusOr<std::optional<absl::Time>> next = queue_.NextDue();
    if (next.ok() && next->has_value()) {
      absl::Duration until = **next - absl::Now();
      if (until > absl::ZeroDuration()) wait = std::min(wait, until + absl::Milliseconds(5));
    }
    std::unique_lock<std::mutex> lock(mu_);
    wake_.wait_for(lock, absl::ToChronoMilliseconds(wait),
                   [&] { return stopping_ || wake_generation_ != generation; });
  }
}

void JobWorkers::Run(const Job& job) {
  JobHandler handler;
  {
    std::lock_guard<std::mutex> lock(mu_);
    Kind& kind = kinds_[job.kind];
    handler = kind.handler;
    ++kind.running;
    running_.insert(job.id);
  }
  const absl::Time start = absl::Now();
  absl::Status status;
  if (job.attempts > job.max_attempts) {
    status = absl::AbortedError("its worker was lost and no attempt is left");
  } else {
    try {
      status = handler(job);
    } catch (const std::exception& e) {
      status = absl::InternalError(absl::StrCat("handler threw: ", e.what()));
    }
  }
  const absl::Duration took = absl::Now() - start;
  absl::StatusOr<bool> held;
  if (status.ok()) {
    held = queue_.Succeed(job.id, worker_id_);
    log::Info("job_succeeded")
        .With("queue", queue_.schema())
        .With("job", job.id)
        .With("kind", job.kind)
        .With("attempt", job.attempts)
        .With("duration_ms", absl::ToDoubleMilliseconds(took));
  } else {
    const bool dead = absl::IsInvalidArgument(status) || job.attempts >= job.max_attempts;
    const absl::Time retry_at =
        absl::Now() + RetryDelay(job.attempts, options_.backoff_base, options_.backoff_max);
    held = queue_.Fail(job.id, worker_id_, std::string(status.message()), dead, retry_at);
    log::Event(dead ? log::Level::kError : log::Level::kWarn, dead ? "job_dead" : "job_failed")
        .With("queue", queue_.schema())
        .With("job", job.id)
        .With("kind", job.kind)
        .With("attempt", job.attempts)
        .With("max_attempts", job.max_attempts)
        .With(status)
        .With("retry_in_s", dead ? 0.0 : absl::ToDoubleSeconds(retry_at - absl::Now()));
  }
  if (!held.ok()) {
    log::Warn("job_outcome_not_recorded")
        .With(held.status())
        .With("job", job.id)
        .With("hint", "the lease will run out and the job will run again");
  } else if (!*held) {
    log::Warn("job_lease_lost").With("job", job.id).With("kind", job.kind);
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    --kinds_[job.kind].running;
    running_.erase(job.id);
  }
  wake_.notify_all();  // a slot of this kind is free again
}

void JobWorkers::HeartbeatLoop() {
  const absl::Duration every = options_.lease / 3;
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_ || !running_.empty()) {
    wake_.wait_for(lock, absl::ToChronoMilliseconds(every),
                   [&] { return stopping_ && running_.empty(); });
    std::vector<int64_t> ids(running_.begin(), running_.end());
    if (ids.empty()) continue;
    lock.unlock();
    absl::Status extended = queue_.ExtendLeases(worker_id_, ids, options_.lease);
    if (!extended.ok()) log::Warn("job_lease_not_extended").With(extended);
    lock.lock();
  }
}

void JobWorkers::ListenLoop() {
  while (!stop_listening_.load()) {
    try {
      pqxx::connection conn(options_.listen_conninfo);
      Listener listener(conn, queue_.channel(), [this] { Wake(); });
      Wake();  // jobs enqueued while not listening
      while (!stop_listening_.load()) conn.await_notification(0, 200000);
    } catch (const std::exception& e) {
      log::Warn("job_listen_lost")
          .With("queue", queue_.schema())
          .With("error", e.what())
          .With("hint", "workers poll meanwhile; LISTEN resumes once the database answers");
      for (int i = 0; i < 10 && !stop_listening_.load(); ++i)
        absl::SleepFor(absl::Milliseconds(100));
    }
  }
}

void JobWorkers::Shutdown(absl::Duration grace) {
  if (!started_) return;
  started_ = false;
  const absl::Time deadline = absl::Now() + grace;
  {
    std::unique_lock<std::mutex> lock(mu_);
    stopping_ = true;
    wake_.notify_all();
    wake_.wait_until(lock, absl::ToChronoTime(deadline), [&] { return running_.empty(); });
    if (!running_.empty()) {
      lock.unlock();
      absl::StatusOr<int> released = queue_.ReleaseAll(worker_id_);
      log::Warn("jobs_released")
          .With("queue", queue_.schema())
          .With("count", released.ok() ? *released : -1)
          .With("hint", "handlers still running past the grace period; their jobs run again");
    }
  }
  wake_.notify_all();
  stop_listening_.store(true);
  for (std::thread& worker : workers_) worker.join();
  workers_.clear();
  if (listener_.joinable()) listener_.join();
  heartbeat_.join();
  log::Info("job_workers_stopped").With("queue", queue_.schema()).With("worker", worker_id_);
}

}  // namespace kiosk::jobs
