// The library syncs as background jobs of kiosk-plex's queue:
//   plex.sync.incremental  periodic "@every 1m"; runs when plex.sync_minutes
//                          have passed since the last sync finished
//   plex.sync.full         periodic "@every 1h"; runs when
//                          plex.full_sync_hours have passed
// The schedules tick often and the handler checks the settings, so an admin's
// change of an interval applies without a restart; a tick that is not due
// succeeds at once with a note. A job with {"force": true} (SyncLibrary) runs
// regardless. Progress goes to the job (JobQueue::ReportProgress). Plex
// unreachable -> the job fails with the reason and is retried with backoff;
// Plex not configured -> it succeeds with a note (nothing to do).
// kiosk-media not reachable after a sync -> the sync succeeds (its note says
// so) and a job plex.availability retries the presence report alone.
#ifndef KIOSK_SERVICES_PLEX_SYNC_JOBS_H_
#define KIOSK_SERVICES_PLEX_SYNC_JOBS_H_

#include <mutex>

#include "absl/status/status.h"
#include "common/http/http_client.h"
#include "common/jobs/job_runtime.h"
#include "common/server/remote_settings.h"
#include "services/plex/library_sync.h"

namespace kiosk::plex {

class SyncJobs {
 public:
  SyncJobs(LibrarySync& sync, PgLibraryStore& store, server::SettingsSource& settings,
           http::HttpClient& http, jobs::JobQueue& queue, PlexClientOptions client = {});

  // Registers both handlers and their periodic schedules (before Start()).
  void Register(jobs::JobRuntime& runtime);

  absl::Status Run(const jobs::Job& job, bool full);
  // plex.availability: {"complete": bool}.
  absl::Status ReportAvailability(const jobs::Job& job);

 private:
  // Whether a periodic tick should sync now.
  absl::StatusOr<bool> Due(bool full, absl::Duration every);

  LibrarySync& sync_;
  PgLibraryStore& store_;
  server::SettingsSource& settings_;
  http::HttpClient& http_;
  jobs::JobQueue& queue_;
  const PlexClientOptions client_;
  std::mutex running_;  // one sync at a time in this replica
};

}  // namespace kiosk::plex

#endif  // KIOSK_SERVICES_PLEX_SYNC_JOBS_H_
