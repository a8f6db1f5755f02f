// API keys of kiosk-users: named, shown once, stored as SHA-256, revocable,
// with the time of last use. A call with `x-api-key` acts as the key's user
// (the convention Overseerr users know). Creating keys is for admins.
#ifndef KIOSK_SERVICES_USERS_API_KEYS_H_
#define KIOSK_SERVICES_USERS_API_KEYS_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "common/auth/caller.h"
#include "services/users/model.h"
#include "services/users/user_store.h"

namespace kiosk::users {

inline constexpr char kApiKeyPrefix[] = "pk_";

class ApiKeys {
 public:
  explicit ApiKeys(UserStore& store) : store_(store) {}

  // The key itself (only here) and its record.
  absl::StatusOr<std::pair<std::string, ApiKey>> Create(const auth::Caller& caller,
                                                        const std::string& name);
  absl::StatusOr<std::vector<ApiKey>> List(const auth::Caller& caller);
  // Own keys; admins may revoke anyone's.
  absl::Status Revoke(const auth::Caller& caller, int64_t id);
  // For auth::Authenticator: UNAUTHENTICATED for a malformed, unknown or
  // revoked key, or a deactivated user.
  absl::StatusOr<auth::Caller> Resolve(absl::string_view key);

 private:
  UserStore& store_;
};

}  // namespace kiosk::users

#endif  // KIOSK_SERVICES_USERS_API_KEYS_H_
