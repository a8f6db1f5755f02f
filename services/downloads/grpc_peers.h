// MediaPeer and PlexPeer over gRPC (common/server/peer_client.h: service
// token, request id, deadline, statuses a person can act on).
#ifndef KIOSK_SERVICES_DOWNLOADS_GRPC_PEERS_H_
#define KIOSK_SERVICES_DOWNLOADS_GRPC_PEERS_H_

#include <memory>

#include "common/server/peer_client.h"
#include "kiosk/media/v1/media_service.grpc.pb.h"
#include "kiosk/plex/v1/plex_service.grpc.pb.h"
#include "services/downloads/peers.h"

namespace kiosk::downloads {

class GrpcMediaPeer final : public MediaPeer {
 public:
  explicit GrpcMediaPeer(server::PeerClient media);
  absl::StatusOr<RequestInfo> GetRequest(int64_t request_id) override;
  absl::Status ReportProgress(const ProgressReport& report) override;

 private:
  server::PeerClient media_;
  std::unique_ptr<kiosk::media::v1::MediaService::Stub> stub_;
};

class GrpcPlexPeer final : public PlexPeer {
 public:
  // Refreshes wait for Plex's scan and lookup: a longer deadline.
  explicit GrpcPlexPeer(server::PeerClient plex);
  absl::Status RefreshPath(const std::string& path, const RequestInfo& expect) override;

 private:
  server::PeerClient plex_;
  std::unique_ptr<kiosk::plex::v1::PlexService::Stub> stub_;
};

}  // namespace kiosk::downloads

#endif  // KIOSK_SERVICES_DOWNLOADS_GRPC_PEERS_H_
