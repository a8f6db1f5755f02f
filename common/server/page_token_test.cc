#include "common/server/page_token.h"

#include <gtest/gtest.h>

namespace kiosk::server {
namespace {

TEST(PageTokenTest, RoundTripsItsKindAndNumber) {
  absl::StatusOr<int64_t> value = DecodePageToken('j', EncodePageToken('j', 42), 1, INT64_MAX);
  ASSERT_TRUE(value.ok()) << value.status();
  EXPECT_EQ(*value, 42);
}

TEST(PageTokenTest, AnEmptyTokenIsTheFirstPage) { EXPECT_EQ(*DecodePageToken('o', "", 0, 100), 0); }

TEST(PageTokenTest, RefusesOtherKindsGarbageAndOutOfRangeNumbers) {
  for (const std::string& token :
       {EncodePageToken('o', 5), std::string("garbage!"), EncodePageToken('j', 0),
        EncodePageToken('j', -3), std::string("ag")}) {
    EXPECT_EQ(DecodePageToken('j', token, 1, 1000).status().code(),
              absl::StatusCode::kInvalidArgument)
        << token;
  }
  EXPECT_FALSE(DecodePageToken('o', EncodePageToken('o', 5000000000), 0, INT32_MAX).ok());
}

}  // namespace
}  // namespace kiosk::server
