// The doubles of the external systems (TMDB, qBittorrent, Plex, a Torznab
// indexer) in their own
// processes, the way a demo runs them, for tests across every binary: each on
// a free loopback port, listening before Start returns, with a temporary
// media folder (downloads/, movies/, tv/) that qBittorrent's double writes
// into and the library lives in. Stopped and the folder removed on
// destruction.
//
//   absl::StatusOr<std::unique_ptr<ExternalDoubles>> doubles = ExternalDoubles::Start({});
//   settings: tmdb.url = doubles->tmdb_url(), qbittorrent.url = doubles->qbittorrent_url(), ...
//   indexer:  POST /api/v1/indexers {url: doubles->torznab_url(), apiKey: options.torznab_api_key}
#ifndef KIOSK_TESTS_SUITE_EXTERNAL_DOUBLES_H_
#define KIOSK_TESTS_SUITE_EXTERNAL_DOUBLES_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/testing/subprocess.h"

namespace kiosk::testing {

struct DoublesOptions {
  std::string tmdb_api_key = "doubles-tmdb-key";
  std::string qbittorrent_username = "qb";
  std::string qbittorrent_password = "qb-pass";
  std::string plex_token = "doubles-plex-token";
  std::string torznab_api_key = "doubles-torznab-key";
  // Each torrent: this many bytes at this speed (bytes/s).
  int64_t torrent_size = 20000000;
  int64_t torrent_speed = 2000000;
};

class ExternalDoubles {
 public:
  static absl::StatusOr<std::unique_ptr<ExternalDoubles>> Start(DoublesOptions options);
  ~ExternalDoubles();

  const DoublesOptions& options() const { return options_; }
  std::string tmdb_url() const;  // ".../3", as the tmdb.url setting wants
  std::string qbittorrent_url() const;
  std::string plex_url() const;
  // The Torznab feed URL as Jackett shows it (".../indexers/all/results/torznab").
  std::string torznab_url() const;
  // The media folder: <dir>/downloads, <dir>/movies, <dir>/tv.
  const std::string& media_dir() const { return dir_; }
  // Plex's double serves its sections from /data/movies and /data/tv: the
  // plex.path_map value that maps them onto media_dir().
  std::string plex_path_map() const;

 private:
  explicit ExternalDoubles(DoublesOptions options) : options_(std::move(options)) {}
  absl::Status StartOne(std::vector<std::string> argv);

  DoublesOptions options_;
  std::string dir_;
  int tmdb_port_ = 0, qbittorrent_port_ = 0, plex_port_ = 0, torznab_port_ = 0;
  std::vector<Subprocess> processes_;
};

}  // namespace kiosk::testing

#endif  // KIOSK_TESTS_SUITE_EXTERNAL_DOUBLES_H_
