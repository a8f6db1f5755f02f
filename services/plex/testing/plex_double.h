// A wire-faithful Plex Media Server double for tests, benchmarks and demos:
// an in-process HTTP server (common/testing/http_test_server.h) that answers
// the JSON API plex-kiosk uses, with the shapes and quirks of real servers
// (see shared/EXTERNAL-APIS.md §3):
//   GET /identity                                 MediaContainer.machineIdentifier/version
//   GET /library/sections                         Directory[] (key as a string, Location[])
//   GET /library/sections/{id}/all                paged by X-Plex-Container-Start/-Size
//       (headers or query), ?type=1|2|3|4, ?addedAt>>=<unix> and
//       ?sort=addedAt:desc, ?includeGuids=1 (Guid[] only then)
//   GET /library/metadata/{key}[/children]        a show's seasons, a season's episodes
//   GET /library/sections/{id}/refresh[?path=]    recorded; reveals hidden items under path
// Quirks served: ratingKey as a string, originalTitle only on some films,
// no "Metadata" on an empty page, plex:// guids with Guid[] children, legacy
// com.plexapp.agents.imdb/themoviedb/thetvdb guids without children, tvdb
// ids on some films. Every request must carry the token (X-Plex-Token header
// or query parameter), else 401 with Plex's HTML body.
//
//   PlexDouble plex({.token = "t", .movies = 1000, .shows = 20});
//   ASSERT_TRUE(plex.Start().ok());
//   settings.Set("plex.url", plex.Url());  settings.Set("plex.token", "t");
//   plex.AddMovie(PlexDouble::GeneratedMovie(5001));        // appears in the next sync
//   plex.FailNext(3, 500);                                    // the next 3 calls answer 500
//   EXPECT_EQ(plex.refresh_calls()[0].path, "/data/movies/Film (2020)");
//
// Generated library: section 1 "Movies" (/data/movies), section 2 "TV Shows"
// (/data/tv). Film i (1-based) has ratingKey 100000+i, tmdb 1000+i, imdb
// tt<1000000+i>; show j has ratingKey 1000000+1000j, tmdb 500000+j, tvdb
// 300000+j, seasons s=1.. (ratingKey show+100s) and episodes e=1..
// (ratingKey show+100s+e). The kiosk-plex-double binary serves one on a port.
#ifndef KIOSK_SERVICES_PLEX_TESTING_PLEX_DOUBLE_H_
#define KIOSK_SERVICES_PLEX_TESTING_PLEX_DOUBLE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/testing/http_test_server.h"

namespace kiosk::plex::testing {

struct DoubleMovie {
  std::string rating_key;
  std::string title;
  std::optional<std::string> original_title;
  int year = 0;
  std::string guid;                      // plex://movie/... or a legacy agent guid
  std::vector<std::string> guid_children;  // "imdb://tt...", "tmdb://...", "tvdb://..."
  std::string file;                      // as Plex sees it
  int64_t added_at = 0;
  int64_t updated_at = 0;
  int section_id = 1;
};

struct DoubleEpisode {
  std::string rating_key;
  int index = 0;
  std::string file;
  int64_t added_at = 0;
};

struct DoubleSeason {
  std::string rating_key;
  int index = 0;
  std::vector<DoubleEpisode> episodes;
};

struct DoubleShow {
  std::string rating_key;
  std::string title;
  int year = 0;
  std::string guid;
  std::vector<std::string> guid_children;
  int64_t added_at = 0;
  int64_t updated_at = 0;
  std::vector<DoubleSeason> seasons;
  int section_id = 2;
};

struct PlexDoubleOptions {
  std::string token = "plex-double-token";
  int movies = 0;
  int shows = 0;
  int seasons_per_show = 2;
  int episodes_per_season = 4;
  int threads = 2;
  int port = 0;  // 0: a free port
};

struct RefreshCall {
  int section_id = 0;
  std::string path;  // "" for a whole-section refresh
};

class PlexDouble {
 public:
  explicit PlexDouble(PlexDoubleOptions options = {});
  ~PlexDouble();

  absl::Status Start();
  void Stop();
  std::string Url() const;  // "http://127.0.0.1:<port>"
  int port() const;
  const std::string& token() const { return options_.token; }
  // Every request received (the underlying server's record).
  std::vector<kiosk::testing::TestHttpRequest> requests() const;
  void ClearRequests();

  // --- the generated data set
  static DoubleMovie GeneratedMovie(int i);
  static DoubleShow GeneratedShow(int j, int seasons, int episodes_per_season);
  static int GeneratedMovieTmdb(int i) { return 1000 + i; }
  static std::string GeneratedMovieImdb(int i);
  static int GeneratedShowTmdb(int j) { return 500000 + j; }
  static int GeneratedShowTvdb(int j) { return 300000 + j; }

  // --- changing the library (takes effect for the next request). A hidden
  // item appears only once a refresh covers its file (or its section).
  void AddMovie(const DoubleMovie& movie, bool hidden = false);
  void AddShow(const DoubleShow& show, bool hidden = false);
  // Removes an item and everything under it; false when unknown.
  bool Remove(const std::string& rating_key);
  // Renames a film or show and bumps its updatedAt.
  bool Rename(const std::string& rating_key, const std::string& title, int64_t updated_at);
  int item_count() const;  // visible films, shows, seasons and episodes

  // --- faults
  // The next `count` requests are answered `status` (e.g. 500, 503).
  void FailNext(int count, int status = 500);
  // Every request answered `status` until cleared with 0.
  void FailAll(int status);
  // Every answer is 200 with an HTML body instead of JSON.
  void SetGarbage(bool garbage);
  // Every answer waits this long.
  void SetDelay(absl::Duration delay);
  // Runs before each section listing is answered (e.g. to add an item in
  // the middle of a paged sync: "totalSize changed").
  void SetListingHook(std::function<void(int section_id, int start)> hook);

  std::vector<RefreshCall> refresh_calls() const;

 private:
  struct Node;
  kiosk::testing::TestHttpResponse Serve(const kiosk::testing::TestHttpRequest& request);
  kiosk::testing::TestHttpResponse Listing(const kiosk::testing::TestHttpRequest& request,
                                           int section_id);
  kiosk::testing::TestHttpResponse Metadata(const std::string& key, bool children);
  kiosk::testing::TestHttpResponse Refresh(const kiosk::testing::TestHttpRequest& request,
                                           int section_id);
  void Insert(Node node);
  void RemoveLocked(const std::string& key);

  const PlexDoubleOptions options_;
  kiosk::testing::HttpTestServer server_;
  mutable std::mutex mu_;
  std::map<std::string, Node> nodes_;  // by rating key
  std::vector<std::string> order_;     // insertion order (listing order)
  int fail_next_ = 0;
  int fail_next_status_ = 500;
  int fail_all_status_ = 0;
  bool garbage_ = false;
  absl::Duration delay_ = absl::ZeroDuration();
  std::function<void(int, int)> listing_hook_;
  std::vector<RefreshCall> refresh_calls_;
};

}  // namespace kiosk::plex::testing

#endif  // KIOSK_SERVICES_PLEX_TESTING_PLEX_DOUBLE_H_
