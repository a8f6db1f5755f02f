#include "common/jobs/periodic_scheduler.h"

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "common/db/with_connection.h"
#include "common/log/log.h"

namespace kiosk::jobs {
namespace {

// {s} is the queue's schema. A new schedule starts from "now": occurrences
// before it was first recorded never run.
constexpr char kRecordSql[] =
    "INSERT INTO {s}.job_schedules (name, cron, kind, last_occurrence) "
    "VALUES ($1, $2, $3, to_timestamp($4::bigint / 1000000.0)) "
    "ON CONFLICT (name) DO UPDATE SET cron = EXCLUDED.cron, kind = EXCLUDED.kind, "
    "updated_at = now() WHERE {s}.job_schedules.cron <> EXCLUDED.cron "
    "OR {s}.job_schedules.kind <> EXCLUDED.kind";
// The row lock serialises replicas ticking the same schedule.
constexpr char kLockSql[] =
    "SELECT (extract(epoch FROM last_occurrence) * 1000000)::bigint "
    "FROM {s}.job_schedules WHERE name = $1 FOR UPDATE";
constexpr char kAdvanceSql[] =
    "UPDATE {s}.job_schedules SET last_occurrence = to_timestamp($2::bigint / 1000000.0),"
    " last_job_id = COALESCE($3, last_job_id), updated_at = now() WHERE name = $1";
constexpr char kSetLastJobSql[] =
    "UPDATE {s}.job_schedules SET last_job_id = $2, updated_at = now() WHERE name = $1";
constexpr char kListSql[] =
    "SELECT name, (extract(epoch FROM last_occurrence) * 1000000)::bigint, last_job_id "
    "FROM {s}.job_schedules";

// Bounds the catch-up walk after a long downtime ("* * * * *" down for a
// year is 525600 steps; beyond this the mark jumps to now).
constexpr int kMaxCatchUpSteps = 600000;

std::string Dedupe(const std::string& name) { return absl::StrCat("periodic:", name); }

}  // namespace

PeriodicScheduler::PeriodicScheduler(db::ConnectionPool& pool, JobQueue& queue,
                                     std::vector<PeriodicJob> jobs,
                                     std::function<absl::Time()> clock)
    : pool_(pool), queue_(queue), jobs_(std::move(jobs)), clock_(std::move(clock)) {}

PeriodicScheduler::~PeriodicScheduler() { Stop(); }

absl::Status PeriodicScheduler::Prepare() {
  std::lock_guard<std::mutex> lock(prepare_mu_);
  if (!entries_.empty() || jobs_.empty()) return absl::OkStatus();
  std::vector<Entry> entries;
  for (const PeriodicJob& job : jobs_) {
    if (!IsJobKind(job.name) || !IsJobKind(job.kind)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "periodic job \"", job.name, "\": name and kind must match [a-z][a-z0-9_.-]*"));
    }
    absl::StatusOr<CronSchedule> cron = CronSchedule::Parse(job.cron);
    if (!cron.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("periodic job \"", job.name, "\": ", cron.status().message()));
    }
    absl::TimeZone zone;
    if (!absl::LoadTimeZone(job.time_zone, &zone)) {
      return absl::InvalidArgumentError(absl::StrCat("periodic job \"", job.name,
                                                     "\": unknown time zone \"", job.time_zone,
                                                     "\" (is tzdata installed?)"));
    }
    entries.push_back(Entry{job, *std::move(cron), zone});
  }
  entries_ = std::move(entries);
  return absl::OkStatus();
}

absl::Status PeriodicScheduler::EnsureRecorded() {
  absl::Status prepared = Prepare();
  if (!prepared.ok()) return prepared;
  std::lock_guard<std::mutex> lock(prepare_mu_);
  if (recorded_) return absl::OkStatus();
  absl::Status recorded = Record();
  recorded_ = recorded.ok();
  return recorded;
}

absl::Status PeriodicScheduler::Record() {
  const std::string sql = absl::StrReplaceAll(kRecordSql, {{"{s}", queue_.schema()}});
  const int64_t now = absl::ToUnixMicros(clock_());
  return db::WithConnection(pool_, "recording periodic jobs", [&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    for (const Entry& entry : entries_) {
      tx.exec_params(sql, entry.job.name, entry.job.cron, entry.job.kind, now);
    }
    tx.commit();
  });
}

absl::Status PeriodicScheduler::Start() {
  absl::Status prepared = Prepare();
  if (!prepared.ok()) return prepared;
  thread_ = std::thread([this] { Loop(); });
  return absl::OkStatus();
}

void PeriodicScheduler::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

absl::StatusOr<bool> PeriodicScheduler::TickOne(const Entry& entry, absl::Time now) {
  const std::string& s = queue_.schema();
  return db::WithConnection(
      pool_, "enqueueing a periodic job", [&](pqxx::connection& conn) -> absl::StatusOr<bool> {
        pqxx::work tx(conn);
        pqxx::result row =
            tx.exec_params(absl::StrReplaceAll(kLockSql, {{"{s}", s}}), entry.job.name);
        if (row.empty() || row[0][0].is_null()) return false;  // recorded by Start/Prepare
        const absl::Time last = absl::FromUnixMicros(row[0][0].as<int64_t>());
        absl::Time occurrence = entry.cron.Next(last, entry.zone);
        if (occurrence > now) return false;
        // The latest occurrence due: the missed ones before it run as one.
        for (int i = 0; i < kMaxCatchUpSteps; ++i) {
          absl::Time next = entry.cron.Next(occurrence, entry.zone);
          if (next > now) break;
          occurrence = next;
        }
        absl::StatusOr<std::optional<int64_t>> job = queue_.Enqueue(
            tx, entry.job.kind, entry.job.payload,
            {.max_attempts = entry.job.max_attempts, .dedupe_key = Dedupe(entry.job.name)});
        if (!job.ok()) return job.status();
        tx.exec_params(absl::StrReplaceAll(kAdvanceSql, {{"{s}", s}}), entry.job.name,
                       absl::ToUnixMicros(occurrence), *job);
        tx.commit();
        if (job->has_value()) {
          log::Info("periodic_job_enqueued")
              .With("schedule", entry.job.name)
              .With("job", **job)
              .With("occurrence", absl::FormatTime(occurrence));
        } else {
          log::Warn("periodic_job_skipped")
              .With("schedule", entry.job.name)
              .With("reason", "the previous run is still queued or running");
        }
        return job->has_value();
      });
}

absl::StatusOr<int> PeriodicScheduler::Tick() {
  absl::Status prepared = EnsureRecorded();
  if (!prepared.ok()) return prepared;
  const absl::Time now = clock_();
  int enqueued = 0;
  for (const Entry& entry : entries_) {
    absl::StatusOr<bool> done = TickOne(entry, now);
    if (!done.ok()) return done.status();
    enqueued += *done ? 1 : 0;
  }
  return enqueued;
}

absl::StatusOr<int64_t> PeriodicScheduler::RunNow(const std::string& name) {
  absl::Status prepared = EnsureRecorded();
  if (!prepared.ok()) return prepared;
  for (const Entry& entry : entries_) {
    if (entry.job.name != name) continue;
    return db::WithConnection(
        pool_, "running a periodic job now",
        [&](pqxx::connection& conn) -> absl::StatusOr<int64_t> {
          pqxx::work tx(conn);
          absl::StatusOr<std::optional<int64_t>> job =
              queue_.Enqueue(tx, entry.job.kind, entry.job.payload,
                             {.max_attempts = entry.job.max_attempts, .dedupe_key = Dedupe(name)});
          if (!job.ok()) return job.status();
          if (!job->has_value()) {
            return absl::FailedPreconditionError(
                absl::StrCat("a run of ", name, " is already queued or running; see its jobs"));
          }
          tx.exec_params(absl::StrReplaceAll(kSetLastJobSql, {{"{s}", queue_.schema()}}), name,
                         **job);
          tx.commit();
          return **job;
        });
  }
  return absl::NotFoundError(
      absl::StrCat("no periodic job named \"", name, "\" in ", queue_.schema()));
}

absl::StatusOr<std::vector<ScheduleView>> PeriodicScheduler::List() {
  absl::Status prepared = EnsureRecorded();
  if (!prepared.ok()) return prepared;
  const absl::Time now = clock_();
  return db::WithConnection(pool_, "listing periodic jobs", [&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    pqxx::result rows = tx.exec(absl::StrReplaceAll(kListSql, {{"{s}", queue_.schema()}}));
    std::vector<ScheduleView> views;
    for (const Entry& entry : entries_) {
      ScheduleView view{.name = entry.job.name,
                        .cron = entry.job.cron,
                        .kind = entry.job.kind,
                        .time_zone = entry.job.time_zone};
      for (const pqxx::row& row : rows) {
        if (row[0].as<std::string>() != entry.job.name) continue;
        if (!row[1].is_null()) view.last_occurrence = absl::FromUnixMicros(row[1].as<int64_t>());
        if (!row[2].is_null()) view.last_job_id = row[2].as<int64_t>();
      }
      view.next_run =
          entry.cron.Next(std::max(now, view.last_occurrence.value_or(now)), entry.zone);
      views.push_back(std::move(view));
    }
    return views;
  });
}

void PeriodicScheduler::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    lock.unlock();
    absl::StatusOr<int> ticked = Tick();
    if (!ticked.ok()) {
      log::Warn("periodic_tick_failed")
          .With(ticked.status())
          .With("hint", "retried in a few seconds; occurrences missed meanwhile run once");
    }
    const absl::Time now = clock_();
    absl::Duration wait = absl::Minutes(1);
    for (const Entry& entry : entries_) {
      wait = std::min(wait, entry.cron.Next(now, entry.zone) - now);
    }
    if (!ticked.ok()) wait = absl::Seconds(5);
    wait = std::max(wait, absl::Milliseconds(200));
    lock.lock();
    wake_.wait_for(lock, absl::ToChronoMilliseconds(wait), [&] { return stopping_; });
  }
}

}  // namespace kiosk::jobs
