#include "services/downloads/qbittorrent/torrent_state.h"

namespace kiosk::downloads::qbittorrent {

TorrentStateInfo MapTorrentState(absl::string_view state) {
  using P = TorrentPhase;
  if (state == "downloading" || state == "forcedDL" || state == "moving" ||
      state == "allocating") {
    return {P::kDownloading, "", true};
  }
  if (state == "metaDL" || state == "forcedMetaDL") {
    return {P::kQueued, "downloading the metadata of the magnet link", true};
  }
  if (state == "stalledDL") {
    return {P::kStalled, "the download is stalled with no connections", true};
  }
  if (state == "queuedDL" || state == "checkingDL" || state == "checkingUP" ||
      state == "checkingResumeData") {
    return {P::kQueued, "", true};
  }
  if (state == "stoppedDL" || state == "pausedDL") {
    return {P::kPaused, "the torrent is stopped in qBittorrent", true};
  }
  if (state == "uploading" || state == "stalledUP" || state == "queuedUP" || state == "forcedUP" ||
      state == "stoppedUP" || state == "pausedUP") {
    return {P::kCompleted, "", true};
  }
  if (state == "error") return {P::kError, "qBittorrent is reporting an error", true};
  if (state == "missingFiles") {
    return {P::kError, "qBittorrent is reporting missing files", true};
  }
  // "unknown" is a real state name; anything newer is treated the same way.
  return {P::kDownloading, "", state == "unknown"};
}

absl::string_view TorrentPhaseName(TorrentPhase phase) {
  switch (phase) {
    case TorrentPhase::kQueued:
      return "queued";
    case TorrentPhase::kDownloading:
      return "downloading";
    case TorrentPhase::kStalled:
      return "stalled";
    case TorrentPhase::kPaused:
      return "paused";
    case TorrentPhase::kCompleted:
      return "completed";
    case TorrentPhase::kError:
      return "error";
  }
  return "downloading";
}

}  // namespace kiosk::downloads::qbittorrent
