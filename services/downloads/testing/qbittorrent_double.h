// A qBittorrent WebUI (API v2) test double on HttpTestServer: the real paths,
// methods, form parameters, SID cookie login (403 without it), status codes
// and JSON shapes (shared/EXTERNAL-APIS.md §4), for v4 (pausedUP/pausedDL,
// pause/resume, text answers) and v5 (stoppedUP/stoppedDL, stop/start, and
// from WebAPI 2.14 the 401 login failure and JSON/202/409 add answers).
//
// Torrents progress over simulated time (Advance) or over real time
// (options.realtime, sped up by time_scale): metaDL for magnets, then
// downloading at their speed, then REAL files written under
// <savepath>/<name>/ before they turn complete (uploading), seed, and stop at
// their share limits. Faults: stall at a fraction, error, missingFiles,
// a torrent that disappears, sessions that expire.
//
//   QbittorrentDouble qbt({.major = 5, .download_dir = dir});
//   ASSERT_THAT(qbt.Start(), IsOk());
//   qbt.RegisterRelease(hash, {.name = "Movie.2020.1080p", .files = {{"Movie.2020.1080p.mkv", 4096}}});
//   ... client adds magnet:?xt=urn:btih:<hash> ...
//   qbt.Advance(absl::Seconds(30));   // done: files on disk, state "uploading"
#ifndef KIOSK_SERVICES_DOWNLOADS_TESTING_QBITTORRENT_DOUBLE_H_
#define KIOSK_SERVICES_DOWNLOADS_TESTING_QBITTORRENT_DOUBLE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/testing/http_test_server.h"

namespace kiosk::downloads::testing {

struct QbittorrentDoubleOptions {
  std::string username = "admin";
  std::string password = "adminadmin";
  int major = 5;               // 4 or 5: state and endpoint names
  std::string webapi_version;  // "" = "2.9.3" for 4, "2.14.1" (qBittorrent 5.1) for 5
  std::string download_dir = "/tmp";  // savepath when the add gives none
  int64_t default_size = 4 << 20;     // bytes, for a magnet no release was registered for
  int64_t default_speed = 1 << 20;    // bytes per simulated second
  absl::Duration metadata_time = absl::Seconds(1);  // metaDL after a magnet add
  bool realtime = false;      // time also passes by itself (demo binary)
  double time_scale = 1.0;    // simulated seconds per real second when realtime
  std::string cookie_name = "SID";  // "QBT_SID_<port>" imitates 5.2
  int threads = 2;
  // qBittorrent in a container: its paths (savepath given, save_path and
  // content_path answered) under `path_root` are on this machine's disk
  // under `disk_root` ("" = the same paths).
  std::string path_root;
  std::string disk_root;
};

struct ReleaseSpec {
  std::string name;                                    // root folder (contentLayout Subfolder)
  std::vector<std::pair<std::string, int64_t>> files;  // relative to the root folder
  int64_t speed = 0;                                   // 0 = default_speed
  std::optional<double> stall_at;  // stalledDL with no progress from this fraction on
  std::optional<double> error_at;  // state "error" from this fraction on
  bool missing_files_when_done = false;  // files written, then "missingFiles"
  absl::Duration check_time = absl::ZeroDuration();  // checkingUP with progress 1 first
};

// What the double holds about a torrent (for assertions).
struct DoubleTorrent {
  std::string hash, name, state, category, tags, save_path;
  int64_t size = 0;
  int64_t downloaded = 0;
  bool files_written = false;
  double ratio_limit = -2;
  int64_t seeding_time_limit = -2;
};

class QbittorrentDouble {
 public:
  explicit QbittorrentDouble(QbittorrentDoubleOptions options = {});
  ~QbittorrentDouble();

  absl::Status Start(int port = 0);  // 0 = a free port
  void Stop();  // later calls are refused: qBittorrent down
  std::string Url() const;  // "http://127.0.0.1:<port>"
  int port() const;
  kiosk::testing::HttpTestServer& server() { return server_; }

  // What a magnet with this info-hash (lower-case hex) downloads.
  void RegisterRelease(const std::string& hash, ReleaseSpec spec);
  // Serves a .torrent file for `spec` at the returned URL; `hash` gets its
  // info-hash (SHA-1 of the bencoded info dictionary).
  std::string ServeTorrentFile(ReleaseSpec spec, std::string* hash);
  // A torrent added directly, as if by another client (benchmarks).
  void AddTorrent(const std::string& hash, ReleaseSpec spec, const std::string& category,
                  const std::string& save_path);

  // Simulated time passes: torrents progress, finish, write their files.
  void Advance(absl::Duration duration);
  // Faults.
  void Vanish(const std::string& hash);  // removed behind our back
  void ForceState(const std::string& hash, const std::string& state);
  void ExpireSessions();  // every SID becomes invalid: next call gets 403
  // Every add is refused (`Fails.`, or 409 from WebAPI 2.14), as for a
  // release qBittorrent cannot use.
  void RefuseAdds(bool refuse);

  std::optional<DoubleTorrent> Find(const std::string& hash) const;
  size_t torrent_count() const;
  int logins() const;
  int add_calls() const;

 private:
  struct Torrent;
  kiosk::testing::TestHttpResponse Route(const kiosk::testing::TestHttpRequest& request);
  void Install();
  void UpdateLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void AdvanceLocked(absl::Duration duration) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void StepLocked(Torrent& t, absl::Duration dt) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  std::string StateName(const std::string& v5) const;
  bool LoggedIn(const kiosk::testing::TestHttpRequest& request) const;
  bool JsonAnswers() const;
  // Where qBittorrent's `save_path` is on this machine's disk (path_root).
  std::string DiskPath(const std::string& save_path) const;

  const QbittorrentDoubleOptions options_;
  std::string webapi_;
  kiosk::testing::HttpTestServer server_;
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<Torrent>> torrents_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, ReleaseSpec> releases_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::string> url_hashes_ ABSL_GUARDED_BY(mu_);
  std::set<std::string> sessions_ ABSL_GUARDED_BY(mu_);
  absl::Time simulated_ ABSL_GUARDED_BY(mu_);
  absl::Time last_real_ ABSL_GUARDED_BY(mu_);
  int logins_ ABSL_GUARDED_BY(mu_) = 0;
  int failed_logins_ ABSL_GUARDED_BY(mu_) = 0;
  int add_calls_ ABSL_GUARDED_BY(mu_) = 0;
  bool refuse_adds_ ABSL_GUARDED_BY(mu_) = false;
  int served_files_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace kiosk::downloads::testing

#endif  // KIOSK_SERVICES_DOWNLOADS_TESTING_QBITTORRENT_DOUBLE_H_
