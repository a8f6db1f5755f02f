#include "common/auth/jwt.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <nlohmann/json.hpp>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/testing/status_matchers.h"

namespace kiosk::auth {
namespace {

using ::kiosk::testing::IsOkAndHolds;
using ::kiosk::testing::StatusIs;
using ::testing::HasSubstr;

const absl::Time kNow = absl::FromUnixSeconds(1795500000);

TokenClaims Claims() {
  return {.user_id = 42,
          .role = "admin",
          .must_change_password = true,
          .token_id = "abc123",
          .issued_at = kNow,
          .expires_at = kNow + absl::Minutes(15),
          .service = ""};
}

// Builds a token by hand, signed with `secret` under `alg` (HS256/HS512),
// to test what an attacker could send.
std::string Forge(const nlohmann::json& header, const nlohmann::json& payload,
                  const std::string& secret, const EVP_MD* md = EVP_sha256()) {
  std::string input = absl::StrCat(absl::WebSafeBase64Escape(header.dump()), ".",
                                   absl::WebSafeBase64Escape(payload.dump()));
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(md, secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &length);
  return absl::StrCat(input, ".",
                      absl::WebSafeBase64Escape(std::string(reinterpret_cast<char*>(mac), length)));
}

nlohmann::json Payload() {
  return {{"iss", "plex-kiosk"},
          {"sub", "42"},
          {"role", "admin"},
          {"jti", "abc123"},
          {"iat", absl::ToUnixSeconds(kNow)},
          {"exp", absl::ToUnixSeconds(kNow) + 900}};
}

const nlohmann::json kHs256 = {{"alg", "HS256"}, {"typ", "JWT"}};

TEST(JwtTest, SignedTokensVerifyWithTheirClaims) {
  JwtCodec jwt("secret-one");
  EXPECT_THAT(jwt.Verify(jwt.Sign(Claims()), kNow + absl::Minutes(1)), IsOkAndHolds(Claims()));
}

TEST(JwtTest, AHandBuiltTokenWithTheRightSecretVerifies) {
  // Proves the wire format is standard JWT, not just self-consistent.
  JwtCodec jwt("secret-one");
  absl::StatusOr<TokenClaims> claims = jwt.Verify(Forge(kHs256, Payload(), "secret-one"), kNow);
  ASSERT_TRUE(claims.ok()) << claims.status();
  EXPECT_EQ(claims->user_id, 42);
  EXPECT_FALSE(claims->must_change_password);
}

TEST(JwtTest, ExpiredTokensAreRefusedAfterTheLeeway) {
  JwtCodec jwt("secret-one", absl::Seconds(30));
  std::string token = jwt.Sign(Claims());
  EXPECT_TRUE(jwt.Verify(token, kNow + absl::Minutes(15) + absl::Seconds(29)).ok());
  EXPECT_THAT(jwt.Verify(token, kNow + absl::Minutes(16)),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("expired")));
}

TEST(JwtTest, TamperedPayloadOrSignatureIsRefused) {
  JwtCodec jwt("secret-one");
  std::string token = jwt.Sign(Claims());
  std::vector<std::string> parts = absl::StrSplit(token, '.');
  nlohmann::json promoted = Payload();
  promoted["sub"] = "1";
  std::string changed_payload =
      absl::StrCat(parts[0], ".", absl::WebSafeBase64Escape(promoted.dump()), ".", parts[2]);
  EXPECT_THAT(jwt.Verify(changed_payload, kNow),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("bad signature")));
  std::string changed_signature = token;
  changed_signature.back() = changed_signature.back() == 'A' ? 'B' : 'A';
  EXPECT_THAT(jwt.Verify(changed_signature, kNow), StatusIs(absl::StatusCode::kUnauthenticated));
}

TEST(JwtTest, OtherSecretsAndAlgorithmsAreRefused) {
  JwtCodec jwt("secret-one");
  EXPECT_THAT(jwt.Verify(Forge(kHs256, Payload(), "another-secret"), kNow),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("bad signature")));
  EXPECT_THAT(
      jwt.Verify(Forge({{"alg", "HS512"}, {"typ", "JWT"}}, Payload(), "secret-one", EVP_sha512()),
                 kNow),
      StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("HS256")));
  // alg none: no signature at all.
  std::string none = absl::StrCat(absl::WebSafeBase64Escape(R"({"alg":"none","typ":"JWT"})"), ".",
                                  absl::WebSafeBase64Escape(Payload().dump()), ".");
  EXPECT_THAT(jwt.Verify(none, kNow),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("HS256")));
  // alg none signed anyway, and odd spellings.
  EXPECT_THAT(jwt.Verify(Forge({{"alg", "none"}}, Payload(), "secret-one"), kNow),
              StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(jwt.Verify(Forge({{"alg", "hs256"}}, Payload(), "secret-one"), kNow),
              StatusIs(absl::StatusCode::kUnauthenticated));
}

TEST(JwtTest, ClaimsMustBeComplete) {
  JwtCodec jwt("s");
  for (const char* missing : {"iss", "sub", "role", "jti", "iat", "exp"}) {
    nlohmann::json payload = Payload();
    payload.erase(missing);
    EXPECT_THAT(jwt.Verify(Forge(kHs256, payload, "s"), kNow),
                StatusIs(absl::StatusCode::kUnauthenticated))
        << "without " << missing;
  }
  nlohmann::json wrong_issuer = Payload();
  wrong_issuer["iss"] = "someone-else";
  EXPECT_THAT(jwt.Verify(Forge(kHs256, wrong_issuer, "s"), kNow),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("issuer")));
  nlohmann::json superuser = Payload();
  superuser["role"] = "superuser";
  EXPECT_THAT(jwt.Verify(Forge(kHs256, superuser, "s"), kNow),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("role")));
}

TEST(JwtTest, ServiceTokensNameTheServiceAndNoUser) {
  JwtCodec jwt("s");
  absl::StatusOr<TokenClaims> claims =
      jwt.Verify(jwt.SignServiceToken("kiosk-plex", kNow), kNow + absl::Minutes(1));
  ASSERT_TRUE(claims.ok()) << claims.status();
  EXPECT_EQ(claims->role, "service");
  EXPECT_EQ(claims->service, "kiosk-plex");
  EXPECT_EQ(claims->user_id, 0);
  EXPECT_THAT(jwt.Verify(jwt.SignServiceToken("kiosk-plex", kNow), kNow + absl::Minutes(6)),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("expired")));
  nlohmann::json forged = Payload();
  forged["role"] = "service";  // a numeric subject is not a service
  EXPECT_THAT(jwt.Verify(Forge(kHs256, forged, "s"), kNow),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("subject")));
}

TEST(JwtTest, GarbageIsRefusedWithoutEchoingIt) {
  JwtCodec jwt("s");
  for (const char* garbage : {"", "abc", "a.b", "a.b.c.d", "!!!.???.***", "eyJ.eyJ.=="}) {
    absl::StatusOr<TokenClaims> claims = jwt.Verify(garbage, kNow);
    EXPECT_THAT(claims, StatusIs(absl::StatusCode::kUnauthenticated)) << garbage;
  }
  EXPECT_THAT(jwt.Verify(std::string(10000, 'a'), kNow),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("too long")));
}

}  // namespace
}  // namespace kiosk::auth
