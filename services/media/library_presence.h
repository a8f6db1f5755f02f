// What kiosk-plex reports about the library becomes request statuses here:
// a film present -> available; a series -> available when every requested
// episode is in (episode counts from TMDB; in = found in Plex now or imported
// by kiosk-downloads before), partially_available when only some are, and
// the request's episode counts follow; a title gone from Plex takes its
// available or partially_available requests back to pending, their episodes
// out. Each move goes through the
// state machine and is recorded with kiosk-plex as its actor.
//
//   LibraryPresence presence(store, tmdb);
//   ASSIGN_OR_RETURN(int changed, presence.Report(caller, titles, /*complete=*/true));
#ifndef KIOSK_SERVICES_MEDIA_LIBRARY_PRESENCE_H_
#define KIOSK_SERVICES_MEDIA_LIBRARY_PRESENCE_H_

#include <functional>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "common/auth/caller.h"
#include "services/media/episode_progress.h"
#include "services/media/request_store.h"
#include "services/media/tmdb_client.h"

namespace kiosk::media {

class LibraryPresence {
 public:
  LibraryPresence(
      RequestStore& store, TmdbApi& tmdb,
      std::function<absl::Time()> clock = [] { return absl::Now(); })
      : store_(store), tmdb_(tmdb), clock_(std::move(clock)) {}

  // Services only: the titles with a request in a tracked status.
  absl::StatusOr<std::vector<TitleKey>> Tracked(const auth::Caller& caller);
  // Services only: applies `titles`; with `complete`, a tracked title not
  // listed is absent. The number of requests whose status changed. A series
  // whose episode counts TMDB cannot give now is left as it is (the next
  // report tries again).
  absl::StatusOr<int> Report(const auth::Caller& caller, const std::vector<PlexPresence>& titles,
                             bool complete);

 private:
  // What the request should become given what Plex holds: its status ("" =
  // keep) and, for a series, its episodes. `requested`: a series' episodes.
  static TransitionPlan Target(const MediaRequest& request, const PlexPresence& plex,
                               const EpisodeSet* requested);

  RequestStore& store_;
  TmdbApi& tmdb_;
  std::function<absl::Time()> clock_;
};

}  // namespace kiosk::media

#endif  // KIOSK_SERVICES_MEDIA_LIBRARY_PRESENCE_H_
