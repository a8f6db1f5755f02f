// A Torznab indexer as kiosk-downloads stores it (downloads.indexers). Plain
// structs: no protobuf, gRPC or pqxx types.
#ifndef KIOSK_SERVICES_DOWNLOADS_INDEXERS_INDEXER_H_
#define KIOSK_SERVICES_DOWNLOADS_INDEXERS_INDEXER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "services/downloads/indexers/torznab_xml.h"

namespace kiosk::downloads::indexers {

inline constexpr int kDefaultPriority = 25;

struct Indexer {
  int64_t id = 0;
  std::string name;
  std::string url;      // Torznab base URL; "/api" is added when missing
  std::string api_key;  // secret: never answered, never logged
  std::vector<int> categories;  // cat= of searches; empty = the indexer's default
  bool enabled = true;
  int priority = kDefaultPriority;  // 1 = asked first, wins ties
  int rate_limit_per_minute = 0;    // 0 = none
  std::string last_status;          // "ok", "error" or "" (never checked)
  std::string last_error;
  std::optional<absl::Time> last_checked_at;
  std::optional<absl::Time> backoff_until;
  int failures = 0;  // in a row
  TorznabCaps caps;
  std::string caps_summary;
  absl::Time created_at;
  absl::Time updated_at;
};

// UpdateIndexer: the fields given change; an empty api_key keeps the old one.
struct IndexerPatch {
  std::optional<std::string> name, url, api_key;
  std::optional<std::vector<int>> categories;
  std::optional<bool> enabled;
  std::optional<int> priority, rate_limit_per_minute;
};

}  // namespace kiosk::downloads::indexers

#endif  // KIOSK_SERVICES_DOWNLOADS_INDEXERS_INDEXER_H_
