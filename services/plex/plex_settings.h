// The system settings kiosk-plex reads (kept by kiosk-users): plex.url,
// plex.token, plex.path_map, plex.sync_minutes, plex.full_sync_hours.
#ifndef KIOSK_SERVICES_PLEX_PLEX_SETTINGS_H_
#define KIOSK_SERVICES_PLEX_PLEX_SETTINGS_H_

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/server/remote_settings.h"
#include "services/plex/path_map.h"
#include "services/plex/plex_client.h"

namespace kiosk::plex {

struct PlexSettings {
  PlexConnection connection;
  PathMap path_map;
  absl::Duration incremental_every = absl::Minutes(5);
  absl::Duration full_every = absl::Hours(24);
  bool configured() const { return !connection.url.empty(); }
};

// UNAVAILABLE when kiosk-users cannot be asked; INVALID_ARGUMENT for a bad
// plex.path_map.
absl::StatusOr<PlexSettings> ReadPlexSettings(server::SettingsSource& settings);

// FAILED_PRECONDITION naming the setting when plex.url is not set.
absl::Status RequireConfigured(const PlexSettings& settings);

}  // namespace kiosk::plex

#endif  // KIOSK_SERVICES_PLEX_PLEX_SETTINGS_H_
