#include "common/webhooks/events.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace kiosk::webhooks {
namespace {

TEST(WebhookEventsTest, KnowsTheEventsOfTheIssue) {
  EXPECT_THAT(KnownEvents(),
              ::testing::ElementsAre("request.created", "request.approved", "request.declined",
                                     "request.available", "request.failed", "download.failed",
                                     "transfer.done", "user.created", "webhook.test"));
  EXPECT_TRUE(IsKnownEvent(kTransferDone));
  EXPECT_FALSE(IsKnownEvent("request"));
  EXPECT_FALSE(IsKnownEvent("request.*"));
  EXPECT_FALSE(IsKnownEvent("Request.Created"));
}

TEST(WebhookEventsTest, FiltersAreNamesOrGroupsOfKnownEvents) {
  EXPECT_TRUE(IsValidEventFilter("request.created"));
  EXPECT_TRUE(IsValidEventFilter("request.*"));
  EXPECT_TRUE(IsValidEventFilter("user.*"));
  EXPECT_FALSE(IsValidEventFilter("nope.*"));
  EXPECT_FALSE(IsValidEventFilter("*"));
  EXPECT_FALSE(IsValidEventFilter(".*"));
  EXPECT_FALSE(IsValidEventFilter("request.created.*"));
  EXPECT_FALSE(IsValidEventFilter(""));
}

TEST(WebhookEventsTest, AnEmptyFilterMatchesEverything) {
  EXPECT_TRUE(FilterMatches({}, kUserCreated));
  EXPECT_TRUE(FilterMatches({"request.*"}, kRequestFailed));
  EXPECT_FALSE(FilterMatches({"request.*"}, kUserCreated));
  EXPECT_TRUE(FilterMatches({"download.failed", "user.created"}, kUserCreated));
  EXPECT_FALSE(FilterMatches({"download.failed"}, kTransferDone));
}

}  // namespace
}  // namespace kiosk::webhooks
