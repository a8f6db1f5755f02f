#include "services/media/request_status.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <utility>

#include "common/testing/status_matchers.h"

namespace kiosk::media {
namespace {

using ::kiosk::testing::IsOk;
using ::kiosk::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;

// The whole machine, written out once more: every pair not here is forbidden.
const std::set<std::pair<std::string, std::string>>& Expected() {
  static const auto* allowed = new std::set<std::pair<std::string, std::string>>{
      {"pending", "approved"},          {"pending", "declined"},
      {"pending", "cancelled"},         {"pending", "failed"},
      {"approved", "processing"},       {"approved", "downloading"},
      {"approved", "importing"},        {"approved", "available"},
      {"approved", "partially_available"}, {"approved", "failed"},
      {"processing", "downloading"},    {"processing", "importing"},
      {"processing", "available"},      {"processing", "partially_available"},
      {"processing", "failed"},         {"downloading", "processing"},
      {"downloading", "importing"},     {"downloading", "available"},
      {"downloading", "partially_available"}, {"downloading", "failed"},
      {"importing", "downloading"},     {"importing", "available"},
      {"importing", "partially_available"}, {"importing", "failed"},
      {"available", "partially_available"}, {"available", "pending"},
      {"available", "failed"},          {"partially_available", "available"},
      {"partially_available", "pending"}, {"partially_available", "processing"},
      {"partially_available", "downloading"}, {"partially_available", "importing"},
      {"partially_available", "failed"}, {"failed", "approved"},
  };
  return *allowed;
}

TEST(RequestStatusTest, EveryPairIsAllowedExactlyWhenTheTableSaysSo) {
  int allowed = 0, forbidden = 0;
  for (const std::string& from : RequestStatuses()) {
    for (const std::string& to : RequestStatuses()) {
      bool expected = Expected().count({from, to}) > 0;
      EXPECT_EQ(IsAllowedTransition(from, to), expected) << from << " -> " << to;
      if (expected) {
        EXPECT_THAT(CheckTransition(from, to), IsOk()) << from << " -> " << to;
        ++allowed;
      } else {
        EXPECT_THAT(CheckTransition(from, to),
                    StatusIs(absl::StatusCode::kFailedPrecondition,
                             AllOf(HasSubstr(from), HasSubstr(to))))
            << from << " -> " << to;
        ++forbidden;
      }
    }
  }
  EXPECT_EQ(allowed, static_cast<int>(Expected().size()));
  EXPECT_EQ(allowed + forbidden, 100);
}

TEST(RequestStatusTest, FinalStatusesGoNowhere) {
  for (const std::string& to : RequestStatuses()) {
    EXPECT_FALSE(IsAllowedTransition("declined", to)) << to;
    EXPECT_FALSE(IsAllowedTransition("cancelled", to)) << to;
  }
  EXPECT_THAT(CheckTransition("cancelled", "approved"),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("none")));
}

TEST(RequestStatusTest, UnknownStatusIsInvalidArgumentListingTheKnownOnes) {
  EXPECT_THAT(CheckTransition("pending", "done"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("partially_available")));
  EXPECT_FALSE(IsAllowedTransition("nonsense", "approved"));
}

TEST(RequestStatusTest, ActiveAndTrackedStatuses) {
  EXPECT_TRUE(IsActiveStatus("processing"));
  EXPECT_FALSE(IsActiveStatus("available"));
  EXPECT_TRUE(IsTrackedStatus("partially_available"));
  EXPECT_FALSE(IsTrackedStatus("pending"));
  EXPECT_FALSE(IsTrackedStatus("failed"));
}

}  // namespace
}  // namespace kiosk::media
