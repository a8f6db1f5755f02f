#include "common/server/remote_settings.h"

#include <google/protobuf/util/json_util.h>

#include "absl/time/clock.h"
#include "kiosk/users/v1/users_service.grpc.pb.h"

namespace kiosk::server {
namespace {

const nlohmann::json& Null() {
  static const nlohmann::json* null = new nlohmann::json();
  return *null;
}

std::map<std::string, nlohmann::json> Select(const std::map<std::string, nlohmann::json>& all,
                                             const std::vector<std::string>& keys) {
  if (keys.empty()) return all;
  std::map<std::string, nlohmann::json> out;
  for (const std::string& key : keys) {
    auto it = all.find(key);
    out[key] = it == all.end() ? nlohmann::json() : it->second;
  }
  return out;
}

}  // namespace

const nlohmann::json& SettingValues::Get(const std::string& key) const {
  auto it = values_.find(key);
  return it == values_.end() ? Null() : it->second;
}

std::string SettingValues::String(const std::string& key, const std::string& fallback) const {
  const nlohmann::json& v = Get(key);
  return v.is_string() ? v.get<std::string>() : fallback;
}

int64_t SettingValues::Int(const std::string& key, int64_t fallback) const {
  const nlohmann::json& v = Get(key);
  if (v.is_number_integer()) return v.get<int64_t>();
  // google.protobuf.Value carries every number as a double.
  if (v.is_number_float()) return static_cast<int64_t>(v.get<double>());
  return fallback;
}

double SettingValues::Number(const std::string& key, double fallback) const {
  const nlohmann::json& v = Get(key);
  return v.is_number() ? v.get<double>() : fallback;
}

bool SettingValues::Bool(const std::string& key, bool fallback) const {
  const nlohmann::json& v = Get(key);
  return v.is_boolean() ? v.get<bool>() : fallback;
}

RemoteSettings::RemoteSettings(PeerClient users, absl::Duration ttl)
    : users_(std::move(users)), ttl_(ttl) {}

absl::StatusOr<SettingValues> RemoteSettings::Get(const std::vector<std::string>& keys) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (absl::Now() < expires_) return SettingValues(Select(cached_, keys));
  }
  // All settings at once: one call serves every key for `ttl`.
  auto stub = kiosk::users::v1::UsersService::NewStub(users_.channel());
  kiosk::users::v1::GetServiceSettingsRequest request;
  absl::StatusOr<kiosk::users::v1::GetServiceSettingsResponse> response =
      users_.Call<kiosk::users::v1::GetServiceSettingsResponse>(
          "read the system settings", "",
          [&](grpc::ClientContext* ctx, kiosk::users::v1::GetServiceSettingsResponse* out) {
            return stub->GetServiceSettings(ctx, request, out);
          });
  if (!response.ok()) return response.status();
  std::map<std::string, nlohmann::json> values;
  for (const auto& [key, value] : response->values()) {
    std::string json;
    if (!google::protobuf::util::MessageToJsonString(value, &json).ok()) continue;
    values[key] = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  }
  std::lock_guard<std::mutex> lock(mu_);
  cached_ = std::move(values);
  expires_ = absl::Now() + ttl_;
  return SettingValues(Select(cached_, keys));
}

void RemoteSettings::Invalidate() {
  std::lock_guard<std::mutex> lock(mu_);
  expires_ = absl::InfinitePast();
}

absl::StatusOr<SettingValues> FixedSettings::Get(const std::vector<std::string>& keys) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!failure_.ok()) return failure_;
  return SettingValues(Select(values_, keys));
}

void FixedSettings::Set(const std::string& key, nlohmann::json value) {
  std::lock_guard<std::mutex> lock(mu_);
  values_[key] = std::move(value);
}

void FixedSettings::Fail(absl::Status status) {
  std::lock_guard<std::mutex> lock(mu_);
  failure_ = std::move(status);
}

}  // namespace kiosk::server
