#include "common/server/remote_api_keys.h"

#include <grpcpp/client_context.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/crypto.h"
#include "common/grpc_status.h"
#include "kiosk/users/v1/users_service.grpc.pb.h"

namespace kiosk::server {
namespace {

constexpr size_t kMaxCachedKeys = 10000;

}  // namespace

RemoteApiKeys::RemoteApiKeys(std::shared_ptr<grpc::Channel> users, absl::Duration ttl)
    : users_(std::move(users)), ttl_(ttl) {}

absl::StatusOr<auth::Caller> RemoteApiKeys::Resolve(absl::string_view key) {
  const std::string digest = Sha256Hex(key);
  const absl::Time now = absl::Now();
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = cache_.find(digest);
    if (it != cache_.end() && it->second.expires > now) return it->second.caller;
  }
  grpc::ClientContext ctx;
  ctx.AddMetadata(auth::kApiKeyHeader, std::string(key));
  ctx.set_deadline(absl::ToChronoTime(now + absl::Seconds(3)));
  kiosk::users::v1::User user;
  grpc::Status status = kiosk::users::v1::UsersService::NewStub(users_)->Me(
      &ctx, kiosk::users::v1::MeRequest(), &user);
  if (!status.ok()) {
    absl::Status error = FromGrpcStatus(status);
    if (absl::IsUnauthenticated(error)) return error;
    return absl::UnavailableError(
        absl::StrCat("cannot check the API key: kiosk-users answered ", error.ToString(),
                     "; check USERS_ADDR and that kiosk-users runs"));
  }
  auth::Caller caller;
  caller.user_id = user.id();
  caller.role = user.role() == kiosk::users::v1::ROLE_ADMIN ? "admin" : "user";
  caller.must_change_password = user.must_change_password();
  caller.token_id = "apikey";
  std::lock_guard<std::mutex> lock(mu_);
  if (cache_.size() >= kMaxCachedKeys) cache_.clear();  // bounded; a refill is cheap
  cache_[digest] = {caller, now + ttl_};
  return caller;
}

}  // namespace kiosk::server
