// TMDB API v3 client (search and details in fr-FR and en-US) over the real
// HTTP protocol. The API key (v3 key, sent as ?api_key=) or v4 read access
// token (a JWT, sent as Authorization: Bearer) and the base URL come from the
// system settings tmdb.api_key and tmdb.url, read on every call (the settings
// source caches them).
//
//   TmdbClient tmdb(http, settings);
//   ASSIGN_OR_RETURN(TmdbPage page, tmdb.Search("amélie", "", "fr-FR", 1, 0));
//   ASSIGN_OR_RETURN(TmdbDetails film, tmdb.Details("movie", 194, "en-US"));
//
// Politeness: a client-side limiter (token bucket, `requests_per_second`);
// 429 Too Many Requests -> waits Retry-After (at most `max_retry_wait`) and
// tries again, up to `max_attempts`. Details and seasons are cached for
// `cache_ttl` in this process, search answers for `search_cache_ttl`.
//
// Errors: key missing or rejected (401, TMDB status_code 7) ->
// FAILED_PRECONDITION saying what the admin must set; unknown id (404) ->
// NOT_FOUND; TMDB unreachable, 5xx or still rate-limited -> UNAVAILABLE;
// an answer that is not TMDB's JSON -> INTERNAL. Keys never reach the logs.
#ifndef KIOSK_SERVICES_MEDIA_TMDB_CLIENT_H_
#define KIOSK_SERVICES_MEDIA_TMDB_CLIENT_H_

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/http/http_client.h"
#include "common/server/remote_settings.h"

namespace kiosk::media {

inline constexpr char kDefaultTmdbUrl[] = "https://api.themoviedb.org/3";

// One search result or the head of a details answer, in the asked language.
struct TmdbTitle {
  std::string media_type;  // "movie" or "tv"
  int id = 0;
  std::string title;           // movie `title`, tv `name`
  std::string original_title;  // movie `original_title`, tv `original_name`
  std::string original_language;
  int year = 0;  // from release_date / first_air_date; 0 = unknown
  std::string poster_path;
  std::string overview;
  double popularity = 0;
};

struct TmdbPage {
  int page = 1;
  int total_pages = 0;
  int total_results = 0;
  std::vector<TmdbTitle> results;  // people of search/multi left out
};

struct TmdbSeason {
  int season_number = 0;
  int episode_count = 0;
  std::string name;         // in the asked language
  std::string air_date;     // "YYYY-MM-DD"; "" = unknown
  std::string poster_path;  // "" = none
};

// One episode of /tv/{id}/season/{n}.
struct TmdbEpisode {
  int episode_number = 0;
  std::string name;      // in the asked language
  std::string air_date;  // "YYYY-MM-DD"; "" = unknown
};

// /tv/{id}/season/{n} in one language.
struct TmdbSeasonDetails {
  int season_number = 0;
  std::string name;
  std::string air_date;
  std::vector<TmdbEpisode> episodes;  // in TMDB's order
};

struct TmdbDetails {
  TmdbTitle title;
  std::string imdb_id;  // external_ids.imdb_id (movies also carry it at the top)
  int tvdb_id = 0;      // external_ids.tvdb_id
  std::vector<TmdbSeason> seasons;  // tv only
};

struct TmdbOptions {
  double requests_per_second = 40;
  int burst = 20;
  int max_attempts = 3;
  absl::Duration max_retry_wait = absl::Seconds(10);
  absl::Duration timeout = absl::Seconds(8);
  absl::Duration cache_ttl = absl::Hours(6);
  // Search answers (same words, type, page, language and year).
  absl::Duration search_cache_ttl = absl::Minutes(10);
  // Injected for tests: the clock of the cache and limiter, and how to wait.
  std::function<absl::Time()> clock = [] { return absl::Now(); };
  std::function<void(absl::Duration)> sleep = [](absl::Duration d) { absl::SleepFor(d); };
};

// What the search and request logic needs from TMDB (the real client below;
// tests run it against the TMDB double).
class TmdbApi {
 public:
  virtual ~TmdbApi() = default;
  // `type` "" = search/multi, else "movie" / "tv"; `year` 0 = any.
  virtual absl::StatusOr<TmdbPage> Search(const std::string& query, const std::string& type,
                                          const std::string& language, int page, int year) = 0;
  virtual absl::StatusOr<TmdbDetails> Details(const std::string& type, int id,
                                              const std::string& language) = 0;
  // Episodes of one season (from /tv/{id}/season/{n}).
  virtual absl::StatusOr<int> SeasonEpisodeCount(int tv_id, int season_number) = 0;
  // One season with its episodes in `language` (/tv/{id}/season/{n}).
  virtual absl::StatusOr<TmdbSeasonDetails> Season(int tv_id, int season_number,
                                                   const std::string& language) = 0;
};

class TmdbClient final : public TmdbApi {
 public:
  TmdbClient(http::HttpClient& http, server::SettingsSource& settings, TmdbOptions options = {});

  absl::StatusOr<TmdbPage> Search(const std::string& query, const std::string& type,
                                  const std::string& language, int page, int year) override;
  absl::StatusOr<TmdbDetails> Details(const std::string& type, int id,
                                      const std::string& language) override;
  absl::StatusOr<int> SeasonEpisodeCount(int tv_id, int season_number) override;
  absl::StatusOr<TmdbSeasonDetails> Season(int tv_id, int season_number,
                                           const std::string& language) override;

  // Titles of `id` in every language TMDB has (/{type}/{id}/translations):
  // ISO 639-1 code -> title ("" when a translation keeps the original).
  absl::StatusOr<std::map<std::string, std::string>> Translations(const std::string& type, int id);

 private:
  // GET base + path with params; the parsed JSON body of a 200.
  absl::StatusOr<std::string> Get(const std::string& path, http::Params params);
  void WaitForToken();
  std::optional<std::string> Cached(const std::string& key);
  void Remember(const std::string& key, const std::string& body, absl::Duration ttl);

  http::HttpClient& http_;
  server::SettingsSource& settings_;
  const TmdbOptions options_;
  std::mutex mu_;
  double tokens_ ABSL_GUARDED_BY(mu_);
  absl::Time refilled_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::pair<absl::Time, std::string>> cache_ ABSL_GUARDED_BY(mu_);
};

}  // namespace kiosk::media

#endif  // KIOSK_SERVICES_MEDIA_TMDB_CLIENT_H_
