#include "services/media/title_details_proto.h"

namespace kiosk::media {

void ToProto(const TitleInfo& t, v1::TitleDetails* out) {
  out->set_media_type(t.media_type);
  out->set_tmdb_id(t.tmdb_id);
  out->set_title_fr(t.title_fr);
  out->set_title_en(t.title_en);
  out->set_original_title(t.original_title);
  out->set_year(t.year);
  out->set_overview(t.overview);
  out->set_poster_path(t.poster_path);
  out->set_in_plex(t.in_plex);
  out->set_library_checked(t.library_checked);
  for (const TmdbSeason& s : t.seasons) {
    v1::TitleSeason* season = out->add_seasons();
    season->set_season_number(s.season_number);
    season->set_name(s.name);
    season->set_episode_count(s.episode_count);
    season->set_air_date(s.air_date);
    season->set_poster_path(s.poster_path);
  }
}

void ToProto(const SeasonInfo& s, v1::SeasonDetails* out) {
  out->set_tmdb_id(s.tmdb_id);
  out->set_season_number(s.season_number);
  out->set_name(s.name);
  out->set_library_checked(s.library_checked);
  for (const EpisodeInfo& e : s.episodes) {
    v1::SeasonEpisode* episode = out->add_episodes();
    episode->set_episode_number(e.episode_number);
    episode->set_name(e.name);
    episode->set_air_date(e.air_date);
    episode->set_in_plex(e.in_plex);
    episode->set_requested(e.requested);
  }
}

}  // namespace kiosk::media
