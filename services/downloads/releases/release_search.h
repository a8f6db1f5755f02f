// The release search of a request and the automatic grab:
//
//  * Search(request_id): the request's details from kiosk-media (titles,
//    year, IMDb/TVDB ids, language, seasons), every enabled indexer asked at
//    once on its own thread (by id when its caps allow it, else by title),
//    one failing indexer reported without hiding the others, the answers
//    ranked by release_selection.h with the request's blocklist.
//  * release_search {download_id} (enqueued when a download enters
//    awaiting_release, and by the periodic release_search_due every
//    releases.search_minutes while it still waits): with releases.auto_grab
//    on and an enabled indexer, grabs the best accepted release through
//    DownloadChain::AttachRelease (what an admin's AttachRelease does) and
//    records its title and indexer; none accepted -> the download keeps
//    waiting with a stage message naming the closest releases and why not.
//  * release_failed {download_id} (enqueued when a download fails: error in
//    qBittorrent, missing files, removed from the client, refused add):
//    blocklists its release (info-hash and title) and, with auto-grab on,
//    grabs the next best one through DownloadChain::Retry.
#ifndef KIOSK_SERVICES_DOWNLOADS_RELEASES_RELEASE_SEARCH_H_
#define KIOSK_SERVICES_DOWNLOADS_RELEASES_RELEASE_SEARCH_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/jobs/job.h"
#include "common/jobs/job_runtime.h"
#include "common/server/remote_settings.h"
#include "services/downloads/download_chain.h"
#include "services/downloads/indexers/indexer_calls.h"
#include "services/downloads/indexers/pg_indexer_store.h"
#include "services/downloads/peers.h"
#include "services/downloads/pg_download_store.h"
#include "services/downloads/releases/pg_release_store.h"
#include "services/downloads/releases/release_selection.h"

namespace kiosk::downloads::releases {

inline constexpr char kReleaseSearchDueJob[] = "release_search_due";

// The releases.* settings the search reads.
const std::vector<std::string>& ReleaseSettingKeys();
SelectionRules RulesFrom(const server::SettingValues& settings);

// What the request asks for, as the selection sees it.
WantedMedia WantedFrom(const RequestInfo& request);

// The Torznab queries for one indexer: by IMDb id (t=movie&imdbid=tt...) or
// TVDB id (t=tvsearch&tvdbid=&season=&ep=) when its caps list the
// parameter, else by title (t=movie / t=tvsearch with q, or t=search&q=
// "<title> <year>" / "<title> S01"), at most two titles.
std::vector<indexers::TorznabQuery> PlanQueries(const indexers::TorznabCaps& caps,
                                                const RequestInfo& request);

struct IndexerOutcome {
  int64_t indexer_id = 0;
  std::string name;
  int found = 0;
  std::string error;
  int64_t duration_ms = 0;
};

struct SearchOutcome {
  std::vector<EvaluatedRelease> releases;
  std::vector<IndexerOutcome> indexers;
  bool auto_grab = true;
};

struct ReleaseSearchOptions {
  std::string due_cron = "@every 5m";
};

class ReleaseSearch {
 public:
  ReleaseSearch(indexers::PgIndexerStore& indexers, indexers::IndexerCalls& calls,
                PgReleaseStore& releases, PgDownloadStore& downloads, DownloadChain& chain,
                MediaPeer& media, server::SettingsSource& settings,
                ReleaseSearchOptions options = {});

  void Register(jobs::JobRuntime& jobs);

  // NOT_FOUND for an unknown request (from kiosk-media).
  absl::StatusOr<SearchOutcome> Search(int64_t request_id);

  // An admin attached a release with its title and indexer (AttachRelease's
  // optional fields): recorded on the download.
  absl::Status RecordManualGrab(int64_t download_id, const std::string& release_title,
                                int64_t indexer_id);

  absl::StatusOr<std::vector<BlocklistEntry>> ListBlocklist(int64_t request_id);
  absl::Status DeleteBlocklistEntry(int64_t id);

  // Job handlers.
  absl::Status SearchJob(const jobs::Job& job);
  absl::Status FailedJob(const jobs::Job& job);
  absl::Status DueJob(const jobs::Job& job);

 private:
  absl::StatusOr<SearchOutcome> SearchFor(const RequestInfo& request,
                                          const server::SettingValues& settings);
  // The best accepted release, or nullptr.
  static const EvaluatedRelease* Best(const SearchOutcome& outcome);

  indexers::PgIndexerStore& indexers_;
  indexers::IndexerCalls& calls_;
  PgReleaseStore& releases_;
  PgDownloadStore& downloads_;
  DownloadChain& chain_;
  MediaPeer& media_;
  server::SettingsSource& settings_;
  const ReleaseSearchOptions options_;
};

}  // namespace kiosk::downloads::releases

#endif  // KIOSK_SERVICES_DOWNLOADS_RELEASES_RELEASE_SEARCH_H_
