// System settings as services other than kiosk-users see them: asked from
// kiosk-users (UsersService.GetServiceSettings, a service-only RPC that
// answers secrets in clear) and cached for `ttl`, so a job that runs every
// few seconds costs no call. A setting changed by an admin is seen within
// `ttl`.
//
//   auto& settings = env.owner.Own(std::make_unique<server::RemoteSettings>(
//       server::PeerClient("kiosk-plex", "kiosk-users", "USERS_ADDR", env.config.users_addr,
//                          env.jwt)));
//   absl::StatusOr<server::SettingValues> plex = settings.Get({"plex.url", "plex.token"});
//
// Tests of the logic layers use FixedSettings instead.
#ifndef KIOSK_COMMON_SERVER_REMOTE_SETTINGS_H_
#define KIOSK_COMMON_SERVER_REMOTE_SETTINGS_H_

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/server/peer_client.h"
#include "nlohmann/json.hpp"

namespace kiosk::server {

// key -> value; a setting with neither a value nor a default is null.
class SettingValues {
 public:
  SettingValues() = default;
  explicit SettingValues(std::map<std::string, nlohmann::json> values)
      : values_(std::move(values)) {}

  // The value, or null when absent.
  const nlohmann::json& Get(const std::string& key) const;
  // Typed reads: the fallback when the setting is null or of another type.
  std::string String(const std::string& key, const std::string& fallback = "") const;
  int64_t Int(const std::string& key, int64_t fallback) const;
  double Number(const std::string& key, double fallback) const;
  bool Bool(const std::string& key, bool fallback) const;
  const std::map<std::string, nlohmann::json>& all() const { return values_; }

 private:
  std::map<std::string, nlohmann::json> values_;
};

class SettingsSource {
 public:
  virtual ~SettingsSource() = default;
  // The values of `keys` (all settings when empty).
  virtual absl::StatusOr<SettingValues> Get(const std::vector<std::string>& keys) = 0;
};

class RemoteSettings final : public SettingsSource {
 public:
  explicit RemoteSettings(PeerClient users, absl::Duration ttl = absl::Seconds(10));

  // kiosk-users unreachable -> UNAVAILABLE (see PeerClient); a job retries.
  absl::StatusOr<SettingValues> Get(const std::vector<std::string>& keys) override;
  // Forgets the cache (after an admin changed a setting through this service).
  void Invalidate();

 private:
  PeerClient users_;
  const absl::Duration ttl_;
  std::mutex mu_;
  std::map<std::string, nlohmann::json> cached_ ABSL_GUARDED_BY(mu_);
  absl::Time expires_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
};

// Settings given by the test (or by a demo): answers what it holds, null for
// the rest; `Set` changes a value between calls.
class FixedSettings final : public SettingsSource {
 public:
  FixedSettings() = default;
  explicit FixedSettings(std::map<std::string, nlohmann::json> values) : values_(std::move(values)) {}
  absl::StatusOr<SettingValues> Get(const std::vector<std::string>& keys) override;
  void Set(const std::string& key, nlohmann::json value);
  // Every Get fails with `status` until cleared with OkStatus().
  void Fail(absl::Status status);

 private:
  std::mutex mu_;
  std::map<std::string, nlohmann::json> values_ ABSL_GUARDED_BY(mu_);
  absl::Status failure_ ABSL_GUARDED_BY(mu_);
};

}  // namespace kiosk::server

#endif  // KIOSK_COMMON_SERVER_REMOTE_SETTINGS_H_
