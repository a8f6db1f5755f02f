// The Plex Media Server client (JSON API over the shared HttpClient):
// identity, sections, paged section listings (optionally only what was added
// since a time, newest first), metadata and children, partial and full
// section refreshes.
//
//   PlexClient plex(http, {.url = "http://plex:32400", .token = token});
//   ASSIGN_OR_RETURN(std::vector<Section> sections, plex.Sections());
//   ASSIGN_OR_RETURN(ItemsPage page, plex.ListItems({.section_id = 1}, 0, 5000));
//
// Every call sends Accept: application/json, X-Plex-Token (as a header, so
// it never appears in a URL that could be logged), the X-Plex-Client-
// Identifier / Product / Version headers and, when paging,
// X-Plex-Container-Start / -Size. 5xx answers and calls without an answer
// are retried with exponential backoff. Errors:
//   FAILED_PRECONDITION  plex.url not set, or "Plex token rejected" (401)
//   UNAVAILABLE          no answer, 5xx after the retries, or not Plex JSON
//   DEADLINE_EXCEEDED    no complete answer in time, after the retries
//   NOT_FOUND            404 (an unknown section or rating key)
#ifndef KIOSK_SERVICES_PLEX_PLEX_CLIENT_H_
#define KIOSK_SERVICES_PLEX_PLEX_CLIENT_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/http/http_client.h"
#include "services/plex/model.h"

namespace kiosk::plex {

struct PlexConnection {
  std::string url;    // "http://plex:32400" (setting plex.url)
  std::string token;  // setting plex.token
};

struct PlexClientOptions {
  absl::Duration timeout = absl::Seconds(60);  // per call (a 5000-item page is large)
  int attempts = 3;                            // on 5xx and calls without an answer
  absl::Duration backoff = absl::Milliseconds(500);  // doubled each retry
  std::string client_identifier = "plex-kiosk";
};

// Plex item types for the `type` filter of a section listing.
inline constexpr int kTypeMovie = 1;
inline constexpr int kTypeShow = 2;
inline constexpr int kTypeSeason = 3;
inline constexpr int kTypeEpisode = 4;

struct ListQuery {
  int section_id = 0;
  int type = 0;             // kType*; 0: the section's default (films or shows)
  int64_t added_since = 0;  // unix seconds; > 0: addedAt>>= filter, newest first
};

class PlexClient {
 public:
  PlexClient(http::HttpClient& http, PlexConnection connection, PlexClientOptions options = {});

  absl::StatusOr<ServerIdentity> Identity();
  absl::StatusOr<std::vector<Section>> Sections();
  // Items `start` .. `start + size - 1` of a listing (includeGuids=1).
  absl::StatusOr<ItemsPage> ListItems(const ListQuery& query, int start, int size);
  // /library/metadata/{key}: the item itself (with its Guid[]).
  absl::StatusOr<ItemsPage> Metadata(const std::string& rating_key);
  // /library/metadata/{key}/children: a show's seasons, a season's episodes.
  absl::StatusOr<ItemsPage> Children(const std::string& rating_key);
  // Rescans one folder (as Plex sees it) of a section.
  absl::Status RefreshPath(int section_id, const std::string& plex_path);
  // Rescans a whole section.
  absl::Status RefreshSection(int section_id);

 private:
  absl::StatusOr<http::HttpResponse> Get(const std::string& path_and_query,
                                         const std::string& what, int page_start = -1,
                                         int page_size = 0);

  http::HttpClient& http_;
  const PlexConnection connection_;
  const PlexClientOptions options_;
};

}  // namespace kiosk::plex

#endif  // KIOSK_SERVICES_PLEX_PLEX_CLIENT_H_
