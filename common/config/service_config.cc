#include "common/config/service_config.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/crypto.h"
#include "common/status_macros.h"

namespace kiosk::config {
namespace {

absl::Status ValidateListenAddr(absl::string_view addr) {
  size_t colon = addr.rfind(':');
  int port = -1;
  if (colon == absl::string_view::npos || colon == 0 ||
      !absl::SimpleAtoi(addr.substr(colon + 1), &port) || port < 0 || port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat(
        "LISTEN_ADDR must be host:port (port 0 picks a free one), e.g. 127.0.0.1:50051, got \"",
        addr, "\""));
  }
  return absl::OkStatus();
}

absl::Status ValidateSecretKey(Environment env, const std::string& key, bool key_set) {
  if (env != Environment::kProduction) return absl::OkStatus();
  if (!key_set || key.empty()) {
    return absl::InvalidArgumentError(
        "SECRET_KEY must be set in production (e.g. `openssl rand -hex 32`)");
  }
  if (IsExampleSecret(key)) {
    return absl::InvalidArgumentError(
        "SECRET_KEY is an example placeholder, which production refuses; generate one with "
        "`openssl rand -hex 32`");
  }
  if (key.size() < kMinProductionSecretKeyBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "SECRET_KEY is too short for production: ", key.size(), " bytes, at least ",
        kMinProductionSecretKeyBytes, " needed; generate one with `openssl rand -hex 32`"));
  }
  return absl::OkStatus();
}

std::string RandomHexKey() { return absl::BytesToHexString(RandomBytes(32)); }

}  // namespace

bool IsExampleSecret(absl::string_view key) {
  std::string lower = absl::AsciiStrToLower(key);
  for (absl::string_view placeholder :
       {"changeme", "change-me", "change_me", "change me", "your-secret", "your_secret",
        "yoursecret", "example", "placeholder", "insecure", "xxxxxxxx"}) {
    if (absl::StrContains(lower, placeholder)) return true;
  }
  return lower == "secret" || lower == "secret_key" || lower == "secret-key" || lower == "password";
}

absl::string_view EnvironmentName(Environment env) {
  return env == Environment::kProduction ? "production" : "development";
}

std::vector<SettingSpec> ServiceSettingSpecs(absl::string_view default_listen_addr) {
  return {
      {"LISTEN_ADDR", std::string(default_listen_addr),
       "gRPC listen address host:port; port 0 picks a free port and logs it"},
      {"DATABASE_URL", db::kDefaultDatabaseUrl,
       "PostgreSQL URL (postgresql://, postgresql+asyncpg://, or libpq key=value)", true},
      {"SECRET_KEY", "",
       "key that signs access tokens; production needs 32+ random bytes; development "
       "generates one per run when unset",
       true},
      {"KIOSK_ENV", "development", "development or production"},
      {"LOG_LEVEL", "info", "debug, info, warn or error"},
      {"DB_POOL_SIZE", "10", "database connections kept open"},
      {"DB_MAX_OVERFLOW", "20", "extra connections opened under load, closed when idle"},
      {"DB_POOL_RECYCLE", "3600", "seconds after which a connection is replaced"},
      {"DB_POOL_PRE_PING", "true", "check each connection at checkout and replace dead ones"},
      {"DB_POOL_TIMEOUT", "30", "seconds to wait for a free connection before UNAVAILABLE"},
      {"DB_HEALTH_INTERVAL", "1", "seconds between database pings that drive gRPC health"},
      {"SHUTDOWN_GRACE", "10", "seconds in-flight calls may take to finish on SIGTERM"},
      {"USERS_ADDR", "127.0.0.1:50051", "kiosk-users, which checks API keys for every service"},
      {"JOB_WORKERS", "2", "threads running this service's background jobs"},
      {"JOB_LEASE", "30", "seconds a running job is leased (renewed while it runs)"},
      {"JOB_POLL_INTERVAL", "5",
       "seconds between fallback polls of the job queue (LISTEN/NOTIFY wakes workers at once)"},
      {"JOB_RETENTION_DAYS", "14", "finished jobs older than this are deleted daily"},
  };
}

absl::StatusOr<ServiceConfig> ServiceConfig::Load(const Settings& settings) {
  ServiceConfig config;
  config.listen_addr = settings.Get("LISTEN_ADDR");
  RETURN_IF_ERROR(ValidateListenAddr(config.listen_addr));

  std::string env = settings.Get("KIOSK_ENV");
  if (env == "production") {
    config.environment = Environment::kProduction;
  } else if (env == "development") {
    config.environment = Environment::kDevelopment;
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("KIOSK_ENV must be development or production, got \"", env, "\""));
  }

  absl::StatusOr<log::Level> level = log::ParseLevel(settings.Get("LOG_LEVEL"));
  if (!level.ok())
    return absl::InvalidArgumentError(absl::StrCat("LOG_LEVEL: ", level.status().message()));
  config.log_level = *level;

  std::optional<std::string> url = settings.Explicit("DATABASE_URL");
  config.database_url_defaulted = !url.has_value();
  if (config.database_url_defaulted && config.environment == Environment::kProduction) {
    return absl::InvalidArgumentError("DATABASE_URL must be set in production");
  }
  absl::StatusOr<db::DatabaseUrl> database = db::ParseDatabaseUrl(settings.Get("DATABASE_URL"));
  if (!database.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("DATABASE_URL: ", database.status().message()));
  }
  config.database = *std::move(database);

  std::optional<std::string> key = settings.Explicit("SECRET_KEY");
  config.secret_key = settings.Get("SECRET_KEY");
  RETURN_IF_ERROR(ValidateSecretKey(config.environment, config.secret_key, key.has_value()));
  if (config.secret_key.empty()) {
    config.secret_key = RandomHexKey();
    config.secret_key_generated = true;
  }

  ASSIGN_OR_RETURN(config.pool.pool_size, settings.GetInt("DB_POOL_SIZE", 1, 1000));
  ASSIGN_OR_RETURN(config.pool.max_overflow, settings.GetInt("DB_MAX_OVERFLOW", 0, 1000));
  ASSIGN_OR_RETURN(config.pool.recycle,
                   settings.GetSeconds("DB_POOL_RECYCLE", absl::Seconds(1), absl::Hours(24 * 7)));
  ASSIGN_OR_RETURN(config.pool.pre_ping, settings.GetBool("DB_POOL_PRE_PING"));
  ASSIGN_OR_RETURN(config.pool.checkout_timeout,
                   settings.GetSeconds("DB_POOL_TIMEOUT", absl::Milliseconds(10), absl::Hours(1)));
  ASSIGN_OR_RETURN(
      config.health_interval,
      settings.GetSeconds("DB_HEALTH_INTERVAL", absl::Milliseconds(100), absl::Minutes(10)));
  ASSIGN_OR_RETURN(config.shutdown_grace,
                   settings.GetSeconds("SHUTDOWN_GRACE", absl::ZeroDuration(), absl::Hours(1)));
  config.users_addr = settings.Get("USERS_ADDR");
  ASSIGN_OR_RETURN(config.job_workers, settings.GetInt("JOB_WORKERS", 1, 64));
  ASSIGN_OR_RETURN(config.job_lease,
                   settings.GetSeconds("JOB_LEASE", absl::Seconds(1), absl::Hours(1)));
  ASSIGN_OR_RETURN(
      config.job_poll_interval,
      settings.GetSeconds("JOB_POLL_INTERVAL", absl::Milliseconds(100), absl::Minutes(10)));
  ASSIGN_OR_RETURN(int retention_days, settings.GetInt("JOB_RETENTION_DAYS", 1, 3650));
  config.job_retention = absl::Hours(24) * retention_days;
  config.pool.conninfo = config.database.ToConnString();
  return config;
}

}  // namespace kiosk::config
