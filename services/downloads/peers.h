// The other plex-kiosk services the download chain talks to, behind small
// interfaces so the logic is tested with in-memory fakes (testing/fake_peers.h)
// and run with gRPC (grpc_peers.h).
#ifndef KIOSK_SERVICES_DOWNLOADS_PEERS_H_
#define KIOSK_SERVICES_DOWNLOADS_PEERS_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace kiosk::downloads {

// What the import needs of a media request (MediaService.GetRequest).
struct RequestInfo {
  int64_t id = 0;
  int64_t user_id = 0;     // who asked
  std::string media_type;  // "movie" or "tv"
  int tmdb_id = 0;
  std::string imdb_id;
  int tvdb_id = 0;
  std::string title;  // in the request's language
  std::string title_fr;
  std::string title_en;
  std::string original_title;
  int year = 0;
  std::string language;  // "fr", "en" or "vo"
  std::vector<std::pair<int, std::vector<int>>> seasons;  // season -> episodes (empty = all)
  std::string status;
};

// MediaService.ReportRequestProgress.
struct ProgressReport {
  int64_t request_id = 0;
  // processing, downloading, importing, available, failed; "" = progress only.
  std::string status;
  double percent = 0;  // 0..100
  int64_t download_speed = 0;
  int64_t eta_seconds = 0;
  std::string stage;    // our download state, or "importing", "awaiting_release"
  std::string message;  // a sentence for people
  std::string reason;   // with failed
  // Series: the episodes the import placed, season -> episode numbers.
  std::vector<std::pair<int, std::vector<int>>> episodes_imported;
};

class MediaPeer {
 public:
  virtual ~MediaPeer() = default;
  virtual absl::StatusOr<RequestInfo> GetRequest(int64_t request_id) = 0;
  virtual absl::Status ReportProgress(const ProgressReport& report) = 0;
};

class PlexPeer {
 public:
  virtual ~PlexPeer() = default;
  // PlexService.RefreshPath with `expect` set to the request's title.
  virtual absl::Status RefreshPath(const std::string& path, const RequestInfo& expect) = 0;
};

}  // namespace kiosk::downloads

#endif  // KIOSK_SERVICES_DOWNLOADS_PEERS_H_
