#include "services/media/library_presence.h"

#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "common/log/log.h"
#include "services/media/request_status.h"
#include "services/media/request_workflow.h"  // ActorOf

namespace kiosk::media {

absl::StatusOr<std::vector<TitleKey>> LibraryPresence::Tracked(const auth::Caller& caller) {
  if (absl::Status s = auth::RequireService(caller); !s.ok()) return s;
  return store_.TrackedTitles();
}

absl::StatusOr<std::string> LibraryPresence::Target(const MediaRequest& request,
                                                    const PlexPresence& plex) {
  bool shown = request.status == kAvailable || request.status == kPartiallyAvailable;
  if (!plex.present) return shown ? std::string(kPending) : std::string();
  if (request.media_type == "movie") return std::string(kAvailable);

  std::map<int, std::set<int>> held;
  for (const SeasonSelection& s : plex.seasons) {
    held[s.season_number].insert(s.episode_numbers.begin(), s.episode_numbers.end());
  }
  std::vector<SeasonSelection> wanted = request.seasons;
  if (wanted.empty()) {  // the whole series: every season but the specials
    absl::StatusOr<TmdbDetails> details = tmdb_.Details("tv", request.tmdb_id, "en-US");
    if (!details.ok()) return details.status();
    for (const TmdbSeason& s : details->seasons) {
      if (s.season_number > 0) wanted.push_back({s.season_number, {}});
    }
  }
  int asked = 0, there = 0;
  for (const SeasonSelection& s : wanted) {
    std::vector<int> episodes = s.episode_numbers;
    if (episodes.empty()) {
      absl::StatusOr<int> count = tmdb_.SeasonEpisodeCount(request.tmdb_id, s.season_number);
      if (!count.ok()) return count.status();
      for (int e = 1; e <= *count; ++e) episodes.push_back(e);
    }
    for (int e : episodes) {
      ++asked;
      if (held[s.season_number].count(e)) ++there;
    }
  }
  if (asked > 0 && there == asked) return std::string(kAvailable);
  if (there > 0) return std::string(kPartiallyAvailable);
  return shown ? std::string(kPending) : std::string();
}

absl::StatusOr<int> LibraryPresence::Report(const auth::Caller& caller,
                                            const std::vector<PlexPresence>& titles,
                                            bool complete) {
  if (absl::Status s = auth::RequireService(caller); !s.ok()) return s;
  std::vector<PlexPresence> all = titles;
  if (complete) {
    std::set<std::string> listed;
    for (const PlexPresence& p : titles) {
      listed.insert(TitleKeyString(p.key.media_type, p.key.tmdb_id));
    }
    absl::StatusOr<std::vector<TitleKey>> tracked = store_.TrackedTitles();
    if (!tracked.ok()) return tracked.status();
    for (const TitleKey& key : *tracked) {
      if (!listed.count(TitleKeyString(key.media_type, key.tmdb_id))) {
        all.push_back({.key = key, .present = false});
      }
    }
  }
  int changed = 0;
  for (const PlexPresence& plex : all) {
    if (plex.key.media_type != "movie" && plex.key.media_type != "tv") {
      return absl::InvalidArgumentError("media_type of every title must be \"movie\" or \"tv\"");
    }
    absl::StatusOr<std::vector<MediaRequest>> requests =
        store_.TrackedRequests(plex.key.media_type, plex.key.tmdb_id);
    if (!requests.ok()) return requests.status();
    for (const MediaRequest& request : *requests) {
      absl::StatusOr<std::string> target = Target(request, plex);
      if (!target.ok()) {
        log::Warn("presence_skipped").With("id", request.id)
            .With("error", target.status().message());
        continue;
      }
      if (target->empty() || *target == request.status ||
          !IsAllowedTransition(request.status, *target)) {
        continue;
      }
      std::string reason = *target == kPending ? "no longer in Plex" : "found in Plex";
      absl::StatusOr<MediaRequest> moved = store_.Transition(
          request.id,
          [&](const MediaRequest& current) -> absl::StatusOr<TransitionPlan> {
            // Re-checked under the lock: another report may have moved it.
            if (current.status == *target || !IsAllowedTransition(current.status, *target)) {
              return TransitionPlan{current.status, "", std::nullopt};
            }
            return TransitionPlan{*target, reason, std::nullopt};
          },
          ActorOf(caller), clock_());
      if (!moved.ok()) {
        if (absl::IsNotFound(moved.status())) continue;  // deleted meanwhile
        return moved.status();
      }
      if (moved->status == *target) ++changed;
    }
  }
  return changed;
}

}  // namespace kiosk::media
