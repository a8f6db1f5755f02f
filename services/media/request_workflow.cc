#include "services/media/request_workflow.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/log/log.h"
#include "services/media/episode_progress.h"
#include "services/media/request_status.h"

namespace kiosk::media {
namespace {

constexpr int kMaxPageSize = 100;
constexpr int kDefaultPageSize = 20;
constexpr size_t kMaxReasonBytes = 500;

absl::Status NotFound(int64_t id) {
  return absl::NotFoundError(absl::StrCat("no request ", id));
}

absl::Status RequireUser(const auth::Caller& caller, const char* what) {
  if (caller.is_service() || caller.user_id <= 0) {
    return absl::PermissionDeniedError(absl::StrCat(what, " is for users, not services"));
  }
  return absl::OkStatus();
}

// Whether Plex holds every episode asked for (counts from TMDB).
bool PlexHoldsAll(const PlexPresence& plex, const std::vector<SeasonSelection>& wanted,
                  const TmdbDetails& details) {
  std::map<int, std::set<int>> held;
  for (const SeasonSelection& s : plex.seasons) {
    held[s.season_number].insert(s.episode_numbers.begin(), s.episode_numbers.end());
  }
  std::vector<SeasonSelection> asked = wanted;
  if (asked.empty()) {
    for (const TmdbSeason& s : details.seasons) {
      if (s.season_number > 0) asked.push_back({s.season_number, {}});
    }
  }
  for (const SeasonSelection& s : asked) {
    std::vector<int> episodes = s.episode_numbers;
    if (episodes.empty()) {
      for (const TmdbSeason& t : details.seasons) {
        if (t.season_number != s.season_number) continue;
        for (int e = 1; e <= t.episode_count; ++e) episodes.push_back(e);
      }
    }
    for (int e : episodes) {
      if (!held[s.season_number].count(e)) return false;
    }
  }
  return true;
}

}  // namespace

Actor ActorOf(const auth::Caller& caller) {
  if (caller.is_service()) return {0, caller.service.empty() ? "service" : caller.service};
  return {caller.user_id, ""};
}

absl::StatusOr<MediaRequest> RequestWorkflow::Create(const auth::Caller& caller,
                                                     const NewRequest& input,
                                                     const std::string& request_id) {
  if (absl::Status s = RequireUser(caller, "creating a request"); !s.ok()) return s;
  if (input.media_type != "movie" && input.media_type != "tv") {
    return absl::InvalidArgumentError("media_type must be \"movie\" or \"tv\"");
  }
  if (input.tmdb_id <= 0) {
    return absl::InvalidArgumentError("tmdb_id must be a TMDB id (> 0), as Search gives it");
  }
  if (!input.language.empty() && input.language != "fr" && input.language != "en" &&
      input.language != "vo") {
    return absl::InvalidArgumentError(
        "language must be \"fr\", \"en\" or \"vo\" (original version), or empty for yours");
  }
  if (input.media_type == "movie" && !input.seasons.empty()) {
    return absl::InvalidArgumentError("a film has no seasons: leave seasons empty");
  }
  std::set<int> seen;
  for (const SeasonSelection& s : input.seasons) {
    if (s.season_number < 0 || !seen.insert(s.season_number).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("season ", s.season_number, " is negative or given twice"));
    }
    for (int e : s.episode_numbers) {
      if (e <= 0) return absl::InvalidArgumentError("episode numbers start at 1");
    }
  }

  absl::StatusOr<UserInfo> user = users_.Get(caller.user_id, request_id);
  if (!user.ok()) return user.status();

  // The title as TMDB knows it, in both languages (cached by the client).
  absl::StatusOr<TmdbDetails> fr = tmdb_.Details(input.media_type, input.tmdb_id, "fr-FR");
  if (!fr.ok()) {
    if (absl::IsNotFound(fr.status())) {
      return absl::NotFoundError(absl::StrCat(
          "TMDB has no ", input.media_type == "tv" ? "series" : "film", " with id ", input.tmdb_id,
          "; check the id and the media type (\"movie\" or \"tv\")"));
    }
    return fr.status();
  }
  absl::StatusOr<TmdbDetails> en = tmdb_.Details(input.media_type, input.tmdb_id, "en-US");
  if (!en.ok()) return en.status();
  for (const SeasonSelection& s : input.seasons) {
    auto season = std::find_if(en->seasons.begin(), en->seasons.end(),
                               [&](const TmdbSeason& t) { return t.season_number == s.season_number; });
    if (season == en->seasons.end()) {
      return absl::InvalidArgumentError(absl::StrCat(en->title.title, " has no season ",
                                                     s.season_number));
    }
    for (int e : s.episode_numbers) {
      if (e > season->episode_count) {
        return absl::InvalidArgumentError(absl::StrCat("season ", s.season_number, " of ",
                                                       en->title.title, " has ",
                                                       season->episode_count, " episodes, not ", e));
      }
    }
  }

  // What Plex already holds is not requested again.
  TitleKey key{input.media_type, input.tmdb_id, en->imdb_id, en->tvdb_id};
  absl::StatusOr<std::vector<PlexPresence>> plex = plex_.Lookup({key}, request_id);
  if (!plex.ok()) {
    // Not fatal: the next library sync reports it and the request becomes available.
    log::Warn("request_without_library_check").With("request_id", request_id)
        .With("error", plex.status().message());
  } else if (!plex->empty() && plex->front().present &&
             (input.media_type == "movie" || PlexHoldsAll(plex->front(), input.seasons, *en))) {
    return absl::AlreadyExistsError(absl::StrCat(
        en->title.title, " is already in Plex", input.media_type == "tv" ? " (every episode asked)" : "",
        ": watch it there"));
  }

  MediaRequest request;
  request.user_id = caller.user_id;
  request.media_type = input.media_type;
  request.tmdb_id = input.tmdb_id;
  request.imdb_id = en->imdb_id;
  request.tvdb_id = en->tvdb_id;
  request.title_fr = fr->title.title;
  request.title_en = en->title.title;
  request.original_title = en->title.original_title;
  request.year = en->title.year;
  request.poster_path = en->title.poster_path.empty() ? fr->title.poster_path : en->title.poster_path;
  request.language = input.language.empty()
                         ? (user->preferred_language == "en" ? "en" : "fr")
                         : input.language;
  request.title = request.language == "fr"   ? request.title_fr
                  : request.language == "en" ? request.title_en
                                             : request.original_title;
  if (request.title.empty()) request.title = request.original_title;
  if (request.title.empty()) request.title = absl::StrCat("TMDB ", input.tmdb_id);
  request.seasons = input.seasons;
  bool approved = user->auto_approve || user->is_admin;
  request.status = approved ? kApproved : kPending;

  std::optional<QuotaRule> quota;
  if (!user->is_admin) {
    bool tv = input.media_type == "tv";
    absl::StatusOr<server::SettingValues> settings =
        settings_.Get({"quota.movie_limit", "quota.movie_days", "quota.tv_limit", "quota.tv_days"});
    if (!settings.ok()) return settings.status();
    int limit = tv ? user->tv_quota_limit.value_or(settings->Int("quota.tv_limit", 0))
                   : user->movie_quota_limit.value_or(settings->Int("quota.movie_limit", 0));
    int days = tv ? user->tv_quota_days.value_or(settings->Int("quota.tv_days", 7))
                  : user->movie_quota_days.value_or(settings->Int("quota.movie_days", 7));
    if (limit > 0) quota = QuotaRule{limit, std::max(days, 1), tv ? "series" : "films"};
  }
  absl::StatusOr<MediaRequest> created =
      store_.Create(request, ActorOf(caller), quota, clock_());
  if (created.ok()) {
    log::Info("request_created").With("request_id", request_id).With("id", created->id)
        .With("tmdb_id", created->tmdb_id).With("status", created->status);
  }
  return created;
}

absl::StatusOr<MediaRequest> RequestWorkflow::Visible(const auth::Caller& caller, int64_t id) {
  if (id <= 0) return absl::InvalidArgumentError("id must be a request id (> 0)");
  absl::StatusOr<MediaRequest> request = store_.Get(id);
  if (!request.ok()) return request.status();
  if (!caller.is_admin() && !caller.is_service() && request->user_id != caller.user_id) {
    return NotFound(id);  // the same answer as a missing request: ids leak nothing
  }
  return request;
}

absl::StatusOr<MediaRequest> RequestWorkflow::Get(const auth::Caller& caller, int64_t id) {
  return Visible(caller, id);
}

absl::StatusOr<std::vector<Transition>> RequestWorkflow::History(const auth::Caller& caller,
                                                                 int64_t id) {
  absl::StatusOr<MediaRequest> request = Visible(caller, id);
  if (!request.ok()) return request.status();
  return store_.History(id);
}

absl::Status RequestWorkflow::CheckFilter(RequestFilter& f) {
  if (!f.status.empty() && !IsRequestStatus(f.status)) {
    return absl::InvalidArgumentError(absl::StrCat("unknown status \"", f.status, "\"; use one of: ",
                                                   absl::StrJoin(RequestStatuses(), ", ")));
  }
  if (!f.media_type.empty() && f.media_type != "movie" && f.media_type != "tv") {
    return absl::InvalidArgumentError("media_type must be \"movie\", \"tv\" or empty");
  }
  if (!f.language.empty() && f.language != "fr" && f.language != "en" && f.language != "vo") {
    return absl::InvalidArgumentError("language must be \"fr\", \"en\", \"vo\" or empty");
  }
  if (f.sort.empty()) f.sort = "added";
  if (f.sort != "added" && f.sort != "modified") {
    return absl::InvalidArgumentError("sort must be \"added\" or \"modified\"");
  }
  if (f.page < 0 || f.page_size < 0 || f.page_size > kMaxPageSize || f.user_id < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("page must be 1 or more and page_size from 1 to ", kMaxPageSize));
  }
  if (f.page == 0) f.page = 1;
  if (f.page_size == 0) f.page_size = kDefaultPageSize;
  return absl::OkStatus();
}

absl::StatusOr<RequestPage> RequestWorkflow::ListMine(const auth::Caller& caller,
                                                      RequestFilter filter) {
  if (absl::Status s = RequireUser(caller, "listing your requests"); !s.ok()) return s;
  filter.user_id = caller.user_id;
  if (absl::Status s = CheckFilter(filter); !s.ok()) return s;
  return store_.List(filter);
}

absl::StatusOr<RequestPage> RequestWorkflow::List(const auth::Caller& caller,
                                                  RequestFilter filter) {
  if (absl::Status s = auth::RequireAdmin(caller); !s.ok()) return s;
  if (absl::Status s = CheckFilter(filter); !s.ok()) return s;
  return store_.List(filter);
}

absl::StatusOr<std::map<std::string, int64_t>> RequestWorkflow::Count(const auth::Caller& caller,
                                                                      int64_t user_id) {
  if (user_id < 0) return absl::InvalidArgumentError("user_id must be 0 or a user id");
  if (caller.is_admin()) return store_.CountByStatus(user_id);
  if (absl::Status s = RequireUser(caller, "counting requests"); !s.ok()) return s;
  if (user_id != 0 && user_id != caller.user_id) {
    return absl::PermissionDeniedError("only admins can count other users' requests");
  }
  return store_.CountByStatus(caller.user_id);
}

absl::StatusOr<MediaRequest> RequestWorkflow::Decide(const auth::Caller& caller, int64_t id,
                                                     const char* required_status, const char* to,
                                                     const std::string& reason, const char* verb) {
  if (id <= 0) return absl::InvalidArgumentError("id must be a request id (> 0)");
  return store_.Transition(
      id,
      [&](const MediaRequest& current) -> absl::StatusOr<TransitionPlan> {
        if (!caller.is_admin() && current.user_id != caller.user_id) return NotFound(id);
        if (current.status != required_status) {
          return absl::FailedPreconditionError(absl::StrCat(
              "only a ", required_status, " request can be ", verb, "; request ", id, " is ",
              current.status));
        }
        if (absl::Status s = CheckTransition(current.status, to); !s.ok()) return s;
        return TransitionPlan{to, reason, std::nullopt};
      },
      ActorOf(caller), clock_());
}

absl::StatusOr<MediaRequest> RequestWorkflow::Approve(const auth::Caller& caller, int64_t id) {
  if (absl::Status s = auth::RequireAdmin(caller); !s.ok()) return s;
  return Decide(caller, id, kPending, kApproved, "", "approved");
}

absl::StatusOr<MediaRequest> RequestWorkflow::Decline(const auth::Caller& caller, int64_t id,
                                                      const std::string& reason) {
  if (absl::Status s = auth::RequireAdmin(caller); !s.ok()) return s;
  if (reason.size() > kMaxReasonBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("reason is limited to ", kMaxReasonBytes, " characters"));
  }
  return Decide(caller, id, kPending, kDeclined, reason, "declined");
}

absl::StatusOr<MediaRequest> RequestWorkflow::Retry(const auth::Caller& caller, int64_t id) {
  if (absl::Status s = auth::RequireAdmin(caller); !s.ok()) return s;
  return Decide(caller, id, kFailed, kApproved, "retried", "retried");
}

absl::StatusOr<MediaRequest> RequestWorkflow::Cancel(const auth::Caller& caller, int64_t id) {
  if (absl::Status s = RequireUser(caller, "cancelling a request"); !s.ok()) return s;
  return Decide(caller, id, kPending, kCancelled, "", "cancelled");
}

absl::Status RequestWorkflow::Delete(const auth::Caller& caller, int64_t id) {
  if (absl::Status s = auth::RequireAdmin(caller); !s.ok()) return s;
  if (id <= 0) return absl::InvalidArgumentError("id must be a request id (> 0)");
  absl::Status deleted = store_.Delete(id);
  if (deleted.ok()) log::Info("request_deleted").With("id", id).With("by", caller.user_id);
  return deleted;
}

absl::StatusOr<MediaRequest> RequestWorkflow::ReportProgress(
    const auth::Caller& caller, int64_t id, const std::string& status,
    const std::optional<RequestProgress>& progress, const std::string& reason,
    const std::vector<SeasonSelection>& episodes_imported) {
  if (absl::Status s = auth::RequireService(caller); !s.ok()) return s;
  if (id <= 0) return absl::InvalidArgumentError("request_id must be a request id (> 0)");
  static const std::set<std::string> kDownloadStatuses = {
      kProcessing, kDownloading, kImporting, kAvailable, kPartiallyAvailable, kFailed};
  if (!status.empty() && !kDownloadStatuses.count(status)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "status \"", status, "\" is not one kiosk-downloads reports; use one of: ",
        absl::StrJoin(kDownloadStatuses, ", "), " (or \"\" for progress only)"));
  }
  if (status.empty() && !progress && episodes_imported.empty()) {
    return absl::InvalidArgumentError("give a status, a progress, episodes imported, or some of them");
  }
  if (absl::Status s = CheckEpisodes(episodes_imported, "episodes_imported"); !s.ok()) return s;
  if (progress && (progress->percent < 0 || progress->percent > 100 || progress->speed < 0 ||
                   progress->eta_seconds < 0)) {
    return absl::InvalidArgumentError(
        "progress: percent must be 0 to 100, download_speed and eta_seconds 0 or more");
  }
  if (reason.size() > kMaxReasonBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("reason is limited to ", kMaxReasonBytes, " characters"));
  }
  // A series counts its episodes: which it covers needs TMDB, asked before
  // the row lock is taken.
  std::optional<EpisodeSet> requested;
  if (!episodes_imported.empty() || status == kAvailable) {
    absl::StatusOr<MediaRequest> before = store_.Get(id);
    if (!before.ok()) return before.status();
    if (before->media_type == "tv") {
      absl::StatusOr<EpisodeSet> wanted = RequestedEpisodes(*before, tmdb_);
      if (wanted.ok()) {
        requested = *std::move(wanted);
      } else {  // the status goes as reported; the next Plex report counts the episodes
        log::Warn("episodes_not_counted").With("id", id).With("error", wanted.status().message());
      }
    }
  }
  const EpisodeSet imported = ToEpisodeSet(episodes_imported);
  return store_.Transition(
      id,
      [&](const MediaRequest& current) -> absl::StatusOr<TransitionPlan> {
        std::string to = status.empty() ? current.status : status;
        std::optional<EpisodeTally> episodes;
        if (requested) {
          episodes = Tally(*requested, ToEpisodeSet(current.available_episodes), imported);
          // "available" from the import means "this download is in": the
          // series is available only when every requested episode is.
          const std::string series = SeriesStatus(*episodes);
          if ((to == kAvailable || to == kPartiallyAvailable) && !series.empty()) to = series;
        }
        if (to != current.status) {
          if (absl::Status s = CheckTransition(current.status, to); !s.ok()) return s;
        } else if (!progress && !episodes) {
          return absl::FailedPreconditionError(
              absl::StrCat("request ", id, " is already ", current.status));
        }
        TransitionPlan plan{to, reason, progress};
        plan.episodes = std::move(episodes);
        return plan;
      },
      ActorOf(caller), clock_());
}

}  // namespace kiosk::media
