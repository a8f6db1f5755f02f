// Calls from one plex-kiosk service to another: every call carries a
// short-lived service token of the calling binary (never the end user's
// credentials), the x-request-id of the work that caused it and a deadline,
// and a failure becomes a status a person can act on.
//
//   PeerClient media("kiosk-plex", "kiosk-media", "MEDIA_ADDR", env.config.media_addr, env.jwt);
//   auto stub = kiosk::media::v1::MediaService::NewStub(media.channel());
//   absl::StatusOr<v1::Foo> foo = media.Call(
//       "tell kiosk-media what became available", request_id,
//       [&](grpc::ClientContext* ctx, v1::Foo* out) { return stub->Bar(ctx, request, out); });
//
// Mapping: peer unreachable or too slow -> UNAVAILABLE naming the peer and the
// address variable; the peer refusing our credentials (UNAUTHENTICATED,
// PERMISSION_DENIED) or not knowing the RPC (UNIMPLEMENTED) -> INTERNAL with
// what to check; any other code is the peer's answer, kept with its message.
// gRPC's own text (addresses, socket errors) goes to the log only
// (event=peer_call_failed).
#ifndef KIOSK_COMMON_SERVER_PEER_CLIENT_H_
#define KIOSK_COMMON_SERVER_PEER_CLIENT_H_

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/auth/jwt.h"

namespace kiosk::server {

class PeerClient {
 public:
  // `self` and `peer` are binary names ("kiosk-plex", "kiosk-media"),
  // `addr_env` the variable holding `addr` ("MEDIA_ADDR"). The channel
  // connects lazily: a service starts while its peers are down.
  PeerClient(std::string self, std::string peer, std::string addr_env, const std::string& addr,
             const auth::JwtCodec& jwt, absl::Duration timeout = absl::Seconds(5));
  // For tests and for callers sharing one channel.
  PeerClient(std::string self, std::string peer, std::string addr_env,
             std::shared_ptr<grpc::Channel> channel, const auth::JwtCodec& jwt,
             absl::Duration timeout = absl::Seconds(5));

  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }
  const std::string& peer() const { return peer_; }

  // Sets the service token, the request id (a new one when empty) and the
  // deadline on `ctx`.
  void Prepare(grpc::ClientContext& ctx, absl::string_view request_id) const;

  // The status to return for a failed call; `what` says what was being done
  // ("mark the request available").
  absl::Status Failed(const grpc::Status& status, absl::string_view what,
                      absl::string_view request_id) const;

  // Prepare + call + Failed in one: `call` runs the stub method.
  template <typename Response>
  absl::StatusOr<Response> Call(
      absl::string_view what, absl::string_view request_id,
      const std::function<grpc::Status(grpc::ClientContext*, Response*)>& call) const {
    grpc::ClientContext ctx;
    Prepare(ctx, request_id);
    Response response;
    grpc::Status status = call(&ctx, &response);
    if (!status.ok()) return Failed(status, what, request_id);
    return response;
  }

 private:
  const std::string self_;
  const std::string peer_;
  const std::string addr_env_;
  std::shared_ptr<grpc::Channel> channel_;
  const auth::JwtCodec& jwt_;
  const absl::Duration timeout_;
};

}  // namespace kiosk::server

#endif  // KIOSK_COMMON_SERVER_PEER_CLIENT_H_
