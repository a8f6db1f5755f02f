#include "services/users/api_keys.h"

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/crypto.h"

namespace kiosk::users {

absl::StatusOr<std::pair<std::string, ApiKey>> ApiKeys::Create(const auth::Caller& caller,
                                                               const std::string& name) {
  if (absl::Status s = auth::RequireAdmin(caller); !s.ok()) return s;
  if (name.empty() || name.size() > 100) {
    return absl::InvalidArgumentError("the key name must have 1 to 100 characters");
  }
  std::string key = absl::StrCat(kApiKeyPrefix, absl::WebSafeBase64Escape(RandomBytes(32)));
  absl::StatusOr<ApiKey> record =
      store_.CreateApiKey(caller.user_id, name, key.substr(0, 11), Sha256Hex(key));
  if (!record.ok()) return record.status();
  return std::make_pair(key, *record);
}

absl::StatusOr<std::vector<ApiKey>> ApiKeys::List(const auth::Caller& caller) {
  return store_.ListApiKeys(caller.user_id);
}

absl::Status ApiKeys::Revoke(const auth::Caller& caller, int64_t id) {
  return store_.RevokeApiKey(
      id, caller.is_admin() ? std::nullopt : std::optional<int64_t>(caller.user_id));
}

absl::StatusOr<auth::Caller> ApiKeys::Resolve(absl::string_view key) {
  // "pk_" + 43 base64url characters; anything else is not worth a query.
  if (!absl::StartsWith(key, kApiKeyPrefix) || key.size() != 46) {
    return absl::UnauthenticatedError("malformed API key");
  }
  absl::StatusOr<std::pair<User, int64_t>> used = store_.UseApiKey(Sha256Hex(key));
  if (absl::IsNotFound(used.status())) {
    return absl::UnauthenticatedError("unknown or revoked API key");
  }
  if (!used.ok()) return used.status();
  const User& user = used->first;
  if (!user.is_active) return absl::UnauthenticatedError("the API key's user is deactivated");
  auth::Caller caller;
  caller.user_id = user.id;
  caller.role = user.role;
  caller.must_change_password = user.must_change_password;
  caller.token_id = absl::StrCat("apikey:", used->second);
  return caller;
}

}  // namespace kiosk::users
