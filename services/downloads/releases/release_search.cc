#include "services/downloads/releases/release_search.h"

#include <algorithm>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/log/log.h"
#include "common/status_macros.h"
#include "services/downloads/chain_jobs.h"

namespace kiosk::downloads::releases {
namespace {

using indexers::Indexer;
using indexers::TorznabCaps;
using indexers::TorznabFeed;
using indexers::TorznabQuery;

constexpr size_t kMaxTitles = 2;
constexpr size_t kMaxSeasons = 3;

// The titles to search by text, the request's language first.
std::vector<std::string> SearchTitles(const RequestInfo& r) {
  std::vector<std::string> order;
  if (r.language == "en") order = {r.title_en, r.original_title, r.title_fr};
  else if (r.language == "vo") order = {r.original_title, r.title_en, r.title_fr};
  else order = {r.title_fr, r.original_title, r.title_en};
  order.push_back(r.title);
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const std::string& t : order) {
    if (t.empty() || !seen.insert(NormalizeTitle(t)).second) continue;
    out.push_back(t);
    if (out.size() == kMaxTitles) break;
  }
  return out;
}

}  // namespace

const std::vector<std::string>& ReleaseSettingKeys() {
  static const std::vector<std::string> kKeys = {
      "releases.auto_grab",   "releases.min_seeders", "releases.quality_order",
      "releases.min_size_mb", "releases.max_size_gb", "releases.search_minutes"};
  return kKeys;
}

SelectionRules RulesFrom(const server::SettingValues& settings) {
  SelectionRules rules;
  std::vector<std::string> order =
      ParseQualityOrder(settings.String("releases.quality_order", "1080p,720p,2160p,480p"));
  if (!order.empty()) rules.quality_order = std::move(order);
  rules.min_seeders = static_cast<int>(std::max<int64_t>(0, settings.Int("releases.min_seeders", 1)));
  rules.min_size_bytes = std::max<int64_t>(0, settings.Int("releases.min_size_mb", 100)) << 20;
  rules.max_size_bytes = static_cast<int64_t>(
      std::max(0.0, settings.Number("releases.max_size_gb", 0)) * static_cast<double>(int64_t{1} << 30));
  return rules;
}

WantedMedia WantedFrom(const RequestInfo& r) {
  WantedMedia w;
  w.media_type = r.media_type;
  w.titles = {r.title_fr, r.title_en, r.original_title, r.title};
  w.year = r.year;
  w.language = r.language.empty() ? "fr" : r.language;
  w.seasons = r.seasons;
  return w;
}

std::vector<TorznabQuery> PlanQueries(const TorznabCaps& caps, const RequestInfo& r) {
  std::vector<TorznabQuery> queries;
  const std::vector<std::string> titles = SearchTitles(r);
  const std::string year = r.year > 0 ? absl::StrCat(" ", r.year) : "";
  if (r.media_type != "tv") {
    if (!r.imdb_id.empty() && caps.movie_search.Supports("imdbid")) {
      return {{.function = "movie", .imdb_id = r.imdb_id}};
    }
    for (const std::string& title : titles) {
      if (caps.movie_search.Supports("q")) {
        queries.push_back({.function = "movie", .q = absl::StrCat(title, year)});
      } else {
        queries.push_back({.function = "search", .q = absl::StrCat(title, year)});
      }
    }
    return queries;
  }
  // Series: one query per requested season (the first few); the episode
  // too when exactly one is requested.
  std::vector<std::pair<int, int>> seasons;
  for (const auto& [season, episodes] : r.seasons) {
    if (seasons.size() == kMaxSeasons) break;
    seasons.push_back({season, episodes.size() == 1 ? episodes[0] : 0});
  }
  if (seasons.empty()) seasons.push_back({0, 0});
  for (const auto& [season, episode] : seasons) {
    const int ep = caps.tv_search.Supports("ep") ? episode : 0;
    if (r.tvdb_id > 0 && caps.tv_search.Supports("tvdbid")) {
      queries.push_back({.function = "tvsearch", .tvdb_id = r.tvdb_id, .season = season, .episode = ep});
      continue;
    }
    for (const std::string& title : titles) {
      if (caps.tv_search.Supports("q")) {
        queries.push_back({.function = "tvsearch", .q = title,
                           .season = caps.tv_search.Supports("season") ? season : 0,
                           .episode = ep});
      } else {
        std::string q = title;
        if (season > 0) absl::StrAppend(&q, absl::StrFormat(" S%02d", season));
        if (season > 0 && episode > 0) absl::StrAppend(&q, absl::StrFormat("E%02d", episode));
        queries.push_back({.function = "search", .q = q});
      }
    }
  }
  return queries;
}

ReleaseSearch::ReleaseSearch(indexers::PgIndexerStore& indexers, indexers::IndexerCalls& calls,
                             PgReleaseStore& releases, PgDownloadStore& downloads,
                             DownloadChain& chain, MediaPeer& media,
                             server::SettingsSource& settings, ReleaseSearchOptions options)
    : indexers_(indexers),
      calls_(calls),
      releases_(releases),
      downloads_(downloads),
      chain_(chain),
      media_(media),
      settings_(settings),
      options_(std::move(options)) {}

void ReleaseSearch::Register(jobs::JobRuntime& jobs) {
  jobs.Register(kReleaseSearchJob, [this](const jobs::Job& job) { return SearchJob(job); },
                {.concurrency = 2});
  jobs.Register(kReleaseFailedJob, [this](const jobs::Job& job) { return FailedJob(job); },
                {.concurrency = 1});
  jobs.Register(kReleaseSearchDueJob, [this](const jobs::Job& job) { return DueJob(job); },
                {.concurrency = 1});
  jobs.AddPeriodic({.name = kReleaseSearchDueJob, .cron = options_.due_cron,
                    .kind = kReleaseSearchDueJob});
}

absl::StatusOr<SearchOutcome> ReleaseSearch::Search(int64_t request_id) {
  if (request_id <= 0) return absl::InvalidArgumentError("request_id must be a positive id");
  ASSIGN_OR_RETURN(RequestInfo request, media_.GetRequest(request_id));
  ASSIGN_OR_RETURN(server::SettingValues settings, settings_.Get(ReleaseSettingKeys()));
  return SearchFor(request, settings);
}

absl::StatusOr<SearchOutcome> ReleaseSearch::SearchFor(const RequestInfo& request,
                                                       const server::SettingValues& settings) {
  ASSIGN_OR_RETURN(std::vector<Indexer> enabled, indexers_.List(/*enabled_only=*/true));
  ASSIGN_OR_RETURN(std::vector<BlockedRelease> blocked, releases_.BlockedFor(request.id));
  SearchOutcome outcome;
  outcome.auto_grab = settings.Bool("releases.auto_grab", true);
  outcome.indexers.resize(enabled.size());
  std::vector<std::vector<Candidate>> found(enabled.size());
  // Every indexer on its own thread: a slow or broken one costs its own
  // timeout, never the others' answers.
  std::vector<std::thread> threads;
  threads.reserve(enabled.size());
  for (size_t i = 0; i < enabled.size(); ++i) {
    threads.emplace_back([&, i] {
      const Indexer& indexer = enabled[i];
      IndexerOutcome& out = outcome.indexers[i];
      out.indexer_id = indexer.id;
      out.name = indexer.name;
      const absl::Time start = absl::Now();
      std::set<std::string> guids;
      for (const TorznabQuery& query : PlanQueries(indexer.caps, request)) {
        absl::StatusOr<TorznabFeed> feed = calls_.Search(indexer, query);
        if (!feed.ok()) {
          out.error = std::string(feed.status().message());
          break;
        }
        for (indexers::TorznabItem& item : feed->items) {
          if (!guids.insert(item.guid).second) continue;
          found[i].push_back({.item = std::move(item), .indexer_id = indexer.id,
                              .indexer = indexer.name, .indexer_priority = indexer.priority});
        }
      }
      out.found = static_cast<int>(found[i].size());
      out.duration_ms = absl::ToInt64Milliseconds(absl::Now() - start);
    });
  }
  for (std::thread& t : threads) t.join();
  std::vector<Candidate> all;
  for (std::vector<Candidate>& f : found) {
    for (Candidate& c : f) all.push_back(std::move(c));
  }
  outcome.releases = RankReleases(all, WantedFrom(request), RulesFrom(settings), blocked);
  log::Info("releases_searched").With("request_id", request.id)
      .With("indexers", static_cast<int64_t>(enabled.size()))
      .With("releases", static_cast<int64_t>(outcome.releases.size()))
      .With("accepted", static_cast<int64_t>(std::count_if(
                            outcome.releases.begin(), outcome.releases.end(),
                            [](const EvaluatedRelease& r) { return r.accepted; })));
  return outcome;
}

const EvaluatedRelease* ReleaseSearch::Best(const SearchOutcome& outcome) {
  if (outcome.releases.empty() || !outcome.releases.front().accepted) return nullptr;
  return &outcome.releases.front();
}

absl::Status ReleaseSearch::RecordManualGrab(int64_t download_id, const std::string& release_title,
                                             int64_t indexer_id) {
  if (release_title.empty() && indexer_id <= 0) return absl::OkStatus();
  std::string indexer;
  if (indexer_id > 0) {
    absl::StatusOr<Indexer> found = indexers_.Get(indexer_id);
    if (found.ok()) indexer = found->name;  // a deleted indexer: the title is still worth keeping
  }
  return releases_.SetGrabbedRelease(download_id, release_title, indexer, false);
}

absl::StatusOr<std::vector<BlocklistEntry>> ReleaseSearch::ListBlocklist(int64_t request_id) {
  if (request_id < 0) return absl::InvalidArgumentError("request_id must be a positive id (0 = all)");
  return releases_.ListBlocklist(request_id);
}

absl::Status ReleaseSearch::DeleteBlocklistEntry(int64_t id) {
  if (id <= 0) return absl::InvalidArgumentError("id must be a positive blocklist entry id");
  RETURN_IF_ERROR(releases_.Unblock(id));
  log::Info("blocklist_entry_deleted").With("id", id);
  return absl::OkStatus();
}

absl::Status ReleaseSearch::SearchJob(const jobs::Job& job) {
  ASSIGN_OR_RETURN(int64_t id, DownloadIdOf(job));
  ASSIGN_OR_RETURN(Download d, downloads_.Get(id));
  if (d.state != kAwaitingRelease) return absl::OkStatus();  // attached meanwhile
  ASSIGN_OR_RETURN(server::SettingValues settings, settings_.Get(ReleaseSettingKeys()));
  if (!settings.Bool("releases.auto_grab", true)) return absl::OkStatus();
  ASSIGN_OR_RETURN(std::vector<Indexer> enabled, indexers_.List(true));
  if (enabled.empty()) return absl::OkStatus();  // an admin attaches by hand
  ASSIGN_OR_RETURN(RequestInfo request, media_.GetRequest(d.request_id));
  ASSIGN_OR_RETURN(SearchOutcome outcome, SearchFor(request, settings));
  const EvaluatedRelease* best = Best(outcome);
  if (best == nullptr) {
    std::string failed;
    for (const IndexerOutcome& o : outcome.indexers) {
      if (!o.error.empty()) absl::StrAppend(&failed, failed.empty() ? "" : "; ", o.name, ": ", o.error);
    }
    const std::string message = absl::StrCat(
        "waiting for a release: ", ExplainNoneAccepted(outcome.releases),
        failed.empty() ? "" : absl::StrCat(" (indexers failing: ", failed, ")"),
        "; searching again every ", settings.Int("releases.search_minutes", 60), " minutes");
    RETURN_IF_ERROR(releases_.MarkSearched(id, message));
    chain_.Report(d, kAwaitingRelease, 0, 0, 0, message, "");
    log::Info("release_not_found").With("download_id", id).With("request_id", d.request_id);
    return absl::OkStatus();
  }
  absl::StatusOr<Download> attached = chain_.AttachRelease(d.request_id, best->link);
  if (absl::IsFailedPrecondition(attached.status())) return absl::OkStatus();  // an admin was faster
  if (!attached.ok()) return attached.status();
  RETURN_IF_ERROR(releases_.SetGrabbedRelease(id, best->title, best->indexer, true));
  log::Info("release_grabbed").With("download_id", id).With("request_id", d.request_id)
      .With("release", best->title).With("indexer", best->indexer).With("score", best->score);
  return absl::OkStatus();
}

absl::Status ReleaseSearch::FailedJob(const jobs::Job& job) {
  ASSIGN_OR_RETURN(int64_t id, DownloadIdOf(job));
  ASSIGN_OR_RETURN(Download d, downloads_.Get(id));
  if (d.state != kFailed) return absl::OkStatus();  // retried meanwhile
  const std::string title = d.release_title.empty() ? d.name : d.release_title;
  if (!title.empty() || !d.torrent_hash.empty()) {
    ASSIGN_OR_RETURN(BlocklistEntry entry,
                     releases_.Block({.request_id = d.request_id,
                                      .title = title,
                                      .info_hash = d.torrent_hash,
                                      .indexer = d.indexer,
                                      .reason = d.error.empty() ? "the download failed" : d.error}));
    log::Info("release_blocklisted").With("download_id", id).With("entry_id", entry.id)
        .With("release", title);
  }
  ASSIGN_OR_RETURN(server::SettingValues settings, settings_.Get(ReleaseSettingKeys()));
  if (!settings.Bool("releases.auto_grab", true)) return absl::OkStatus();
  ASSIGN_OR_RETURN(std::vector<Indexer> enabled, indexers_.List(true));
  if (enabled.empty()) return absl::OkStatus();
  ASSIGN_OR_RETURN(RequestInfo request, media_.GetRequest(d.request_id));
  ASSIGN_OR_RETURN(SearchOutcome outcome, SearchFor(request, settings));
  const EvaluatedRelease* best = Best(outcome);
  if (best == nullptr) {
    log::Info("no_next_release").With("download_id", id)
        .With("why", ExplainNoneAccepted(outcome.releases));
    return absl::OkStatus();  // stays failed; an admin can retry with a link
  }
  absl::StatusOr<Download> retried = chain_.Retry(id, best->link);
  if (absl::IsFailedPrecondition(retried.status())) return absl::OkStatus();  // retried meanwhile
  if (!retried.ok()) return retried.status();
  RETURN_IF_ERROR(releases_.SetGrabbedRelease(id, best->title, best->indexer, true));
  log::Info("next_release_grabbed").With("download_id", id).With("release", best->title)
      .With("indexer", best->indexer);
  return absl::OkStatus();
}

absl::Status ReleaseSearch::DueJob(const jobs::Job&) {
  ASSIGN_OR_RETURN(server::SettingValues settings, settings_.Get(ReleaseSettingKeys()));
  if (!settings.Bool("releases.auto_grab", true)) return absl::OkStatus();
  const int64_t minutes = std::max<int64_t>(1, settings.Int("releases.search_minutes", 60));
  ASSIGN_OR_RETURN(int enqueued, releases_.EnqueueDueSearches(absl::Minutes(minutes)));
  if (enqueued > 0) log::Info("release_searches_due").With("enqueued", static_cast<int64_t>(enqueued));
  return absl::OkStatus();
}

}  // namespace kiosk::downloads::releases
