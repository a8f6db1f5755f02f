// qBittorrent clients made from the current settings (qbittorrent.url,
// .username, .password): one client, and so one login session, per distinct
// configuration; a changed setting gets a new client on the next call. And
// where qBittorrent's folders are here (qbittorrent.path_map).
#ifndef KIOSK_SERVICES_DOWNLOADS_TORRENT_CLIENTS_H_
#define KIOSK_SERVICES_DOWNLOADS_TORRENT_CLIENTS_H_

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "common/http/http_client.h"
#include "common/path_map.h"
#include "common/server/remote_settings.h"
#include "services/downloads/qbittorrent/qbittorrent_client.h"

namespace kiosk::downloads {

// qbittorrent.path_map ("<qBittorrent path>=<local path>;..."): qBittorrent's
// save_path/content_path -> ToLocal before importing, downloads.path ->
// ToRemote as the savepath of an added torrent. FAILED_PRECONDITION naming
// the bad entry (a settings problem: the job waits until it is fixed).
absl::StatusOr<PathMap> QbittorrentPathMap(const server::SettingValues& settings);

class TorrentClients {
 public:
  // `base` carries the timeouts and polling used for every client.
  explicit TorrentClients(http::HttpClient& http, qbittorrent::QbittorrentConfig base = {})
      : http_(http), base_(std::move(base)) {}

  // FAILED_PRECONDITION naming the setting when qbittorrent.url is not set.
  absl::StatusOr<qbittorrent::QbittorrentClient*> For(const server::SettingValues& settings);

 private:
  http::HttpClient& http_;
  const qbittorrent::QbittorrentConfig base_;
  std::mutex mu_;
  std::map<std::tuple<std::string, std::string, std::string>,
           std::unique_ptr<qbittorrent::QbittorrentClient>>
      clients_ ABSL_GUARDED_BY(mu_);
};

}  // namespace kiosk::downloads

#endif  // KIOSK_SERVICES_DOWNLOADS_TORRENT_CLIENTS_H_
