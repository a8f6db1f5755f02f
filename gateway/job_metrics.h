// The services' background-job metrics on the gateway's /metrics: every
// service's GetJobStats (queue depth per kind and status, mean run time and
// failures in the last hour), fetched in the background with a service token
// (so a scrape never waits on a service) and rendered as Prometheus text.
//
//   JobMetrics jobs(addresses, jwt, absl::Seconds(15));
//   metrics.AddCollector([&jobs] { return jobs.Render(); });
//
// Without SECRET_KEY the gateway cannot sign the token and has no job
// metrics (main does not create this then).
#ifndef KIOSK_GATEWAY_JOB_METRICS_H_
#define KIOSK_GATEWAY_JOB_METRICS_H_

#include <grpcpp/channel.h>

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "absl/time/time.h"
#include "common/auth/jwt.h"
#include "kiosk/common/v1/jobs.pb.h"

namespace kiosk::gateway {

// The Prometheus families for the stats of each service (full name ->
// stats); services whose stats are unknown are left out.
std::string RenderJobStats(const std::map<std::string, common::v1::JobStats>& stats);

class JobMetrics {
 public:
  JobMetrics(const std::map<std::string, std::string>& addresses, const auth::JwtCodec& jwt,
             absl::Duration refresh);
  ~JobMetrics();

  std::string Render() const;

 private:
  void Loop();
  void Refresh();

  const auth::JwtCodec& jwt_;
  const absl::Duration refresh_;
  std::map<std::string, std::shared_ptr<grpc::Channel>> channels_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::map<std::string, common::v1::JobStats> stats_;
  std::thread thread_;
};

}  // namespace kiosk::gateway

#endif  // KIOSK_GATEWAY_JOB_METRICS_H_
