// Storage of the admin-configured webhooks (users.webhooks), behind an
// interface like UserStore.
#ifndef KIOSK_SERVICES_USERS_WEBHOOK_STORE_H_
#define KIOSK_SERVICES_USERS_WEBHOOK_STORE_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "services/users/model.h"

namespace kiosk::users {

class WebhookStore {
 public:
  virtual ~WebhookStore() = default;

  // AlreadyExists when the name is taken (any case).
  virtual absl::StatusOr<StoredWebhook> CreateWebhook(const StoredWebhook& hook) = 0;
  // Oldest first; only the enabled ones when `enabled_only`.
  virtual absl::StatusOr<std::vector<StoredWebhook>> ListWebhooks(bool enabled_only) = 0;
  // NotFound when none.
  virtual absl::StatusOr<StoredWebhook> FindWebhook(int64_t id) = 0;
  // NotFound when none; AlreadyExists for a name taken.
  virtual absl::StatusOr<StoredWebhook> UpdateWebhook(int64_t id, const WebhookPatch& patch) = 0;
  // NotFound when none.
  virtual absl::Status DeleteWebhook(int64_t id) = 0;
};

}  // namespace kiosk::users

#endif  // KIOSK_SERVICES_USERS_WEBHOOK_STORE_H_
