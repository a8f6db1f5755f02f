#include "common/config/settings.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/testing/fake_env.h"
#include "common/testing/status_matchers.h"

namespace kiosk::config {
namespace {

using ::kiosk::testing::FakeEnv;
using ::kiosk::testing::IsOkAndHolds;
using ::kiosk::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

std::vector<SettingSpec> Specs() {
  return {{"LISTEN_ADDR", "127.0.0.1:50051", "listen"},
          {"DB_POOL_SIZE", "10", "pool"},
          {"DB_POOL_PRE_PING", "true", "ping"},
          {"DB_POOL_RECYCLE", "3600", "recycle"},
          {"SECRET_KEY", "", "key", /*secret=*/true}};
}

absl::StatusOr<Settings> Parse(std::vector<const char*> args,
                               std::map<std::string, std::string> env = {}) {
  args.insert(args.begin(), "kiosk-test");
  return Settings::FromArgs(static_cast<int>(args.size()), args.data(), Specs(), FakeEnv(env));
}

TEST(SettingsTest, DefaultsApplyWhenNothingIsSet) {
  absl::StatusOr<Settings> s = Parse({});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->Get("LISTEN_ADDR"), "127.0.0.1:50051");
  EXPECT_EQ(s->Explicit("LISTEN_ADDR"), std::nullopt);
  EXPECT_THAT(s->GetInt("DB_POOL_SIZE", 1, 100), IsOkAndHolds(10));
}

TEST(SettingsTest, FlagsOverrideEnvironment) {
  absl::StatusOr<Settings> s =
      Parse({"--listen-addr=127.0.0.1:0", "--db-pool-size", "4"},
            {{"LISTEN_ADDR", "0.0.0.0:1"}, {"DB_POOL_SIZE", "7"}, {"DB_POOL_RECYCLE", "60"}});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->Get("LISTEN_ADDR"), "127.0.0.1:0");
  EXPECT_THAT(s->GetInt("DB_POOL_SIZE", 1, 100), IsOkAndHolds(4));
  EXPECT_THAT(s->GetSeconds("DB_POOL_RECYCLE", absl::Seconds(1), absl::Hours(1)),
              IsOkAndHolds(absl::Seconds(60)));
}

TEST(SettingsTest, HelpIsRecognised) {
  absl::StatusOr<Settings> s = Parse({"--help"});
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->help_requested());
}

TEST(SettingsTest, UnknownFlagAndMissingValueAreRefused) {
  EXPECT_THAT(Parse({"--nope=1"}), StatusIs(absl::StatusCode::kInvalidArgument,
                                            HasSubstr("unknown argument \"--nope=1\"")));
  EXPECT_THAT(Parse({"--db-pool-size"}), StatusIs(absl::StatusCode::kInvalidArgument,
                                                  HasSubstr("--db-pool-size needs a value")));
}

TEST(SettingsTest, BadNumbersNameTheVariableAndTheValue) {
  absl::StatusOr<Settings> s = Parse({}, {{"DB_POOL_SIZE", "ten"}, {"DB_POOL_RECYCLE", "-5"}});
  ASSERT_TRUE(s.ok());
  EXPECT_THAT(s->GetInt("DB_POOL_SIZE", 1, 100),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "DB_POOL_SIZE must be a whole number from 1 to 100, got \"ten\""));
  EXPECT_THAT(s->GetSeconds("DB_POOL_RECYCLE", absl::Seconds(1), absl::Hours(1)),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("DB_POOL_RECYCLE")));
  absl::StatusOr<Settings> big = Parse({}, {{"DB_POOL_SIZE", "1000"}});
  EXPECT_THAT(big->GetInt("DB_POOL_SIZE", 1, 100), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(SettingsTest, BooleansAcceptCommonSpellings) {
  for (const char* yes : {"true", "TRUE", "1", "yes", "on"}) {
    EXPECT_THAT(Parse({}, {{"DB_POOL_PRE_PING", yes}})->GetBool("DB_POOL_PRE_PING"),
                IsOkAndHolds(true));
  }
  for (const char* no : {"false", "0", "no", "Off"}) {
    EXPECT_THAT(Parse({}, {{"DB_POOL_PRE_PING", no}})->GetBool("DB_POOL_PRE_PING"),
                IsOkAndHolds(false));
  }
  EXPECT_THAT(Parse({}, {{"DB_POOL_PRE_PING", "maybe"}})->GetBool("DB_POOL_PRE_PING"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "DB_POOL_PRE_PING must be true or false, got \"maybe\""));
}

TEST(SettingsTest, SecretValuesAreNeverEchoed) {
  absl::StatusOr<Settings> s = Parse({}, {{"SECRET_KEY", "hunter2"}});
  absl::StatusOr<int> as_int = s->GetInt("SECRET_KEY", 0, 1);
  EXPECT_THAT(as_int, StatusIs(absl::StatusCode::kInvalidArgument, Not(HasSubstr("hunter2"))));
  EXPECT_THAT(Settings::Usage("kiosk-test", "test", {{"SECRET_KEY", "s3cr3t", "key", true}}),
              Not(HasSubstr("s3cr3t")));
}

TEST(SettingsTest, UsageListsEveryVariableWithItsFlag) {
  std::string usage = Settings::Usage("kiosk-test", "a test binary", Specs());
  EXPECT_THAT(usage, HasSubstr("kiosk-test - a test binary"));
  EXPECT_THAT(usage, HasSubstr("DB_POOL_SIZE"));
  EXPECT_THAT(usage, HasSubstr("--db-pool-size"));
  EXPECT_THAT(usage, HasSubstr("default: 10"));
}

}  // namespace
}  // namespace kiosk::config
