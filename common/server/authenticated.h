// ServeOnExecutor for RPCs that need a caller: authenticates from the
// metadata first (UNAUTHENTICATED), refuses callers who must still change
// their password (FAILED_PRECONDITION) unless the RPC is one of the few
// allowed then, and hands the Caller to the work.
//
//   return ServeAuthenticated(ctx, executor_, auth_, kPasswordChangeRequired,
//                             [=](const auth::Caller& caller) -> absl::Status { ... });
#ifndef KIOSK_COMMON_SERVER_AUTHENTICATED_H_
#define KIOSK_COMMON_SERVER_AUTHENTICATED_H_

#include <functional>

#include "absl/time/clock.h"
#include "common/auth/caller.h"
#include "common/server/unary.h"

namespace kiosk::server {

enum PasswordChangePolicy {
  kPasswordChangeRequired,       // the usual: refuse until the password is changed
  kAllowedBeforePasswordChange,  // ChangePassword, Me, Logout
};

inline grpc::ServerUnaryReactor* ServeAuthenticated(
    grpc::CallbackServerContext* ctx, Executor& executor, const auth::Authenticator& authenticator,
    PasswordChangePolicy policy, std::function<absl::Status(const auth::Caller&)> work) {
  return ServeOnExecutor(ctx, executor, [ctx, &authenticator, policy, work = std::move(work)] {
    absl::StatusOr<auth::Caller> caller = authenticator.Authenticate(*ctx, absl::Now());
    if (!caller.ok()) return caller.status();
    if (policy == kPasswordChangeRequired) {
      absl::Status changed = auth::RequirePasswordChanged(*caller);
      if (!changed.ok()) return changed;
    }
    return work(*caller);
  });
}

}  // namespace kiosk::server

#endif  // KIOSK_COMMON_SERVER_AUTHENTICATED_H_
