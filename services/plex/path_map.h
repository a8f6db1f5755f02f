// Translates paths between what Plex sees and what plex-kiosk sees, when
// the library is mounted at different places (containers): the setting
// plex.path_map, "<Plex path>=<local path>;...", e.g.
// "/data/movies=/srv/media/movies;/data/tv=/srv/tv". The rules (whole
// components, longest prefix) are common/path_map.h's, shared with
// qbittorrent.path_map.
//
//   ASSIGN_OR_RETURN(PathMap map, PathMap::Parse(settings.String("plex.path_map")));
//   std::string plex_path = map.ToPlex("/srv/media/movies/Film (2020)");
#ifndef KIOSK_SERVICES_PLEX_PATH_MAP_H_
#define KIOSK_SERVICES_PLEX_PATH_MAP_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/path_map.h"

namespace kiosk::plex {

using ::kiosk::PathHasPrefix;

class PathMap {
 public:
  PathMap() = default;
  // INVALID_ARGUMENT naming the bad entry (no "=", a side not absolute).
  static absl::StatusOr<PathMap> Parse(absl::string_view text) {
    absl::StatusOr<::kiosk::PathMap> map = ::kiosk::PathMap::Parse(text, "plex.path_map", "Plex");
    if (!map.ok()) return map.status();
    return PathMap(*std::move(map));
  }

  std::string ToPlex(absl::string_view local_path) const { return map_.ToRemote(local_path); }
  std::string ToLocal(absl::string_view plex_path) const { return map_.ToLocal(plex_path); }

 private:
  explicit PathMap(::kiosk::PathMap map) : map_(std::move(map)) {}
  ::kiosk::PathMap map_;
};

}  // namespace kiosk::plex

#endif  // KIOSK_SERVICES_PLEX_PATH_MAP_H_
