// Translates paths between what another system sees (Plex, qBittorrent) and
// what plex-kiosk sees, when the same folders are mounted at different
// places (containers). A map reads "<remote path>=<local path>;...", e.g.
// plex.path_map "/data/movies=/srv/media/movies;/data/tv=/srv/tv" or
// qbittorrent.path_map "/downloads=/srv/downloads". A prefix matches whole
// path components only ("/data/tv" does not match "/data/tvshows"); the
// longest matching prefix wins; a path no prefix matches is the same on both
// sides.
//
//   ASSIGN_OR_RETURN(PathMap map, PathMap::Parse(text, "qbittorrent.path_map", "qBittorrent"));
//   std::string theirs = map.ToRemote("/srv/downloads");   // "/downloads"
//   std::string ours = map.ToLocal("/downloads/Film");      // "/srv/downloads/Film"
#ifndef KIOSK_COMMON_PATH_MAP_H_
#define KIOSK_COMMON_PATH_MAP_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kiosk {

// True when `path` is `prefix` or lies under it (whole components).
bool PathHasPrefix(absl::string_view path, absl::string_view prefix);

class PathMap {
 public:
  PathMap() = default;
  // INVALID_ARGUMENT naming the setting and the bad entry (no "=", a side
  // not absolute). `remote` names the other system in the message.
  static absl::StatusOr<PathMap> Parse(absl::string_view text, absl::string_view setting,
                                       absl::string_view remote);

  std::string ToRemote(absl::string_view local_path) const;
  std::string ToLocal(absl::string_view remote_path) const;

 private:
  // (remote, local), trailing slashes removed.
  std::vector<std::pair<std::string, std::string>> entries_;
};

}  // namespace kiosk

#endif  // KIOSK_COMMON_PATH_MAP_H_
