// The typed system settings that the services need, declared once: key,
// type, default, description. Values are JSON (users.system_settings.value).
// Validation happens on write; secrets are never returned after being set.
#ifndef KIOSK_SERVICES_USERS_SETTINGS_SCHEMA_H_
#define KIOSK_SERVICES_USERS_SETTINGS_SCHEMA_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kiosk::users {

enum class SettingType {
  kString,
  kUrl,
  kSecret,
  kAbsolutePath,
  kInteger,
  kNumber,
  kBoolean,
  kLanguage,
  kPathMap,
};

struct SettingDef {
  std::string key;
  SettingType type;
  std::string description;
  nlohmann::json default_value;  // null = unset
  int min = 0;                   // kInteger and kNumber only
  int max = 0;
};

const std::vector<SettingDef>& SettingDefinitions();
// nullptr for an unknown key.
const SettingDef* FindSetting(absl::string_view key);
absl::string_view SettingTypeName(SettingType type);

// The value to store, or InvalidArgument naming the key and the rule.
// URLs must be http(s) with a host; paths absolute; numbers in range; a
// path map is "<remote path>=<local path>" pairs (the remote side as Plex or
// qBittorrent sees it) separated by ";", each
// side absolute.
absl::StatusOr<nlohmann::json> ValidateSetting(const SettingDef& def, const nlohmann::json& value);

}  // namespace kiosk::users

#endif  // KIOSK_SERVICES_USERS_SETTINGS_SCHEMA_H_
