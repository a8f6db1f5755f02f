#include "services/plex/plex_library.h"

#include <filesystem>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "common/log/log.h"
#include "common/status_macros.h"
#include "services/plex/plex_settings.h"

namespace kiosk::plex {
namespace {

constexpr int kMaxLookupKeys = 100;

// The folder Plex should rescan for `plex_path`: the path itself when
// plex-kiosk sees a folder there, else the folder holding it.
std::string FolderToScan(const std::string& local_path, const std::string& plex_path) {
  std::error_code error;
  if (std::filesystem::is_directory(local_path, error)) return plex_path;
  size_t slash = plex_path.find_last_of('/');
  if (slash == std::string::npos || slash == 0) return plex_path;
  return plex_path.substr(0, slash);
}

}  // namespace

absl::Status ValidateTitleKey(const TitleKey& key, const std::string& field) {
  if (key.media_type != "movie" && key.media_type != "tv") {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ".media_type must be \"movie\" or \"tv\", not \"", key.media_type, "\""));
  }
  if (key.tmdb_id < 0 || key.tvdb_id < 0) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": ids cannot be negative"));
  }
  if (!key.imdb_id.empty() && !absl::StartsWith(key.imdb_id, "tt")) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ".imdb_id \"", key.imdb_id, "\" is not an IMDb id (tt1234567)"));
  }
  if (key.tmdb_id == 0 && key.imdb_id.empty() && key.tvdb_id == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " has no id: give tmdb_id, imdb_id or tvdb_id"));
  }
  if (key.media_type == "movie" && key.tmdb_id == 0 && key.imdb_id.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ": films are matched by tmdb_id or imdb_id (Plex puts tvdb ids on films too)"));
  }
  return absl::OkStatus();
}

PlexLibrary::PlexLibrary(PgLibraryStore& store, LibrarySync& sync,
                         server::SettingsSource& settings, http::HttpClient& http,
                         jobs::JobQueue& queue, LibraryOptions options)
    : store_(store),
      sync_(sync),
      settings_(settings),
      http_(http),
      queue_(queue),
      options_(std::move(options)) {}

absl::StatusOr<std::vector<LookupResult>> PlexLibrary::Lookup(const std::vector<TitleKey>& keys) {
  if (keys.size() > kMaxLookupKeys) {
    return absl::InvalidArgumentError(absl::StrCat("at most ", kMaxLookupKeys,
                                                   " keys per lookup, got ", keys.size()));
  }
  for (size_t i = 0; i < keys.size(); ++i) {
    RETURN_IF_ERROR(ValidateTitleKey(keys[i], absl::StrCat("keys[", i, "]")));
  }
  // The path map only matters for films' files; without kiosk-users the
  // lookup still answers, with Plex's paths.
  PathMap map;
  if (absl::StatusOr<PlexSettings> settings = ReadPlexSettings(settings_); settings.ok()) {
    map = settings->path_map;
  }
  std::vector<LookupResult> results;
  for (const TitleKey& key : keys) {
    ASSIGN_OR_RETURN(std::optional<TitleMatch> match, store_.Lookup(key));
    LookupResult result{.key = key, .match = std::move(match), .local_file = ""};
    if (result.match && !result.match->item.file_path.empty()) {
      result.local_file = map.ToLocal(result.match->item.file_path);
    }
    results.push_back(std::move(result));
  }
  return results;
}

absl::StatusOr<std::vector<LibraryItem>> PlexLibrary::Search(const std::string& query,
                                                             const std::string& media_type,
                                                             int page_size) {
  const std::string text(absl::StripAsciiWhitespace(query));
  if (text.size() < 2) {
    return absl::InvalidArgumentError("query must have at least 2 characters");
  }
  if (media_type != "" && media_type != "movie" && media_type != "tv") {
    return absl::InvalidArgumentError(
        absl::StrCat("media_type must be \"movie\", \"tv\" or empty, not \"", media_type, "\""));
  }
  if (page_size == 0) page_size = 20;
  if (page_size < 1 || page_size > 100) {
    return absl::InvalidArgumentError("page_size must be within 1..100");
  }
  return store_.Search(text, media_type, page_size);
}

absl::StatusOr<std::vector<SectionView>> PlexLibrary::ListSections() {
  ASSIGN_OR_RETURN(std::vector<SectionRow> rows, store_.ListSections());
  PathMap map;
  if (absl::StatusOr<PlexSettings> settings = ReadPlexSettings(settings_); settings.ok()) {
    map = settings->path_map;
  }
  std::vector<SectionView> views;
  for (SectionRow& row : rows) {
    SectionView view{.row = std::move(row), .local_locations = {}};
    for (const std::string& l : view.row.section.locations) {
      view.local_locations.push_back(map.ToLocal(l));
    }
    views.push_back(std::move(view));
  }
  return views;
}

absl::StatusOr<RefreshResult> PlexLibrary::RefreshPath(const std::string& local_path,
                                                       const std::optional<TitleKey>& expect) {
  if (local_path.empty() || local_path[0] != '/') {
    return absl::InvalidArgumentError(
        absl::StrCat("path must be absolute (as plex-kiosk sees it), got \"", local_path, "\""));
  }
  if (expect) RETURN_IF_ERROR(ValidateTitleKey(*expect, "expect"));
  ASSIGN_OR_RETURN(PlexSettings settings, ReadPlexSettings(settings_));
  RETURN_IF_ERROR(RequireConfigured(settings));
  PlexClient plex(http_, settings.connection, options_.client);
  const std::string plex_path = settings.path_map.ToPlex(local_path);
  ASSIGN_OR_RETURN(std::vector<Section> sections, plex.Sections());
  const Section* best = nullptr;
  size_t best_len = 0;
  std::vector<std::string> known;
  for (const Section& section : sections) {
    for (const std::string& location : section.locations) {
      known.push_back(absl::StrCat(section.title, " (", location, ")"));
      if (PathHasPrefix(plex_path, location) && (best == nullptr || location.size() > best_len)) {
        best = &section;
        best_len = location.size();
      }
    }
  }
  if (best == nullptr) {
    return absl::NotFoundError(absl::StrCat(
        "no Plex section holds ", plex_path, " (", local_path,
        " as plex-kiosk sees it); sections: ", known.empty() ? "none" : absl::StrJoin(known, ", "),
        "; check plex.path_map"));
  }
  RefreshResult result{.section_id = best->id,
                       .plex_path = FolderToScan(local_path, plex_path),
                       .confirmed = false};
  RETURN_IF_ERROR(plex.RefreshPath(best->id, result.plex_path));
  log::Info("plex_refresh_path").With("section", best->id).With("path", result.plex_path);
  if (!expect) return result;
  // The refresh itself succeeded: a failed confirmation only means the
  // periodic sync will find the title instead.
  absl::Status confirming;
  for (int attempt = 1; attempt <= options_.confirm_attempts && !result.confirmed; ++attempt) {
    if (attempt > 1) absl::SleepFor(options_.confirm_delay);
    const int64_t since = absl::ToUnixSeconds(absl::Now() - absl::Hours(24));
    confirming = sync_.SyncRecent(plex, *best, since).status();
    if (!confirming.ok()) break;
    absl::StatusOr<bool> reported = sync_.ReportTitle(*expect);
    confirming = reported.status();
    if (!confirming.ok()) break;
    result.confirmed = *reported;
  }
  log::Info("plex_refresh_confirm")
      .With("section", best->id)
      .With("tmdb", expect->tmdb_id)
      .With("confirmed", result.confirmed)
      .With(confirming);
  return result;
}

absl::StatusOr<ConnectionCheck> PlexLibrary::TestConnection(const std::string& url,
                                                            const std::string& token) {
  PlexConnection connection{.url = url, .token = token};
  if (url.empty() || token.empty()) {
    ASSIGN_OR_RETURN(PlexSettings settings, ReadPlexSettings(settings_));
    if (connection.url.empty()) connection.url = settings.connection.url;
    if (connection.token.empty()) connection.token = settings.connection.token;
  }
  if (!connection.url.empty() && !absl::StartsWith(connection.url, "http://") &&
      !absl::StartsWith(connection.url, "https://")) {
    return absl::InvalidArgumentError(
        absl::StrCat("url must start with http:// or https://, e.g. http://plex:32400"));
  }
  PlexClientOptions quick = options_.client;
  quick.attempts = 1;
  quick.timeout = absl::Seconds(10);
  PlexClient plex(http_, connection, quick);
  ConnectionCheck check;
  ASSIGN_OR_RETURN(check.identity, plex.Identity());
  ASSIGN_OR_RETURN(std::vector<Section> sections, plex.Sections());
  check.section_count = static_cast<int>(sections.size());
  return check;
}

absl::StatusOr<jobs::Job> PlexLibrary::StartSync(bool full) {
  const std::string kind = full ? kFullSyncKind : kIncrementalSyncKind;
  ASSIGN_OR_RETURN(std::optional<int64_t> id,
                   queue_.Enqueue(kind, R"({"force": true})",
                                  {.run_after = std::nullopt, .max_attempts = 3,
                                   .dedupe_key = kind}));
  if (id) return queue_.Get(*id);
  // One is already queued, running or waiting for a retry: that one.
  ASSIGN_OR_RETURN(std::vector<jobs::Job> recent, queue_.List({.kind = kind, .limit = 50}));
  for (const jobs::Job& job : recent) {
    if (job.dedupe_key == kind &&
        (job.status == "queued" || job.status == "running" || job.status == "failed")) {
      return job;
    }
  }
  return absl::AbortedError("a sync finished while this one was being queued; ask again");
}

absl::StatusOr<SyncStatusView> PlexLibrary::Status() {
  SyncStatusView view;
  for (const char* kind : {"full", "incremental"}) {
    ASSIGN_OR_RETURN(std::optional<SyncState> state, store_.GetSyncState(kind));
    if (state) view.runs.push_back(*state);
  }
  ASSIGN_OR_RETURN(view.item_counts, store_.CountItems());
  for (const char* kind : {kFullSyncKind, kIncrementalSyncKind}) {
    ASSIGN_OR_RETURN(std::vector<jobs::Job> recent, queue_.List({.kind = kind, .limit = 20}));
    bool settled = false;  // met a finished run of this kind (newest first)
    for (jobs::Job& job : recent) {
      if (job.status == "queued" || job.status == "running" || job.status == "failed") {
        view.active_jobs.push_back(std::move(job));
      } else if (!settled) {
        settled = job.status == "succeeded" || job.status == "dead";
        if (job.status == "dead" && (!view.last_failure || view.last_failure->id < job.id)) {
          view.last_failure = std::move(job);
        }
      }
    }
  }
  absl::StatusOr<PlexSettings> settings = ReadPlexSettings(settings_);
  view.configured = settings.ok() && settings->configured();
  return view;
}

}  // namespace kiosk::plex
