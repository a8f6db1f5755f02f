#include "services/users/system_settings.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace kiosk::users {

absl::StatusOr<std::vector<SettingView>> SystemSettings::List(const auth::Caller& caller) {
  if (absl::Status s = auth::RequireAdmin(caller); !s.ok()) return s;
  absl::StatusOr<std::vector<StoredSetting>> stored = store_.ListSettings();
  if (!stored.ok()) return stored.status();
  std::vector<SettingView> views;
  for (const SettingDef& def : SettingDefinitions()) {
    SettingView view{&def, def.default_value, false, std::nullopt};
    for (const StoredSetting& row : *stored) {
      if (row.key != def.key) continue;
      view.is_set = true;
      view.updated_at = row.updated_at;
      view.value = nlohmann::json::parse(row.json, nullptr, /*allow_exceptions=*/false);
    }
    // Secrets go in; they never come out.
    if (def.type == SettingType::kSecret) view.value = nullptr;
    views.push_back(std::move(view));
  }
  return views;
}

absl::StatusOr<std::map<std::string, nlohmann::json>> SystemSettings::ForService(
    const auth::Caller& caller, const std::vector<std::string>& keys) {
  if (absl::Status s = auth::RequireService(caller); !s.ok()) return s;
  for (const std::string& key : keys) {
    if (FindSetting(key) == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("unknown setting \"", key, "\""));
    }
  }
  absl::StatusOr<std::vector<StoredSetting>> stored = store_.ListSettings();
  if (!stored.ok()) return stored.status();
  std::map<std::string, nlohmann::json> values;
  for (const SettingDef& def : SettingDefinitions()) {
    if (!keys.empty() && std::find(keys.begin(), keys.end(), def.key) == keys.end()) continue;
    values[def.key] = def.default_value;
    for (const StoredSetting& row : *stored) {
      if (row.key == def.key) {
        values[def.key] = nlohmann::json::parse(row.json, nullptr, /*allow_exceptions=*/false);
      }
    }
  }
  return values;
}

absl::StatusOr<std::vector<SettingView>> SystemSettings::Update(
    const auth::Caller& caller, const std::map<std::string, nlohmann::json>& values) {
  if (absl::Status s = auth::RequireAdmin(caller); !s.ok()) return s;
  if (values.empty()) return absl::InvalidArgumentError("no setting to change");
  std::vector<SettingWrite> writes;
  for (const auto& [key, value] : values) {
    const SettingDef* def = FindSetting(key);
    if (def == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("unknown setting \"", key, "\""));
    }
    SettingWrite write{key, std::nullopt, def->type == SettingType::kSecret};
    if (!value.is_null()) {
      absl::StatusOr<nlohmann::json> valid = ValidateSetting(*def, value);
      if (!valid.ok()) return valid.status();
      write.json = valid->dump();
    }
    writes.push_back(std::move(write));
  }
  if (absl::Status s = store_.WriteSettings(writes, caller.user_id); !s.ok()) return s;
  return List(caller);
}

}  // namespace kiosk::users
