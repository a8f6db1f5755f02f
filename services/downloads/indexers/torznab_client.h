// Torznab over HTTP (common/http): t=caps and the searches, against Jackett,
// Prowlarr or any Torznab feed. The API key travels as the `apikey` query
// parameter (what both accept) and never appears in a message: errors carry
// RedactUrl(url), which drops the query string.
//
//   TorznabClient client(http);
//   ASSIGN_OR_RETURN(TorznabCaps caps, client.Caps(indexer));
//   ASSIGN_OR_RETURN(TorznabFeed feed, client.Search(indexer, {.function = "movie",
//                                                             .imdb_id = "tt0211915"}));
//
// Statuses: UNAVAILABLE (no answer, HTTP 5xx), DEADLINE_EXCEEDED (too slow),
// PERMISSION_DENIED (HTTP 401/403, Torznab error 100-102), INVALID_ARGUMENT
// (HTML page, bad XML, HTTP 404), RESOURCE_EXHAUSTED (HTTP 429).
#ifndef KIOSK_SERVICES_DOWNLOADS_INDEXERS_TORZNAB_CLIENT_H_
#define KIOSK_SERVICES_DOWNLOADS_INDEXERS_TORZNAB_CLIENT_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/http/http_client.h"
#include "services/downloads/indexers/indexer.h"
#include "services/downloads/indexers/torznab_xml.h"

namespace kiosk::downloads::indexers {

struct TorznabQuery {
  std::string function = "search";  // t=: "search", "movie" or "tvsearch"
  std::string q;
  std::string imdb_id;  // "tt0211915": sent as is (Jackett and Prowlarr accept the tt form)
  int tvdb_id = 0;
  int season = 0;       // 0 = not sent
  int episode = 0;      // ep=; 0 = not sent
  std::string Describe() const;  // "t=movie imdbid=tt0211915" for messages (no key)
};

// The endpoint of an indexer's base URL: "/api" appended unless it already
// ends with it (Radarr and Sonarr do the same with their "API Path").
std::string TorznabEndpoint(const std::string& base_url);

class TorznabClient {
 public:
  explicit TorznabClient(http::HttpClient& http, absl::Duration timeout = absl::Seconds(20))
      : http_(http), timeout_(timeout) {}

  absl::StatusOr<TorznabCaps> Caps(const Indexer& indexer);
  absl::StatusOr<TorznabFeed> Search(const Indexer& indexer, const TorznabQuery& query);

 private:
  absl::StatusOr<std::string> Get(const Indexer& indexer, const http::Params& params);

  http::HttpClient& http_;
  const absl::Duration timeout_;
};

}  // namespace kiosk::downloads::indexers

#endif  // KIOSK_SERVICES_DOWNLOADS_INDEXERS_TORZNAB_CLIENT_H_
