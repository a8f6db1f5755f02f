#include "common/grpc_status.h"

#include <gtest/gtest.h>

namespace kiosk {
namespace {

TEST(GrpcStatusTest, EveryCanonicalCodeSurvivesTheRoundTrip) {
  for (int code = 0; code <= 16; ++code) {
    absl::Status original(static_cast<absl::StatusCode>(code), code == 0 ? "" : "why");
    grpc::Status wire = ToGrpcStatus(original);
    EXPECT_EQ(static_cast<int>(wire.error_code()), code);
    EXPECT_EQ(FromGrpcStatus(wire), original);
  }
}

TEST(GrpcStatusTest, KeepsTheMessage) {
  grpc::Status wire = ToGrpcStatus(absl::NotFoundError("user 7 does not exist"));
  EXPECT_EQ(wire.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(wire.error_message(), "user 7 does not exist");
}

}  // namespace
}  // namespace kiosk
