#include "services/users/users_service.h"

#include "absl/strings/match.h"
#include "common/server/authenticated.h"

namespace kiosk::users {
namespace {

void ToProto(const User& user, v1::User* out) {
  out->set_id(user.id);
  out->set_username(user.username);
  out->set_email(user.email);
  out->set_role(user.role == "admin" ? v1::ROLE_ADMIN : v1::ROLE_USER);
  out->set_is_active(user.is_active);
  out->set_must_change_password(user.must_change_password);
  out->set_auto_approve(user.auto_approve);
  out->set_preferred_language(user.preferred_language);
  out->mutable_created_at()->set_seconds(absl::ToUnixSeconds(user.created_at));
  if (user.last_login_at) {
    out->mutable_last_login_at()->set_seconds(absl::ToUnixSeconds(*user.last_login_at));
  }
}

absl::Status ToProto(const absl::StatusOr<SessionTokens>& session, v1::Session* out) {
  if (!session.ok()) return session.status();
  out->set_access_token(session->access_token);
  out->set_refresh_token(session->refresh_token);
  out->set_token_type("Bearer");
  out->set_expires_in(absl::ToInt64Seconds(session->expires_in));
  out->set_must_change_password(session->user.must_change_password);
  ToProto(session->user, out->mutable_user());
  return absl::OkStatus();
}

}  // namespace

std::string ClientAddress(const grpc::CallbackServerContext& ctx) {
  std::string peer = ctx.peer();
  for (const char* scheme : {"ipv4:", "ipv6:"}) {
    if (absl::StartsWith(peer, scheme)) {
      peer = peer.substr(5);
      size_t colon = peer.rfind(':');
      if (colon != std::string::npos) peer.resize(colon);
      if (peer.size() > 2 && peer.front() == '[' && peer.back() == ']') {
        peer = peer.substr(1, peer.size() - 2);
      }
      return peer;
    }
  }
  return peer;
}

grpc::ServerUnaryReactor* UsersServiceImpl::Login(grpc::CallbackServerContext* ctx,
                                                  const v1::LoginRequest* request,
                                                  v1::Session* response) {
  return server::ServeOnExecutor(ctx, hash_executor_, [this, ctx, request, response] {
    return ToProto(logic_.Login(request->username(), request->password(), ClientAddress(*ctx)),
                   response);
  });
}

grpc::ServerUnaryReactor* UsersServiceImpl::Refresh(grpc::CallbackServerContext* ctx,
                                                    const v1::RefreshRequest* request,
                                                    v1::Session* response) {
  return server::ServeOnExecutor(ctx, executor_, [this, ctx, request, response] {
    return ToProto(logic_.Refresh(request->refresh_token(), ClientAddress(*ctx)), response);
  });
}

grpc::ServerUnaryReactor* UsersServiceImpl::Logout(grpc::CallbackServerContext* ctx,
                                                   const v1::LogoutRequest* request,
                                                   v1::LogoutResponse*) {
  return server::ServeAuthenticated(
      ctx, executor_, authenticator_, server::kAllowedBeforePasswordChange,
      [this, request](const auth::Caller& caller) {
        return logic_.Logout(caller, request->refresh_token());
      });
}

grpc::ServerUnaryReactor* UsersServiceImpl::Me(grpc::CallbackServerContext* ctx,
                                               const v1::MeRequest*, v1::User* response) {
  return server::ServeAuthenticated(
      ctx, executor_, authenticator_, server::kAllowedBeforePasswordChange,
      [this, response](const auth::Caller& caller) -> absl::Status {
        absl::StatusOr<User> user = logic_.Me(caller);
        if (!user.ok()) return user.status();
        ToProto(*user, response);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* UsersServiceImpl::ChangePassword(
    grpc::CallbackServerContext* ctx, const v1::ChangePasswordRequest* request,
    v1::Session* response) {
  return server::ServeAuthenticated(
      ctx, hash_executor_, authenticator_, server::kAllowedBeforePasswordChange,
      [this, ctx, request, response](const auth::Caller& caller) {
        return ToProto(logic_.ChangePassword(caller, request->current_password(),
                                             request->new_password(), ClientAddress(*ctx)),
                       response);
      });
}

}  // namespace kiosk::users
