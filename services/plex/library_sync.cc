#include "services/plex/library_sync.h"

#include <algorithm>
#include <future>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/log/log.h"
#include "common/status_macros.h"

namespace kiosk::plex {
namespace {

struct TypeListing {
  int type;
  const char* item_type;
  const char* label;
};
constexpr TypeListing kMovieListings[] = {{kTypeMovie, "movie", "films"}};
constexpr TypeListing kShowListings[] = {{kTypeShow, "show", "shows"},
                                         {kTypeSeason, "season", "seasons"},
                                         {kTypeEpisode, "episode", "episodes"}};

std::vector<TypeListing> ListingsOf(const Section& section) {
  if (section.type == "movie") return {std::begin(kMovieListings), std::end(kMovieListings)};
  if (section.type == "show") return {std::begin(kShowListings), std::end(kShowListings)};
  return {};  // music and photos are not synced
}

void Progress(const ProgressFn& progress, int64_t done, int64_t total, const std::string& note) {
  if (progress) progress(done, total, note);
}

}  // namespace

LibrarySync::LibrarySync(PgLibraryStore& store, MediaPeer* media, SyncOptions options)
    : store_(store), media_(media), options_(options) {}

absl::StatusOr<LibrarySync::Listed> LibrarySync::ListAll(PlexClient& plex, const Listing& listing,
                                                         const ProgressFn& progress,
                                                         bool keep_items, SyncReport& report) {
  Listed listed;
  std::vector<LibraryItem> batch;
  batch.reserve(options_.batch_size);
  int start = 0, first_total = -1;
  auto flush = [&]() -> absl::Status {
    if (batch.empty()) return absl::OkStatus();
    const absl::Time writing = absl::Now();
    ASSIGN_OR_RETURN(int written, store_.UpsertItems(batch));
    report.write_time += absl::Now() - writing;
    report.items_written += written;
    if (keep_items) listed.items.insert(listed.items.end(), batch.begin(), batch.end());
    batch.clear();
    return absl::OkStatus();
  };
  // The next page is fetched while this one is parsed and written.
  auto fetch = [&plex, &listing, size = options_.page_size](int from) {
    return std::async(std::launch::async,
                      [&plex, &listing, size, from] { return plex.ListItems(listing.query, from, size); });
  };
  std::future<absl::StatusOr<ItemsPage>> next = fetch(0);
  while (true) {
    absl::StatusOr<ItemsPage> fetched = next.get();
    if (!fetched.ok()) return fetched.status();
    ItemsPage page = std::move(*fetched);
    if (first_total < 0) first_total = page.total_size;
    if (page.total_size != first_total) listed.stable = false;
    start += static_cast<int>(page.items.size());
    const bool more = !page.items.empty() && start < page.total_size;
    if (more) next = fetch(start);
    report.items_seen += static_cast<int>(page.items.size());
    for (LibraryItem& item : page.items) {
      if (item.type != listing.want_type) continue;
      item.section_id = listing.query.section_id;
      report.max_added_at = std::max(report.max_added_at, item.added_at);
      listed.keys.push_back(item.rating_key);
      batch.push_back(std::move(item));
    }
    // On an error the pending fetch finishes first (std::async's future waits).
    if (static_cast<int>(batch.size()) >= options_.batch_size) RETURN_IF_ERROR(flush());
    const int64_t done = listing.done_before + static_cast<int64_t>(listed.keys.size());
    Progress(progress, done, listing.total < 0 ? -1 : std::max(listing.total, done), listing.note);
    if (!more) break;
  }
  RETURN_IF_ERROR(flush());
  return listed;
}

absl::StatusOr<SyncReport> LibrarySync::FullSync(PlexClient& plex, const ProgressFn& progress) {
  const absl::Time started = absl::Now();
  SyncReport report;
  ASSIGN_OR_RETURN(std::vector<Section> sections, plex.Sections());
  RETURN_IF_ERROR(store_.ReplaceSections(sections));
  report.sections = static_cast<int>(sections.size());

  // The sizes first (a 0-item page each), so progress shows done / total.
  std::vector<Listing> listings;
  int64_t total = 0;
  for (const Section& section : sections) {
    for (const TypeListing& t : ListingsOf(section)) {
      Listing listing{.query = {.section_id = section.id, .type = t.type, .added_since = 0},
                      .want_type = t.item_type,
                      .note = absl::StrCat(section.title, ": ", t.label),
                      .done_before = 0,
                      .total = 0};
      ASSIGN_OR_RETURN(ItemsPage sizes, plex.ListItems(listing.query, 0, 0));
      total += sizes.total_size;
      listings.push_back(std::move(listing));
    }
  }
  Progress(progress, 0, total, "listing the library");

  int64_t done = 0;
  for (size_t i = 0; i < listings.size(); ++i) {
    Listing& listing = listings[i];
    listing.done_before = done;
    listing.total = total;
    ASSIGN_OR_RETURN(Listed listed, ListAll(plex, listing, progress, false, report));
    done += static_cast<int64_t>(listed.keys.size());
    total = std::max(total, done);
    if (listed.stable) {
      ASSIGN_OR_RETURN(int deleted, store_.DeleteUnseen(listing.query.section_id,
                                                        listing.want_type, listed.keys));
      report.items_deleted += deleted;
    } else {
      ++report.deletions_skipped;
      log::Warn("plex_sync_deletions_skipped")
          .With("section", listing.query.section_id)
          .With("type", listing.want_type)
          .With("reason", "the listing changed size while it was paged");
    }
    const bool last_of_section = i + 1 == listings.size() ||
                                 listings[i + 1].query.section_id != listing.query.section_id;
    if (last_of_section) RETURN_IF_ERROR(store_.MarkSectionSynced(listing.query.section_id));
  }
  report.took = absl::Now() - started;
  RETURN_IF_ERROR(store_.PutSyncState({.kind = "full",
                                       .finished_at = absl::Now(),
                                       .max_added_at = report.max_added_at,
                                       .items_seen = report.items_seen,
                                       .duration_ms = static_cast<int>(
                                           absl::ToInt64Milliseconds(report.took))}));
  Progress(progress, done, total, "reporting availability to kiosk-media");
  if (media_ != nullptr) report.availability = ReportAvailability(true, &report).status();
  log::Info("plex_full_sync")
      .With("sections", report.sections)
      .With("seen", report.items_seen)
      .With("written", report.items_written)
      .With("deleted", report.items_deleted)
      .With("deletions_skipped", report.deletions_skipped)
      .With("requests_changed", report.requests_changed)
      .With("ms", absl::ToInt64Milliseconds(absl::Now() - started))
      .With(report.availability);
  return report;
}

absl::Status LibrarySync::FetchMissingShows(PlexClient& plex,
                                            const std::vector<LibraryItem>& episodes,
                                            SyncReport& report) {
  std::set<std::string> shows, seasons;
  for (const LibraryItem& e : episodes) {
    if (!e.grandparent_rating_key.empty()) shows.insert(e.grandparent_rating_key);
    if (!e.parent_rating_key.empty()) seasons.insert(e.parent_rating_key);
  }
  std::vector<LibraryItem> found;
  ASSIGN_OR_RETURN(std::vector<std::string> missing_shows,
                   store_.MissingKeys({shows.begin(), shows.end()}));
  for (const std::string& key : missing_shows) {
    absl::StatusOr<ItemsPage> show = plex.Metadata(key);
    if (absl::IsNotFound(show.status())) continue;  // deleted meanwhile
    if (!show.ok()) return show.status();
    for (LibraryItem& item : show->items) {
      if (item.type == "show") found.push_back(std::move(item));
    }
  }
  // Seasons are known from their episodes: no call needed.
  ASSIGN_OR_RETURN(std::vector<std::string> missing_seasons,
                   store_.MissingKeys({seasons.begin(), seasons.end()}));
  std::set<std::string> wanted(missing_seasons.begin(), missing_seasons.end());
  for (const LibraryItem& e : episodes) {
    if (wanted.erase(e.parent_rating_key) == 0) continue;
    LibraryItem season;
    season.rating_key = e.parent_rating_key;
    season.section_id = e.section_id;
    season.type = "season";
    season.title = absl::StrCat("Season ", e.season_number);
    season.parent_rating_key = e.grandparent_rating_key;
    season.season_number = e.season_number;
    season.added_at = e.added_at;
    found.push_back(std::move(season));
  }
  ASSIGN_OR_RETURN(int written, store_.UpsertItems(found));
  report.items_written += written;
  return absl::OkStatus();
}

absl::StatusOr<SyncReport> LibrarySync::SyncRecent(PlexClient& plex, const Section& section,
                                                   int64_t since) {
  SyncReport report;
  since = std::max<int64_t>(since, 1);
  if (section.type == "movie") {
    RETURN_IF_ERROR(ListAll(plex,
                            {.query = {.section_id = section.id,
                                       .type = kTypeMovie,
                                       .added_since = since},
                             .want_type = "movie",
                             .note = "",
                             .done_before = 0,
                             .total = -1},
                            nullptr, false, report)
                        .status());
  } else if (section.type == "show") {
    ASSIGN_OR_RETURN(Listed listed, ListAll(plex,
                                            {.query = {.section_id = section.id,
                                                       .type = kTypeEpisode,
                                                       .added_since = since},
                                             .want_type = "episode",
                                             .note = "",
                                             .done_before = 0,
                                             .total = -1},
                                            nullptr, true, report));
    RETURN_IF_ERROR(FetchMissingShows(plex, listed.items, report));
  }
  return report;
}

absl::StatusOr<SyncReport> LibrarySync::IncrementalSync(PlexClient& plex,
                                                        const ProgressFn& progress) {
  const absl::Time started = absl::Now();
  ASSIGN_OR_RETURN(std::optional<SyncState> full, store_.GetSyncState("full"));
  ASSIGN_OR_RETURN(std::optional<SyncState> incremental, store_.GetSyncState("incremental"));
  if (!full && !incremental) return FullSync(plex, progress);
  int64_t newest = 0;
  if (full) newest = std::max(newest, full->max_added_at);
  if (incremental) newest = std::max(newest, incremental->max_added_at);
  const int64_t since = newest - absl::ToInt64Seconds(options_.incremental_margin);

  ASSIGN_OR_RETURN(std::vector<SectionRow> sections, store_.ListSections());
  SyncReport report;
  int n = 0;
  for (const SectionRow& row : sections) {
    Progress(progress, n++, static_cast<int64_t>(sections.size()),
             absl::StrCat(row.section.title, ": recently added"));
    ASSIGN_OR_RETURN(SyncReport part, SyncRecent(plex, row.section, since));
    report.items_seen += part.items_seen;
    report.items_written += part.items_written;
    report.max_added_at = std::max(report.max_added_at, part.max_added_at);
  }
  report.sections = static_cast<int>(sections.size());
  report.took = absl::Now() - started;
  RETURN_IF_ERROR(store_.PutSyncState({.kind = "incremental",
                                       .finished_at = absl::Now(),
                                       .max_added_at = report.max_added_at,
                                       .items_seen = report.items_seen,
                                       .duration_ms = static_cast<int>(
                                           absl::ToInt64Milliseconds(report.took))}));
  // Nothing new: nothing to tell kiosk-media (the full sync re-reports all).
  if (media_ != nullptr && report.items_written > 0) {
    report.availability = ReportAvailability(false, &report).status();
  }
  Progress(progress, n, n, "done");
  log::Info("plex_incremental_sync")
      .With("since", since)
      .With("seen", report.items_seen)
      .With("written", report.items_written)
      .With("requests_changed", report.requests_changed)
      .With("ms", absl::ToInt64Milliseconds(report.took))
      .With(report.availability);
  return report;
}

absl::StatusOr<int> LibrarySync::ReportAvailability(bool complete, SyncReport* report) {
  if (media_ == nullptr) return 0;
  ASSIGN_OR_RETURN(std::vector<TitleKey> tracked, media_->ListTrackedTitles());
  std::vector<TitlePresence> presences;
  for (const TitleKey& key : tracked) {
    ASSIGN_OR_RETURN(std::optional<TitleMatch> match, store_.Lookup(key));
    if (!match && !complete) continue;  // an incremental sync never takes availability back
    TitlePresence presence{.title = key, .present = match.has_value(), .rating_key = "",
                           .episodes = {}};
    if (match) {
      presence.rating_key = match->item.rating_key;
      presence.episodes = std::move(match->episodes);
    }
    presences.push_back(std::move(presence));
  }
  if (presences.empty()) return 0;
  ASSIGN_OR_RETURN(int changed, media_->ReportLibraryPresence(presences, complete));
  if (report != nullptr) {
    report->titles_reported = static_cast<int>(presences.size());
    report->requests_changed = changed;
  }
  return static_cast<int>(presences.size());
}

absl::StatusOr<bool> LibrarySync::ReportTitle(const TitleKey& key) {
  ASSIGN_OR_RETURN(std::optional<TitleMatch> match, store_.Lookup(key));
  if (!match) return false;
  if (media_ == nullptr) return true;
  TitlePresence presence{.title = key, .present = true, .rating_key = match->item.rating_key,
                         .episodes = std::move(match->episodes)};
  RETURN_IF_ERROR(media_->ReportLibraryPresence({presence}, false).status());
  return true;
}

}  // namespace kiosk::plex
