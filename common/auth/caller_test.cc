#include "common/auth/caller.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/testing/status_matchers.h"

namespace kiosk::auth {
namespace {

using ::kiosk::testing::IsOk;
using ::kiosk::testing::StatusIs;
using ::testing::HasSubstr;

Caller As(const std::string& role, bool must_change_password = false) {
  Caller caller;
  caller.user_id = 1;
  caller.role = role;
  caller.must_change_password = must_change_password;
  return caller;
}

const absl::Time kNow = absl::FromUnixSeconds(1795500000);

std::string Token(const JwtCodec& jwt, const std::string& role, bool must_change = false) {
  return jwt.Sign({.user_id = 9,
                   .role = role,
                   .must_change_password = must_change,
                   .token_id = "t1",
                   .issued_at = kNow,
                   .expires_at = kNow + absl::Minutes(15),
                   .service = ""});
}

TEST(AuthenticatorTest, BearerTokenGivesTheCaller) {
  JwtCodec jwt("k");
  Authenticator auth(jwt);
  absl::StatusOr<Caller> caller = auth.Authenticate("Bearer " + Token(jwt, "user"), "", kNow);
  ASSERT_THAT(caller, IsOk());
  EXPECT_EQ(caller->user_id, 9);
  EXPECT_FALSE(caller->is_admin());
  EXPECT_THAT(auth.Authenticate("bearer " + Token(jwt, "admin"), "", kNow), IsOk());
}

TEST(AuthenticatorTest, NoOrMalformedCredentialsAreUnauthenticated) {
  JwtCodec jwt("k");
  Authenticator auth(jwt);
  EXPECT_THAT(auth.Authenticate("", "", kNow),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("authentication required")));
  EXPECT_THAT(auth.Authenticate("Basic YWRtaW46YWRtaW4=", "", kNow),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("Bearer")));
  EXPECT_THAT(auth.Authenticate("Bearer " + Token(JwtCodec("other"), "admin"), "", kNow),
              StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(auth.Authenticate("", "some-key", kNow),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("API keys")));
}

TEST(AuthenticatorTest, ApiKeysGoThroughTheResolver) {
  JwtCodec jwt("k");
  Authenticator auth(jwt, [](absl::string_view key) -> absl::StatusOr<Caller> {
    if (key == "good") return As("admin");
    return absl::UnauthenticatedError("unknown API key");
  });
  absl::StatusOr<Caller> caller = auth.Authenticate("", "good", kNow);
  ASSERT_THAT(caller, IsOk());
  EXPECT_TRUE(caller->is_admin());
  EXPECT_THAT(auth.Authenticate("", "bad", kNow), StatusIs(absl::StatusCode::kUnauthenticated));
}

TEST(AuthorizationTest, ServiceTokensAreNeitherAdminsNorUsers) {
  JwtCodec jwt("k");
  Authenticator auth(jwt);
  absl::StatusOr<Caller> service =
      auth.Authenticate("Bearer " + jwt.SignServiceToken("kiosk-media", kNow), "", kNow);
  ASSERT_THAT(service, IsOk());
  EXPECT_TRUE(service->is_service());
  EXPECT_EQ(service->service, "kiosk-media");
  EXPECT_THAT(RequireAdmin(*service), StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(RequireService(*service), IsOk());
  EXPECT_THAT(RequireService(As("admin")), StatusIs(absl::StatusCode::kPermissionDenied));
}

TEST(AuthorizationTest, RoleAndPasswordChecksUseTheRightCodes) {
  EXPECT_THAT(RequireAdmin(As("user")), StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(RequireAdmin(As("admin")), IsOk());
  EXPECT_THAT(RequirePasswordChanged(As("admin", true)),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("change your password")));
  EXPECT_THAT(RequirePasswordChanged(As("admin")), IsOk());
}

}  // namespace
}  // namespace kiosk::auth
