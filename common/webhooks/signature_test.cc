#include "common/webhooks/signature.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/testing/status_matchers.h"

namespace kiosk::webhooks {
namespace {

using ::kiosk::testing::IsOk;
using ::kiosk::testing::StatusIs;
using ::testing::HasSubstr;

// Computed once with
//   printf '%s' '1767225600.{"data":{"id":7},"event":"user.created"}' |
//     openssl dgst -sha256 -hmac 'whsec-test-0123456789'
constexpr char kSecret[] = "whsec-test-0123456789";
constexpr int64_t kTimestamp = 1767225600;
constexpr char kBody[] = R"({"data":{"id":7},"event":"user.created"})";
constexpr char kExpected[] =
    "sha256=feb55946c37de5cd47fada9f2ef1d6b1e34800a92c96ffbbbdafbb9f93585049";

TEST(WebhookSignatureTest, HmacMatchesRfc4231TestCase2) {
  EXPECT_EQ(HmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(WebhookSignatureTest, SignsTimestampDotBodyAsOpensslDoes) {
  EXPECT_EQ(SignedString(kTimestamp, kBody), std::string("1767225600.") + kBody);
  EXPECT_EQ(SignatureHeaderValue(kSecret, kTimestamp, kBody), kExpected);
}

TEST(WebhookSignatureTest, VerifyAcceptsTheSignatureWithinTheTolerance) {
  const absl::Time now = absl::FromUnixSeconds(kTimestamp) + absl::Minutes(4);
  EXPECT_THAT(VerifySignature(kSecret, "1767225600", kBody, kExpected, now), IsOk());
}

TEST(WebhookSignatureTest, VerifyRejectsAnyChangeAndOldTimestamps) {
  const absl::Time now = absl::FromUnixSeconds(kTimestamp);
  EXPECT_THAT(VerifySignature("another-secret-123", "1767225600", kBody, kExpected, now),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("does not match")));
  EXPECT_THAT(VerifySignature(kSecret, "1767225600", std::string(kBody) + " ", kExpected, now),
              StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(VerifySignature(kSecret, "1767225601", kBody, kExpected, now),
              StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(VerifySignature(kSecret, "1767225600", kBody, "sha256=00", now),
              StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(VerifySignature(kSecret, "soon", kBody, kExpected, now),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("not a number")));
  // A replay an hour later.
  EXPECT_THAT(VerifySignature(kSecret, "1767225600", kBody, kExpected, now + absl::Hours(1)),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("replay")));
}

}  // namespace
}  // namespace kiosk::webhooks
