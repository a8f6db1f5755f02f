// Translates paths between what Plex sees and what plex-kiosk sees, when
// the library is mounted at different places (containers). The setting
// plex.path_map reads "<Plex path>=<local path>;...", e.g.
// "/data/movies=/srv/media/movies;/data/tv=/srv/tv". A prefix matches whole
// path components only ("/data/tv" does not match "/data/tvshows"); the
// longest matching prefix wins; a path no prefix matches is the same on both
// sides.
//
//   ASSIGN_OR_RETURN(PathMap map, PathMap::Parse(settings.String("plex.path_map")));
//   std::string plex_path = map.ToPlex("/srv/media/movies/Film (2020)");
#ifndef KIOSK_SERVICES_PLEX_PATH_MAP_H_
#define KIOSK_SERVICES_PLEX_PATH_MAP_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kiosk::plex {

// True when `path` is `prefix` or lies under it (whole components).
bool PathHasPrefix(absl::string_view path, absl::string_view prefix);

class PathMap {
 public:
  PathMap() = default;
  // INVALID_ARGUMENT naming the bad entry (no "=", a side not absolute).
  static absl::StatusOr<PathMap> Parse(absl::string_view text);

  std::string ToPlex(absl::string_view local_path) const;
  std::string ToLocal(absl::string_view plex_path) const;

 private:
  // (plex, local), trailing slashes removed.
  std::vector<std::pair<std::string, std::string>> entries_;
};

}  // namespace kiosk::plex

#endif  // KIOSK_SERVICES_PLEX_PATH_MAP_H_
