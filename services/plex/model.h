// kiosk-plex's plain data: what Plex answers, as the client parses it, and
// what the library store keeps. No protobuf, gRPC or pqxx types.
#ifndef KIOSK_SERVICES_PLEX_MODEL_H_
#define KIOSK_SERVICES_PLEX_MODEL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kiosk::plex {

// External ids of a film or show, from its guid and Guid[] children.
struct ExternalIds {
  int tmdb_id = 0;      // 0: unknown
  std::string imdb_id;  // "tt0289043", "" when unknown
  int tvdb_id = 0;
};

struct Section {
  int id = 0;
  std::string title;
  std::string type;  // movie, show, artist, photo
  std::string agent;
  std::string language;
  std::vector<std::string> locations;  // folders as Plex sees them
};

// One film, show, season or episode.
struct LibraryItem {
  std::string rating_key;
  int section_id = 0;
  std::string type;  // movie, show, season, episode
  std::string title;
  std::optional<std::string> original_title;
  int year = 0;  // 0: unknown
  std::string guid;
  ExternalIds ids;
  std::string parent_rating_key;       // season of an episode, show of a season
  std::string grandparent_rating_key;  // show of an episode
  int season_number = -1;              // seasons and episodes; -1 unknown
  int episode_number = -1;             // episodes
  std::string file_path;               // first part's file, as Plex sees it
  int64_t added_at = 0;                // unix seconds, 0 unknown
  int64_t updated_at = 0;
};

// One page of a paged listing.
struct ItemsPage {
  std::vector<LibraryItem> items;
  int offset = 0;
  int size = 0;
  int total_size = 0;
};

struct ServerIdentity {
  std::string machine_identifier;
  std::string version;
};

}  // namespace kiosk::plex

#endif  // KIOSK_SERVICES_PLEX_MODEL_H_
