#include "services/media/tmdb_client.h"

#include <algorithm>
#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/log/log.h"
#include "common/retry_after.h"
#include "nlohmann/json.hpp"

namespace kiosk::media {
namespace {

using nlohmann::json;

std::string Str(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

int Int(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_number_integer() ? it->get<int>() : 0;
}

// "2001-04-25" -> 2001; "" -> 0.
int YearOf(const std::string& date) {
  int year = 0;
  if (date.size() >= 4 && absl::SimpleAtoi(date.substr(0, 4), &year)) return year;
  return 0;
}

// A movie or tv object of a search or details answer; media_type given when
// the answer does not say (search/movie, search/tv, details).
TmdbTitle ParseTitle(const json& item, const std::string& media_type) {
  TmdbTitle title;
  title.media_type = media_type.empty() ? Str(item, "media_type") : media_type;
  title.id = Int(item, "id");
  bool tv = title.media_type == "tv";
  title.title = Str(item, tv ? "name" : "title");
  title.original_title = Str(item, tv ? "original_name" : "original_title");
  title.original_language = Str(item, "original_language");
  title.year = YearOf(Str(item, tv ? "first_air_date" : "release_date"));
  title.poster_path = Str(item, "poster_path");
  title.overview = Str(item, "overview");
  if (auto it = item.find("popularity"); it != item.end() && it->is_number()) {
    title.popularity = it->get<double>();
  }
  return title;
}

// A v4 read access token is a JWT (three dot-separated parts); a v3 key is
// 32 hex digits.
bool IsBearerToken(const std::string& key) {
  return std::count(key.begin(), key.end(), '.') == 2;
}

// TMDB's error body: {"status_code": 7, "status_message": "..."}.
std::string TmdbMessage(const std::string& body) {
  json parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_object()) return "";
  return absl::StrCat(" (TMDB status_code ", Int(parsed, "status_code"), ": ",
                      Str(parsed, "status_message"), ")");
}

absl::Status CheckType(const std::string& type) {
  if (type == "movie" || type == "tv") return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("media type must be \"movie\" or \"tv\", not \"", type, "\""));
}

}  // namespace

TmdbClient::TmdbClient(http::HttpClient& http, server::SettingsSource& settings,
                       TmdbOptions options)
    : http_(http),
      settings_(settings),
      options_(std::move(options)),
      tokens_(options_.burst),
      refilled_(options_.clock()) {}

void TmdbClient::WaitForToken() {
  while (true) {
    absl::Duration wait;
    {
      std::lock_guard<std::mutex> lock(mu_);
      absl::Time now = options_.clock();
      tokens_ = std::min<double>(options_.burst, tokens_ + absl::ToDoubleSeconds(now - refilled_) *
                                                               options_.requests_per_second);
      refilled_ = now;
      if (tokens_ >= 1) {
        tokens_ -= 1;
        return;
      }
      wait = absl::Seconds((1 - tokens_) / options_.requests_per_second);
    }
    options_.sleep(wait);
  }
}

std::optional<std::string> TmdbClient::Cached(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = cache_.find(key);
  if (it == cache_.end() || it->second.first <= options_.clock()) return std::nullopt;
  return it->second.second;
}

void TmdbClient::Remember(const std::string& key, const std::string& body, absl::Duration ttl) {
  std::lock_guard<std::mutex> lock(mu_);
  if (cache_.size() > 5000) cache_.clear();  // a crude bound; entries are cheap to refetch
  cache_[key] = {options_.clock() + ttl, body};
}

absl::StatusOr<std::string> TmdbClient::Get(const std::string& path, http::Params params) {
  absl::StatusOr<server::SettingValues> settings = settings_.Get({"tmdb.api_key", "tmdb.url"});
  if (!settings.ok()) return settings.status();
  std::string key = settings->String("tmdb.api_key");
  if (key.empty()) {
    return absl::FailedPreconditionError(
        "TMDB is not configured: an admin must set tmdb.api_key (a TMDB v3 API key or v4 read "
        "access token) in the settings");
  }
  std::string base(absl::StripSuffix(settings->String("tmdb.url", kDefaultTmdbUrl), "/"));
  if (base.empty()) base = kDefaultTmdbUrl;
  http::HttpRequest request{.url = "", .headers = {{"Accept", "application/json"}},
                            .timeout = options_.timeout};
  if (IsBearerToken(key)) {
    request.headers.push_back({"Authorization", "Bearer " + key});
  } else {
    params.insert(params.begin(), {"api_key", key});
  }
  request.url = http::AppendQuery(base + path, params);

  for (int attempt = 1;; ++attempt) {
    WaitForToken();
    absl::StatusOr<http::HttpResponse> response = http_.Send(request);
    if (!response.ok()) {
      log::Warn("tmdb_unreachable").With("url", http::RedactUrl(request.url))
          .With("error", response.status().message());
      return absl::UnavailableError(absl::StrCat("TMDB cannot be reached at ",
                                                 http::RedactUrl(base),
                                                 "; check tmdb.url and the network"));
    }
    if (response->status == 200) return std::move(response->body);
    if (response->status == 429) {
      int64_t seconds = 1;
      if (!absl::SimpleAtoi(response->Header("retry-after"), &seconds) || seconds < 0) seconds = 1;
      absl::Duration wait = absl::Seconds(seconds);
      log::Warn("tmdb_rate_limited").With("path", path).With("retry_after_s", seconds)
          .With("attempt", attempt);
      if (attempt >= options_.max_attempts || wait > options_.max_retry_wait) {
        return WithRetryAfter(
            absl::UnavailableError("TMDB is rate-limiting plex-kiosk; try again shortly"), wait);
      }
      options_.sleep(wait);
      continue;
    }
    if (response->status == 401) {
      return absl::FailedPreconditionError(
          absl::StrCat("TMDB rejected the API key", TmdbMessage(response->body),
                       "; an admin must set a valid tmdb.api_key in the settings"));
    }
    if (response->status == 404) {
      return absl::NotFoundError(absl::StrCat("TMDB has nothing at ", path));
    }
    log::Warn("tmdb_error").With("path", path).With("http_status", response->status);
    return absl::UnavailableError(absl::StrCat("TMDB answered HTTP ", response->status,
                                               TmdbMessage(response->body), " for ", path));
  }
}

absl::StatusOr<TmdbPage> TmdbClient::Search(const std::string& query, const std::string& type,
                                            const std::string& language, int page, int year) {
  if (!type.empty()) {
    if (absl::Status s = CheckType(type); !s.ok()) return s;
  }
  http::Params params = {{"query", query},
                         {"page", std::to_string(std::max(page, 1))},
                         {"include_adult", "false"},
                         {"language", language}};
  if (year > 0) params.push_back({"year", std::to_string(year)});
  // Many people search the same few titles: a short-lived cache keeps them
  // off TMDB's rate limit (which would otherwise queue them behind each other).
  const std::string cache_key =
      absl::StrCat("search\n", type, "\n", absl::AsciiStrToLower(absl::StripAsciiWhitespace(query)),
                   "\n", std::max(page, 1), "\n", language, "\n", year);
  std::optional<std::string> body = Cached(cache_key);
  const bool fetched_now = !body.has_value();
  if (!body.has_value()) {
    absl::StatusOr<std::string> fetched =
        Get(absl::StrCat("/search/", type.empty() ? "multi" : type), std::move(params));
    if (!fetched.ok()) return fetched.status();
    body = *std::move(fetched);
  }
  json parsed = json::parse(*body, nullptr, false);
  if (!parsed.is_object() || !parsed.contains("results") || !parsed["results"].is_array()) {
    // TMDB failing, not us: UNAVAILABLE (503), and never cached.
    return absl::UnavailableError("TMDB answered a search with something that is not a result page");
  }
  if (fetched_now) Remember(cache_key, *body, options_.search_cache_ttl);  // only answers that parse
  TmdbPage out;
  out.page = Int(parsed, "page");
  out.total_pages = Int(parsed, "total_pages");
  out.total_results = Int(parsed, "total_results");
  for (const json& item : parsed["results"]) {
    if (!item.is_object()) continue;
    TmdbTitle title = ParseTitle(item, type);
    if ((title.media_type == "movie" || title.media_type == "tv") && title.id > 0) {
      out.results.push_back(std::move(title));
    }
  }
  return out;
}

absl::StatusOr<TmdbDetails> TmdbClient::Details(const std::string& type, int id,
                                                const std::string& language) {
  if (absl::Status s = CheckType(type); !s.ok()) return s;
  std::string path = absl::StrCat("/", type, "/", id);
  std::string cache_key = absl::StrCat(path, "?", language);
  std::optional<std::string> body = Cached(cache_key);
  const bool fetched_now = !body;
  if (!body) {
    absl::StatusOr<std::string> fetched =
        Get(path, {{"language", language}, {"append_to_response", "external_ids"}});
    if (!fetched.ok()) {
      if (absl::IsNotFound(fetched.status())) {
        return absl::NotFoundError(absl::StrCat("TMDB has no ", type == "tv" ? "series" : "film",
                                                " with id ", id));
      }
      return fetched.status();
    }
    body = std::move(*fetched);
  }
  json parsed = json::parse(*body, nullptr, false);
  if (!parsed.is_object() || Int(parsed, "id") != id) {
    // TMDB failing, not us: UNAVAILABLE (503), and never cached.
    return absl::UnavailableError(absl::StrCat("TMDB answered ", path, " with an unexpected body"));
  }
  if (fetched_now) Remember(cache_key, *body, options_.cache_ttl);  // only answers that parse
  TmdbDetails details;
  details.title = ParseTitle(parsed, type);
  details.imdb_id = Str(parsed, "imdb_id");
  if (auto ids = parsed.find("external_ids"); ids != parsed.end() && ids->is_object()) {
    if (details.imdb_id.empty()) details.imdb_id = Str(*ids, "imdb_id");
    details.tvdb_id = Int(*ids, "tvdb_id");
  }
  if (auto seasons = parsed.find("seasons"); seasons != parsed.end() && seasons->is_array()) {
    for (const json& season : *seasons) {
      if (!season.is_object()) continue;
      details.seasons.push_back({.season_number = Int(season, "season_number"),
                                 .episode_count = Int(season, "episode_count"),
                                 .name = Str(season, "name"),
                                 .air_date = Str(season, "air_date"),
                                 .poster_path = Str(season, "poster_path")});
    }
  }
  return details;
}

absl::StatusOr<int> TmdbClient::SeasonEpisodeCount(int tv_id, int season_number) {
  absl::StatusOr<TmdbSeasonDetails> season = Season(tv_id, season_number, "en-US");
  if (!season.ok()) return season.status();
  return static_cast<int>(season->episodes.size());
}

absl::StatusOr<TmdbSeasonDetails> TmdbClient::Season(int tv_id, int season_number,
                                                     const std::string& language) {
  std::string path = absl::StrCat("/tv/", tv_id, "/season/", season_number);
  std::string cache_key = absl::StrCat(path, "?", language);
  std::optional<std::string> body = Cached(cache_key);
  const bool fetched_now = !body;
  if (!body) {
    absl::StatusOr<std::string> fetched = Get(path, {{"language", language}});
    if (!fetched.ok()) {
      if (absl::IsNotFound(fetched.status())) {
        return absl::NotFoundError(
            absl::StrCat("TMDB has no season ", season_number, " of series ", tv_id));
      }
      return fetched.status();
    }
    body = std::move(*fetched);
  }
  json parsed = json::parse(*body, nullptr, false);
  if (!parsed.is_object() || !parsed.contains("episodes") || !parsed["episodes"].is_array()) {
    return absl::UnavailableError(absl::StrCat("TMDB answered ", path, " without episodes"));
  }
  if (fetched_now) Remember(cache_key, *body, options_.cache_ttl);  // only answers that parse
  TmdbSeasonDetails season{.season_number = Int(parsed, "season_number"),
                           .name = Str(parsed, "name"),
                           .air_date = Str(parsed, "air_date")};
  for (const json& episode : parsed["episodes"]) {
    if (!episode.is_object() || Int(episode, "episode_number") <= 0) continue;
    season.episodes.push_back({.episode_number = Int(episode, "episode_number"),
                               .name = Str(episode, "name"),
                               .air_date = Str(episode, "air_date")});
  }
  return season;
}

absl::StatusOr<std::map<std::string, std::string>> TmdbClient::Translations(
    const std::string& type, int id) {
  if (absl::Status s = CheckType(type); !s.ok()) return s;
  absl::StatusOr<std::string> body = Get(absl::StrCat("/", type, "/", id, "/translations"), {});
  if (!body.ok()) return body.status();
  json parsed = json::parse(*body, nullptr, false);
  if (!parsed.is_object() || !parsed.contains("translations") ||
      !parsed["translations"].is_array()) {
    return absl::UnavailableError("TMDB answered translations with an unexpected body");
  }
  std::map<std::string, std::string> titles;
  for (const json& t : parsed["translations"]) {
    if (!t.is_object() || !t.contains("data") || !t["data"].is_object()) continue;
    std::string language = Str(t, "iso_639_1");
    if (language.empty() || titles.count(language)) continue;
    titles[language] = Str(t["data"], type == "tv" ? "name" : "title");
  }
  return titles;
}

}  // namespace kiosk::media
