#include "common/config/service_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/testing/fake_env.h"
#include "common/testing/status_matchers.h"

namespace kiosk::config {
namespace {

using ::kiosk::testing::StatusIs;
using ::testing::HasSubstr;

absl::StatusOr<ServiceConfig> Load(std::map<std::string, std::string> env) {
  const char* argv[] = {"kiosk-test"};
  absl::StatusOr<Settings> settings = Settings::FromArgs(
      1, argv, ServiceSettingSpecs("127.0.0.1:50051"), kiosk::testing::FakeEnv(env));
  if (!settings.ok()) return settings.status();
  return ServiceConfig::Load(*settings);
}

TEST(ServiceConfigTest, DevelopmentDefaultsMatchTheOldApplication) {
  absl::StatusOr<ServiceConfig> config = Load({});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->listen_addr, "127.0.0.1:50051");
  EXPECT_EQ(config->environment, Environment::kDevelopment);
  EXPECT_EQ(config->pool.pool_size, 10);
  EXPECT_EQ(config->pool.max_overflow, 20);
  EXPECT_EQ(config->pool.recycle, absl::Seconds(3600));
  EXPECT_TRUE(config->pool.pre_ping);
  EXPECT_TRUE(config->database_url_defaulted);
  EXPECT_EQ(config->database.dbname, "plex_kiosk_dev");
  EXPECT_TRUE(config->secret_key_generated);
  EXPECT_EQ(config->secret_key.size(), 64u);
  // Another run, another key.
  EXPECT_NE(Load({})->secret_key, config->secret_key);
}

TEST(ServiceConfigTest, ReadsEveryVariable) {
  absl::StatusOr<ServiceConfig> config =
      Load({{"LISTEN_ADDR", "0.0.0.0:0"},
            {"DATABASE_URL", "postgresql+asyncpg://kiosk:pw@db:5433/plex_kiosk"},
            {"LOG_LEVEL", "debug"},
            {"DB_POOL_SIZE", "3"},
            {"DB_MAX_OVERFLOW", "0"},
            {"DB_POOL_RECYCLE", "60"},
            {"DB_POOL_PRE_PING", "false"},
            {"DB_POOL_TIMEOUT", "0.5"},
            {"DB_HEALTH_INTERVAL", "0.2"},
            {"SHUTDOWN_GRACE", "3"}});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->listen_addr, "0.0.0.0:0");
  EXPECT_EQ(config->database.host, "db");
  EXPECT_EQ(config->database.port, 5433);
  EXPECT_EQ(config->log_level, log::Level::kDebug);
  EXPECT_EQ(config->pool.pool_size, 3);
  EXPECT_EQ(config->pool.max_overflow, 0);
  EXPECT_EQ(config->pool.recycle, absl::Seconds(60));
  EXPECT_FALSE(config->pool.pre_ping);
  EXPECT_EQ(config->pool.checkout_timeout, absl::Milliseconds(500));
  EXPECT_EQ(config->health_interval, absl::Milliseconds(200));
  EXPECT_EQ(config->shutdown_grace, absl::Seconds(3));
  EXPECT_THAT(config->pool.conninfo, HasSubstr("host=db"));
}

TEST(ServiceConfigTest, BadValuesNameTheVariable) {
  EXPECT_THAT(Load({{"LISTEN_ADDR", "nowhere"}}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("LISTEN_ADDR")));
  EXPECT_THAT(Load({{"LISTEN_ADDR", "127.0.0.1:99999"}}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("LISTEN_ADDR")));
  EXPECT_THAT(Load({{"KIOSK_ENV", "staging"}}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("KIOSK_ENV")));
  EXPECT_THAT(Load({{"LOG_LEVEL", "loud"}}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("LOG_LEVEL")));
  EXPECT_THAT(Load({{"DATABASE_URL", "mysql://x@y/z"}}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("DATABASE_URL")));
  EXPECT_THAT(Load({{"DB_POOL_SIZE", "0"}}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("DB_POOL_SIZE")));
  EXPECT_THAT(Load({{"DB_MAX_OVERFLOW", "-1"}}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("DB_MAX_OVERFLOW")));
  EXPECT_THAT(Load({{"DB_POOL_PRE_PING", "sometimes"}}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("DB_POOL_PRE_PING")));
}

TEST(ServiceConfigTest, ProductionRefusesDefaultOrWeakSecrets) {
  const std::string url = "postgresql://kiosk:pw@db/plex_kiosk";
  EXPECT_THAT(Load({{"KIOSK_ENV", "production"}, {"DATABASE_URL", url}}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("SECRET_KEY must be set")));
  EXPECT_THAT(Load({{"KIOSK_ENV", "production"}, {"DATABASE_URL", url}, {"SECRET_KEY", ""}}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("SECRET_KEY must be set")));
  for (const char* example : {"your-secret-key-here-0123456789abcdefghij",
                              "CHANGEME-CHANGEME-CHANGEME-CHANGEME-CHANGEME"}) {
    EXPECT_THAT(Load({{"KIOSK_ENV", "production"}, {"DATABASE_URL", url}, {"SECRET_KEY", example}}),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("example placeholder")));
  }
  EXPECT_THAT(Load({{"KIOSK_ENV", "production"}, {"DATABASE_URL", url}, {"SECRET_KEY", "short"}}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("too short")));
  EXPECT_THAT(Load({{"KIOSK_ENV", "production"}, {"SECRET_KEY", std::string(64, 'k')}}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("DATABASE_URL must be set")));
  absl::StatusOr<ServiceConfig> ok = Load(
      {{"KIOSK_ENV", "production"}, {"DATABASE_URL", url}, {"SECRET_KEY", std::string(64, 'k')}});
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->environment, Environment::kProduction);
  EXPECT_FALSE(ok->secret_key_generated);
  EXPECT_EQ(ok->secret_key, std::string(64, 'k'));
}

TEST(ServiceConfigTest, DevelopmentKeepsAGivenSecret) {
  absl::StatusOr<ServiceConfig> config = Load({{"SECRET_KEY", "shared-by-kiosk-up"}});
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->secret_key, "shared-by-kiosk-up");
  EXPECT_FALSE(config->secret_key_generated);
}

TEST(ServiceConfigTest, ErrorsNeverContainTheSecretOrPassword) {
  absl::StatusOr<ServiceConfig> config =
      Load({{"KIOSK_ENV", "production"},
            {"DATABASE_URL", "postgresql://kiosk:hunter2@db/plex_kiosk"},
            {"SECRET_KEY", "tooshortsecret"}});
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(std::string(config.status().message()), ::testing::Not(HasSubstr("tooshortsecret")));
  EXPECT_THAT(std::string(config.status().message()), ::testing::Not(HasSubstr("hunter2")));
}

}  // namespace
}  // namespace kiosk::config
