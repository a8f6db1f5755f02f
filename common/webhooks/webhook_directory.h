// Where the delivering jobs find the admin-configured webhooks. kiosk-users
// owns them (users.webhooks) and reads its table (services/users'
// PgWebhookStore); every other service asks kiosk-users
// (RemoteWebhookDirectory, cached).
#ifndef KIOSK_COMMON_WEBHOOKS_WEBHOOK_DIRECTORY_H_
#define KIOSK_COMMON_WEBHOOKS_WEBHOOK_DIRECTORY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace kiosk::webhooks {

struct Webhook {
  int64_t id = 0;
  std::string name;
  std::string url;
  std::string secret;               // signs deliveries; never logged
  std::vector<std::string> events;  // names or "group.*"; empty = every event
  bool enabled = true;
};

class WebhookDirectory {
 public:
  virtual ~WebhookDirectory() = default;
  // The enabled webhooks (any filter).
  virtual absl::StatusOr<std::vector<Webhook>> Enabled() = 0;
  // Webhook `id`, or nullopt when it does not exist (deleted). A directory
  // that only knows enabled webhooks also answers nullopt for disabled ones.
  virtual absl::StatusOr<std::optional<Webhook>> Find(int64_t id) = 0;
};

}  // namespace kiosk::webhooks

#endif  // KIOSK_COMMON_WEBHOOKS_WEBHOOK_DIRECTORY_H_
