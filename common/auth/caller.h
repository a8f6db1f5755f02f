// Who is calling: every RPC of every service starts here, so a direct gRPC
// call is no back door.
//
//   ASSIGN_OR_RETURN(Caller caller, authenticator.Authenticate(*ctx, absl::Now()));
//   RETURN_IF_ERROR(RequirePasswordChanged(caller));
//   RETURN_IF_ERROR(RequireAdmin(caller));
//
// Credentials come from the metadata `authorization: Bearer <jwt>` or
// `x-api-key: <key>`. API keys live in kiosk-users' database; a service
// gives the Authenticator a resolver for them (none = API keys refused).
#ifndef KIOSK_COMMON_AUTH_CALLER_H_
#define KIOSK_COMMON_AUTH_CALLER_H_

#include <grpcpp/server_context.h>

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/auth/jwt.h"

namespace kiosk::auth {

inline constexpr char kAuthorizationHeader[] = "authorization";
inline constexpr char kApiKeyHeader[] = "x-api-key";

struct Caller {
  int64_t user_id = 0;  // 0 for a service
  std::string role;     // "admin", "user" or "service"
  bool must_change_password = false;
  std::string token_id;  // jti, or "apikey:<id>"
  std::string service;   // role "service": the calling binary

  bool is_admin() const { return role == "admin"; }
  bool is_service() const { return role == kServiceRole; }
};

// Resolves an API key to the user it acts as (UNAUTHENTICATED when unknown
// or revoked).
using ApiKeyResolver = std::function<absl::StatusOr<Caller>(absl::string_view key)>;

class Authenticator {
 public:
  explicit Authenticator(const JwtCodec& jwt, ApiKeyResolver api_keys = nullptr)
      : jwt_(jwt), api_keys_(std::move(api_keys)) {}

  absl::StatusOr<Caller> Authenticate(const grpc::ServerContextBase& ctx, absl::Time now) const;
  // The same from raw header values (empty = absent), for non-gRPC callers.
  absl::StatusOr<Caller> Authenticate(absl::string_view authorization, absl::string_view api_key,
                                      absl::Time now) const;

 private:
  const JwtCodec& jwt_;
  ApiKeyResolver api_keys_;
};

// PERMISSION_DENIED unless the caller is an admin.
absl::Status RequireAdmin(const Caller& caller);
// PERMISSION_DENIED unless the caller is a plex-kiosk service.
absl::Status RequireService(const Caller& caller);
// FAILED_PRECONDITION while the caller must still change the password.
absl::Status RequirePasswordChanged(const Caller& caller);

}  // namespace kiosk::auth

#endif  // KIOSK_COMMON_AUTH_CALLER_H_
