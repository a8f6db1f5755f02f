// Sessions of kiosk-users: login, refresh rotation, logout, password change.
// No gRPC here: the transport calls these and translates the Status.
//
// Error codes: wrong credentials -> UNAUTHENTICATED (same message whether the
// user exists or not); throttled -> RESOURCE_EXHAUSTED ("retry after N s");
// deactivated account -> PERMISSION_DENIED; bad input -> INVALID_ARGUMENT.
#ifndef KIOSK_SERVICES_USERS_AUTH_LOGIC_H_
#define KIOSK_SERVICES_USERS_AUTH_LOGIC_H_

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/auth/caller.h"
#include "common/auth/jwt.h"
#include "common/auth/password_hasher.h"
#include "services/users/model.h"
#include "services/users/user_store.h"

namespace kiosk::users {

struct AuthOptions {
  absl::Duration access_ttl = absl::Minutes(15);
  absl::Duration refresh_ttl = absl::Hours(24 * 30);
  ThrottlePolicy per_account{5, absl::Minutes(15), absl::Minutes(15)};
  ThrottlePolicy per_address{20, absl::Minutes(15), absl::Minutes(15)};
};

struct SessionTokens {
  std::string access_token;
  std::string refresh_token;
  absl::Duration expires_in;
  User user;
};

// Minimum length 8, not the username, not "admin". InvalidArgument saying why.
absl::Status ValidateNewPassword(const std::string& username, const std::string& password);

class AuthLogic {
 public:
  using Clock = std::function<absl::Time()>;

  AuthLogic(UserStore& store, const auth::PasswordHasher& hasher, const auth::JwtCodec& jwt,
            AuthOptions options, Clock clock = absl::Now);

  absl::StatusOr<SessionTokens> Login(const std::string& login, const std::string& password,
                                      const std::string& client_addr);
  absl::StatusOr<SessionTokens> Refresh(const std::string& refresh_token,
                                        const std::string& client_addr);
  absl::Status Logout(const auth::Caller& caller, const std::string& refresh_token);
  absl::StatusOr<User> Me(const auth::Caller& caller);
  absl::StatusOr<SessionTokens> ChangePassword(const auth::Caller& caller,
                                               const std::string& current_password,
                                               const std::string& new_password,
                                               const std::string& client_addr);

 private:
  absl::StatusOr<SessionTokens> IssueSession(const User& user, const std::string& client_addr);
  std::string AccessToken(const User& user) const;

  UserStore& store_;
  const auth::PasswordHasher& hasher_;
  const auth::JwtCodec& jwt_;
  const AuthOptions options_;
  const Clock clock_;
  const std::string dummy_hash_;  // verified when the user does not exist
};

}  // namespace kiosk::users

#endif  // KIOSK_SERVICES_USERS_AUTH_LOGIC_H_
