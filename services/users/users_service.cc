#include "services/users/users_service.h"

#include <google/protobuf/util/json_util.h>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/server/authenticated.h"
#include "common/server/page_token.h"
#include "common/server/request_context.h"

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
  if (user.movie_quota_limit) out->set_movie_quota_limit(*user.movie_quota_limit);
  if (user.movie_quota_days) out->set_movie_quota_days(*user.movie_quota_days);
  if (user.tv_quota_limit) out->set_tv_quota_limit(*user.tv_quota_limit);
  if (user.tv_quota_days) out->set_tv_quota_days(*user.tv_quota_days);
}

absl::Status ToProto(const absl::StatusOr<User>& user, v1::User* out) {
  if (!user.ok()) return user.status();
  ToProto(*user, out);
  return absl::OkStatus();
}

std::string RoleName(v1::Role role) {
  switch (role) {
    case v1::ROLE_ADMIN:
      return "admin";
    case v1::ROLE_USER:
      return "user";
    default:
      return "";
  }
}

void ToProto(const ApiKey& key, v1::ApiKey* out) {
  out->set_id(key.id);
  out->set_name(key.name);
  out->set_prefix(key.prefix);
  out->mutable_created_at()->set_seconds(absl::ToUnixSeconds(key.created_at));
  if (key.last_used_at) {
    out->mutable_last_used_at()->set_seconds(absl::ToUnixSeconds(*key.last_used_at));
  }
}

// google.protobuf.Value <-> JSON through protobuf's own JSON mapping.
absl::Status ToProto(const absl::StatusOr<std::vector<SettingView>>& views,
                     v1::ListSettingsResponse* out) {
  if (!views.ok()) return views.status();
  for (const SettingView& view : *views) {
    v1::Setting* setting = out->add_settings();
    setting->set_key(view.def->key);
    setting->set_type(std::string(SettingTypeName(view.def->type)));
    setting->set_description(view.def->description);
    setting->set_is_set(view.is_set);
    if (!google::protobuf::util::JsonStringToMessage(view.value.dump(), setting->mutable_value())
             .ok()) {
      return absl::InternalError(absl::StrCat("stored value of ", view.def->key, " is not JSON"));
    }
    if (view.updated_at) {
      setting->mutable_updated_at()->set_seconds(absl::ToUnixSeconds(*view.updated_at));
    }
  }
  return absl::OkStatus();
}

// proto3 optional quota: a negative value means "clear".
template <typename Request>
void QuotaPatch(const Request& r, UserPatch* patch) {
  auto field = [](bool has, int value) -> std::optional<std::optional<int>> {
    if (!has) return std::nullopt;
    return value < 0 ? std::optional<int>() : std::optional<int>(value);
  };
  patch->movie_quota_limit = field(r.has_movie_quota_limit(), r.movie_quota_limit());
  patch->movie_quota_days = field(r.has_movie_quota_days(), r.movie_quota_days());
  patch->tv_quota_limit = field(r.has_tv_quota_limit(), r.tv_quota_limit());
  patch->tv_quota_days = field(r.has_tv_quota_days(), r.tv_quota_days());
}

void ToProto(const QuotaWindow& window, v1::QuotaWindow* out) {
  out->set_limit(window.limit);
  out->set_window_days(window.window_days);
  out->set_used(window.used);
  out->set_remaining(window.remaining);
  out->set_unlimited(window.unlimited());
  const int64_t seconds = absl::ToUnixSeconds(window.window_start);  // rounds down
  out->mutable_window_start()->set_seconds(seconds);
  out->mutable_window_start()->set_nanos(static_cast<int32_t>(
      absl::ToInt64Nanoseconds(window.window_start - absl::FromUnixSeconds(seconds))));
}

absl::Status ToProto(const absl::StatusOr<UserQuota>& quota, v1::Quota* out) {
  if (!quota.ok()) return quota.status();
  out->set_user_id(quota->user_id);
  ToProto(quota->movie, out->mutable_movie());
  ToProto(quota->tv, out->mutable_tv());
  return absl::OkStatus();
}

// Never the secret: it is shown once, by CreateWebhook.
void ToProto(const StoredWebhook& hook, v1::Webhook* out) {
  out->set_id(hook.id);
  out->set_name(hook.name);
  out->set_url(hook.url);
  for (const std::string& event : hook.events) out->add_events(event);
  out->set_enabled(hook.enabled);
  out->set_has_secret(!hook.secret.empty());
  out->mutable_created_at()->set_seconds(absl::ToUnixSeconds(hook.created_at));
  out->mutable_updated_at()->set_seconds(absl::ToUnixSeconds(hook.updated_at));
}

absl::Status ToProto(const absl::StatusOr<StoredWebhook>& hook, v1::Webhook* out) {
  if (!hook.ok()) return hook.status();
  ToProto(*hook, out);
  return absl::OkStatus();
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

std::string ClientAddress(const grpc::CallbackServerContext& ctx, const net::TrustedProxies& trusted) {
  std::string forwarded;
  const auto& metadata = ctx.client_metadata();
  if (auto it = metadata.find("x-forwarded-for"); it != metadata.end()) {
    forwarded.assign(it->second.data(), it->second.size());
  }
  return trusted.ClientAddress(net::IpFromGrpcPeer(ctx.peer()), forwarded);
}

grpc::ServerUnaryReactor* UsersServiceImpl::Login(grpc::CallbackServerContext* ctx,
                                                  const v1::LoginRequest* request,
                                                  v1::Session* response) {
  return server::ServeOnExecutor(ctx, hash_executor_, [this, ctx, request, response] {
    return ToProto(logic_.Login(request->username(), request->password(), ClientAddress(*ctx, trusted_proxies_)),
                   response);
  });
}

grpc::ServerUnaryReactor* UsersServiceImpl::Refresh(grpc::CallbackServerContext* ctx,
                                                    const v1::RefreshRequest* request,
                                                    v1::Session* response) {
  return server::ServeOnExecutor(ctx, executor_, [this, ctx, request, response] {
    return ToProto(logic_.Refresh(request->refresh_token(), ClientAddress(*ctx, trusted_proxies_)), response);
  });
}

grpc::ServerUnaryReactor* UsersServiceImpl::Logout(grpc::CallbackServerContext* ctx,
                                                   const v1::LogoutRequest* request,
                                                   v1::LogoutResponse*) {
  return server::ServeAuthenticated(ctx, executor_, authenticator_,
                                    server::kAllowedBeforePasswordChange,
                                    [this, request](const auth::Caller& caller) {
                                      return logic_.Logout(caller, request->refresh_token());
                                    });
}

grpc::ServerUnaryReactor* UsersServiceImpl::Me(grpc::CallbackServerContext* ctx,
                                               const v1::MeRequest*, v1::User* response) {
  return server::ServeAuthenticated(ctx, executor_, authenticator_,
                                    server::kAllowedBeforePasswordChange,
                                    [this, response](const auth::Caller& caller) -> absl::Status {
                                      absl::StatusOr<User> user = logic_.Me(caller);
                                      if (!user.ok()) return user.status();
                                      ToProto(*user, response);
                                      return absl::OkStatus();
                                    });
}

grpc::ServerUnaryReactor* UsersServiceImpl::ChangePassword(grpc::CallbackServerContext* ctx,
                                                           const v1::ChangePasswordRequest* request,
                                                           v1::Session* response) {
  return server::ServeAuthenticated(
      ctx, hash_executor_, authenticator_, server::kAllowedBeforePasswordChange,
      [this, ctx, request, response](const auth::Caller& caller) {
        return ToProto(logic_.ChangePassword(caller, request->current_password(),
                                             request->new_password(), ClientAddress(*ctx, trusted_proxies_)),
                       response);
      });
}

grpc::ServerUnaryReactor* UsersServiceImpl::UpdateMe(grpc::CallbackServerContext* ctx,
                                                     const v1::UpdateMeRequest* request,
                                                     v1::User* response) {
  return server::ServeAuthenticated(
      ctx, executor_, authenticator_, server::kPasswordChangeRequired,
      [this, request, response](const auth::Caller& caller) {
        auto optional = [](bool has, const std::string& v) {
          return has ? std::optional<std::string>(v) : std::nullopt;
        };
        return ToProto(admin_.UpdateMe(caller, optional(request->has_email(), request->email()),
                                       optional(request->has_preferred_language(),
                                                request->preferred_language())),
                       response);
      });
}

grpc::ServerUnaryReactor* UsersServiceImpl::ListUsers(grpc::CallbackServerContext* ctx,
                                                      const v1::ListUsersRequest* request,
                                                      v1::ListUsersResponse* response) {
  return server::ServeAuthenticated(
      ctx, executor_, authenticator_, server::kPasswordChangeRequired,
      [this, request, response](const auth::Caller& caller) -> absl::Status {
        absl::StatusOr<int64_t> offset =
            server::DecodePageToken('o', request->page_token(), 0, INT32_MAX);
        if (!offset.ok()) return offset.status();
        UserFilter filter;
        filter.role = RoleName(request->role());
        if (request->has_is_active()) filter.is_active = request->is_active();
        filter.search = request->search();
        absl::StatusOr<UserPage> page =
            admin_.List(caller, filter, request->page_size(), static_cast<int>(*offset));
        if (!page.ok()) return page.status();
        for (const User& user : page->users) ToProto(user, response->add_users());
        response->set_total_size(page->total);
        if (page->next_offset >= 0)
          response->set_next_page_token(server::EncodePageToken('o', page->next_offset));
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* UsersServiceImpl::GetUser(grpc::CallbackServerContext* ctx,
                                                    const v1::GetUserRequest* request,
                                                    v1::User* response) {
  return server::ServeAuthenticated(ctx, executor_, authenticator_, server::kPasswordChangeRequired,
                                    [this, request, response](const auth::Caller& caller) {
                                      return ToProto(admin_.Get(caller, request->id()), response);
                                    });
}

grpc::ServerUnaryReactor* UsersServiceImpl::CreateUser(grpc::CallbackServerContext* ctx,
                                                       const v1::CreateUserRequest* request,
                                                       v1::User* response) {
  return server::ServeAuthenticated(
      ctx, hash_executor_, authenticator_, server::kPasswordChangeRequired,
      [this, request, response](const auth::Caller& caller) {
        User user;
        user.username = request->username();
        user.email = request->email();
        user.password_hash = request->password();  // hashed by UserAdmin::Create
        user.role = RoleName(request->role());
        user.preferred_language = request->preferred_language();
        UserPatch quotas;
        QuotaPatch(*request, &quotas);
        user.movie_quota_limit = quotas.movie_quota_limit.value_or(std::nullopt);
        user.movie_quota_days = quotas.movie_quota_days.value_or(std::nullopt);
        user.tv_quota_limit = quotas.tv_quota_limit.value_or(std::nullopt);
        user.tv_quota_days = quotas.tv_quota_days.value_or(std::nullopt);
        return ToProto(
            admin_.Create(caller, std::move(user),
                          request->has_auto_approve() ? std::optional<bool>(request->auto_approve())
                                                      : std::nullopt),
            response);
      });
}

grpc::ServerUnaryReactor* UsersServiceImpl::UpdateUser(grpc::CallbackServerContext* ctx,
                                                       const v1::UpdateUserRequest* request,
                                                       v1::User* response) {
  return server::ServeAuthenticated(ctx, executor_, authenticator_, server::kPasswordChangeRequired,
                                    [this, request, response](const auth::Caller& caller) {
                                      UserPatch patch;
                                      if (request->role() != v1::ROLE_UNSPECIFIED)
                                        patch.role = RoleName(request->role());
                                      if (request->has_is_active())
                                        patch.is_active = request->is_active();
                                      if (request->has_auto_approve())
                                        patch.auto_approve = request->auto_approve();
                                      if (request->has_preferred_language()) {
                                        patch.preferred_language = request->preferred_language();
                                      }
                                      if (request->has_email()) patch.email = request->email();
                                      QuotaPatch(*request, &patch);
                                      return ToProto(admin_.Update(caller, request->id(), patch),
                                                     response);
                                    });
}

grpc::ServerUnaryReactor* UsersServiceImpl::ResetPassword(grpc::CallbackServerContext* ctx,
                                                          const v1::ResetPasswordRequest* request,
                                                          v1::User* response) {
  return server::ServeAuthenticated(
      ctx, hash_executor_, authenticator_, server::kPasswordChangeRequired,
      [this, request, response](const auth::Caller& caller) {
        return ToProto(admin_.ResetPassword(caller, request->id(), request->new_password()),
                       response);
      });
}

grpc::ServerUnaryReactor* UsersServiceImpl::DeleteUser(grpc::CallbackServerContext* ctx,
                                                       const v1::DeleteUserRequest* request,
                                                       v1::DeleteUserResponse*) {
  return server::ServeAuthenticated(
      ctx, executor_, authenticator_, server::kPasswordChangeRequired,
      [this, request](const auth::Caller& caller) { return admin_.Delete(caller, request->id()); });
}

grpc::ServerUnaryReactor* UsersServiceImpl::CreateApiKey(grpc::CallbackServerContext* ctx,
                                                         const v1::CreateApiKeyRequest* request,
                                                         v1::CreateApiKeyResponse* response) {
  return server::ServeAuthenticated(
      ctx, executor_, authenticator_, server::kPasswordChangeRequired,
      [this, request, response](const auth::Caller& caller) -> absl::Status {
        absl::StatusOr<std::pair<std::string, ApiKey>> created =
            api_keys_.Create(caller, request->name());
        if (!created.ok()) return created.status();
        response->set_key(created->first);
        ToProto(created->second, response->mutable_api_key());
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* UsersServiceImpl::ListApiKeys(grpc::CallbackServerContext* ctx,
                                                        const v1::ListApiKeysRequest*,
                                                        v1::ListApiKeysResponse* response) {
  return server::ServeAuthenticated(ctx, executor_, authenticator_, server::kPasswordChangeRequired,
                                    [this, response](const auth::Caller& caller) -> absl::Status {
                                      absl::StatusOr<std::vector<ApiKey>> keys =
                                          api_keys_.List(caller);
                                      if (!keys.ok()) return keys.status();
                                      for (const ApiKey& key : *keys)
                                        ToProto(key, response->add_api_keys());
                                      return absl::OkStatus();
                                    });
}

grpc::ServerUnaryReactor* UsersServiceImpl::RevokeApiKey(grpc::CallbackServerContext* ctx,
                                                         const v1::RevokeApiKeyRequest* request,
                                                         v1::RevokeApiKeyResponse*) {
  return server::ServeAuthenticated(ctx, executor_, authenticator_, server::kPasswordChangeRequired,
                                    [this, request](const auth::Caller& caller) {
                                      return api_keys_.Revoke(caller, request->id());
                                    });
}

grpc::ServerUnaryReactor* UsersServiceImpl::ListSettings(grpc::CallbackServerContext* ctx,
                                                         const v1::ListSettingsRequest*,
                                                         v1::ListSettingsResponse* response) {
  return server::ServeAuthenticated(ctx, executor_, authenticator_, server::kPasswordChangeRequired,
                                    [this, response](const auth::Caller& caller) {
                                      return ToProto(settings_.List(caller), response);
                                    });
}

grpc::ServerUnaryReactor* UsersServiceImpl::GetServiceSettings(
    grpc::CallbackServerContext* ctx, const v1::GetServiceSettingsRequest* request,
    v1::GetServiceSettingsResponse* response) {
  return server::ServeAuthenticated(
      ctx, executor_, authenticator_, server::kPasswordChangeRequired,
      [this, request, response](const auth::Caller& caller) -> absl::Status {
        std::vector<std::string> keys(request->keys().begin(), request->keys().end());
        absl::StatusOr<std::map<std::string, nlohmann::json>> values =
            settings_.ForService(caller, keys);
        if (!values.ok()) return values.status();
        for (const auto& [key, value] : *values) {
          if (!google::protobuf::util::JsonStringToMessage(value.dump(),
                                                           &(*response->mutable_values())[key])
                   .ok()) {
            return absl::InternalError(absl::StrCat("stored value of ", key, " is not JSON"));
          }
        }
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* UsersServiceImpl::UpdateSettings(grpc::CallbackServerContext* ctx,
                                                           const v1::UpdateSettingsRequest* request,
                                                           v1::ListSettingsResponse* response) {
  return server::ServeAuthenticated(
      ctx, executor_, authenticator_, server::kPasswordChangeRequired,
      [this, request, response](const auth::Caller& caller) -> absl::Status {
        std::map<std::string, nlohmann::json> values;
        for (const auto& [key, value] : request->values()) {
          std::string json;
          if (!google::protobuf::util::MessageToJsonString(value, &json).ok()) {
            return absl::InvalidArgumentError(absl::StrCat("setting ", key, ": not a JSON value"));
          }
          values[key] = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
        }
        return ToProto(settings_.Update(caller, values), response);
      });
}

grpc::ServerUnaryReactor* UsersServiceImpl::GetQuota(grpc::CallbackServerContext* ctx,
                                                     const v1::GetQuotaRequest* request,
                                                     v1::Quota* response) {
  return server::ServeAuthenticated(
      ctx, executor_, authenticator_, server::kPasswordChangeRequired,
      [this, ctx, request, response](const auth::Caller& caller) {
        return ToProto(quotas_.Get(caller, request->user_id(), server::RequestId(*ctx)), response);
      });
}

grpc::ServerUnaryReactor* UsersServiceImpl::CreateWebhook(grpc::CallbackServerContext* ctx,
                                                          const v1::CreateWebhookRequest* request,
                                                          v1::CreateWebhookResponse* response) {
  return server::ServeAuthenticated(
      ctx, executor_, authenticator_, server::kPasswordChangeRequired,
      [this, request, response](const auth::Caller& caller) -> absl::Status {
        StoredWebhook hook;
        hook.name = request->name();
        hook.url = request->url();
        hook.secret = request->secret();
        hook.events.assign(request->events().begin(), request->events().end());
        hook.enabled = !request->has_enabled() || request->enabled();
        absl::StatusOr<StoredWebhook> created = webhooks_.Create(caller, std::move(hook));
        if (!created.ok()) return created.status();
        ToProto(*created, response->mutable_webhook());
        response->set_secret(created->secret);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* UsersServiceImpl::ListWebhooks(grpc::CallbackServerContext* ctx,
                                                         const v1::ListWebhooksRequest*,
                                                         v1::ListWebhooksResponse* response) {
  return server::ServeAuthenticated(ctx, executor_, authenticator_, server::kPasswordChangeRequired,
                                    [this, response](const auth::Caller& caller) -> absl::Status {
                                      absl::StatusOr<std::vector<StoredWebhook>> hooks =
                                          webhooks_.List(caller);
                                      if (!hooks.ok()) return hooks.status();
                                      for (const StoredWebhook& hook : *hooks) {
                                        ToProto(hook, response->add_webhooks());
                                      }
                                      return absl::OkStatus();
                                    });
}

grpc::ServerUnaryReactor* UsersServiceImpl::UpdateWebhook(grpc::CallbackServerContext* ctx,
                                                          const v1::UpdateWebhookRequest* request,
                                                          v1::Webhook* response) {
  return server::ServeAuthenticated(
      ctx, executor_, authenticator_, server::kPasswordChangeRequired,
      [this, request, response](const auth::Caller& caller) -> absl::Status {
        if (request->all_events() && request->events_size() > 0) {
          return absl::InvalidArgumentError(
              "events and all_events: give a new filter or all_events, not both");
        }
        WebhookPatch patch;
        if (request->has_name()) patch.name = request->name();
        if (request->has_url()) patch.url = request->url();
        if (request->has_secret()) patch.secret = request->secret();
        if (request->all_events()) {
          patch.events = std::vector<std::string>();
        } else if (request->events_size() > 0) {
          patch.events =
              std::vector<std::string>(request->events().begin(), request->events().end());
        }
        if (request->has_enabled()) patch.enabled = request->enabled();
        return ToProto(webhooks_.Update(caller, request->id(), std::move(patch)), response);
      });
}

grpc::ServerUnaryReactor* UsersServiceImpl::DeleteWebhook(grpc::CallbackServerContext* ctx,
                                                          const v1::DeleteWebhookRequest* request,
                                                          v1::DeleteWebhookResponse*) {
  return server::ServeAuthenticated(ctx, executor_, authenticator_, server::kPasswordChangeRequired,
                                    [this, request](const auth::Caller& caller) {
                                      return webhooks_.Delete(caller, request->id());
                                    });
}

grpc::ServerUnaryReactor* UsersServiceImpl::TestWebhook(grpc::CallbackServerContext* ctx,
                                                        const v1::TestWebhookRequest* request,
                                                        v1::TestWebhookResponse* response) {
  return server::ServeAuthenticated(
      ctx, executor_, authenticator_, server::kPasswordChangeRequired,
      [this, request, response](const auth::Caller& caller) -> absl::Status {
        absl::StatusOr<int64_t> job = webhooks_.Test(caller, request->id());
        if (!job.ok()) return job.status();
        response->set_job_id(*job);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* UsersServiceImpl::ListWebhookTargets(
    grpc::CallbackServerContext* ctx, const v1::ListWebhookTargetsRequest*,
    v1::ListWebhookTargetsResponse* response) {
  return server::ServeAuthenticated(ctx, executor_, authenticator_, server::kPasswordChangeRequired,
                                    [this, response](const auth::Caller& caller) -> absl::Status {
                                      absl::StatusOr<std::vector<StoredWebhook>> hooks =
                                          webhooks_.Targets(caller);
                                      if (!hooks.ok()) return hooks.status();
                                      for (const StoredWebhook& hook : *hooks) {
                                        v1::WebhookTarget* target = response->add_targets();
                                        target->set_id(hook.id);
                                        target->set_name(hook.name);
                                        target->set_url(hook.url);
                                        target->set_secret(hook.secret);
                                        for (const std::string& event : hook.events)
                                          target->add_events(event);
                                      }
                                      return absl::OkStatus();
                                    });
}

}  // namespace kiosk::users
