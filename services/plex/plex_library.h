// The logic behind kiosk-plex's RPCs (the transport, plex_service.cc, only
// converts): lookups and searches in plex-kiosk's copy of the library,
// sections, targeted refreshes with confirmation, syncs on demand, sync
// status and the Plex connection test. Callers' rights are checked by the
// transport; everything here returns absl::Status with messages for people.
#ifndef KIOSK_SERVICES_PLEX_PLEX_LIBRARY_H_
#define KIOSK_SERVICES_PLEX_PLEX_LIBRARY_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/http/http_client.h"
#include "common/jobs/job_queue.h"
#include "common/server/remote_settings.h"
#include "services/plex/library_sync.h"
#include "services/plex/pg_library_store.h"

namespace kiosk::plex {

// Job kinds (and periodic schedule names) of the two syncs.
inline constexpr char kFullSyncKind[] = "plex.sync.full";
inline constexpr char kIncrementalSyncKind[] = "plex.sync.incremental";
// Retries a presence report that kiosk-media did not take after a sync.
inline constexpr char kAvailabilityKind[] = "plex.availability";

struct LibraryOptions {
  PlexClientOptions client;
  // After a targeted refresh with an expected title: how often and how far
  // apart to look for it (Plex scans in the background).
  int confirm_attempts = 5;
  absl::Duration confirm_delay = absl::Seconds(1);
};

struct LookupResult {
  TitleKey key;
  std::optional<TitleMatch> match;
  std::string local_file;  // a film's file as plex-kiosk sees it
};

struct SectionView {
  SectionRow row;
  std::vector<std::string> local_locations;
};

struct RefreshResult {
  int section_id = 0;
  std::string plex_path;
  bool confirmed = false;
};

struct ConnectionCheck {
  ServerIdentity identity;
  int section_count = 0;
};

struct SyncStatusView {
  std::vector<SyncState> runs;
  std::map<std::string, int64_t> item_counts;
  std::vector<jobs::Job> active_jobs;
  // The newest sync job that died after its last success, if any: why the
  // copy may be stale (e.g. "Plex token rejected").
  std::optional<jobs::Job> last_failure;
  bool configured = false;
};

class PlexLibrary {
 public:
  PlexLibrary(PgLibraryStore& store, LibrarySync& sync, server::SettingsSource& settings,
              http::HttpClient& http, jobs::JobQueue& queue, LibraryOptions options = {});

  // At most 100 keys, each "movie" or "tv" with at least one id.
  absl::StatusOr<std::vector<LookupResult>> Lookup(const std::vector<TitleKey>& keys);
  absl::StatusOr<std::vector<LibraryItem>> Search(const std::string& query,
                                                  const std::string& media_type, int page_size);
  absl::StatusOr<std::vector<SectionView>> ListSections();
  absl::StatusOr<RefreshResult> RefreshPath(const std::string& local_path,
                                            const std::optional<TitleKey>& expect);
  absl::StatusOr<ConnectionCheck> TestConnection(const std::string& url, const std::string& token);
  // The job of the sync (an already active one of the same kind if any).
  absl::StatusOr<jobs::Job> StartSync(bool full);
  absl::StatusOr<SyncStatusView> Status();

 private:
  PgLibraryStore& store_;
  LibrarySync& sync_;
  server::SettingsSource& settings_;
  http::HttpClient& http_;
  jobs::JobQueue& queue_;
  const LibraryOptions options_;
};

// INVALID_ARGUMENT naming `field` when the key is not usable.
absl::Status ValidateTitleKey(const TitleKey& key, const std::string& field);

}  // namespace kiosk::plex

#endif  // KIOSK_SERVICES_PLEX_PLEX_LIBRARY_H_
