#include "services/media/request_job.h"

#include "absl/strings/str_cat.h"
#include "common/log/log.h"
#include "nlohmann/json.hpp"
#include "services/media/request_status.h"

namespace kiosk::media {

absl::Status RequestJob::Run(const jobs::Job& job) {
  nlohmann::json payload = nlohmann::json::parse(job.payload, nullptr, false);
  if (!payload.is_object() || !payload.contains("request_id") ||
      !payload["request_id"].is_number_integer()) {
    return absl::InvalidArgumentError("request job payload needs an integer request_id");
  }
  int64_t id = payload["request_id"].get<int64_t>();
  std::string trace = absl::StrCat("job-", job.id);
  absl::StatusOr<MediaRequest> request = store_.Get(id);
  if (absl::IsNotFound(request.status())) return absl::OkStatus();  // deleted since
  if (!request.ok()) return request.status();
  if (request->status != kApproved) {
    log::Info("request_job_skipped").With("id", id).With("status", request->status);
    return absl::OkStatus();
  }
  if (absl::Status s = downloads_.Submit(id, request->user_id, trace); !s.ok()) return s;
  absl::StatusOr<MediaRequest> moved = store_.Transition(
      id,
      [](const MediaRequest& current) -> absl::StatusOr<TransitionPlan> {
        // kiosk-downloads may already have moved it further: keep that.
        if (current.status != kApproved) return TransitionPlan{current.status, "", std::nullopt};
        return TransitionPlan{kProcessing, "handed to kiosk-downloads", std::nullopt};
      },
      Actor{0, "kiosk-media"}, clock_());
  if (absl::IsNotFound(moved.status())) return absl::OkStatus();
  if (!moved.ok()) return moved.status();
  log::Info("request_submitted").With("id", id).With("status", moved->status);
  return absl::OkStatus();
}

}  // namespace kiosk::media
