// Copies the Plex library into plex-kiosk's database and tells kiosk-media
// what became available.
//
// Full sync: the sections, then every film / show / season / episode listing
// of each film and series section in large pages (no sleeps), upserted in
// batches (only changed rows are written), and the items Plex no longer
// lists deleted in the same run; then every tracked title is reported to
// kiosk-media with complete = true (so vanished titles lose "available").
// Incremental sync: only what Plex added since the last run (minus a
// margin): films, and episodes with the shows they belong to fetched when
// new; cheap when nothing changed (one request per section, nothing
// written, nothing reported).
//
//   LibrarySync sync(store, &media);
//   PlexClient plex(http, connection);
//   ASSIGN_OR_RETURN(SyncReport report, sync.FullSync(plex, progress));
#ifndef KIOSK_SERVICES_PLEX_LIBRARY_SYNC_H_
#define KIOSK_SERVICES_PLEX_LIBRARY_SYNC_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/plex/media_peer.h"
#include "services/plex/pg_library_store.h"
#include "services/plex/plex_client.h"

namespace kiosk::plex {

struct SyncOptions {
  int page_size = 5000;   // items per Plex request
  int batch_size = 5000;  // items per upsert transaction
  // An incremental run starts at the newest addedAt seen minus this.
  absl::Duration incremental_margin = absl::Hours(1);
};

struct SyncReport {
  int sections = 0;
  int items_seen = 0;     // listed by Plex
  int items_written = 0;  // inserted or changed
  int items_deleted = 0;
  // Listings whose size changed while paging: their deletions wait for the
  // next full sync (nothing present is ever deleted by mistake).
  int deletions_skipped = 0;
  int titles_reported = 0;
  int requests_changed = 0;
  int64_t max_added_at = 0;
  absl::Duration took;
  absl::Duration write_time;  // spent in the database upserts
  // Telling kiosk-media failed (the library itself is synced): the caller
  // retries the report alone (SyncJobs: job plex.availability).
  absl::Status availability;
};

// (done, total, note); total < 0 when not known.
using ProgressFn = std::function<void(int64_t done, int64_t total, const std::string& note)>;

class LibrarySync {
 public:
  // `media` may be null (no availability reports: benchmarks).
  LibrarySync(PgLibraryStore& store, MediaPeer* media, SyncOptions options = {});

  absl::StatusOr<SyncReport> FullSync(PlexClient& plex, const ProgressFn& progress);
  // Runs a full sync when no sync ever finished.
  absl::StatusOr<SyncReport> IncrementalSync(PlexClient& plex, const ProgressFn& progress);
  // What one section added since `since` (unix seconds), upserted; used after
  // a targeted refresh.
  absl::StatusOr<SyncReport> SyncRecent(PlexClient& plex, const Section& section, int64_t since);

  // Reports the tracked titles to kiosk-media: all of them with complete =
  // true, or only those present. Returns the titles reported.
  absl::StatusOr<int> ReportAvailability(bool complete, SyncReport* report);
  // Reports one title (after a targeted refresh) when it is present; false
  // when it is not in the library.
  absl::StatusOr<bool> ReportTitle(const TitleKey& key);

 private:
  struct Listing {
    ListQuery query;
    std::string want_type;  // items of other types are ignored
    std::string note;       // progress note
    int64_t done_before = 0;
    int64_t total = -1;
  };
  struct Listed {
    std::vector<std::string> keys;  // rating keys seen
    std::vector<LibraryItem> items;  // only when asked to keep them
    bool stable = true;              // totalSize did not change while paging
  };
  // Pages through one listing, upserting in batches as it goes.
  absl::StatusOr<Listed> ListAll(PlexClient& plex, const Listing& listing,
                                 const ProgressFn& progress, bool keep_items, SyncReport& report);
  absl::Status FetchMissingShows(PlexClient& plex, const std::vector<LibraryItem>& episodes,
                                 SyncReport& report);

  PgLibraryStore& store_;
  MediaPeer* media_;
  const SyncOptions options_;
};

}  // namespace kiosk::plex

#endif  // KIOSK_SERVICES_PLEX_LIBRARY_SYNC_H_
