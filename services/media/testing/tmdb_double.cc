#include "services/media/testing/tmdb_double.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "nlohmann/json.hpp"

namespace kiosk::media::testing {
namespace {

using kiosk::testing::TestHttpRequest;
using kiosk::testing::TestHttpResponse;
using nlohmann::json;

constexpr int kPageSize = 20;

TestHttpResponse Error(int http_status, int code, const std::string& message) {
  return TestHttpResponse::Json(
      json{{"success", false}, {"status_code", code}, {"status_message", message}}.dump(),
      http_status);
}

bool French(const std::string& language) { return absl::StartsWith(language, "fr"); }

const std::string& Localized(const CatalogueEntry& e, const std::string& language) {
  return French(language) ? e.title_fr : e.title_en;
}

json TitleJson(const CatalogueEntry& e, const std::string& language, bool with_media_type) {
  bool tv = e.media_type == "tv";
  json j = {{"id", e.id},
            {"adult", false},
            {"backdrop_path", nullptr},
            {"original_language", e.original_language},
            {"overview", French(language) ? e.overview_fr : e.overview_en},
            {"popularity", e.popularity},
            {"poster_path", e.poster_path.empty() ? json(nullptr) : json(e.poster_path)},
            {"vote_average", 7.5},
            {"vote_count", 1000},
            {"genre_ids", json::array()}};
  j[tv ? "name" : "title"] = Localized(e, language);
  j[tv ? "original_name" : "original_title"] = e.original_title;
  j[tv ? "first_air_date" : "release_date"] = e.date;
  if (tv) {
    j["origin_country"] = json::array({e.original_language == "fr" ? "FR" : "US"});
  } else {
    j["video"] = false;
  }
  if (with_media_type) j["media_type"] = e.media_type;
  return j;
}


// Season and episode answers (/tv/{id} "seasons" entries and
// /tv/{id}/season/{n}) in TMDB's shapes and names: "Saison 2" / "Season 2",
// "Épisodes spéciaux" / "Specials", "Épisode 3" / "Episode 3". Season n airs
// n - 1 years after the series' first air date, one episode a week.
std::string SeasonName(int season_number, const std::string& language) {
  if (season_number == 0) return French(language) ? "Épisodes spéciaux" : "Specials";
  return absl::StrCat(French(language) ? "Saison " : "Season ", season_number);
}

std::string AirDate(const CatalogueEntry& e, int season_number, int episode_number) {
  absl::CivilDay first;
  if (!absl::ParseCivilTime(e.date, &first)) return "";
  absl::CivilDay day(first.year() + std::max(season_number - 1, 0), first.month(), first.day());
  return absl::FormatCivilTime(day + 7 * (std::max(episode_number, 1) - 1));
}

json SeasonSummaryJson(const CatalogueEntry& e, const CatalogueSeason& s,
                       const std::string& language) {
  return {{"air_date", AirDate(e, s.season_number, 1)},
          {"episode_count", s.episode_count},
          {"id", e.id * 100 + s.season_number},
          {"name", SeasonName(s.season_number, language)},
          {"overview", ""},
          {"poster_path", absl::StrCat("/s", e.id, "-", s.season_number, ".jpg")},
          {"season_number", s.season_number},
          {"vote_average", 7.8}};
}

json SeasonJson(const CatalogueEntry& e, const CatalogueSeason& s, const std::string& language) {
  json episodes = json::array();
  for (int n = 1; n <= s.episode_count; ++n) {
    episodes.push_back({{"air_date", AirDate(e, s.season_number, n)},
                        {"episode_number", n},
                        {"episode_type", n == s.episode_count ? "finale" : "standard"},
                        {"id", e.id * 10000 + s.season_number * 100 + n},
                        {"name", absl::StrCat(French(language) ? "Épisode " : "Episode ", n)},
                        {"overview", ""},
                        {"production_code", ""},
                        {"runtime", 50},
                        {"season_number", s.season_number},
                        {"show_id", e.id},
                        {"still_path", nullptr},
                        {"vote_average", 7.5},
                        {"vote_count", 100},
                        {"crew", json::array()},
                        {"guest_stars", json::array()}});
  }
  return {{"_id", absl::StrCat(e.id, "-", s.season_number)},
          {"air_date", AirDate(e, s.season_number, 1)},
          {"episodes", episodes},
          {"name", SeasonName(s.season_number, language)},
          {"overview", ""},
          {"id", e.id * 100 + s.season_number},
          {"poster_path", absl::StrCat("/s", e.id, "-", s.season_number, ".jpg")},
          {"season_number", s.season_number},
          {"vote_average", 7.8}};
}

}  // namespace

std::string FoldForSearch(const std::string& text) {
  // Two-byte UTF-8 sequences of the Latin-1 letters French uses.
  static const std::pair<const char*, char> kFolds[] = {
      {"à", 'a'}, {"â", 'a'}, {"ä", 'a'}, {"á", 'a'}, {"À", 'a'}, {"Â", 'a'}, {"ç", 'c'},
      {"Ç", 'c'}, {"é", 'e'}, {"è", 'e'}, {"ê", 'e'}, {"ë", 'e'}, {"É", 'e'}, {"È", 'e'},
      {"Ê", 'e'}, {"î", 'i'}, {"ï", 'i'}, {"Î", 'i'}, {"ô", 'o'}, {"ö", 'o'}, {"Ô", 'o'},
      {"ù", 'u'}, {"û", 'u'}, {"ü", 'u'}, {"Û", 'u'}, {"ÿ", 'y'}, {"’", '\''}};
  std::string out;
  for (size_t i = 0; i < text.size();) {
    bool folded = false;
    for (const auto& [from, to] : kFolds) {
      size_t n = std::char_traits<char>::length(from);
      if (text.compare(i, n, from) == 0) {
        out.push_back(to);
        i += n;
        folded = true;
        break;
      }
    }
    if (!folded) out.push_back(absl::ascii_tolower(static_cast<unsigned char>(text[i++])));
  }
  return out;
}

std::vector<CatalogueEntry> BuiltInCatalogue() {
  std::vector<CatalogueEntry> c = {
      {"movie", 194, "Le Fabuleux Destin d'Amélie Poulain", "Amélie",
       "Le Fabuleux Destin d'Amélie Poulain", "fr", "2001-04-25", "/nSxDa3M9aMvGVLoItzWTepQ5h5d.jpg",
       "Amélie, une jeune serveuse dans un bar de Montmartre, passe son temps à observer les gens.",
       "At a tiny Parisian café, the adorable yet painfully shy Amélie accomplishes kind acts.",
       "tt0211915", 0, 40.1, {}},
      {"movie", 77338, "Intouchables", "The Intouchables", "Intouchables", "fr", "2011-11-02",
       "/1QU7HKgsQbGpzsJbJK4pAVQV9F5.jpg", "À la suite d'un accident de parapente, Philippe...",
       "A true story of two men who should never have met.", "tt1675434", 0, 55.3, {}},
      {"movie", 603, "Matrix", "The Matrix", "The Matrix", "en", "1999-03-31",
       "/f89U3ADr1oiB1s9GkdPOEpXUk5H.jpg", "Programmeur anonyme dans un service administratif...",
       "Set in the 22nd century, The Matrix tells the story of a computer hacker.", "tt0133093", 0,
       80.2, {}},
      {"movie", 27205, "Inception", "Inception", "Inception", "en", "2010-07-15",
       "/oYuLEt3zVCKq57qu2F8dT7NIa6f.jpg", "Dom Cobb est un voleur expérimenté...",
       "Cobb, a skilled thief who commits corporate espionage.", "tt1375666", 0, 90.7, {}},
      {"movie", 8392, "Mon voisin Totoro", "My Neighbor Totoro", "となりのトトロ", "ja", "1988-04-16",
       "/rtGDOeG9LzoerkDGZF9dnVeLppL.jpg", "Deux petites filles viennent s'installer...",
       "Two sisters move to the country with their father.", "tt0096283", 0, 60.0, {}},
      {"tv", 1396, "Breaking Bad", "Breaking Bad", "Breaking Bad", "en", "2008-01-20",
       "/ggFHVNu6YYI5L9pCfOacjizRGt.jpg", "Walter White, professeur de chimie...",
       "Walter White, a New Mexico chemistry teacher, is diagnosed with cancer.", "tt0903747",
       81189, 300.0, {{0, 9}, {1, 7}, {2, 13}, {3, 13}, {4, 13}, {5, 16}}},
      {"tv", 96677, "Lupin", "Lupin", "Lupin", "fr", "2021-01-08", "/sOJuNeKbOhMk3HgwgmpcUKK6DfV.jpg",
       "Il y a 25 ans, la vie du jeune Assane Diop est bouleversée...",
       "Inspired by the adventures of Arsène Lupin, gentleman thief Assane Diop...", "tt2531336",
       375952, 120.0, {{1, 5}, {2, 5}, {3, 7}}},
      {"tv", 62364, "Le Bureau des légendes", "The Bureau", "Le Bureau des légendes", "fr",
       "2015-04-27", "/4PiDmBnqKsMkRcK6Le9hZC7Xc0z.jpg",
       "Au sein de la DGSE, le département appelé Bureau des légendes...",
       "The story of the French Directorate-General for External Security.", "tt4063800", 295515,
       35.0, {{1, 10}, {2, 10}, {3, 10}, {4, 10}, {5, 10}}},
      // A hostile title, for the page's escaping test (it must render as text).
      {"movie", 666001, "Piège <img src=x onerror=window.__xss=1>",
       "Trap <img src=x onerror=window.__xss=1>", "Trap <img src=x onerror=window.__xss=1>", "en",
       "2020-01-01", "", "", "", "tt9990001", 0, 0.5, {}},
  };
  // Enough look-alike titles to page through (search "Amélie" or "film").
  for (int i = 1; i <= 45; ++i) {
    c.push_back({"movie", 900000 + i, absl::StrCat("Film de test ", i), absl::StrCat("Test film ", i),
                 absl::StrCat("Film de test ", i), "fr", absl::StrCat(1990 + i % 30, "-06-01"), "",
                 "", "", "", 0, 1.0 / i, {}});
  }
  return c;
}

TmdbDouble::TmdbDouble(std::string api_key, std::vector<CatalogueEntry> catalogue, int threads)
    : api_key_(std::move(api_key)), catalogue_(std::move(catalogue)), server_(threads) {
  for (const CatalogueEntry& e : catalogue_) {
    folded_.push_back(absl::StrCat(FoldForSearch(e.title_fr), "\n", FoldForSearch(e.title_en),
                                   "\n", FoldForSearch(e.original_title)));
  }
  server_.HandlePrefix("GET", "/3/", [this](const TestHttpRequest& r) { return Answer(r); });
}

absl::Status TmdbDouble::Start(int port) { return server_.Start(port); }

void TmdbDouble::RateLimitNext(int count, int retry_after_seconds) {
  retry_after_ = retry_after_seconds;
  rate_limited_ = count;
}

TestHttpResponse TmdbDouble::Answer(const TestHttpRequest& request) {
  std::string key = request.QueryParam("api_key");
  std::string bearer = request.Header("authorization");
  if (key != api_key_ && bearer != "Bearer " + api_key_) {
    return Error(401, 7, "Invalid API key: You must be granted a valid key.");
  }
  if (rate_limited_.fetch_sub(1) > 0) {
    TestHttpResponse limited =
        Error(429, 25, "Your request count (41) is over the allowed limit of (40).");
    limited.headers.push_back({"Retry-After", std::to_string(retry_after_.load())});
    return limited;
  } else {
    rate_limited_ = 0;
  }
  std::string language = request.QueryParam("language");
  if (language.empty()) language = "en-US";
  std::vector<std::string> parts =
      absl::StrSplit(absl::StripPrefix(request.path, "/3/"), '/', absl::SkipEmpty());

  if (parts.size() == 2 && parts[0] == "search") {
    const std::string& type = parts[1];
    if (type != "multi" && type != "movie" && type != "tv") {
      return Error(404, 34, "The resource you requested could not be found.");
    }
    std::string query = FoldForSearch(request.QueryParam("query"));
    if (query.empty()) {
      return TestHttpResponse::Json(
          json{{"page", 1}, {"results", json::array()}, {"total_pages", 1}, {"total_results", 0}}
              .dump());
    }
    int year = 0;
    (void)absl::SimpleAtoi(request.QueryParam("year"), &year);
    std::vector<const CatalogueEntry*> hits;
    for (size_t i = 0; i < catalogue_.size(); ++i) {
      const CatalogueEntry& e = catalogue_[i];
      if (type != "multi" && e.media_type != type) continue;
      if (year > 0 && !absl::StartsWith(e.date, std::to_string(year))) continue;
      if (folded_[i].find(query) != std::string::npos) hits.push_back(&e);
    }
    std::stable_sort(hits.begin(), hits.end(), [](const auto* a, const auto* b) {
      return a->popularity > b->popularity;
    });
    int page = 1;
    if (!absl::SimpleAtoi(request.QueryParam("page"), &page) || page < 1) page = 1;
    int total = static_cast<int>(hits.size());
    int pages = (total + kPageSize - 1) / kPageSize;
    json results = json::array();
    for (int i = (page - 1) * kPageSize; i < std::min(total, page * kPageSize); ++i) {
      results.push_back(TitleJson(*hits[i], language, type == "multi"));
    }
    return TestHttpResponse::Json(json{{"page", page},
                                       {"results", results},
                                       {"total_pages", std::max(pages, 1)},
                                       {"total_results", total}}
                                      .dump());
  }

  if (parts.size() >= 2 && (parts[0] == "movie" || parts[0] == "tv")) {
    int id = 0;
    const CatalogueEntry* entry = nullptr;
    if (absl::SimpleAtoi(parts[1], &id)) {
      for (const CatalogueEntry& e : catalogue_) {
        if (e.media_type == parts[0] && e.id == id) entry = &e;
      }
    }
    if (entry == nullptr) return Error(404, 34, "The resource you requested could not be found.");
    bool tv = entry->media_type == "tv";
    if (parts.size() == 2) {
      json j = TitleJson(*entry, language, false);
      json external = {{"imdb_id", entry->imdb_id.empty() ? json(nullptr) : json(entry->imdb_id)},
                       {"facebook_id", nullptr}};
      if (tv) {
        external["tvdb_id"] = entry->tvdb_id == 0 ? json(nullptr) : json(entry->tvdb_id);
        json seasons = json::array();
        int episodes = 0;
        for (const CatalogueSeason& s : entry->seasons) {
          seasons.push_back(SeasonSummaryJson(*entry, s, language));
          if (s.season_number > 0) episodes += s.episode_count;
        }
        j["seasons"] = seasons;
        j["number_of_seasons"] = entry->seasons.empty() ? 0 : entry->seasons.back().season_number;
        j["number_of_episodes"] = episodes;
      } else {
        j["imdb_id"] = external["imdb_id"];
        j["runtime"] = 120;
        j["status"] = "Released";
      }
      if (absl::StrContains(request.QueryParam("append_to_response"), "external_ids")) {
        j["external_ids"] = external;
      }
      return TestHttpResponse::Json(j.dump());
    }
    if (parts.size() == 3 && parts[2] == "translations") {
      const char* key = tv ? "name" : "title";
      json translations = json::array(
          {{{"iso_3166_1", "FR"}, {"iso_639_1", "fr"}, {"name", "Français"},
            {"english_name", "French"}, {"data", {{key, entry->title_fr}, {"overview", entry->overview_fr}}}},
           {{"iso_3166_1", "US"}, {"iso_639_1", "en"}, {"name", "English"},
            {"english_name", "English"}, {"data", {{key, entry->title_en}, {"overview", entry->overview_en}}}}});
      return TestHttpResponse::Json(json{{"id", entry->id}, {"translations", translations}}.dump());
    }
    int season = 0;
    if (tv && parts.size() == 4 && parts[2] == "season" && absl::SimpleAtoi(parts[3], &season)) {
      for (const CatalogueSeason& s : entry->seasons) {
        if (s.season_number == season) {
          return TestHttpResponse::Json(SeasonJson(*entry, s, language).dump());
        }
      }
    }
  }
  return Error(404, 34, "The resource you requested could not be found.");
}

}  // namespace kiosk::media::testing
