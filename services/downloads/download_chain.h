// The download chain's logic: requests taken in charge, releases attached,
// and the background jobs that drive qBittorrent and follow the downloads
// (see chain_jobs.h). The import job lives in importer.h.
//
//   DownloadChain chain(store, settings, clients, media, {});
//   chain.Register(env.jobs);      // add_torrent, download_monitor, cleanup
//   ASSIGN_OR_RETURN(Download d, chain.Submit(request_id, magnet));
//
// Every handler is idempotent: a job run twice (a worker killed, a lease run
// out) finds the work done. Progress goes to kiosk-media after the database
// change committed; kiosk-media being down never blocks the chain (the next
// pass tells it again).
#ifndef KIOSK_SERVICES_DOWNLOADS_DOWNLOAD_CHAIN_H_
#define KIOSK_SERVICES_DOWNLOADS_DOWNLOAD_CHAIN_H_

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/jobs/job.h"
#include "common/jobs/job_runtime.h"
#include "common/server/remote_settings.h"
#include "services/downloads/model.h"
#include "services/downloads/peers.h"
#include "services/downloads/pg_download_store.h"
#include "services/downloads/torrent_clients.h"

namespace kiosk::downloads {

struct ChainOptions {
  // Pause between monitor passes while downloads are active.
  absl::Duration monitor_interval = absl::Seconds(5);
  // Safety net when no pass is queued (a crash between passes).
  std::string monitor_cron = "@every 1m";
  std::string cleanup_cron = "@every 10m";
  std::function<absl::Time()> now = &absl::Now;
};

// The settings the chain reads (kiosk-users' system settings).
const std::vector<std::string>& ChainSettingKeys();

// The request status a download state shows on the request, and its order
// (statuses only move forward, failed aside).
std::string RequestStatusFor(const std::string& download_state);

// INVALID_ARGUMENT with what a release looks like unless `release` is a
// magnet link with an info-hash or an http(s) URL.
absl::Status ValidateRelease(const std::string& release);

class DownloadChain {
 public:
  DownloadChain(PgDownloadStore& store, server::SettingsSource& settings, TorrentClients& clients,
                MediaPeer& media, ChainOptions options = {});

  void Register(jobs::JobRuntime& jobs);

  // SubmitRequest / AttachRelease / RetryDownload. Submit's `user_id` is the
  // request's owner; 0 = asked of kiosk-media.
  absl::StatusOr<Download> Submit(int64_t request_id, const std::string& release,
                                  int64_t user_id = 0);
  absl::StatusOr<Download> AttachRelease(int64_t request_id, const std::string& release);
  absl::StatusOr<Download> Retry(int64_t id, const std::string& release);

  // Job handlers.
  absl::Status AddTorrent(const jobs::Job& job);
  absl::Status MonitorPass(const jobs::Job& job);
  absl::Status Cleanup(const jobs::Job& job);

  // Tells kiosk-media where the download stands; the status only when it
  // moves the request forward. Failures are logged, not returned.
  // `episodes_imported`: a series import's episodes (season -> episodes).
  void Report(const Download& download, const std::string& state, double progress,
              int64_t speed, int64_t eta, const std::string& message, const std::string& reason,
              std::vector<std::pair<int, std::vector<int>>> episodes_imported = {});

 private:
  PgDownloadStore& store_;
  server::SettingsSource& settings_;
  TorrentClients& clients_;
  MediaPeer& media_;
  const ChainOptions options_;
};

// {"download_id": N} -> N; INVALID_ARGUMENT otherwise (the job is dead).
absl::StatusOr<int64_t> DownloadIdOf(const jobs::Job& job);

}  // namespace kiosk::downloads

#endif  // KIOSK_SERVICES_DOWNLOADS_DOWNLOAD_CHAIN_H_
