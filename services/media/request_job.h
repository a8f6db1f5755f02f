// The `request` job (the old Celery `request` worker): queued in the
// transaction that approves a request, it hands the request to
// kiosk-downloads (SubmitRequest, idempotent) and moves it approved ->
// processing. kiosk-downloads down -> the attempt fails and the queue
// retries it with backoff. A request no longer approved (cancelled, deleted,
// already moved on) needs nothing: the job succeeds.
//
//   RequestJob job(store, downloads);
//   env.jobs.Register(kRequestJobKind, [&](const jobs::Job& j) { return job.Run(j); });
#ifndef KIOSK_SERVICES_MEDIA_REQUEST_JOB_H_
#define KIOSK_SERVICES_MEDIA_REQUEST_JOB_H_

#include <functional>

#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "common/jobs/job.h"
#include "services/media/peers.h"
#include "services/media/request_store.h"

namespace kiosk::media {

class RequestJob {
 public:
  RequestJob(
      RequestStore& store, DownloadsDesk& downloads,
      std::function<absl::Time()> clock = [] { return absl::Now(); })
      : store_(store), downloads_(downloads), clock_(std::move(clock)) {}

  absl::Status Run(const jobs::Job& job);

 private:
  RequestStore& store_;
  DownloadsDesk& downloads_;
  std::function<absl::Time()> clock_;
};

}  // namespace kiosk::media

#endif  // KIOSK_SERVICES_MEDIA_REQUEST_JOB_H_
