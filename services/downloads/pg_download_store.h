// The downloads schema: downloads, rename_settings, transfer_history. Every
// state change that causes work enqueues its job (and emits its webhook
// event) in the same transaction, so no step of the chain is ever lost or
// done for a change that rolled back.
#ifndef KIOSK_SERVICES_DOWNLOADS_PG_DOWNLOAD_STORE_H_
#define KIOSK_SERVICES_DOWNLOADS_PG_DOWNLOAD_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/db/connection_pool.h"
#include "common/jobs/job_queue.h"
#include "services/downloads/model.h"

namespace kiosk::downloads {

class PgDownloadStore {
 public:
  PgDownloadStore(db::ConnectionPool& pool, const jobs::JobQueue& queue)
      : pool_(pool), queue_(queue) {}

  // The request's download, created when missing: awaiting_release without
  // a release, queued (add_torrent enqueued) with one. An existing download
  // is answered as it is (idempotent). FAILED_PRECONDITION when the request
  // does not exist. `user_id` is the request's owner (0 = unknown).
  absl::StatusOr<Download> Submit(int64_t request_id, const std::string& release,
                                  int64_t user_id = 0);
  // awaiting_release -> queued with `release`, add_torrent enqueued.
  // NOT_FOUND (no download for the request), FAILED_PRECONDITION (it has a
  // release already).
  absl::StatusOr<Download> AttachRelease(int64_t request_id, const std::string& release);
  // failed/removed -> queued (another release optional), add_torrent enqueued.
  absl::StatusOr<Download> Retry(int64_t id, const std::string& release);

  absl::StatusOr<Download> Get(int64_t id);
  // `user_id` != 0: only the downloads of that user's requests.
  absl::StatusOr<std::vector<Download>> List(const std::string& state, int64_t request_id,
                                             int limit, int64_t before_id, int64_t user_id = 0);

  // qBittorrent took the release: hash recorded, a monitor pass enqueued.
  absl::Status SetTorrentAdded(int64_t id, const std::string& hash, const std::string& name);
  // -> failed with `reason`; download.failed emitted. No-op when already
  // failed or imported.
  absl::Status Fail(int64_t id, const std::string& reason);

  // Downloads the monitor follows: queued..completed with a hash.
  absl::StatusOr<std::vector<Download>> Active();
  // Applies one monitor observation. Becoming completed enqueues the import;
  // becoming failed emits download.failed. Only a download still in a
  // monitored state is changed (an admin's retry or an import is not undone).
  absl::Status ApplyProgress(int64_t id, const DownloadProgress& progress);
  // The same for a whole monitor pass, in one transaction.
  absl::Status ApplyProgress(const std::vector<std::pair<int64_t, DownloadProgress>>& batch);
  absl::Status SetReportedStatus(int64_t id, const std::string& status);
  absl::Status EnqueueMonitor(const std::string& dedupe_key, absl::Duration delay);

  // --- import
  // completed/importing -> importing; FAILED_PRECONDITION in another state
  // (imported: the caller finds it done).
  absl::StatusOr<Download> BeginImport(int64_t id);
  // The history row of one source file, created or taken again (a re-run
  // after a crash never adds a second row). `existing_status` tells whether
  // it succeeded before.
  absl::StatusOr<TransferRecord> StartTransfer(const TransferRecord& transfer);
  // succeeded, with what was done; transfer.done emitted in the same
  // transaction.
  absl::Status FinishTransfer(const TransferRecord& transfer, int64_t request_id);
  absl::Status FailTransfer(int64_t transfer_id, const std::string& error);
  absl::Status SetImportProgress(int64_t id, const std::string& stage_message,
                                 const std::string& library_path);
  absl::Status MarkPlexRefreshed(int64_t id);
  // importing -> imported.
  absl::Status MarkImported(int64_t id);

  // --- cleanup
  absl::StatusOr<std::vector<Download>> ImportedStillInClient();
  // Whether any file of the download was placed by a hardlink.
  absl::StatusOr<bool> UsedHardlinks(int64_t download_id);
  absl::Status MarkClientRemoved(int64_t id);
  // Deletes finished history older than `days`; the count deleted.
  absl::StatusOr<int64_t> PruneTransfers(int days);

  // --- rename settings and history
  absl::StatusOr<std::vector<RenameSettings>> ListRenameSettings();
  // NOT_FOUND for an unknown media type.
  absl::StatusOr<RenameSettings> GetRenameSettings(const std::string& media_type);
  absl::StatusOr<RenameSettings> UpdateRenameSettings(const std::string& media_type,
                                                      const RenameSettingsPatch& patch);
  absl::StatusOr<std::vector<TransferRecord>> ListTransfers(int64_t download_id, int limit,
                                                            int64_t before_id);

 private:
  db::ConnectionPool& pool_;
  const jobs::JobQueue& queue_;
};

}  // namespace kiosk::downloads

#endif  // KIOSK_SERVICES_DOWNLOADS_PG_DOWNLOAD_STORE_H_
