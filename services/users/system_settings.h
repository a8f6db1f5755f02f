// Admin access to the system settings: read (secrets masked) and write
// (validated, all or nothing).
#ifndef KIOSK_SERVICES_USERS_SYSTEM_SETTINGS_H_
#define KIOSK_SERVICES_USERS_SYSTEM_SETTINGS_H_

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/auth/caller.h"
#include "services/users/settings_schema.h"
#include "services/users/user_store.h"

namespace kiosk::users {

struct SettingView {
  const SettingDef* def;
  nlohmann::json value;  // the stored value or the default; null for secrets
  bool is_set = false;   // a value is stored (for secrets: one exists)
  std::optional<absl::Time> updated_at;
};

class SystemSettings {
 public:
  explicit SystemSettings(UserStore& store) : store_(store) {}

  absl::StatusOr<std::vector<SettingView>> List(const auth::Caller& caller);
  // Services only: values (or defaults) of `keys` (empty = all), secrets
  // in clear. InvalidArgument for an unknown key.
  absl::StatusOr<std::map<std::string, nlohmann::json>> ForService(
      const auth::Caller& caller, const std::vector<std::string>& keys);
  // key -> new value; a JSON null resets the key to its default.
  absl::StatusOr<std::vector<SettingView>> Update(
      const auth::Caller& caller, const std::map<std::string, nlohmann::json>& values);

 private:
  UserStore& store_;
};

}  // namespace kiosk::users

#endif  // KIOSK_SERVICES_USERS_SYSTEM_SETTINGS_H_
