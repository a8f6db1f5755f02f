#include "migrations/runner/cli.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "common/testing/fake_env.h"
#include "common/testing/status_matchers.h"

namespace kiosk::migrate {
namespace {

using ::kiosk::testing::IsOk;
using ::kiosk::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

absl::StatusOr<CliOptions> Parse(std::vector<const char*> args) {
  args.insert(args.begin(), "kiosk-migrate");
  return ParseCli(static_cast<int>(args.size()), args.data());
}

struct Outcome {
  int code;
  std::string out, err;
};

Outcome RunKiosk(std::vector<const char*> args, std::map<std::string, std::string> env = {}) {
  absl::StatusOr<CliOptions> options = Parse(args);
  EXPECT_THAT(options, IsOk());
  std::ostringstream out, err;
  int code = RunCli(*options,
                    kiosk::testing::FakeEnv(env),
                    out, err);
  return {code, out.str(), err.str()};
}

TEST(ParseCliTest, ReadsVerbsTargetsAndOptionsInAnyOrder) {
  absl::StatusOr<CliOptions> o = Parse({"--database-url", "postgresql://a@b/c", "downgrade", "-2",
                                        "--dry-run"});
  ASSERT_THAT(o, IsOk());
  EXPECT_EQ(o->verb, "downgrade");
  EXPECT_THAT(o->args, ElementsAre("-2"));
  EXPECT_EQ(o->database_url, "postgresql://a@b/c");
  EXPECT_TRUE(o->dry_run);

  o = Parse({"revision", "-m", "add jobs"});
  ASSERT_THAT(o, IsOk());
  EXPECT_EQ(o->message, "add jobs");
  o = Parse({"import-sqlite", "old.db", "--replace", "--migrations-dir=/x"});
  ASSERT_THAT(o, IsOk());
  EXPECT_TRUE(o->replace);
  EXPECT_EQ(o->migrations_dir, "/x");
  EXPECT_THAT(o->args, ElementsAre("old.db"));
}

TEST(ParseCliTest, RefusesUnknownOptionsAndMissingValues) {
  EXPECT_THAT(Parse({"upgrade", "--force"}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("unknown option --force")));
  EXPECT_THAT(Parse({"revision", "-m"}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("-m needs a value")));
  EXPECT_THAT(Parse({"upgrade", "-1"}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("unknown option -1")));
}

TEST(RunCliTest, HelpDocumentsVerbsAndExitCodes) {
  Outcome o = RunKiosk({"--help"});
  EXPECT_EQ(o.code, kExitOk);
  for (const char* verb : {"upgrade", "downgrade", "current", "history", "check", "revision",
                           "doctor", "reset", "import-sqlite", "exit codes", "--dry-run"}) {
    EXPECT_THAT(o.out, HasSubstr(verb));
  }
}

TEST(RunCliTest, UsageErrorsExitTwoWithAHint) {
  EXPECT_EQ(RunKiosk({}).code, kExitUsage);
  Outcome unknown = RunKiosk({"migrate"});
  EXPECT_EQ(unknown.code, kExitUsage);
  EXPECT_THAT(unknown.err, HasSubstr("unknown command \"migrate\""));
  EXPECT_EQ(RunKiosk({"revision"}).code, kExitUsage);
  EXPECT_EQ(RunKiosk({"downgrade"}).code, kExitUsage);
  EXPECT_EQ(RunKiosk({"upgrade", "head", "extra"}).code, kExitUsage);
  Outcome bad_url = RunKiosk({"current"}, {{"DATABASE_URL", "mysql://x@y/z"}});
  EXPECT_EQ(bad_url.code, kExitUsage);
  EXPECT_THAT(bad_url.err, HasSubstr("DATABASE_URL"));
}

TEST(RunCliTest, ResetNeedsYesAndIsRefusedInProduction) {
  Outcome no_yes = RunKiosk({"reset"});
  EXPECT_EQ(no_yes.code, kExitUsage);
  EXPECT_THAT(no_yes.err, HasSubstr("--yes"));
  Outcome production = RunKiosk({"reset", "--yes"}, {{"KIOSK_ENV", "production"}});
  EXPECT_EQ(production.code, kExitFailed);
  EXPECT_THAT(production.err, HasSubstr("refused in production"));
}

}  // namespace
}  // namespace kiosk::migrate
