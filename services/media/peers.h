// The other plex-kiosk services kiosk-media calls, each behind a small
// interface so the logic can be tested with in-memory fakes
// (testing/fake_peers.h); grpc_peers.h has the real ones (PeerClient).
#ifndef KIOSK_SERVICES_MEDIA_PEERS_H_
#define KIOSK_SERVICES_MEDIA_PEERS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/media/model.h"

namespace kiosk::media {

// kiosk-plex: what the Plex library holds.
class PlexLibrary {
 public:
  virtual ~PlexLibrary() = default;
  // One answer per key, in order (PlexService.LookupMedia; at most 100 keys).
  virtual absl::StatusOr<std::vector<PlexPresence>> Lookup(const std::vector<TitleKey>& keys,
                                                           const std::string& request_id) = 0;
};

// kiosk-downloads: takes approved requests in charge.
class DownloadsDesk {
 public:
  virtual ~DownloadsDesk() = default;
  // DownloadsService.SubmitRequest with the request's owner (who may then
  // read its download); idempotent per request.
  virtual absl::Status Submit(int64_t request_id, int64_t user_id,
                              const std::string& request_id_header) = 0;
};

// kiosk-users: role, auto-approve, language and quota overrides of a user.
class UserDirectory {
 public:
  virtual ~UserDirectory() = default;
  // NOT_FOUND for an unknown user.
  virtual absl::StatusOr<UserInfo> Get(int64_t user_id, const std::string& request_id) = 0;
};

}  // namespace kiosk::media

#endif  // KIOSK_SERVICES_MEDIA_PEERS_H_
