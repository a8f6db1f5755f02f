// The job kinds of the download chain (downloads.jobs) and their payloads.
//
//   add_torrent       {"download_id"}  release -> qBittorrent, hash recorded
//   download_monitor  {}               one torrents/info pass over every active
//                                      download; re-enqueues itself every few
//                                      seconds while some are active
//   import            {"download_id"}  files -> library, Plex refresh, available
//   cleanup           {}               seeding rule, torrent removal, history pruning
//   release_search    {"download_id"}  searches the indexers, grabs the best release
//   release_failed    {"download_id"}  blocklists the failed release, grabs the next
#ifndef KIOSK_SERVICES_DOWNLOADS_CHAIN_JOBS_H_
#define KIOSK_SERVICES_DOWNLOADS_CHAIN_JOBS_H_

#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"

namespace kiosk::downloads {

inline constexpr char kAddTorrentJob[] = "add_torrent";
inline constexpr char kMonitorJob[] = "download_monitor";
inline constexpr char kImportJob[] = "import";
inline constexpr char kCleanupJob[] = "cleanup";
// Release search (releases/release_search.h): enqueued with the state change.
inline constexpr char kReleaseSearchJob[] = "release_search";  // awaiting_release -> grab
inline constexpr char kReleaseFailedJob[] = "release_failed";  // failed -> blocklist, next

// A monitor pass enqueued by another job or by itself alternates between two
// dedupe keys: the running pass holds one, its successor takes the other, so
// at most one successor waits whoever enqueues it.
inline constexpr char kMonitorKeyA[] = "download_monitor.a";
inline constexpr char kMonitorKeyB[] = "download_monitor.b";

inline std::string DownloadPayload(int64_t download_id) {
  return absl::StrCat("{\"download_id\":", download_id, "}");
}

}  // namespace kiosk::downloads

#endif  // KIOSK_SERVICES_DOWNLOADS_CHAIN_JOBS_H_
