#include "services/plex/plex_settings.h"

#include <algorithm>

#include "common/status_macros.h"

namespace kiosk::plex {

absl::StatusOr<PlexSettings> ReadPlexSettings(server::SettingsSource& settings) {
  ASSIGN_OR_RETURN(server::SettingValues values,
                   settings.Get({"plex.url", "plex.token", "plex.path_map", "plex.sync_minutes",
                                 "plex.full_sync_hours"}));
  PlexSettings out;
  out.connection.url = values.String("plex.url");
  out.connection.token = values.String("plex.token");
  ASSIGN_OR_RETURN(out.path_map, PathMap::Parse(values.String("plex.path_map")));
  out.incremental_every =
      absl::Minutes(std::clamp<int64_t>(values.Int("plex.sync_minutes", 5), 1, 1440));
  out.full_every =
      absl::Hours(std::clamp<int64_t>(values.Int("plex.full_sync_hours", 24), 1, 720));
  return out;
}

absl::Status RequireConfigured(const PlexSettings& settings) {
  if (settings.configured()) return absl::OkStatus();
  return absl::FailedPreconditionError(
      "Plex is not configured: set plex.url and plex.token in the system settings");
}

}  // namespace kiosk::plex
