#include "services/media/episode_progress.h"

#include "absl/strings/str_cat.h"
#include "services/media/request_status.h"

namespace kiosk::media {

EpisodeSet ToEpisodeSet(const std::vector<SeasonSelection>& seasons) {
  EpisodeSet out;
  for (const SeasonSelection& s : seasons) {
    if (s.episode_numbers.empty()) continue;
    out[s.season_number].insert(s.episode_numbers.begin(), s.episode_numbers.end());
  }
  return out;
}

std::vector<SeasonSelection> ToSelections(const EpisodeSet& episodes) {
  std::vector<SeasonSelection> out;
  for (const auto& [season, numbers] : episodes) {
    if (numbers.empty()) continue;
    out.push_back({season, {numbers.begin(), numbers.end()}});
  }
  return out;
}

int CountEpisodes(const EpisodeSet& episodes) {
  int count = 0;
  for (const auto& [season, numbers] : episodes) count += static_cast<int>(numbers.size());
  return count;
}

int CountEpisodes(const std::vector<SeasonSelection>& seasons) {
  return CountEpisodes(ToEpisodeSet(seasons));
}

absl::StatusOr<EpisodeSet> RequestedEpisodes(const MediaRequest& request, TmdbApi& tmdb) {
  EpisodeSet wanted;
  if (request.media_type != "tv") return wanted;
  std::vector<SeasonSelection> seasons = request.seasons;
  if (seasons.empty()) {  // the whole series: every season but the specials
    absl::StatusOr<TmdbDetails> details = tmdb.Details("tv", request.tmdb_id, "en-US");
    if (!details.ok()) return details.status();
    for (const TmdbSeason& s : details->seasons) {
      if (s.season_number > 0) seasons.push_back({s.season_number, {}});
    }
  }
  for (const SeasonSelection& s : seasons) {
    std::set<int>& episodes = wanted[s.season_number];
    if (!s.episode_numbers.empty()) {
      episodes.insert(s.episode_numbers.begin(), s.episode_numbers.end());
      continue;
    }
    absl::StatusOr<int> count = tmdb.SeasonEpisodeCount(request.tmdb_id, s.season_number);
    if (!count.ok()) return count.status();
    for (int e = 1; e <= *count; ++e) episodes.insert(e);
  }
  return wanted;
}

EpisodeTally Tally(const EpisodeSet& requested, const EpisodeSet& before, const EpisodeSet& found) {
  EpisodeSet in;
  for (const EpisodeSet* source : {&before, &found}) {
    for (const auto& [season, numbers] : *source) {
      auto wanted = requested.find(season);
      if (wanted == requested.end()) continue;
      for (int e : numbers) {
        if (wanted->second.count(e)) in[season].insert(e);
      }
    }
  }
  return {.requested = CountEpisodes(requested), .available = ToSelections(in)};
}

std::string SeriesStatus(const EpisodeTally& tally) {
  const int in = CountEpisodes(tally.available);
  if (tally.requested > 0 && in >= tally.requested) return kAvailable;
  if (in > 0) return kPartiallyAvailable;
  return "";
}

absl::Status CheckEpisodes(const std::vector<SeasonSelection>& seasons, const char* field) {
  for (const SeasonSelection& s : seasons) {
    if (s.season_number < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ": season numbers are 0 (specials) or more, not ", s.season_number));
    }
    for (int e : s.episode_numbers) {
      if (e <= 0) {
        return absl::InvalidArgumentError(absl::StrCat(
            field, ": episode numbers start at 1 (season ", s.season_number, " has ", e, ")"));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace kiosk::media
