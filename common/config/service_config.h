// The settings every plex-kiosk service binary shares, validated at start-up.
//
//   std::vector<SettingSpec> specs = ServiceSettingSpecs("127.0.0.1:50051");
//   ASSIGN_OR_RETURN(Settings settings, Settings::FromArgs(argc, argv, specs));
//   ASSIGN_OR_RETURN(ServiceConfig config, ServiceConfig::Load(settings));
//
// Load() fails with one line naming the variable and the problem. In
// production it refuses a missing, example or short SECRET_KEY and an unset
// DATABASE_URL; in development a missing SECRET_KEY becomes a random one for
// this run (tokens then die with the process; `./kiosk up` shares one key).
#ifndef KIOSK_COMMON_CONFIG_SERVICE_CONFIG_H_
#define KIOSK_COMMON_CONFIG_SERVICE_CONFIG_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/config/settings.h"
#include "common/db/connection_pool.h"
#include "common/db/database_url.h"
#include "common/log/log.h"

namespace kiosk::config {

enum class Environment { kDevelopment, kProduction };
absl::string_view EnvironmentName(Environment env);

inline constexpr size_t kMinProductionSecretKeyBytes = 32;

// Placeholders copied from examples and tutorials ("changeme",
// "your-secret-key-here", ...); production refuses them.
bool IsExampleSecret(absl::string_view key);

struct ServiceConfig {
  std::string listen_addr;
  Environment environment = Environment::kDevelopment;
  log::Level log_level = log::Level::kInfo;
  db::DatabaseUrl database;
  bool database_url_defaulted = false;
  std::string secret_key;  // never log it
  // Development without SECRET_KEY: a random key for this run only.
  bool secret_key_generated = false;
  db::PoolOptions pool;  // conninfo filled from `database`
  absl::Duration health_interval = absl::Seconds(1);
  absl::Duration shutdown_grace = absl::Seconds(10);
  std::string users_addr;  // kiosk-users, for API keys
  // Background jobs (common/jobs).
  int job_workers = 2;
  absl::Duration job_lease = absl::Seconds(30);
  absl::Duration job_poll_interval = absl::Seconds(5);
  absl::Duration job_retention = absl::Hours(24 * 14);

  static absl::StatusOr<ServiceConfig> Load(const Settings& settings);
};

// The shared settings, with this binary's default listen address.
std::vector<SettingSpec> ServiceSettingSpecs(absl::string_view default_listen_addr);

}  // namespace kiosk::config

#endif  // KIOSK_COMMON_CONFIG_SERVICE_CONFIG_H_
