// qBittorrent's torrent `state` strings (v5 `stoppedUP`/`stoppedDL` and the
// v4 `pausedUP`/`pausedDL` spellings alike) mapped the way Radarr maps them
// (QBittorrent.cs GetItems): "complete" is decided by the state, never by
// progress == 1 alone, because a torrent in checkingUP may still fail its
// check.
#ifndef KIOSK_SERVICES_DOWNLOADS_QBITTORRENT_TORRENT_STATE_H_
#define KIOSK_SERVICES_DOWNLOADS_QBITTORRENT_TORRENT_STATE_H_

#include <string>

#include "absl/strings/string_view.h"

namespace kiosk::downloads::qbittorrent {

enum class TorrentPhase {
  kQueued,       // queuedDL, checkingDL/UP, checkingResumeData, metaDL (no data flows yet)
  kDownloading,  // downloading, forcedDL, moving, allocating, unknown states
  kStalled,      // stalledDL: downloading, no connections
  kPaused,       // stoppedDL / pausedDL: stopped and NOT finished
  kCompleted,    // uploading, stalledUP, queuedUP, forcedUP, stoppedUP / pausedUP
  kError,        // error, missingFiles
};

struct TorrentStateInfo {
  TorrentPhase phase = TorrentPhase::kDownloading;
  // A sentence for people when the state deserves one ("", otherwise).
  std::string message;
  // False for a state name this table does not know (treated as downloading,
  // and the caller logs it).
  bool known = true;
};

TorrentStateInfo MapTorrentState(absl::string_view state);

// "queued", "downloading", "stalled", "paused", "completed", "error".
absl::string_view TorrentPhaseName(TorrentPhase phase);

}  // namespace kiosk::downloads::qbittorrent

#endif  // KIOSK_SERVICES_DOWNLOADS_QBITTORRENT_TORRENT_STATE_H_
