// External ids (tmdb, imdb, tvdb) from Plex's GUIDs, in every form Plex
// serves them:
//   new agents   guid "plex://movie/5d77..." + Guid[] children
//                {"id": "imdb://tt0289043"}, {"id": "tmdb://170"}, {"id": "tvdb://871"}
//   legacy       guid "com.plexapp.agents.imdb://tt2771200?lang=en",
//                "com.plexapp.agents.themoviedb://170?lang=en",
//                "com.plexapp.agents.thetvdb://74205/1/1?lang=en" (no children)
// Children win over the guid; unknown schemes (plex://, local://, none://)
// and malformed ids are ignored.
#ifndef KIOSK_SERVICES_PLEX_GUID_H_
#define KIOSK_SERVICES_PLEX_GUID_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "services/plex/model.h"

namespace kiosk::plex {

// Adds what one GUID string says to `ids` (fields already set are kept).
void AddGuid(absl::string_view guid, ExternalIds& ids);

// The ids of an item from its Guid[] children first, then its own guid.
ExternalIds ResolveIds(absl::string_view guid, const std::vector<std::string>& children);

}  // namespace kiosk::plex

#endif  // KIOSK_SERVICES_PLEX_GUID_H_
