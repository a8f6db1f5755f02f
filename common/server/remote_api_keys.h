// API keys for services other than kiosk-users: the key is checked by
// kiosk-users (UsersService.Me called with the same x-api-key), and the
// answer cached for a short while so a busy client does not cost one extra
// call per request. A revoked key therefore stops working within `ttl`.
//
//   RemoteApiKeys keys(grpc::CreateChannel(users_addr, ...), absl::Seconds(30));
//   auth::Authenticator authenticator(jwt, [&](absl::string_view k) { return keys.Resolve(k); });
#ifndef KIOSK_COMMON_SERVER_REMOTE_API_KEYS_H_
#define KIOSK_COMMON_SERVER_REMOTE_API_KEYS_H_

#include <grpcpp/channel.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/auth/caller.h"

namespace kiosk::server {

class RemoteApiKeys {
 public:
  RemoteApiKeys(std::shared_ptr<grpc::Channel> users, absl::Duration ttl);

  absl::StatusOr<auth::Caller> Resolve(absl::string_view key);

 private:
  struct Entry {
    auth::Caller caller;
    absl::Time expires;
  };
  std::shared_ptr<grpc::Channel> users_;
  const absl::Duration ttl_;
  std::mutex mu_;
  std::map<std::string, Entry> cache_ ABSL_GUARDED_BY(mu_);  // by SHA-256 of the key
};

}  // namespace kiosk::server

#endif  // KIOSK_COMMON_SERVER_REMOTE_API_KEYS_H_
