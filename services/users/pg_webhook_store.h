// WebhookStore on PostgreSQL (users.webhooks). It is also kiosk-users' own
// webhooks::WebhookDirectory: the delivery jobs read the table directly.
//
//   PgWebhookStore webhooks(pool);
//   webhooks::RegisterWebhookJobs(jobs, webhooks, http);
#ifndef KIOSK_SERVICES_USERS_PG_WEBHOOK_STORE_H_
#define KIOSK_SERVICES_USERS_PG_WEBHOOK_STORE_H_

#include "common/db/connection_pool.h"
#include "common/webhooks/webhook_directory.h"
#include "services/users/webhook_store.h"

namespace kiosk::users {

class PgWebhookStore final : public WebhookStore, public webhooks::WebhookDirectory {
 public:
  explicit PgWebhookStore(db::ConnectionPool& pool) : pool_(pool) {}

  absl::StatusOr<StoredWebhook> CreateWebhook(const StoredWebhook& hook) override;
  absl::StatusOr<std::vector<StoredWebhook>> ListWebhooks(bool enabled_only) override;
  absl::StatusOr<StoredWebhook> FindWebhook(int64_t id) override;
  absl::StatusOr<StoredWebhook> UpdateWebhook(int64_t id, const WebhookPatch& patch) override;
  absl::Status DeleteWebhook(int64_t id) override;

  // webhooks::WebhookDirectory
  absl::StatusOr<std::vector<webhooks::Webhook>> Enabled() override;
  absl::StatusOr<std::optional<webhooks::Webhook>> Find(int64_t id) override;

 private:
  db::ConnectionPool& pool_;
};

// The directory's view of a stored webhook.
webhooks::Webhook ToDirectoryWebhook(const StoredWebhook& hook);

}  // namespace kiosk::users

#endif  // KIOSK_SERVICES_USERS_PG_WEBHOOK_STORE_H_
