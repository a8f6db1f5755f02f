// The release search's rows: the blocklist (downloads.release_blocklist),
// the grabbed release's details on a download, and the downloads whose
// automatic search is due.
#ifndef KIOSK_SERVICES_DOWNLOADS_RELEASES_PG_RELEASE_STORE_H_
#define KIOSK_SERVICES_DOWNLOADS_RELEASES_PG_RELEASE_STORE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/db/connection_pool.h"
#include "common/jobs/job_queue.h"
#include "services/downloads/releases/release_selection.h"

namespace kiosk::downloads::releases {

struct BlocklistEntry {
  int64_t id = 0;
  int64_t request_id = 0;
  std::string title;
  std::string info_hash;
  std::string indexer;
  std::string reason;
  absl::Time created_at;
};

class PgReleaseStore {
 public:
  PgReleaseStore(db::ConnectionPool& pool, const jobs::JobQueue& queue)
      : pool_(pool), queue_(queue) {}

  // Newest first; request_id 0 = every request.
  absl::StatusOr<std::vector<BlocklistEntry>> ListBlocklist(int64_t request_id);
  absl::StatusOr<std::vector<BlockedRelease>> BlockedFor(int64_t request_id);
  // Adds the entry unless the same release (hash, or title) is blocked for
  // the request already; the entry either way.
  absl::StatusOr<BlocklistEntry> Block(const BlocklistEntry& entry);
  absl::Status Unblock(int64_t id);  // NOT_FOUND for an unknown id

  // The release a download took: title on the indexer, the indexer's name,
  // chosen automatically or not.
  absl::Status SetGrabbedRelease(int64_t download_id, const std::string& title,
                                 const std::string& indexer, bool auto_grabbed);
  // An automatic search found nothing for a download still awaiting a
  // release: when, and why (the download's stage message).
  absl::Status MarkSearched(int64_t download_id, const std::string& stage_message);
  // Downloads awaiting a release whose last automatic search is older than
  // `every` (or never ran): a release_search job enqueued for each (deduped).
  // The count enqueued.
  absl::StatusOr<int> EnqueueDueSearches(absl::Duration every);

 private:
  db::ConnectionPool& pool_;
  const jobs::JobQueue& queue_;
};

}  // namespace kiosk::downloads::releases

#endif  // KIOSK_SERVICES_DOWNLOADS_RELEASES_PG_RELEASE_STORE_H_
