// Access tokens: JWT (RFC 7519) signed with HMAC-SHA256 and SECRET_KEY.
//
//   JwtCodec jwt(secret_key);
//   std::string token = jwt.Sign({.user_id = 7, .role = "admin", ...});
//   absl::StatusOr<TokenClaims> claims = jwt.Verify(token, absl::Now());
//
// Verify is strict: exactly three base64url parts without padding, header
// alg exactly "HS256" ("none", HS512, RS256... are refused, whatever the
// signature), a constant-time signature check, our issuer, and expiry (with
// a small leeway for clock skew between pods). Every failure is
// UNAUTHENTICATED with a short reason and never echoes the token.
#ifndef KIOSK_COMMON_AUTH_JWT_H_
#define KIOSK_COMMON_AUTH_JWT_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace kiosk::auth {

inline constexpr char kIssuer[] = "plex-kiosk";
// Role of the tokens services mint for their own calls (background jobs have
// no user): subject "service:<binary>", no user id.
inline constexpr char kServiceRole[] = "service";

struct TokenClaims {
  int64_t user_id = 0;                // "sub" (a decimal string on the wire)
  std::string role;                   // "admin", "user" or kServiceRole
  bool must_change_password = false;  // "pwc": every service refuses all but the change
  std::string token_id;               // "jti"
  absl::Time issued_at;               // "iat"
  absl::Time expires_at;               // "exp"
  // kServiceRole only: the calling binary; "sub" is then "service:<name>".
  std::string service;

  bool operator==(const TokenClaims&) const = default;
};

class JwtCodec {
 public:
  explicit JwtCodec(std::string secret, absl::Duration leeway = absl::Seconds(30));

  std::string Sign(const TokenClaims& claims) const;
  // A short-lived token for `service`'s own calls to other services.
  std::string SignServiceToken(const std::string& service, absl::Time now,
                               absl::Duration ttl = absl::Minutes(5)) const;
  absl::StatusOr<TokenClaims> Verify(absl::string_view token, absl::Time now) const;

 private:
  std::string Mac(absl::string_view signing_input) const;

  std::string secret_;
  absl::Duration leeway_;
};

}  // namespace kiosk::auth

#endif  // KIOSK_COMMON_AUTH_JWT_H_
