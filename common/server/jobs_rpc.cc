#include "common/server/jobs_rpc.h"

#include <google/protobuf/util/json_util.h>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/server/page_token.h"

namespace kiosk::server {
namespace {

namespace v1 = ::kiosk::common::v1;

void SetTime(absl::Time time, google::protobuf::Timestamp* out) {
  const int64_t micros = absl::ToUnixMicros(time);
  out->set_seconds(micros / 1000000);
  out->set_nanos(static_cast<int32_t>(micros % 1000000) * 1000);
}

}  // namespace

void JobToProto(const jobs::Job& job, v1::Job* out) {
  out->set_id(job.id);
  out->set_kind(job.kind);
  // Stored as jsonb, so it parses; an empty object if it somehow does not.
  if (!google::protobuf::util::JsonStringToMessage(job.payload, out->mutable_payload()).ok()) {
    out->mutable_payload()->Clear();
  }
  out->set_status(job.status);
  out->set_attempts(job.attempts);
  out->set_max_attempts(job.max_attempts);
  SetTime(job.run_after, out->mutable_run_after());
  if (job.locked_by) out->set_locked_by(*job.locked_by);
  if (job.locked_until) SetTime(*job.locked_until, out->mutable_locked_until());
  if (job.last_error) out->set_last_error(*job.last_error);
  if (job.dedupe_key) out->set_dedupe_key(*job.dedupe_key);
  SetTime(job.created_at, out->mutable_created_at());
  if (job.started_at) SetTime(*job.started_at, out->mutable_started_at());
  if (job.finished_at) SetTime(*job.finished_at, out->mutable_finished_at());
  if (job.progress_done) out->set_progress_done(*job.progress_done);
  if (job.progress_total) out->set_progress_total(*job.progress_total);
  if (job.progress_note) out->set_progress_note(*job.progress_note);
}

namespace {

absl::Status ToProto(const absl::StatusOr<jobs::Job>& job, v1::Job* out) {
  if (!job.ok()) return job.status();
  JobToProto(*job, out);
  return absl::OkStatus();
}

}  // namespace

absl::Status ListJobs(jobs::JobQueue& queue, const v1::ListJobsRequest& request,
                      v1::ListJobsResponse* response) {
  if (request.page_size() < 0 || request.page_size() > 200) {
    return absl::InvalidArgumentError("page_size must be within 1..200 (0 = 50)");
  }
  absl::StatusOr<int64_t> before = DecodePageToken('j', request.page_token(), 1, INT64_MAX);
  if (!before.ok()) return before.status();
  const int size = request.page_size() == 0 ? 50 : request.page_size();
  // One more than asked tells whether another page follows.
  absl::StatusOr<std::vector<jobs::Job>> found = queue.List({.kind = request.kind(),
                                                             .status = request.status(),
                                                             .limit = size + 1,
                                                             .before_id = *before});
  if (!found.ok()) return found.status();
  for (int i = 0; i < static_cast<int>(found->size()) && i < size; ++i) {
    JobToProto((*found)[i], response->add_jobs());
  }
  if (static_cast<int>(found->size()) > size) {
    response->set_next_page_token(EncodePageToken('j', (*found)[size - 1].id));
  }
  return absl::OkStatus();
}

absl::Status GetJob(jobs::JobQueue& queue, int64_t id, v1::Job* response) {
  return ToProto(queue.Get(id), response);
}

absl::Status RetryJob(jobs::JobQueue& queue, int64_t id, v1::Job* response) {
  return ToProto(queue.Retry(id), response);
}

absl::Status CancelJob(jobs::JobQueue& queue, int64_t id, v1::Job* response) {
  return ToProto(queue.Cancel(id), response);
}

absl::Status ListSchedules(jobs::PeriodicScheduler* scheduler,
                           v1::ListSchedulesResponse* response) {
  if (scheduler == nullptr) return absl::UnavailableError("the job runtime is not started");
  absl::StatusOr<std::vector<jobs::ScheduleView>> views = scheduler->List();
  if (!views.ok()) return views.status();
  for (const jobs::ScheduleView& view : *views) {
    v1::Schedule* out = response->add_schedules();
    out->set_name(view.name);
    out->set_cron(view.cron);
    out->set_kind(view.kind);
    out->set_time_zone(view.time_zone);
    if (view.last_occurrence) SetTime(*view.last_occurrence, out->mutable_last_run());
    if (view.last_job_id) out->set_last_job_id(*view.last_job_id);
    if (view.next_run != absl::InfiniteFuture()) SetTime(view.next_run, out->mutable_next_run());
  }
  return absl::OkStatus();
}

absl::Status RunSchedule(jobs::JobRuntime& jobs, const std::string& name, v1::Job* response) {
  if (jobs.scheduler() == nullptr) return absl::UnavailableError("the job runtime is not started");
  absl::StatusOr<int64_t> id = jobs.scheduler()->RunNow(name);
  if (!id.ok()) return id.status();
  return ToProto(jobs.queue().Get(*id), response);
}

absl::Status GetJobStats(jobs::JobQueue& queue, v1::JobStats* response) {
  absl::StatusOr<std::map<std::string, jobs::KindStats>> stats = queue.Stats();
  if (!stats.ok()) return stats.status();
  for (const auto& [kind, kind_stats] : *stats) {
    v1::JobKindStats* out = response->add_kinds();
    out->set_kind(kind);
    for (const auto& [status, count] : kind_stats.by_status)
      (*out->mutable_by_status())[status] = count;
    out->set_mean_run_seconds(kind_stats.mean_run_seconds);
    out->set_succeeded_last_hour(kind_stats.succeeded_last_hour);
    out->set_failed_last_hour(kind_stats.failed_last_hour);
  }
  return absl::OkStatus();
}

}  // namespace kiosk::server
