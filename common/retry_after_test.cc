#include "common/retry_after.h"

#include <gtest/gtest.h>

namespace kiosk {
namespace {

TEST(RetryAfterTest, TheDelayTravelsWithTheStatusInWholeSecondsRoundedUp) {
  absl::Status status =
      WithRetryAfter(absl::ResourceExhaustedError("slow down"), absl::Milliseconds(2500));
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(status.message(), "slow down");
  EXPECT_EQ(RetryAfterSeconds(status), 3);
}

TEST(RetryAfterTest, AtLeastOneSecond) {
  EXPECT_EQ(RetryAfterSeconds(WithRetryAfter(absl::UnavailableError("x"), absl::ZeroDuration())),
            1);
}

TEST(RetryAfterTest, AStatusWithoutDelayHasNone) {
  EXPECT_EQ(RetryAfterSeconds(absl::ResourceExhaustedError("x")), std::nullopt);
  EXPECT_EQ(RetryAfterSeconds(absl::OkStatus()), std::nullopt);
}

}  // namespace
}  // namespace kiosk
