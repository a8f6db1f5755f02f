// The webhooks as services other than kiosk-users see them: asked from
// kiosk-users (UsersService.ListWebhookTargets, a service-only RPC, called
// with a short-lived service token) and cached for `ttl`. A webhook created,
// changed or deleted is therefore seen here within `ttl` (30 s by default).
//
//   auto& directory = env.owner.Own(std::make_unique<webhooks::RemoteWebhookDirectory>(
//       grpc::CreateChannel(env.config.users_addr, grpc::InsecureChannelCredentials()),
//       env.jwt, "kiosk-media"));
//   webhooks::RegisterWebhookJobs(env.jobs, directory, http);
//
// kiosk-users unreachable or refusing -> UNAVAILABLE (the job retries).
#ifndef KIOSK_COMMON_WEBHOOKS_REMOTE_WEBHOOK_DIRECTORY_H_
#define KIOSK_COMMON_WEBHOOKS_REMOTE_WEBHOOK_DIRECTORY_H_

#include <grpcpp/channel.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/time/time.h"
#include "common/auth/jwt.h"
#include "common/webhooks/webhook_directory.h"

namespace kiosk::webhooks {

class RemoteWebhookDirectory final : public WebhookDirectory {
 public:
  // `service` names the calling binary in its service tokens ("kiosk-media").
  RemoteWebhookDirectory(std::shared_ptr<grpc::Channel> users, const auth::JwtCodec& jwt,
                         std::string service, absl::Duration ttl = absl::Seconds(30),
                         absl::Duration timeout = absl::Seconds(5));

  absl::StatusOr<std::vector<Webhook>> Enabled() override;
  // Only enabled webhooks are known here: a disabled one is nullopt too.
  absl::StatusOr<std::optional<Webhook>> Find(int64_t id) override;

 private:
  absl::StatusOr<std::vector<Webhook>> Load();

  std::shared_ptr<grpc::Channel> users_;
  const auth::JwtCodec& jwt_;
  const std::string service_;
  const absl::Duration ttl_;
  const absl::Duration timeout_;
  std::mutex mu_;
  std::vector<Webhook> cached_ ABSL_GUARDED_BY(mu_);
  absl::Time expires_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
};

}  // namespace kiosk::webhooks

#endif  // KIOSK_COMMON_WEBHOOKS_REMOTE_WEBHOOK_DIRECTORY_H_
