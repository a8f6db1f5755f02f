#include "services/downloads/grpc_peers.h"

#include "absl/strings/str_cat.h"

namespace kiosk::downloads {

namespace media_v1 = kiosk::media::v1;
namespace plex_v1 = kiosk::plex::v1;

GrpcMediaPeer::GrpcMediaPeer(server::PeerClient media)
    : media_(std::move(media)), stub_(media_v1::MediaService::NewStub(media_.channel())) {}

absl::StatusOr<RequestInfo> GrpcMediaPeer::GetRequest(int64_t request_id) {
  media_v1::GetRequestRequest request;
  request.set_id(request_id);
  absl::StatusOr<media_v1::MediaRequest> r = media_.Call<media_v1::MediaRequest>(
      "read the media request", "",
      [&](grpc::ClientContext* ctx, media_v1::MediaRequest* out) {
        return stub_->GetRequest(ctx, request, out);
      });
  if (!r.ok()) return r.status();
  RequestInfo info{.id = r->id(),
                   .user_id = r->user_id(),
                   .media_type = r->media_type(),
                   .tmdb_id = r->tmdb_id(),
                   .imdb_id = r->imdb_id(),
                   .tvdb_id = r->tvdb_id(),
                   .title = r->title(),
                   .title_fr = r->title_fr(),
                   .title_en = r->title_en(),
                   .original_title = r->original_title(),
                   .year = r->year(),
                   .language = r->language(),
                   .seasons = {},
                   .status = r->status()};
  for (const media_v1::SeasonSelection& season : r->seasons()) {
    info.seasons.push_back({season.season_number(),
                            {season.episode_numbers().begin(), season.episode_numbers().end()}});
  }
  return info;
}

absl::Status GrpcMediaPeer::ReportProgress(const ProgressReport& report) {
  media_v1::ReportRequestProgressRequest request;
  request.set_request_id(report.request_id);
  request.set_status(report.status);
  request.set_reason(report.reason);
  media_v1::RequestProgress* progress = request.mutable_progress();
  progress->set_percent(report.percent);
  progress->set_download_speed(report.download_speed);
  progress->set_eta_seconds(report.eta_seconds);
  progress->set_stage(report.stage);
  progress->set_message(report.message);
  for (const auto& [season, episodes] : report.episodes_imported) {
    media_v1::SeasonSelection* imported = request.add_episodes_imported();
    imported->set_season_number(season);
    for (int episode : episodes) imported->add_episode_numbers(episode);
  }
  return media_
      .Call<media_v1::MediaRequest>(
          absl::StrCat("report the progress of request ", report.request_id), "",
          [&](grpc::ClientContext* ctx, media_v1::MediaRequest* out) {
            return stub_->ReportRequestProgress(ctx, request, out);
          })
      .status();
}

GrpcPlexPeer::GrpcPlexPeer(server::PeerClient plex)
    : plex_(std::move(plex)), stub_(plex_v1::PlexService::NewStub(plex_.channel())) {}

absl::Status GrpcPlexPeer::RefreshPath(const std::string& path, const RequestInfo& expect) {
  plex_v1::RefreshPathRequest request;
  request.set_path(path);
  plex_v1::MediaKey* key = request.mutable_expect();
  key->set_media_type(expect.media_type);
  key->set_tmdb_id(expect.tmdb_id);
  key->set_imdb_id(expect.imdb_id);
  key->set_tvdb_id(expect.tvdb_id);
  return plex_
      .Call<plex_v1::RefreshPathResponse>(
          "ask Plex to rescan the imported folder", "",
          [&](grpc::ClientContext* ctx, plex_v1::RefreshPathResponse* out) {
            return stub_->RefreshPath(ctx, request, out);
          })
      .status();
}

}  // namespace kiosk::downloads
