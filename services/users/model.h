// Plain data of kiosk-users: no protobuf, gRPC or SQL types.
#ifndef KIOSK_SERVICES_USERS_MODEL_H_
#define KIOSK_SERVICES_USERS_MODEL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace kiosk::users {

struct User {
  int64_t id = 0;
  std::string username;
  std::string email;
  std::string password_hash;  // Argon2 PHC string; never leaves the service
  std::string role;           // "admin" | "user"
  bool is_active = true;
  bool must_change_password = false;
  bool auto_approve = false;
  std::string preferred_language = "fr";
  absl::Time created_at;
  std::optional<absl::Time> last_login_at;
  // Unset = the default quota from the system settings.
  std::optional<int> movie_quota_limit;
  std::optional<int> movie_quota_days;
  std::optional<int> tv_quota_limit;
  std::optional<int> tv_quota_days;
};

// Fields an admin may change; unset = unchanged. For quotas, a set value
// that is itself empty clears the quota.
struct UserPatch {
  std::optional<std::string> role;
  std::optional<bool> is_active;
  std::optional<bool> auto_approve;
  std::optional<std::string> preferred_language;
  std::optional<std::string> email;
  std::optional<std::optional<int>> movie_quota_limit;
  std::optional<std::optional<int>> movie_quota_days;
  std::optional<std::optional<int>> tv_quota_limit;
  std::optional<std::optional<int>> tv_quota_days;
};

struct UserFilter {
  std::string role;  // "" = any
  std::optional<bool> is_active;
  std::string search;  // substring of username or email, any case
};

struct ApiKey {
  int64_t id = 0;
  int64_t user_id = 0;
  std::string name;
  std::string prefix;
  absl::Time created_at;
  std::optional<absl::Time> last_used_at;
};

// A row of users.system_settings; `json` is the value as JSON text.
struct StoredSetting {
  std::string key;
  std::string json;
  absl::Time updated_at;
};

// A write: `json` empty = back to the default (row deleted).
struct SettingWrite {
  std::string key;
  std::optional<std::string> json;
  bool is_secret = false;
};

// What happened to a refresh token presented for rotation.
enum class RotationOutcome {
  kRotated,  // exchanged: the new token is stored
  kReused,   // already exchanged or revoked: the whole family is now revoked
  kExpired,
  kUnknown,
};

// A row of users.webhooks: where events are POSTed and how they are signed.
struct StoredWebhook {
  int64_t id = 0;
  std::string name;
  std::string url;
  std::string secret;               // never leaves the service but to other services
  std::vector<std::string> events;  // names or "group.*"; empty = every event
  bool enabled = true;
  absl::Time created_at;
  absl::Time updated_at;
};

// Fields an admin may change; unset = unchanged (events set to empty = every
// event).
struct WebhookPatch {
  std::optional<std::string> name;
  std::optional<std::string> url;
  std::optional<std::string> secret;
  std::optional<std::vector<std::string>> events;
  std::optional<bool> enabled;
};

}  // namespace kiosk::users

#endif  // KIOSK_SERVICES_USERS_MODEL_H_
