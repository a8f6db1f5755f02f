#include "services/users/auth_logic.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/crypto.h"
#include "common/retry_after.h"

namespace kiosk::users {
namespace {

constexpr size_t kMaxLoginBytes = 320;
constexpr size_t kMinPasswordLength = 8;
constexpr char kBadCredentials[] = "wrong username or password";

// Only digests of refresh tokens are stored.
std::string Digest(const std::string& token) { return Sha256Hex(token); }

}  // namespace

absl::Status ValidateNewPassword(const std::string& username, const std::string& password) {
  if (password.size() < kMinPasswordLength) {
    return absl::InvalidArgumentError(
        absl::StrCat("the new password must have at least ", kMinPasswordLength, " characters"));
  }
  if (password.size() > auth::kMaxPasswordBytes) {
    return absl::InvalidArgumentError("the new password is too long");
  }
  std::string lower = absl::AsciiStrToLower(password);
  if (lower == absl::AsciiStrToLower(username)) {
    return absl::InvalidArgumentError("the new password must not be the username");
  }
  if (lower == "admin") return absl::InvalidArgumentError("the new password must not be \"admin\"");
  return absl::OkStatus();
}

AuthLogic::AuthLogic(UserStore& store, const auth::PasswordHasher& hasher,
                     const auth::JwtCodec& jwt, AuthOptions options, Clock clock)
    : store_(store),
      hasher_(hasher),
      jwt_(jwt),
      options_(options),
      clock_(std::move(clock)),
      dummy_hash_(hasher.Hash(RandomBytes(16)).value_or("")) {}

std::string AuthLogic::AccessToken(const User& user) const {
  absl::Time now = clock_();
  return jwt_.Sign({.user_id = user.id,
                    .role = user.role,
                    .must_change_password = user.must_change_password,
                    .token_id = absl::BytesToHexString(RandomBytes(16)),
                    .issued_at = now,
                    .expires_at = now + options_.access_ttl,
                    .service = ""});
}

absl::StatusOr<SessionTokens> AuthLogic::IssueSession(const User& user,
                                                      const std::string& client_addr) {
  SessionTokens session;
  session.refresh_token = absl::WebSafeBase64Escape(RandomBytes(32));
  absl::Status stored = store_.InsertRefreshToken(user.id, "", Digest(session.refresh_token),
                                                  clock_() + options_.refresh_ttl, client_addr);
  if (!stored.ok()) return stored;
  session.access_token = AccessToken(user);
  session.expires_in = options_.access_ttl;
  session.user = user;
  return session;
}

absl::StatusOr<SessionTokens> AuthLogic::Login(const std::string& login,
                                               const std::string& password,
                                               const std::string& client_addr) {
  if (login.empty() || password.empty()) {
    return absl::InvalidArgumentError("username and password are required");
  }
  if (login.size() > kMaxLoginBytes || password.size() > auth::kMaxPasswordBytes) {
    return absl::UnauthenticatedError(kBadCredentials);
  }
  const absl::Time now = clock_();
  const std::string account_key = "user:" + absl::AsciiStrToLower(login);
  std::vector<std::string> keys = {account_key};
  if (!client_addr.empty()) keys.push_back("addr:" + client_addr);
  absl::StatusOr<std::optional<absl::Time>> blocked = store_.BlockedUntil(keys, now);
  if (!blocked.ok()) return blocked.status();
  if (blocked->has_value()) {
    int64_t seconds =
        std::max<int64_t>(1, absl::ToInt64Seconds(**blocked - now + absl::Seconds(1)));
    return WithRetryAfter(absl::ResourceExhaustedError(
                              absl::StrCat("too many failed logins; retry after ", seconds, " s")),
                          absl::Seconds(seconds));
  }

  absl::StatusOr<User> user = store_.FindByLogin(login);
  if (!user.ok() && !absl::IsNotFound(user.status())) return user.status();
  // Same work whether or not the user exists, so timing tells nothing.
  absl::StatusOr<bool> matches =
      hasher_.Verify(password, user.ok() ? user->password_hash : dummy_hash_);
  if (!matches.ok() && !absl::IsInvalidArgument(matches.status())) return matches.status();
  if (!user.ok() || !matches.ok() || !*matches) {
    absl::Status recorded = store_.RecordFailure({account_key}, now, options_.per_account);
    if (recorded.ok() && keys.size() > 1) {
      recorded = store_.RecordFailure({keys[1]}, now, options_.per_address);
    }
    if (!recorded.ok()) return recorded;
    return absl::UnauthenticatedError(kBadCredentials);
  }
  if (!user->is_active) {
    return absl::PermissionDeniedError("this account is deactivated; ask an admin");
  }
  absl::Status cleared = store_.ClearFailures(account_key);
  if (!cleared.ok()) return cleared;
  // Old or weaker hashes (e.g. from the Python application) are upgraded.
  std::string upgraded;
  if (hasher_.NeedsRehash(user->password_hash)) {
    absl::StatusOr<std::string> rehashed = hasher_.Hash(password);
    if (rehashed.ok()) upgraded = *rehashed;
  }
  absl::Status recorded = store_.RecordLogin(user->id, upgraded);
  if (!recorded.ok()) return recorded;
  user->last_login_at = now;
  return IssueSession(*user, client_addr);
}

absl::StatusOr<SessionTokens> AuthLogic::Refresh(const std::string& refresh_token,
                                                 const std::string& client_addr) {
  if (refresh_token.empty() || refresh_token.size() > 256) {
    return absl::UnauthenticatedError("a valid refresh_token is required");
  }
  SessionTokens session;
  session.refresh_token = absl::WebSafeBase64Escape(RandomBytes(32));
  int64_t user_id = 0;
  absl::StatusOr<RotationOutcome> outcome =
      store_.RotateRefreshToken(Digest(refresh_token), Digest(session.refresh_token), clock_(),
                                clock_() + options_.refresh_ttl, client_addr, &user_id);
  if (!outcome.ok()) return outcome.status();
  switch (*outcome) {
    case RotationOutcome::kUnknown:
      return absl::UnauthenticatedError("unknown refresh token; log in again");
    case RotationOutcome::kExpired:
      return absl::UnauthenticatedError("the refresh token expired; log in again");
    case RotationOutcome::kReused:
      return absl::UnauthenticatedError(
          "this refresh token was already used, so every session of that login was ended; "
          "log in again");
    case RotationOutcome::kRotated:
      break;
  }
  absl::StatusOr<User> user = store_.FindById(user_id);
  if (!user.ok()) return user.status();
  if (!user->is_active) {
    return absl::PermissionDeniedError("this account is deactivated; ask an admin");
  }
  session.access_token = AccessToken(*user);
  session.expires_in = options_.access_ttl;
  session.user = *std::move(user);
  return session;
}

absl::Status AuthLogic::Logout(const auth::Caller& caller, const std::string& refresh_token) {
  if (refresh_token.empty()) return absl::InvalidArgumentError("refresh_token is required");
  return store_.RevokeRefreshToken(caller.user_id, Digest(refresh_token));
}

absl::StatusOr<User> AuthLogic::Me(const auth::Caller& caller) {
  return store_.FindById(caller.user_id);
}

absl::StatusOr<SessionTokens> AuthLogic::ChangePassword(const auth::Caller& caller,
                                                        const std::string& current_password,
                                                        const std::string& new_password,
                                                        const std::string& client_addr) {
  absl::StatusOr<User> user = store_.FindById(caller.user_id);
  if (!user.ok()) return user.status();
  absl::StatusOr<bool> matches = hasher_.Verify(current_password, user->password_hash);
  if (!matches.ok() || !*matches) {
    return absl::PermissionDeniedError("the current password is wrong");
  }
  absl::Status valid = ValidateNewPassword(user->username, new_password);
  if (!valid.ok()) return valid;
  if (new_password == current_password) {
    return absl::InvalidArgumentError("the new password must differ from the current one");
  }
  absl::StatusOr<std::string> hash = hasher_.Hash(new_password);
  if (!hash.ok()) return hash.status();
  absl::Status changed = store_.SetPassword(user->id, *hash, /*must_change_password=*/false);
  if (!changed.ok()) return changed;
  user->must_change_password = false;
  user->password_hash = *hash;
  return IssueSession(*user, client_addr);
}

}  // namespace kiosk::users
