// What kiosk-plex needs from kiosk-media: the titles whose requests Plex can
// make available (or take back), and where to report what Plex holds. An
// interface so the sync logic is tested with an in-memory fake;
// GrpcMediaPeer is the real one (MediaService over PeerClient).
#ifndef KIOSK_SERVICES_PLEX_MEDIA_PEER_H_
#define KIOSK_SERVICES_PLEX_MEDIA_PEER_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/server/peer_client.h"
#include "services/plex/pg_library_store.h"

namespace kiosk::plex {

struct TitlePresence {
  TitleKey title;
  bool present = false;
  std::string rating_key;
  // Series: season -> episode numbers present.
  std::map<int, std::vector<int>> episodes;
};

class MediaPeer {
 public:
  virtual ~MediaPeer() = default;
  virtual absl::StatusOr<std::vector<TitleKey>> ListTrackedTitles() = 0;
  // `complete`: `titles` covers every tracked title (after a full sync).
  // The number of requests whose status changed.
  virtual absl::StatusOr<int> ReportLibraryPresence(const std::vector<TitlePresence>& titles,
                                                    bool complete) = 0;
};

// kiosk-media over gRPC (MEDIA_ADDR), with kiosk-plex's service token.
class GrpcMediaPeer final : public MediaPeer {
 public:
  explicit GrpcMediaPeer(server::PeerClient media);
  ~GrpcMediaPeer() override;
  absl::StatusOr<std::vector<TitleKey>> ListTrackedTitles() override;
  absl::StatusOr<int> ReportLibraryPresence(const std::vector<TitlePresence>& titles,
                                            bool complete) override;

 private:
  struct Stub;
  server::PeerClient media_;
  std::unique_ptr<Stub> stub_;
};

}  // namespace kiosk::plex

#endif  // KIOSK_SERVICES_PLEX_MEDIA_PEER_H_
