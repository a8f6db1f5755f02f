#include "common/auth/caller.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace kiosk::auth {
namespace {

absl::string_view Header(const grpc::ServerContextBase& ctx, const char* name) {
  const auto& metadata = ctx.client_metadata();
  auto it = metadata.find(name);
  if (it == metadata.end()) return "";
  return absl::string_view(it->second.data(), it->second.size());
}

}  // namespace

absl::StatusOr<Caller> Authenticator::Authenticate(const grpc::ServerContextBase& ctx,
                                                   absl::Time now) const {
  return Authenticate(Header(ctx, kAuthorizationHeader), Header(ctx, kApiKeyHeader), now);
}

absl::StatusOr<Caller> Authenticator::Authenticate(absl::string_view authorization,
                                                   absl::string_view api_key,
                                                   absl::Time now) const {
  if (!authorization.empty()) {
    // RFC 6750: the scheme is case-insensitive.
    if (authorization.size() < 7 ||
        !absl::EqualsIgnoreCase(authorization.substr(0, 7), "bearer ")) {
      return absl::UnauthenticatedError(
          "the authorization header must be \"Bearer <access token>\"");
    }
    absl::StatusOr<TokenClaims> claims =
        jwt_.Verify(absl::StripAsciiWhitespace(authorization.substr(7)), now);
    if (!claims.ok()) return claims.status();
    return Caller{claims->user_id, claims->role, claims->must_change_password, claims->token_id,
                  claims->service};
  }
  if (!api_key.empty()) {
    if (!api_keys_) {
      return absl::UnauthenticatedError("API keys are not accepted here; use a Bearer token");
    }
    return api_keys_(api_key);
  }
  return absl::UnauthenticatedError(
      "authentication required: send \"authorization: Bearer <access token>\" (from "
      "POST /api/v1/auth/login) or an \"x-api-key\"");
}

absl::Status RequireAdmin(const Caller& caller) {
  if (caller.is_admin()) return absl::OkStatus();
  return absl::PermissionDeniedError("this needs the admin role");
}

absl::Status RequireService(const Caller& caller) {
  if (caller.is_service()) return absl::OkStatus();
  return absl::PermissionDeniedError("only plex-kiosk services may call this");
}

absl::Status RequirePasswordChanged(const Caller& caller) {
  if (!caller.must_change_password) return absl::OkStatus();
  return absl::FailedPreconditionError(
      "change your password first (POST /api/v1/auth/password); until then only changing the "
      "password, reading your profile and logging out are allowed");
}

}  // namespace kiosk::auth
