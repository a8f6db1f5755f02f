// Search (FR and EN at once): asks TMDB in fr-FR and en-US in parallel,
// merges the answers by TMDB id, remembers the titles as FR/EN mappings, and
// tells for each result whether Plex holds it and whether it is requested.
// When TMDB cannot be reached or has no key, the local mappings answer.
//
//   Search search(tmdb, mappings, requests, plex, users, settings);
//   ASSIGN_OR_RETURN(SearchPage page, search.Run(caller, {.query = "amélie"}, request_id));
#ifndef KIOSK_SERVICES_MEDIA_SEARCH_H_
#define KIOSK_SERVICES_MEDIA_SEARCH_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/auth/caller.h"
#include "common/server/remote_settings.h"
#include "services/media/peers.h"
#include "services/media/request_store.h"
#include "services/media/title_mapping_store.h"
#include "services/media/tmdb_client.h"

namespace kiosk::media {

struct SearchQuery {
  std::string query;
  std::string type;      // "", "movie", "tv"
  int page = 1;
  std::string language;  // "", "fr", "en"
  int year = 0;
};

struct SearchHit {
  std::string media_type;
  int tmdb_id = 0;
  std::string title_fr;
  std::string title_en;
  std::string original_title;
  std::string original_language;
  int year = 0;
  std::string poster_path;
  std::string overview;
  bool in_plex = false;
  int64_t request_id = 0;
  std::string request_status;
};

struct SearchPage {
  std::vector<SearchHit> hits;
  int page = 1;
  int pages = 0;
  int total_results = 0;
  std::string source = "tmdb";  // or "local"
  std::string notice;
  bool library_checked = false;
};

class Search {
 public:
  Search(TmdbApi& tmdb, TitleMappingStore& mappings, RequestStore& requests, PlexLibrary& plex,
         UserDirectory& users, server::SettingsSource& settings)
      : tmdb_(tmdb),
        mappings_(mappings),
        requests_(requests),
        plex_(plex),
        users_(users),
        settings_(settings) {}

  // INVALID_ARGUMENT for an empty or too long query, a bad type, page or
  // language. TMDB being down is not an error (source "local").
  absl::StatusOr<SearchPage> Run(const auth::Caller& caller, const SearchQuery& query,
                                 const std::string& request_id);

 private:
  // "fr" or "en": the asked language, else the user's, else the default.
  std::string OverviewLanguage(const auth::Caller& caller, const std::string& asked,
                               const std::string& request_id);
  absl::StatusOr<SearchPage> FromTmdb(const SearchQuery& query, const std::string& language);
  absl::StatusOr<SearchPage> FromMappings(const SearchQuery& query);
  // Fills in_plex and the request state.
  void AddState(SearchPage& page, const std::string& request_id);

  TmdbApi& tmdb_;
  TitleMappingStore& mappings_;
  RequestStore& requests_;
  PlexLibrary& plex_;
  UserDirectory& users_;
  server::SettingsSource& settings_;
};

}  // namespace kiosk::media

#endif  // KIOSK_SERVICES_MEDIA_SEARCH_H_
