#include "services/media/media_proto.h"

#include "services/media/episode_progress.h"

namespace kiosk::media {
namespace {

void SetTime(absl::Time t, google::protobuf::Timestamp* out) {
  int64_t micros = absl::ToUnixMicros(t);
  int64_t seconds = micros / 1000000;
  int64_t rest = micros % 1000000;
  if (rest < 0) {
    rest += 1000000;
    --seconds;
  }
  out->set_seconds(seconds);
  out->set_nanos(static_cast<int32_t>(rest * 1000));
}

void ToProto(const std::vector<SeasonSelection>& seasons,
             google::protobuf::RepeatedPtrField<v1::SeasonSelection>* out) {
  for (const SeasonSelection& s : seasons) {
    v1::SeasonSelection* season = out->Add();
    season->set_season_number(s.season_number);
    for (int e : s.episode_numbers) season->add_episode_numbers(e);
  }
}

}  // namespace

void ToProto(const MediaRequest& r, v1::MediaRequest* out) {
  out->set_id(r.id);
  out->set_user_id(r.user_id);
  out->set_media_type(r.media_type);
  out->set_tmdb_id(r.tmdb_id);
  out->set_imdb_id(r.imdb_id);
  out->set_tvdb_id(r.tvdb_id);
  out->set_title(r.title);
  out->set_title_fr(r.title_fr);
  out->set_title_en(r.title_en);
  out->set_original_title(r.original_title);
  out->set_year(r.year);
  out->set_language(r.language);
  ToProto(r.seasons, out->mutable_seasons());
  out->set_status(r.status);
  out->set_status_reason(r.status_reason);
  out->set_approved_by(r.approved_by);
  if (r.approved_at) SetTime(*r.approved_at, out->mutable_approved_at());
  SetTime(r.created_at, out->mutable_created_at());
  SetTime(r.updated_at, out->mutable_updated_at());
  v1::RequestProgress* progress = out->mutable_progress();
  progress->set_percent(r.progress.percent);
  progress->set_download_speed(r.progress.speed);
  progress->set_eta_seconds(r.progress.eta_seconds);
  progress->set_stage(r.progress.stage);
  progress->set_message(r.progress.message);
  if (r.progress.updated_at) SetTime(*r.progress.updated_at, progress->mutable_updated_at());
  out->set_poster_path(r.poster_path);
  out->set_episodes_requested(r.episodes_requested);
  out->set_episodes_available(CountEpisodes(r.available_episodes));
  ToProto(r.available_episodes, out->mutable_available_episodes());
}

void ToProto(const Transition& t, v1::RequestTransition* out) {
  out->set_from_status(t.from_status);
  out->set_to_status(t.to_status);
  out->set_actor_user_id(t.actor.user_id);
  out->set_actor_service(t.actor.service);
  out->set_reason(t.reason);
  SetTime(t.at, out->mutable_at());
}

void ToProto(const TitleMapping& m, v1::TitleMapping* out) {
  out->set_id(m.id);
  out->set_media_type(m.media_type);
  out->set_tmdb_id(m.tmdb_id);
  out->set_title_fr(m.title_fr);
  out->set_title_en(m.title_en);
  out->set_original_title(m.original_title);
  out->set_year(m.year);
  out->set_source(m.source);
  SetTime(m.created_at, out->mutable_created_at());
  SetTime(m.updated_at, out->mutable_updated_at());
}

void ToProto(const SearchHit& h, v1::SearchResult* out) {
  out->set_media_type(h.media_type);
  out->set_tmdb_id(h.tmdb_id);
  out->set_title_fr(h.title_fr);
  out->set_title_en(h.title_en);
  out->set_original_title(h.original_title);
  out->set_original_language(h.original_language);
  out->set_year(h.year);
  out->set_poster_path(h.poster_path);
  out->set_overview(h.overview);
  out->set_in_plex(h.in_plex);
  out->set_request_id(h.request_id);
  out->set_request_status(h.request_status);
}

void ToProto(const RequestPage& page, v1::ListRequestsResponse* out) {
  for (const MediaRequest& r : page.requests) ToProto(r, out->add_requests());
  out->set_page(page.page);
  out->set_pages(page.pages);
  out->set_results(page.results);
}

std::vector<SeasonSelection> FromProto(
    const google::protobuf::RepeatedPtrField<v1::SeasonSelection>& seasons) {
  std::vector<SeasonSelection> out;
  for (const v1::SeasonSelection& s : seasons) {
    out.push_back({s.season_number(), {s.episode_numbers().begin(), s.episode_numbers().end()}});
  }
  return out;
}

RequestProgress FromProto(const v1::RequestProgress& p) {
  return {.percent = p.percent(),
          .speed = p.download_speed(),
          .eta_seconds = p.eta_seconds(),
          .stage = p.stage(),
          .message = p.message()};
}

PlexPresence FromProto(const v1::TitlePresence& p) {
  PlexPresence out{.key = {p.title().media_type(), p.title().tmdb_id(), p.title().imdb_id(),
                           p.title().tvdb_id()},
                   .present = p.present(),
                   .rating_key = p.rating_key(),
                   .seasons = FromProto(p.seasons())};
  return out;
}

}  // namespace kiosk::media
