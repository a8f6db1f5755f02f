// MediaRequestCounter over gRPC: kiosk-media's MediaService.CountUserRequests
// at MEDIA_ADDR, called through server::PeerClient (a short-lived service
// token of kiosk-users, never the caller's credentials: the RPC is for
// services only; the caller's x-request-id; a deadline).
//
//   GrpcMediaRequestCounter counter(media_addr, jwt);
//   Quotas quotas(store, counter);
//
// kiosk-media unreachable or too slow -> UNAVAILABLE naming kiosk-media and
// MEDIA_ADDR (see peer_client.h for the other codes).
#ifndef KIOSK_SERVICES_USERS_MEDIA_REQUEST_COUNTER_H_
#define KIOSK_SERVICES_USERS_MEDIA_REQUEST_COUNTER_H_

#include <grpcpp/channel.h>

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "common/auth/jwt.h"
#include "common/server/peer_client.h"
#include "kiosk/media/v1/media_service.grpc.pb.h"
#include "services/users/quota.h"

namespace kiosk::users {

class GrpcMediaRequestCounter final : public MediaRequestCounter {
 public:
  // `media_addr` is host:port of kiosk-media (MEDIA_ADDR); the channel
  // connects lazily, so kiosk-users starts while kiosk-media is down.
  GrpcMediaRequestCounter(const std::string& media_addr, const auth::JwtCodec& jwt,
                          absl::Duration timeout = absl::Seconds(5));

  absl::StatusOr<RequestCounts> CountUserRequests(int64_t user_id, absl::Time movie_since,
                                                  absl::Time tv_since,
                                                  const std::string& request_id) override;

 private:
  server::PeerClient media_;
  std::unique_ptr<kiosk::media::v1::MediaService::Stub> stub_;
};

}  // namespace kiosk::users

#endif  // KIOSK_SERVICES_USERS_MEDIA_REQUEST_COUNTER_H_
