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

TransitionPlan LibraryPresence::Target(const MediaRequest& request, const PlexPresence& plex,
                                      const EpisodeSet* requested) {
  const bool shown = request.status == kAvailable || request.status == kPartiallyAvailable;
  TransitionPlan plan{shown ? std::string(kPending) : std::string(), "no longer in Plex",
                      std::nullopt};
  if (!plex.present) {
    // Gone: its episodes with it (the count of those asked stays).
    if (shown && !request.available_episodes.empty()) {
      plan.episodes = EpisodeTally{request.episodes_requested, {}};
    }
    return plan;
  }
  plan.reason = "found in Plex";
  if (request.media_type == "movie" || requested == nullptr) {
    plan.to = request.media_type == "movie" ? kAvailable : "";
    return plan;
  }
  // Episodes imported earlier count until Plex lists them too.
  plan.episodes = Tally(*requested, ToEpisodeSet(request.available_episodes),
                        ToEpisodeSet(plex.seasons));
  const std::string series = SeriesStatus(*plan.episodes);
  if (!series.empty()) plan.to = series;
  return plan;
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
      std::optional<EpisodeSet> requested;
      if (request.media_type == "tv" && plex.present) {
        absl::StatusOr<EpisodeSet> wanted = RequestedEpisodes(request, tmdb_);
        if (!wanted.ok()) {
          log::Warn("presence_skipped").With("id", request.id)
              .With("error", wanted.status().message());
          continue;
        }
        requested = *std::move(wanted);
      }
      const EpisodeSet* wanted = requested ? &*requested : nullptr;
      // Decides again under the lock: another report or an import may have
      // moved it meanwhile.
      auto decide = [&](const MediaRequest& current) -> TransitionPlan {
        TransitionPlan plan = Target(current, plex, wanted);
        if (plan.to.empty() || !IsAllowedTransition(current.status, plan.to)) {
          plan.to = current.status;
        }
        if (plan.episodes && plan.episodes->requested == current.episodes_requested &&
            ToEpisodeSet(plan.episodes->available) == ToEpisodeSet(current.available_episodes)) {
          plan.episodes.reset();  // nothing new
        }
        return plan;
      };
      const TransitionPlan first = decide(request);
      if (first.to == request.status && !first.episodes) continue;
      absl::StatusOr<MediaRequest> moved = store_.Transition(
          request.id,
          [&](const MediaRequest& current) -> absl::StatusOr<TransitionPlan> {
            return decide(current);
          },
          ActorOf(caller), clock_());
      if (!moved.ok()) {
        if (absl::IsNotFound(moved.status())) continue;  // deleted meanwhile
        return moved.status();
      }
      if (moved->status != request.status) ++changed;
    }
  }
  return changed;
}

}  // namespace kiosk::media
