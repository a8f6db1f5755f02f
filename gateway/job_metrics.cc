#include "gateway/job_metrics.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/impl/codegen/proto_utils.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/log/log.h"
#include "gateway/metrics.h"

namespace kiosk::gateway {
namespace {

std::string Labels(const std::string& service, const std::string& kind) {
  return absl::StrCat("service=\"", EscapePrometheusLabelValue(service), "\",kind=\"",
                      EscapePrometheusLabelValue(kind), "\"");
}

}  // namespace

std::string RenderJobStats(const std::map<std::string, common::v1::JobStats>& stats) {
  std::string depth =
      "# HELP kiosk_jobs Background jobs per service, kind and status.\n"
      "# TYPE kiosk_jobs gauge\n";
  std::string mean =
      "# HELP kiosk_job_run_seconds_mean Mean run time of the jobs that succeeded in the last "
      "hour.\n# TYPE kiosk_job_run_seconds_mean gauge\n";
  std::string succeeded =
      "# HELP kiosk_jobs_succeeded_last_hour Jobs that succeeded in the last hour.\n"
      "# TYPE kiosk_jobs_succeeded_last_hour gauge\n";
  std::string failed =
      "# HELP kiosk_jobs_failed_last_hour Jobs that failed or died in the last hour.\n"
      "# TYPE kiosk_jobs_failed_last_hour gauge\n";
  for (const auto& [service, service_stats] : stats) {
    for (const common::v1::JobKindStats& kind : service_stats.kinds()) {
      const std::string labels = Labels(service, kind.kind());
      std::map<std::string, int64_t> by_status(kind.by_status().begin(), kind.by_status().end());
      for (const auto& [status, count] : by_status) {
        absl::StrAppend(&depth, "kiosk_jobs{", labels, ",status=\"",
                        EscapePrometheusLabelValue(status), "\"} ", count, "\n");
      }
      absl::StrAppend(&mean, "kiosk_job_run_seconds_mean{", labels, "} ",
                      absl::StrFormat("%.6f", kind.mean_run_seconds()), "\n");
      absl::StrAppend(&succeeded, "kiosk_jobs_succeeded_last_hour{", labels, "} ",
                      kind.succeeded_last_hour(), "\n");
      absl::StrAppend(&failed, "kiosk_jobs_failed_last_hour{", labels, "} ",
                      kind.failed_last_hour(), "\n");
    }
  }
  return absl::StrCat(depth, mean, succeeded, failed);
}

JobMetrics::JobMetrics(const std::map<std::string, std::string>& addresses,
                       const auth::JwtCodec& jwt, absl::Duration refresh)
    : jwt_(jwt), refresh_(refresh) {
  for (const auto& [service, address] : addresses) {
    channels_[service] = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  }
  thread_ = std::thread([this] { Loop(); });
}

JobMetrics::~JobMetrics() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

std::string JobMetrics::Render() const {
  std::lock_guard<std::mutex> lock(mu_);
  return RenderJobStats(stats_);
}

void JobMetrics::Refresh() {
  const std::string token = jwt_.SignServiceToken("kiosk-gateway", absl::Now());
  std::map<std::string, common::v1::JobStats> fresh;
  for (const auto& [service, channel] : channels_) {
    grpc::TemplatedGenericStub<common::v1::GetJobStatsRequest, common::v1::JobStats> stub(channel);
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(3)));
    context.AddMetadata("authorization", absl::StrCat("Bearer ", token));
    common::v1::GetJobStatsRequest request;
    common::v1::JobStats stats;
    std::mutex done_mu;
    std::condition_variable done_cv;
    bool done = false;
    grpc::Status status;
    stub.UnaryCall(&context, absl::StrCat("/", service, "/GetJobStats"), grpc::StubOptions(),
                   &request, &stats, [&](grpc::Status s) {
                     std::lock_guard<std::mutex> lock(done_mu);
                     status = std::move(s);
                     done = true;
                     done_cv.notify_all();
                   });
    std::unique_lock<std::mutex> lock(done_mu);
    done_cv.wait(lock, [&] { return done; });
    if (status.ok()) {
      fresh[service] = std::move(stats);
    } else {
      log::Debug("job_stats_unavailable")
          .With("service", service)
          .With("code", static_cast<int>(status.error_code()));
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  stats_ = std::move(fresh);
}

void JobMetrics::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    lock.unlock();
    Refresh();
    lock.lock();
    wake_.wait_for(lock, absl::ToChronoMilliseconds(refresh_), [this] { return stopping_; });
  }
}

}  // namespace kiosk::gateway
