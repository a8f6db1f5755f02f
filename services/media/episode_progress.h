// Per-episode progress of a series request: which episodes it covers and
// which of them are in (imported by kiosk-downloads or found in Plex by
// kiosk-plex), and the status that follows. Films have no episodes.
//
//   ASSIGN_OR_RETURN(EpisodeSet wanted, RequestedEpisodes(request, tmdb));
//   EpisodeTally tally = Tally(wanted, ToEpisodeSet(request.available_episodes), imported);
//   std::string status = SeriesStatus(tally);  // available, partially_available or ""
#ifndef KIOSK_SERVICES_MEDIA_EPISODE_PROGRESS_H_
#define KIOSK_SERVICES_MEDIA_EPISODE_PROGRESS_H_

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/media/model.h"
#include "services/media/tmdb_client.h"

namespace kiosk::media {

// season -> episode numbers.
using EpisodeSet = std::map<int, std::set<int>>;

// Seasons without episode numbers add nothing (they mean "whole season" only
// in a request's own selection, which RequestedEpisodes expands).
EpisodeSet ToEpisodeSet(const std::vector<SeasonSelection>& seasons);
// Seasons in order, each with its episodes; empty seasons left out.
std::vector<SeasonSelection> ToSelections(const EpisodeSet& episodes);
int CountEpisodes(const EpisodeSet& episodes);
int CountEpisodes(const std::vector<SeasonSelection>& seasons);

// The episodes a series request covers: its explicit episodes, every episode
// of a season asked whole, every episode of every season but the specials
// when it asked the whole series (episode counts from TMDB).
absl::StatusOr<EpisodeSet> RequestedEpisodes(const MediaRequest& request, TmdbApi& tmdb);

// The requested episodes in after `found` joins those `before`: only
// requested episodes count.
EpisodeTally Tally(const EpisodeSet& requested, const EpisodeSet& before, const EpisodeSet& found);

// available when every requested episode is in, partially_available when
// some are, "" when none is (or nothing is requested).
std::string SeriesStatus(const EpisodeTally& tally);

// INVALID_ARGUMENT unless every season is >= 0 and every episode > 0.
absl::Status CheckEpisodes(const std::vector<SeasonSelection>& seasons, const char* field);

}  // namespace kiosk::media

#endif  // KIOSK_SERVICES_MEDIA_EPISODE_PROGRESS_H_
