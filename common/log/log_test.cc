#include "common/log/log.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace kiosk::log {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::SizeIs;

class LogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Init("kiosk-test", Level::kInfo);
    SetSinkForTesting([this](absl::string_view line) { lines_.emplace_back(line); });
  }
  void TearDown() override { SetSinkForTesting(nullptr); }
  std::vector<std::string> lines_;
};

TEST_F(LogTest, WritesOneLogfmtLinePerEvent) {
  Info("listening").With("addr", "127.0.0.1:50051").With("port", 50051);
  ASSERT_THAT(lines_, SizeIs(1));
  EXPECT_THAT(lines_[0],
              MatchesRegex("ts=[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z level=info service=kiosk-test "
                           "event=listening addr=127.0.0.1:50051 port=50051\n"));
}

TEST_F(LogTest, QuotesValuesThatWouldBreakTheLine) {
  Warn("db").With("error", "could not connect: \"x\"\nretry");
  ASSERT_THAT(lines_, SizeIs(1));
  EXPECT_THAT(lines_[0], HasSubstr("error=\"could not connect: \\\"x\\\"\\nretry\"\n"));
  EXPECT_EQ(lines_[0].find('\n'), lines_[0].size() - 1);
}

TEST_F(LogTest, DropsEventsBelowTheMinimumLevel) {
  Debug("noise");
  Init("kiosk-test", Level::kError);
  Warn("also-noise");
  Error("kept");
  ASSERT_THAT(lines_, SizeIs(1));
  EXPECT_THAT(lines_[0], HasSubstr("level=error"));
}

TEST_F(LogTest, StatusAddsCodeAndError) {
  Error("rpc").With(absl::UnavailableError("database down"));
  Info("rpc").With(absl::OkStatus());
  ASSERT_THAT(lines_, SizeIs(2));
  EXPECT_THAT(lines_[0], HasSubstr("code=UNAVAILABLE error=\"database down\""));
  EXPECT_THAT(lines_[1], HasSubstr("code=OK"));
  EXPECT_THAT(lines_[1], ::testing::Not(HasSubstr("error=")));
}

TEST(QuoteValueTest, QuotesOnlyWhenNeeded) {
  EXPECT_EQ(QuoteValue("plain"), "plain");
  EXPECT_EQ(QuoteValue(""), "\"\"");
  EXPECT_EQ(QuoteValue("a b"), "\"a b\"");
  EXPECT_EQ(QuoteValue("k=v"), "\"k=v\"");
  EXPECT_EQ(QuoteValue("back\\slash"), "\"back\\\\slash\"");
  EXPECT_EQ(QuoteValue(std::string("nul\x01", 4)), "\"nul\\x01\"");
}

TEST(ParseLevelTest, AcceptsKnownNamesInAnyCase) {
  EXPECT_EQ(*ParseLevel("DEBUG"), Level::kDebug);
  EXPECT_EQ(*ParseLevel("info"), Level::kInfo);
  EXPECT_EQ(*ParseLevel("Warning"), Level::kWarn);
  EXPECT_EQ(*ParseLevel("error"), Level::kError);
  EXPECT_EQ(ParseLevel("verbose").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(ParseLevel("verbose").status().message()), HasSubstr("verbose"));
}

}  // namespace
}  // namespace kiosk::log
