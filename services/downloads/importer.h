// The `import` job: a completed torrent's files into the Plex library.
//
//   files (qBittorrent) -> SelectImportFiles -> DestinationPath with the
//   media type's rename settings and the request (MediaService.GetRequest)
//   -> Transfer each file (crash-safe), one transfer_history row per file
//   -> PlexService.RefreshPath on the title's folder (with `expect`)
//   -> imported, and the request reported available.
//
// A re-run (a worker killed anywhere, kill -9 included) resumes: a file
// whose history row succeeded is skipped, a file half-done is finished by
// Transfer (never duplicated: one row per source file, the library holds no
// partial file), the refresh is not asked twice once recorded, and
// transfer.done is emitted once per file. Problems no retry can fix (a path
// escaping the torrent, no video file, hardlink across filesystems, a
// different file already at the destination) fail the download with the
// reason; others (qBittorrent, kiosk-media or the disk unavailable) retry.
#ifndef KIOSK_SERVICES_DOWNLOADS_IMPORTER_H_
#define KIOSK_SERVICES_DOWNLOADS_IMPORTER_H_

#include "absl/status/status.h"
#include "common/jobs/job.h"
#include "common/jobs/job_runtime.h"
#include "common/server/remote_settings.h"
#include "services/downloads/download_chain.h"
#include "services/downloads/peers.h"
#include "services/downloads/pg_download_store.h"
#include "services/downloads/torrent_clients.h"

namespace kiosk::downloads {

class Importer {
 public:
  Importer(PgDownloadStore& store, server::SettingsSource& settings, TorrentClients& clients,
           MediaPeer& media, PlexPeer& plex, DownloadChain& chain)
      : store_(store),
        settings_(settings),
        clients_(clients),
        media_(media),
        plex_(plex),
        chain_(chain) {}

  void Register(jobs::JobRuntime& jobs);
  absl::Status Run(const jobs::Job& job);

 private:
  // Fails the download for good (the job itself succeeds).
  absl::Status GiveUp(const Download& download, const std::string& reason);

  PgDownloadStore& store_;
  server::SettingsSource& settings_;
  TorrentClients& clients_;
  MediaPeer& media_;
  PlexPeer& plex_;
  DownloadChain& chain_;
};

}  // namespace kiosk::downloads

#endif  // KIOSK_SERVICES_DOWNLOADS_IMPORTER_H_
