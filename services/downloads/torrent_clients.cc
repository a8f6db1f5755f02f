#include "services/downloads/torrent_clients.h"

namespace kiosk::downloads {

absl::StatusOr<PathMap> QbittorrentPathMap(const server::SettingValues& settings) {
  absl::StatusOr<PathMap> map =
      PathMap::Parse(settings.String("qbittorrent.path_map"), "qbittorrent.path_map", "qBittorrent");
  if (!map.ok()) return absl::FailedPreconditionError(map.status().message());
  return map;
}

absl::StatusOr<qbittorrent::QbittorrentClient*> TorrentClients::For(
    const server::SettingValues& settings) {
  const std::string url = settings.String("qbittorrent.url");
  if (url.empty()) {
    return absl::FailedPreconditionError(
        "qBittorrent is not configured: set qbittorrent.url (and qbittorrent.username, "
        "qbittorrent.password) in the settings");
  }
  auto key = std::make_tuple(url, settings.String("qbittorrent.username"),
                             settings.String("qbittorrent.password"));
  std::lock_guard<std::mutex> lock(mu_);
  auto it = clients_.find(key);
  if (it == clients_.end()) {
    qbittorrent::QbittorrentConfig config = base_;
    config.url = std::get<0>(key);
    config.username = std::get<1>(key);
    config.password = std::get<2>(key);
    it = clients_
             .emplace(key, std::make_unique<qbittorrent::QbittorrentClient>(http_, std::move(config)))
             .first;
  }
  return it->second.get();
}

}  // namespace kiosk::downloads
