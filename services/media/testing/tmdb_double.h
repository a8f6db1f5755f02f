// A TMDB API v3 double on HttpTestServer: the paths, parameters and JSON
// shapes of the real service, over a small built-in catalogue (films and
// series with French and English titles, "Amélie" / "Le Fabuleux Destin
// d'Amélie Poulain" = tmdb 194 among them). Used by the tests of the real
// TmdbClient, by media_bench and by the kiosk-tmdb-double demo binary.
//
//   TmdbDouble tmdb("test-key");
//   ASSERT_THAT(tmdb.Start(), IsOk());
//   settings.Set("tmdb.url", tmdb.base_url());      // "http://127.0.0.1:<port>/3"
//   settings.Set("tmdb.api_key", "test-key");
//
// Served (under /3): search/multi, search/movie, search/tv (query, page,
// language, include_adult, year; 20 results a page; a title matches when the
// query, accents and case folded, is part of its French, English or original
// title, as TMDB matches translations), /movie/{id} and /tv/{id} (language,
// append_to_response=external_ids), /tv/{id}/season/{n},
// /{movie|tv}/{id}/translations. Auth: ?api_key= or Authorization: Bearer;
// a wrong key gets 401 {"status_code":7,...}. RateLimitNext(n) answers the
// next n calls 429 with Retry-After.
#ifndef KIOSK_SERVICES_MEDIA_TESTING_TMDB_DOUBLE_H_
#define KIOSK_SERVICES_MEDIA_TESTING_TMDB_DOUBLE_H_

#include <atomic>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/testing/http_test_server.h"

namespace kiosk::media::testing {

struct CatalogueSeason {
  int season_number = 0;
  int episode_count = 0;
};

struct CatalogueEntry {
  std::string media_type;  // "movie" or "tv"
  int id = 0;
  std::string title_fr;
  std::string title_en;
  std::string original_title;
  std::string original_language;
  std::string date;  // release_date / first_air_date
  std::string poster_path;
  std::string overview_fr;
  std::string overview_en;
  std::string imdb_id;
  int tvdb_id = 0;
  double popularity = 0;
  std::vector<CatalogueSeason> seasons;
};

// The built-in catalogue.
std::vector<CatalogueEntry> BuiltInCatalogue();

class TmdbDouble {
 public:
  explicit TmdbDouble(std::string api_key, std::vector<CatalogueEntry> catalogue = BuiltInCatalogue(),
                      int threads = 2);

  // Listens on 127.0.0.1:`port` (0 = a free port).
  absl::Status Start(int port = 0);
  void Stop() { server_.Stop(); }
  int port() const { return server_.port(); }
  // What tmdb.url must hold: "http://127.0.0.1:<port>/3".
  std::string base_url() const { return server_.Url("/3"); }

  // The next `count` calls get 429 with Retry-After: `retry_after_seconds`.
  void RateLimitNext(int count, int retry_after_seconds = 1);
  kiosk::testing::HttpTestServer& server() { return server_; }

 private:
  kiosk::testing::TestHttpResponse Answer(const kiosk::testing::TestHttpRequest& request);

  const std::string api_key_;
  const std::vector<CatalogueEntry> catalogue_;
  // FoldForSearch of each entry's French, English and original titles, joined
  // by '\n' (computed once: searching is then one find per entry).
  std::vector<std::string> folded_;
  std::atomic<int> rate_limited_{0};
  std::atomic<int> retry_after_{1};
  kiosk::testing::HttpTestServer server_;
};

// Lower-case ASCII with the Latin accents of French folded ("Amélie" ->
// "amelie"), for matching titles the way TMDB's search does.
std::string FoldForSearch(const std::string& text);

}  // namespace kiosk::media::testing

#endif  // KIOSK_SERVICES_MEDIA_TESTING_TMDB_DOUBLE_H_
