// Storage of kiosk-users (accounts, refresh tokens, login throttling),
// behind an interface so the logic is testable and the SQL stays in one file.
// Refresh tokens and API keys are handled as SHA-256 digests only.
#ifndef KIOSK_SERVICES_USERS_USER_STORE_H_
#define KIOSK_SERVICES_USERS_USER_STORE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/users/model.h"

namespace kiosk::users {

struct ThrottlePolicy {
  int max_failures = 5;  // within `window`, then blocked
  absl::Duration window = absl::Minutes(15);
  absl::Duration block = absl::Minutes(15);
};

class UserStore {
 public:
  virtual ~UserStore() = default;

  // By username or email, case-insensitive. NotFound when none.
  virtual absl::StatusOr<User> FindByLogin(const std::string& login) = 0;
  virtual absl::StatusOr<User> FindById(int64_t id) = 0;

  // Successful login: last_login_at = now, and a stronger hash if given.
  virtual absl::Status RecordLogin(int64_t user_id, const std::string& new_hash) = 0;
  // New password hash and must_change_password flag; revokes every refresh
  // token of the user (reason password_changed), in one transaction.
  virtual absl::Status SetPassword(int64_t user_id, const std::string& new_hash,
                                   bool must_change_password) = 0;

  // Admin operations. `user.password_hash` must be set; AlreadyExists when
  // the username or email is taken (any case).
  virtual absl::StatusOr<User> CreateUser(const User& user) = 0;
  // Users matching `filter`, newest first, and how many match in all.
  virtual absl::StatusOr<std::pair<std::vector<User>, int>> ListUsers(const UserFilter& filter,
                                                                      int limit, int offset) = 0;
  // Both refuse, with FAILED_PRECONDITION, to leave no active admin.
  virtual absl::StatusOr<User> UpdateUser(int64_t id, const UserPatch& patch) = 0;
  virtual absl::Status DeleteUser(int64_t id) = 0;

  // Stores a refresh token of a new family (family_id "") or of `family_id`.
  virtual absl::Status InsertRefreshToken(int64_t user_id, const std::string& family_id,
                                          const std::string& token_hash, absl::Time expires_at,
                                          const std::string& client_addr) = 0;
  // Exchanges `old_hash` for `new_hash` in the same family, atomically.
  // On kRotated, `user_id` is set.
  virtual absl::StatusOr<RotationOutcome> RotateRefreshToken(const std::string& old_hash,
                                                             const std::string& new_hash,
                                                             absl::Time now, absl::Time expires_at,
                                                             const std::string& client_addr,
                                                             int64_t* user_id) = 0;
  // Revokes one token of `user_id` (reason logout). NotFound when it is not his.
  virtual absl::Status RevokeRefreshToken(int64_t user_id, const std::string& token_hash) = 0;

  // API keys, by SHA-256 digest. AlreadyExists for a live name taken.
  virtual absl::StatusOr<ApiKey> CreateApiKey(int64_t user_id, const std::string& name,
                                              const std::string& prefix,
                                              const std::string& key_hash) = 0;
  virtual absl::StatusOr<std::vector<ApiKey>> ListApiKeys(int64_t user_id) = 0;
  // Revokes key `id`; when `owner` is set, only if it belongs to him.
  // NotFound otherwise.
  virtual absl::Status RevokeApiKey(int64_t id, std::optional<int64_t> owner) = 0;
  // The live key's owner (any state: the caller checks is_active) and the
  // key id; records the use. NotFound for unknown or revoked keys.
  virtual absl::StatusOr<std::pair<User, int64_t>> UseApiKey(const std::string& key_hash) = 0;

  // System settings. WriteSettings applies every write or none.
  virtual absl::StatusOr<std::vector<StoredSetting>> ListSettings() = 0;
  virtual absl::Status WriteSettings(const std::vector<SettingWrite>& writes,
                                     int64_t updated_by) = 0;

  // Login throttling, keyed "user:<login>" / "addr:<ip>".
  // When any key is blocked at `now`, the time it is blocked until.
  virtual absl::StatusOr<std::optional<absl::Time>> BlockedUntil(
      const std::vector<std::string>& keys, absl::Time now) = 0;
  virtual absl::Status RecordFailure(const std::vector<std::string>& keys, absl::Time now,
                                     const ThrottlePolicy& policy) = 0;
  virtual absl::Status ClearFailures(const std::string& key) = 0;
};

}  // namespace kiosk::users

#endif  // KIOSK_SERVICES_USERS_USER_STORE_H_
