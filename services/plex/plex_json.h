// Parsing of Plex Media Server JSON answers (Accept: application/json), as
// tolerant as real servers need: ratingKey and section keys as strings or
// numbers, optional originalTitle, no "Metadata" on an empty page, GUIDs in
// any form (guid.h), fields of the wrong type ignored rather than fatal.
// A body that is not a JSON object with a MediaContainer is UNAVAILABLE
// (a proxy's error page, a truncated answer): the caller retries later.
#ifndef KIOSK_SERVICES_PLEX_PLEX_JSON_H_
#define KIOSK_SERVICES_PLEX_PLEX_JSON_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/plex/model.h"

namespace kiosk::plex {

// GET /identity
absl::StatusOr<ServerIdentity> ParseIdentity(absl::string_view body);
// GET /library/sections
absl::StatusOr<std::vector<Section>> ParseSections(absl::string_view body);
// GET /library/sections/{id}/all, /library/metadata/{key}[/children]:
// `section_id` is used for items that do not name their section.
absl::StatusOr<ItemsPage> ParseItemsPage(absl::string_view body, int section_id);

}  // namespace kiosk::plex

#endif  // KIOSK_SERVICES_PLEX_PLEX_JSON_H_
