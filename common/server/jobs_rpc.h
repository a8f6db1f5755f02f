// The job API (common/v1/jobs.proto) every service exposes, implemented once:
// list, get, retry and cancel jobs, list and run schedules, queue stats.
// Admins only; GetJobStats also for services (the gateway's /metrics).
//
//   class PlexServiceImpl final
//       : public JobsRpc<ServiceInfoRpc<kiosk::plex::v1::PlexService::CallbackService>> {
//    public:
//     PlexServiceImpl(jobs::JobRuntime& jobs, Executor& executor,
//                     const ServiceInfoSource& info, const auth::Authenticator& auth)
//         : JobsRpc(jobs, executor, info, auth) {}
//   };
#ifndef KIOSK_COMMON_SERVER_JOBS_RPC_H_
#define KIOSK_COMMON_SERVER_JOBS_RPC_H_

#include <utility>

#include "common/jobs/job_runtime.h"
#include "common/server/authenticated.h"
#include "kiosk/common/v1/jobs.pb.h"

namespace kiosk::server {

// A job as the API shows it (also for services that return their own jobs,
// e.g. kiosk-plex's SyncLibrary).
void JobToProto(const jobs::Job& job, common::v1::Job* out);

// The blocking work of each RPC (run on the executor), proto in and out.
absl::Status ListJobs(jobs::JobQueue& queue, const common::v1::ListJobsRequest& request,
                      common::v1::ListJobsResponse* response);
absl::Status GetJob(jobs::JobQueue& queue, int64_t id, common::v1::Job* response);
absl::Status RetryJob(jobs::JobQueue& queue, int64_t id, common::v1::Job* response);
absl::Status CancelJob(jobs::JobQueue& queue, int64_t id, common::v1::Job* response);
absl::Status ListSchedules(jobs::PeriodicScheduler* scheduler,
                           common::v1::ListSchedulesResponse* response);
absl::Status RunSchedule(jobs::JobRuntime& jobs, const std::string& name,
                         common::v1::Job* response);
absl::Status GetJobStats(jobs::JobQueue& queue, common::v1::JobStats* response);

template <typename Base>
class JobsRpc : public Base {
 public:
  template <typename... Args>
  explicit JobsRpc(jobs::JobRuntime& jobs, Args&&... args)
      : Base(std::forward<Args>(args)...), jobs_(jobs) {}

  grpc::ServerUnaryReactor* ListJobs(grpc::CallbackServerContext* ctx,
                                     const common::v1::ListJobsRequest* request,
                                     common::v1::ListJobsResponse* response) override {
    return Admin(ctx, [=, this] { return server::ListJobs(jobs_.queue(), *request, response); });
  }
  grpc::ServerUnaryReactor* GetJob(grpc::CallbackServerContext* ctx,
                                   const common::v1::GetJobRequest* request,
                                   common::v1::Job* response) override {
    return Admin(ctx, [=, this] { return server::GetJob(jobs_.queue(), request->id(), response); });
  }
  grpc::ServerUnaryReactor* RetryJob(grpc::CallbackServerContext* ctx,
                                     const common::v1::RetryJobRequest* request,
                                     common::v1::Job* response) override {
    return Admin(ctx,
                 [=, this] { return server::RetryJob(jobs_.queue(), request->id(), response); });
  }
  grpc::ServerUnaryReactor* CancelJob(grpc::CallbackServerContext* ctx,
                                      const common::v1::CancelJobRequest* request,
                                      common::v1::Job* response) override {
    return Admin(ctx,
                 [=, this] { return server::CancelJob(jobs_.queue(), request->id(), response); });
  }
  grpc::ServerUnaryReactor* ListSchedules(grpc::CallbackServerContext* ctx,
                                          const common::v1::ListSchedulesRequest*,
                                          common::v1::ListSchedulesResponse* response) override {
    return Admin(ctx, [=, this] { return server::ListSchedules(jobs_.scheduler(), response); });
  }
  grpc::ServerUnaryReactor* RunSchedule(grpc::CallbackServerContext* ctx,
                                        const common::v1::RunScheduleRequest* request,
                                        common::v1::Job* response) override {
    return Admin(ctx, [=, this] { return server::RunSchedule(jobs_, request->name(), response); });
  }
  grpc::ServerUnaryReactor* GetJobStats(grpc::CallbackServerContext* ctx,
                                        const common::v1::GetJobStatsRequest*,
                                        common::v1::JobStats* response) override {
    return ServeAuthenticated(ctx, this->executor_, this->authenticator_, kPasswordChangeRequired,
                              [=, this](const auth::Caller& caller) -> absl::Status {
                                if (!caller.is_service()) {
                                  absl::Status admin = auth::RequireAdmin(caller);
                                  if (!admin.ok()) return admin;
                                }
                                return server::GetJobStats(jobs_.queue(), response);
                              });
  }

 private:
  grpc::ServerUnaryReactor* Admin(grpc::CallbackServerContext* ctx,
                                  std::function<absl::Status()> work) {
    return ServeAuthenticated(ctx, this->executor_, this->authenticator_, kPasswordChangeRequired,
                              [work = std::move(work)](const auth::Caller& caller) {
                                absl::Status admin = auth::RequireAdmin(caller);
                                return admin.ok() ? work() : admin;
                              });
  }

  jobs::JobRuntime& jobs_;
};

}  // namespace kiosk::server

#endif  // KIOSK_COMMON_SERVER_JOBS_RPC_H_
