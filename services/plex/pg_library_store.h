// plex-kiosk's copy of the Plex library in PostgreSQL (schema `plex`):
// sections, items (films, shows, seasons, episodes) and the sync state.
// Writes are batched (one statement and one transaction per batch, arrays
// unnested server-side) and touch only rows that changed, so a full sync of
// an unchanged 50k library writes nothing.
#ifndef KIOSK_SERVICES_PLEX_PG_LIBRARY_STORE_H_
#define KIOSK_SERVICES_PLEX_PG_LIBRARY_STORE_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/db/connection_pool.h"
#include "services/plex/model.h"

namespace kiosk::plex {

struct SectionRow {
  Section section;
  int item_count = 0;
  std::optional<absl::Time> last_synced_at;
};

struct SyncState {
  std::string kind;  // "full" or "incremental"
  absl::Time finished_at;
  int64_t max_added_at = 0;  // unix seconds, 0 when none
  int items_seen = 0;
  int duration_ms = 0;
};

// A title to look up: "movie" or "tv" and any of its ids.
struct TitleKey {
  std::string media_type;
  int tmdb_id = 0;
  std::string imdb_id;
  int tvdb_id = 0;
};

struct TitleMatch {
  LibraryItem item;  // the film or show
  // Series: season -> episode numbers present, ascending.
  std::map<int, std::vector<int>> episodes;
};

class PgLibraryStore {
 public:
  explicit PgLibraryStore(db::ConnectionPool& pool) : pool_(pool) {}

  // Replaces the sections: upserts these, deletes the others with their items.
  absl::Status ReplaceSections(const std::vector<Section>& sections);
  absl::StatusOr<std::vector<SectionRow>> ListSections();
  // After a full listing of a section: its item count and sync time.
  absl::Status MarkSectionSynced(int section_id);

  // Inserts new items and updates changed ones in one transaction; the
  // number of rows written. Duplicated rating keys: the last one wins.
  absl::StatusOr<int> UpsertItems(const std::vector<LibraryItem>& items);
  // Deletes the items of `section_id` of type `item_type` whose rating key
  // is not in `seen` (they vanished from Plex); the number deleted.
  absl::StatusOr<int> DeleteUnseen(int section_id, const std::string& item_type,
                                   const std::vector<std::string>& seen);
  // Those of `rating_keys` that the store does not hold.
  absl::StatusOr<std::vector<std::string>> MissingKeys(const std::vector<std::string>& rating_keys);

  absl::StatusOr<std::optional<SyncState>> GetSyncState(const std::string& kind);
  absl::Status PutSyncState(const SyncState& state);
  // Items per type ("movie" -> 50000).
  absl::StatusOr<std::map<std::string, int64_t>> CountItems();

  // The film (tmdb, then imdb; never tvdb alone) or show (tmdb, tvdb, imdb)
  // of `key`, with a show's episodes; nullopt when not in the library.
  absl::StatusOr<std::optional<TitleMatch>> Lookup(const TitleKey& key);
  // Films and shows whose title or original title contains `text` (case
  // insensitive), best first; `media_type` "movie", "tv" or "" for both.
  absl::StatusOr<std::vector<LibraryItem>> Search(const std::string& text,
                                                  const std::string& media_type, int limit);

 private:
  db::ConnectionPool& pool_;
};

}  // namespace kiosk::plex

#endif  // KIOSK_SERVICES_PLEX_PG_LIBRARY_STORE_H_
