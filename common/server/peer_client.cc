#include "common/server/peer_client.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/auth/caller.h"
#include "common/grpc_status.h"
#include "common/log/log.h"
#include "common/request_id.h"

namespace kiosk::server {

PeerClient::PeerClient(std::string self, std::string peer, std::string addr_env,
                       const std::string& addr, const auth::JwtCodec& jwt, absl::Duration timeout)
    : PeerClient(std::move(self), std::move(peer), std::move(addr_env),
                 grpc::CreateChannel(addr, grpc::InsecureChannelCredentials()), jwt, timeout) {}

PeerClient::PeerClient(std::string self, std::string peer, std::string addr_env,
                       std::shared_ptr<grpc::Channel> channel, const auth::JwtCodec& jwt,
                       absl::Duration timeout)
    : self_(std::move(self)),
      peer_(std::move(peer)),
      addr_env_(std::move(addr_env)),
      channel_(std::move(channel)),
      jwt_(jwt),
      timeout_(timeout) {}

void PeerClient::Prepare(grpc::ClientContext& ctx, absl::string_view request_id) const {
  const absl::Time now = absl::Now();
  ctx.AddMetadata(kRequestIdHeader,
                  request_id.empty() ? NewRequestId() : std::string(request_id));
  ctx.AddMetadata(auth::kAuthorizationHeader,
                  absl::StrCat("Bearer ", jwt_.SignServiceToken(self_, now)));
  ctx.set_deadline(absl::ToChronoTime(now + timeout_));
}

absl::Status PeerClient::Failed(const grpc::Status& status, absl::string_view what,
                                absl::string_view request_id) const {
  log::Warn("peer_call_failed")
      .With("peer", peer_)
      .With("what", what)
      .With("request_id", request_id)
      .With("code", GrpcCodeName(status.error_code()))
      .With("error", status.error_message());
  switch (status.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
      return absl::UnavailableError(absl::StrCat(
          "cannot ", what, ": ", peer_, " is unreachable or unavailable; check that ", peer_,
          " runs and is healthy and that ", addr_env_, " of ", self_, " points to it"));
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return absl::UnavailableError(absl::StrCat(
          "cannot ", what, ": ", peer_, " did not answer within ", absl::FormatDuration(timeout_),
          "; check that ", peer_, " and its database are healthy"));
    case grpc::StatusCode::UNAUTHENTICATED:
    case grpc::StatusCode::PERMISSION_DENIED:
    case grpc::StatusCode::UNIMPLEMENTED:
      return absl::InternalError(absl::StrCat(
          "cannot ", what, ": ", peer_, " refused the call (", status.error_message(),
          "); check that ", peer_, " is up to date and has the same SECRET_KEY as ", self_));
    default: {
      absl::Status peer_status = FromGrpcStatus(status);
      return absl::Status(peer_status.code(), absl::StrCat(peer_, ": ", peer_status.message()));
    }
  }
}

}  // namespace kiosk::server
