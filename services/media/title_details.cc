#include "services/media/title_details.h"

#include <future>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "common/log/log.h"

namespace kiosk::media {
namespace {

absl::Status RequirePerson(const auth::Caller& caller) {
  if (caller.is_service()) {
    return absl::PermissionDeniedError("title details are for users and admins, not services");
  }
  return absl::OkStatus();
}

const char* TmdbLanguage(const std::string& language) {
  return language == "en" ? "en-US" : "fr-FR";
}

}  // namespace

absl::StatusOr<std::string> TitleDetailsReader::Language(const auth::Caller& caller,
                                                         const std::string& asked,
                                                         const std::string& request_id) {
  if (asked == "fr" || asked == "en") return asked;
  if (!asked.empty()) return absl::InvalidArgumentError("language must be \"fr\", \"en\" or empty");
  if (caller.user_id > 0) {
    absl::StatusOr<UserInfo> user = users_.Get(caller.user_id, request_id);
    if (user.ok() && (user->preferred_language == "fr" || user->preferred_language == "en")) {
      return user->preferred_language;
    }
  }
  absl::StatusOr<server::SettingValues> settings = settings_.Get({"tmdb.default_language"});
  std::string fallback = settings.ok() ? settings->String("tmdb.default_language", "fr") : "fr";
  return fallback == "en" ? std::string("en") : std::string("fr");
}

std::optional<PlexPresence> TitleDetailsReader::InPlex(const TitleKey& key,
                                                       const std::string& request_id) {
  absl::StatusOr<std::vector<PlexPresence>> found = plex_.Lookup({key}, request_id);
  if (!found.ok() || found->empty()) {
    log::Warn("title_details_without_library").With("request_id", request_id)
        .With("error", found.ok() ? "no answer" : found.status().message());
    return std::nullopt;
  }
  return std::move(found->front());
}

absl::StatusOr<TitleInfo> TitleDetailsReader::Title(const auth::Caller& caller,
                                                    const std::string& media_type, int tmdb_id,
                                                    const std::string& language,
                                                    const std::string& request_id) {
  if (absl::Status s = RequirePerson(caller); !s.ok()) return s;
  if (media_type != "movie" && media_type != "tv") {
    return absl::InvalidArgumentError("media type must be \"movie\" or \"tv\"");
  }
  if (tmdb_id <= 0) return absl::InvalidArgumentError("tmdb_id must be a TMDB id (> 0)");
  absl::StatusOr<std::string> lang = Language(caller, language, request_id);
  if (!lang.ok()) return lang.status();

  // Both languages at once (each cached by the client).
  std::future<absl::StatusOr<TmdbDetails>> fr_call = std::async(
      std::launch::async, [&] { return tmdb_.Details(media_type, tmdb_id, "fr-FR"); });
  absl::StatusOr<TmdbDetails> en = tmdb_.Details(media_type, tmdb_id, "en-US");
  absl::StatusOr<TmdbDetails> fr = fr_call.get();
  if (!fr.ok()) return fr.status();
  if (!en.ok()) return en.status();
  const TmdbDetails& asked = *lang == "en" ? *en : *fr;
  const TmdbDetails& other = *lang == "en" ? *fr : *en;

  TitleInfo info{.media_type = media_type,
                 .tmdb_id = tmdb_id,
                 .title_fr = fr->title.title,
                 .title_en = en->title.title,
                 .original_title = asked.title.original_title,
                 .year = asked.title.year,
                 .overview = asked.title.overview.empty() ? other.title.overview
                                                          : asked.title.overview,
                 .poster_path = asked.title.poster_path.empty() ? other.title.poster_path
                                                                : asked.title.poster_path,
                 .seasons = asked.seasons};
  std::optional<PlexPresence> plex =
      InPlex({media_type, tmdb_id, asked.imdb_id, asked.tvdb_id}, request_id);
  info.library_checked = plex.has_value();
  info.in_plex = plex && plex->present;
  return info;
}

absl::StatusOr<SeasonInfo> TitleDetailsReader::Season(const auth::Caller& caller, int tmdb_id,
                                                      int season_number,
                                                      const std::string& language,
                                                      const std::string& request_id) {
  if (absl::Status s = RequirePerson(caller); !s.ok()) return s;
  if (tmdb_id <= 0) return absl::InvalidArgumentError("tmdb_id must be a TMDB id (> 0)");
  if (season_number < 0) {
    return absl::InvalidArgumentError("season_number must be 0 (specials) or more");
  }
  absl::StatusOr<std::string> lang = Language(caller, language, request_id);
  if (!lang.ok()) return lang.status();
  // The series first: its ids find it in Plex, and an unknown series is
  // NOT_FOUND before any season is asked.
  absl::StatusOr<TmdbDetails> series = tmdb_.Details("tv", tmdb_id, TmdbLanguage(*lang));
  if (!series.ok()) return series.status();
  absl::StatusOr<TmdbSeasonDetails> season =
      tmdb_.Season(tmdb_id, season_number, TmdbLanguage(*lang));
  if (!season.ok()) return season.status();

  SeasonInfo info{.tmdb_id = tmdb_id, .season_number = season_number, .name = season->name};
  std::set<int> held;
  std::optional<PlexPresence> plex =
      InPlex({"tv", tmdb_id, series->imdb_id, series->tvdb_id}, request_id);
  info.library_checked = plex.has_value();
  if (plex && plex->present) {
    for (const SeasonSelection& s : plex->seasons) {
      if (s.season_number == season_number) held.insert(s.episode_numbers.begin(), s.episode_numbers.end());
    }
  }

  absl::StatusOr<std::vector<std::vector<SeasonSelection>>> selections =
      requested_.ActiveSelections(tmdb_id);
  if (!selections.ok()) return selections.status();
  bool whole_season = false;
  std::set<int> requested;
  for (const std::vector<SeasonSelection>& selection : *selections) {
    // An empty selection is the whole series: every season but the specials.
    if (selection.empty() && season_number > 0) whole_season = true;
    for (const SeasonSelection& s : selection) {
      if (s.season_number != season_number) continue;
      if (s.episode_numbers.empty()) whole_season = true;
      requested.insert(s.episode_numbers.begin(), s.episode_numbers.end());
    }
  }
  for (const TmdbEpisode& e : season->episodes) {
    info.episodes.push_back({.episode_number = e.episode_number,
                             .name = e.name,
                             .air_date = e.air_date,
                             .in_plex = held.count(e.episode_number) > 0,
                             .requested = whole_season || requested.count(e.episode_number) > 0});
  }
  return info;
}

}  // namespace kiosk::media
