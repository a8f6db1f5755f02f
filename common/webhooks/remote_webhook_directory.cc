#include "common/webhooks/remote_webhook_directory.h"

#include <grpcpp/client_context.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/auth/caller.h"
#include "common/grpc_status.h"
#include "kiosk/users/v1/users_service.grpc.pb.h"

namespace kiosk::webhooks {

RemoteWebhookDirectory::RemoteWebhookDirectory(std::shared_ptr<grpc::Channel> users,
                                               const auth::JwtCodec& jwt, std::string service,
                                               absl::Duration ttl, absl::Duration timeout)
    : users_(std::move(users)),
      jwt_(jwt),
      service_(std::move(service)),
      ttl_(ttl),
      timeout_(timeout) {}

absl::StatusOr<std::vector<Webhook>> RemoteWebhookDirectory::Load() {
  const absl::Time now = absl::Now();
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (now < expires_) return cached_;
  }
  grpc::ClientContext ctx;
  ctx.AddMetadata(auth::kAuthorizationHeader,
                  absl::StrCat("Bearer ", jwt_.SignServiceToken(service_, now)));
  ctx.set_deadline(absl::ToChronoTime(now + timeout_));
  kiosk::users::v1::ListWebhookTargetsResponse response;
  grpc::Status status = kiosk::users::v1::UsersService::NewStub(users_)->ListWebhookTargets(
      &ctx, kiosk::users::v1::ListWebhookTargetsRequest(), &response);
  if (!status.ok()) {
    return absl::UnavailableError(
        absl::StrCat("kiosk-users did not list the webhooks: ", FromGrpcStatus(status).ToString(),
                     "; check USERS_ADDR, that kiosk-users runs and that both share SECRET_KEY"));
  }
  std::vector<Webhook> hooks;
  for (const kiosk::users::v1::WebhookTarget& target : response.targets()) {
    hooks.push_back({.id = target.id(),
                     .name = target.name(),
                     .url = target.url(),
                     .secret = target.secret(),
                     .events = {target.events().begin(), target.events().end()},
                     .enabled = true});
  }
  std::lock_guard<std::mutex> lock(mu_);
  cached_ = hooks;
  expires_ = now + ttl_;
  return hooks;
}

absl::StatusOr<std::vector<Webhook>> RemoteWebhookDirectory::Enabled() { return Load(); }

absl::StatusOr<std::optional<Webhook>> RemoteWebhookDirectory::Find(int64_t id) {
  absl::StatusOr<std::vector<Webhook>> hooks = Load();
  if (!hooks.ok()) return hooks.status();
  for (Webhook& hook : *hooks) {
    if (hook.id == id) return std::optional<Webhook>(std::move(hook));
  }
  return std::optional<Webhook>();
}

}  // namespace kiosk::webhooks
