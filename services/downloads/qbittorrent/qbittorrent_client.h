// qBittorrent WebUI API v2 client (see shared/EXTERNAL-APIS.md §4), over any
// HttpClient (CurlHttpClient in the service, the same against the test
// double).
//
//   CurlHttpClient curl;
//   QbittorrentClient qbt(curl, {.url = "http://qbittorrent:8080", .username = "admin",
//                                .password = "..."});
//   ASSIGN_OR_RETURN(std::string hash, qbt.Add({.source = magnet, .save_path = "/downloads",
//                                               .category = "plex-kiosk", .tags = {"request-7"}}));
//   ASSIGN_OR_RETURN(std::vector<Torrent> torrents, qbt.Info({hash}, ""));
//
// Session: logs in on first use (form fields, Referer and Origin set, the
// cookie the server sets kept whatever its name: SID, or QBT_SID_<port> since
// 5.2), and once more on a 403 before retrying the call. Bad credentials,
// both the old `200 Fails.` and the 401 of WebAPI >= 2.14, give
// FAILED_PRECONDITION naming the settings to fix. The WebAPI version is
// probed once per session and picks `stopped` or `paused`, and stop/start or
// pause/resume.
//
// Errors: UNAVAILABLE when qBittorrent cannot be reached (the job retries),
// FAILED_PRECONDITION for bad credentials or a banned address, NOT_FOUND for
// an unknown hash, INVALID_ARGUMENT for a release qBittorrent refuses,
// INTERNAL for an answer that does not parse. Thread-safe.
#ifndef KIOSK_SERVICES_DOWNLOADS_QBITTORRENT_QBITTORRENT_CLIENT_H_
#define KIOSK_SERVICES_DOWNLOADS_QBITTORRENT_QBITTORRENT_CLIENT_H_

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/http/cookie_jar.h"
#include "common/http/http_client.h"

namespace kiosk::downloads::qbittorrent {

struct QbittorrentConfig {
  std::string url;  // "http://qbittorrent:8080" (a trailing "/" is ignored)
  std::string username;
  std::string password;
  absl::Duration timeout = absl::Seconds(10);
  // Radarr's WaitForTorrent: properties polled this often after an add.
  int confirm_attempts = 10;
  absl::Duration confirm_interval = absl::Milliseconds(100);
};

// One entry of /api/v2/torrents/info (the fields plex-kiosk uses).
struct Torrent {
  std::string hash;
  std::string name;
  std::string state;
  double progress = 0;  // 0..1
  int64_t size = 0;      // selected files
  int64_t completed = 0;  // bytes downloaded of the selection
  int64_t dlspeed = 0;
  int64_t upspeed = 0;
  int64_t eta = 0;  // seconds; 8640000 = infinite/complete
  double ratio = 0;
  int64_t seeding_time = 0;  // seconds
  std::string category;
  std::string tags;
  std::string save_path;
  std::string content_path;
  int64_t completion_on = 0;  // unix seconds, <= 0 when not complete
};

struct TorrentFile {
  int index = 0;
  std::string name;  // relative to save_path, "/" separators
  int64_t size = 0;
  double progress = 0;
  int priority = 1;  // 0 = not downloaded
};

struct AddTorrent {
  std::string source;  // magnet link or http(s) URL of a .torrent
  std::string save_path;
  std::string category;
  std::vector<std::string> tags;
  std::optional<double> ratio_limit;
  std::optional<int64_t> seeding_time_limit_minutes;
};

class QbittorrentClient {
 public:
  QbittorrentClient(http::HttpClient& http, QbittorrentConfig config);

  const QbittorrentConfig& config() const { return config_; }

  // "2.11.2"; probed once per session.
  absl::StatusOr<std::string> WebApiVersion();
  // Logs in (again); normally implicit.
  absl::Status Login();

  // Adds the torrent (not stopped, content layout Subfolder) and answers its
  // info-hash once qBittorrent lists it. A release already in qBittorrent is
  // not an error: its hash is answered (a second add after a crash).
  absl::StatusOr<std::string> Add(const AddTorrent& add);
  // Torrents by hash (all when `hashes` is empty), optionally of `category`.
  absl::StatusOr<std::vector<Torrent>> Info(const std::vector<std::string>& hashes,
                                            const std::string& category);
  // NOT_FOUND when qBittorrent does not know `hash`.
  absl::Status Properties(const std::string& hash);
  absl::StatusOr<std::vector<TorrentFile>> Files(const std::string& hash);
  absl::Status Delete(const std::vector<std::string>& hashes, bool delete_files);
  absl::Status Stop(const std::vector<std::string>& hashes);
  absl::Status Start(const std::vector<std::string>& hashes);
  // ratio -2 / minutes -2 = the global limit, -1 = none.
  absl::Status SetShareLimits(const std::vector<std::string>& hashes, double ratio_limit,
                              int64_t seeding_time_limit_minutes);

 private:
  struct Version {
    int major = 0, minor = 0, patch = 0;
    bool AtLeast(int a, int b) const { return major > a || (major == a && minor >= b); }
  };
  absl::StatusOr<Version> EnsureVersion();
  absl::StatusOr<http::HttpResponse> Call(const std::string& method, const std::string& path,
                                          const http::Params& params);
  absl::StatusOr<http::HttpResponse> SendOnce(const std::string& method, const std::string& path,
                                              const http::Params& params);
  absl::Status LoginLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(login_mu_);
  absl::StatusOr<std::string> HashOf(const std::string& source);
  absl::Status WaitForTorrent(const std::string& hash);
  absl::Status Expect200(const absl::StatusOr<http::HttpResponse>& response,
                         const std::string& what);

  http::HttpClient& inner_;
  const QbittorrentConfig config_;
  std::string base_;
  std::string origin_;
  http::CookieJar jar_;
  http::CookieHttpClient http_;
  std::mutex login_mu_;
  bool logged_in_ ABSL_GUARDED_BY(login_mu_) = false;
  std::optional<Version> version_ ABSL_GUARDED_BY(login_mu_);
};

}  // namespace kiosk::downloads::qbittorrent

#endif  // KIOSK_SERVICES_DOWNLOADS_QBITTORRENT_QBITTORRENT_CLIENT_H_
