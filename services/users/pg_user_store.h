// UserStore on PostgreSQL (schema `users`), through the connection pool.
// Given a job queue, CreateUser also emits the webhook event user.created
// in the transaction of the INSERT (common/webhooks/outbox.h).
#ifndef KIOSK_SERVICES_USERS_PG_USER_STORE_H_
#define KIOSK_SERVICES_USERS_PG_USER_STORE_H_

#include "common/db/connection_pool.h"
#include "common/jobs/job_queue.h"
#include "services/users/user_store.h"

namespace kiosk::users {

class PgUserStore final : public UserStore {
 public:
  // `events` null = no webhook events (tests, tools).
  explicit PgUserStore(db::ConnectionPool& pool, const jobs::JobQueue* events = nullptr)
      : pool_(pool), events_(events) {}

  absl::StatusOr<User> FindByLogin(const std::string& login) override;
  absl::StatusOr<User> FindById(int64_t id) override;
  absl::Status RecordLogin(int64_t user_id, const std::string& new_hash) override;
  absl::Status SetPassword(int64_t user_id, const std::string& new_hash,
                           bool must_change_password) override;
  absl::StatusOr<User> CreateUser(const User& user) override;
  absl::StatusOr<std::pair<std::vector<User>, int>> ListUsers(const UserFilter& filter, int limit,
                                                              int offset) override;
  absl::StatusOr<User> UpdateUser(int64_t id, const UserPatch& patch) override;
  absl::Status DeleteUser(int64_t id) override;
  absl::Status InsertRefreshToken(int64_t user_id, const std::string& family_id,
                                  const std::string& token_hash, absl::Time expires_at,
                                  const std::string& client_addr) override;
  absl::StatusOr<RotationOutcome> RotateRefreshToken(const std::string& old_hash,
                                                     const std::string& new_hash, absl::Time now,
                                                     absl::Time expires_at,
                                                     const std::string& client_addr,
                                                     int64_t* user_id) override;
  absl::Status RevokeRefreshToken(int64_t user_id, const std::string& token_hash) override;
  absl::StatusOr<ApiKey> CreateApiKey(int64_t user_id, const std::string& name,
                                      const std::string& prefix,
                                      const std::string& key_hash) override;
  absl::StatusOr<std::vector<ApiKey>> ListApiKeys(int64_t user_id) override;
  absl::Status RevokeApiKey(int64_t id, std::optional<int64_t> owner) override;
  absl::StatusOr<std::pair<User, int64_t>> UseApiKey(const std::string& key_hash) override;
  absl::StatusOr<std::vector<StoredSetting>> ListSettings() override;
  absl::Status WriteSettings(const std::vector<SettingWrite>& writes, int64_t updated_by) override;
  absl::StatusOr<std::optional<absl::Time>> BlockedUntil(const std::vector<std::string>& keys,
                                                         absl::Time now) override;
  absl::Status RecordFailure(const std::vector<std::string>& keys, absl::Time now,
                             const ThrottlePolicy& policy) override;
  absl::Status ClearFailures(const std::string& key) override;

 private:
  db::ConnectionPool& pool_;
  const jobs::JobQueue* events_;
};

}  // namespace kiosk::users

#endif  // KIOSK_SERVICES_USERS_PG_USER_STORE_H_
