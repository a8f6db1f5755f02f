// Runs a unary callback handler's blocking work on an Executor and finishes
// the reactor from there, so gRPC's own threads never wait on the database.
//
//   grpc::ServerUnaryReactor* Svc::GetUser(grpc::CallbackServerContext* ctx,
//                                          const GetUserRequest* req, User* resp) {
//     return ServeOnExecutor(ctx, executor_, [=]() -> absl::Status { ... });
//   }
//
// A full queue answers RESOURCE_EXHAUSTED at once; a call cancelled or past
// its deadline while queued is finished without running the work.
#ifndef KIOSK_COMMON_SERVER_UNARY_H_
#define KIOSK_COMMON_SERVER_UNARY_H_

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_callback.h>

#include <functional>

#include "absl/status/status.h"
#include "common/grpc_status.h"
#include "common/retry_after.h"
#include "common/server/executor.h"

namespace kiosk::server {

inline grpc::ServerUnaryReactor* ServeOnExecutor(grpc::CallbackServerContext* ctx,
                                                 Executor& executor,
                                                 std::function<absl::Status()> work) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  bool queued = executor.TrySubmit([ctx, reactor, work = std::move(work)] {
    if (ctx->IsCancelled()) {
      reactor->Finish(grpc::Status(grpc::StatusCode::CANCELLED,
                                   "call cancelled or past its deadline before it ran"));
      return;
    }
    absl::Status status = work();
    if (std::optional<int64_t> seconds = RetryAfterSeconds(status)) {
      ctx->AddTrailingMetadata(kRetryAfterMetadata, std::to_string(*seconds));
    }
    reactor->Finish(ToGrpcStatus(status));
  });
  if (!queued) {
    reactor->Finish(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                                 "server busy: too many calls waiting; retry with backoff"));
  }
  return reactor;
}

}  // namespace kiosk::server

#endif  // KIOSK_COMMON_SERVER_UNARY_H_
