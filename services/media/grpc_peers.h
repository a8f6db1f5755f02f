// The peers of peers.h over gRPC, with a service token of kiosk-media, the
// caller's x-request-id and a deadline on every call (PeerClient).
//
//   GrpcPlexLibrary plex(PeerClient("kiosk-media", "kiosk-plex", "PLEX_ADDR", addr, jwt));
#ifndef KIOSK_SERVICES_MEDIA_GRPC_PEERS_H_
#define KIOSK_SERVICES_MEDIA_GRPC_PEERS_H_

#include <memory>

#include "common/server/peer_client.h"
#include "kiosk/downloads/v1/downloads_service.grpc.pb.h"
#include "kiosk/plex/v1/plex_service.grpc.pb.h"
#include "kiosk/users/v1/users_service.grpc.pb.h"
#include "services/media/peers.h"

namespace kiosk::media {

class GrpcPlexLibrary final : public PlexLibrary {
 public:
  explicit GrpcPlexLibrary(server::PeerClient peer);
  absl::StatusOr<std::vector<PlexPresence>> Lookup(const std::vector<TitleKey>& keys,
                                                   const std::string& request_id) override;

 private:
  server::PeerClient peer_;
  std::unique_ptr<kiosk::plex::v1::PlexService::Stub> stub_;
};

class GrpcDownloadsDesk final : public DownloadsDesk {
 public:
  explicit GrpcDownloadsDesk(server::PeerClient peer);
  absl::Status Submit(int64_t request_id, int64_t user_id,
                      const std::string& request_id_header) override;

 private:
  server::PeerClient peer_;
  std::unique_ptr<kiosk::downloads::v1::DownloadsService::Stub> stub_;
};

class GrpcUserDirectory final : public UserDirectory {
 public:
  explicit GrpcUserDirectory(server::PeerClient peer);
  absl::StatusOr<UserInfo> Get(int64_t user_id, const std::string& request_id) override;

 private:
  server::PeerClient peer_;
  std::unique_ptr<kiosk::users::v1::UsersService::Stub> stub_;
};

}  // namespace kiosk::media

#endif  // KIOSK_SERVICES_MEDIA_GRPC_PEERS_H_
