// Webhook management of kiosk-users: what admins do to webhooks, and the
// service-only listing other services deliver from. No gRPC here; every call
// states who calls.
//
//   WebhookAdmin admin(store, jobs.queue());
//   ASSIGN_OR_RETURN(StoredWebhook created, admin.Create(caller, hook));  // secret in clear
#ifndef KIOSK_SERVICES_USERS_WEBHOOK_ADMIN_H_
#define KIOSK_SERVICES_USERS_WEBHOOK_ADMIN_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/auth/caller.h"
#include "common/jobs/job_queue.h"
#include "services/users/model.h"
#include "services/users/webhook_store.h"

namespace kiosk::users {

class WebhookAdmin {
 public:
  WebhookAdmin(WebhookStore& store, jobs::JobQueue& queue) : store_(store), queue_(queue) {}

  // Admin. An empty `hook.secret` gets a random one (32 bytes, hex). The
  // answer holds the secret: the only time it is shown.
  absl::StatusOr<StoredWebhook> Create(const auth::Caller& caller, StoredWebhook hook);
  absl::StatusOr<std::vector<StoredWebhook>> List(const auth::Caller& caller);
  absl::StatusOr<StoredWebhook> Update(const auth::Caller& caller, int64_t id, WebhookPatch patch);
  absl::Status Delete(const auth::Caller& caller, int64_t id);
  // Enqueues a webhook.test delivery to webhook `id` only and returns its
  // job id. FAILED_PRECONDITION when the webhook is disabled.
  absl::StatusOr<int64_t> Test(const auth::Caller& caller, int64_t id);
  // Services only: the enabled webhooks, secrets included.
  absl::StatusOr<std::vector<StoredWebhook>> Targets(const auth::Caller& caller);

 private:
  WebhookStore& store_;
  jobs::JobQueue& queue_;
};

// Each INVALID_ARGUMENT names the field.
absl::Status ValidateWebhookName(const std::string& name);
absl::Status ValidateWebhookUrl(const std::string& url);
absl::Status ValidateWebhookSecret(const std::string& secret);
// Names or groups of known events; duplicates are dropped, order kept.
absl::StatusOr<std::vector<std::string>> NormalizeEventFilter(
    const std::vector<std::string>& events);

}  // namespace kiosk::users

#endif  // KIOSK_SERVICES_USERS_WEBHOOK_ADMIN_H_
