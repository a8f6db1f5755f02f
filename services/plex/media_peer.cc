#include "services/plex/media_peer.h"

#include "kiosk/media/v1/media_service.grpc.pb.h"

namespace kiosk::plex {

namespace media_v1 = ::kiosk::media::v1;

struct GrpcMediaPeer::Stub {
  std::unique_ptr<media_v1::MediaService::Stub> stub;
};

GrpcMediaPeer::GrpcMediaPeer(server::PeerClient media)
    : media_(std::move(media)),
      stub_(std::make_unique<Stub>(Stub{media_v1::MediaService::NewStub(media_.channel())})) {}

GrpcMediaPeer::~GrpcMediaPeer() = default;

absl::StatusOr<std::vector<TitleKey>> GrpcMediaPeer::ListTrackedTitles() {
  media_v1::ListTrackedTitlesRequest request;
  absl::StatusOr<media_v1::ListTrackedTitlesResponse> response =
      media_.Call<media_v1::ListTrackedTitlesResponse>(
          "list the requested titles", "",
          [&](grpc::ClientContext* ctx, media_v1::ListTrackedTitlesResponse* out) {
            return stub_->stub->ListTrackedTitles(ctx, request, out);
          });
  if (!response.ok()) return response.status();
  std::vector<TitleKey> titles;
  for (const media_v1::TrackedTitle& t : response->titles()) {
    titles.push_back({.media_type = t.media_type(),
                      .tmdb_id = t.tmdb_id(),
                      .imdb_id = t.imdb_id(),
                      .tvdb_id = t.tvdb_id()});
  }
  return titles;
}

absl::StatusOr<int> GrpcMediaPeer::ReportLibraryPresence(const std::vector<TitlePresence>& titles,
                                                         bool complete) {
  media_v1::ReportLibraryPresenceRequest request;
  request.set_complete(complete);
  for (const TitlePresence& p : titles) {
    media_v1::TitlePresence* out = request.add_titles();
    out->mutable_title()->set_media_type(p.title.media_type);
    out->mutable_title()->set_tmdb_id(p.title.tmdb_id);
    out->mutable_title()->set_imdb_id(p.title.imdb_id);
    out->mutable_title()->set_tvdb_id(p.title.tvdb_id);
    out->set_present(p.present);
    out->set_rating_key(p.rating_key);
    for (const auto& [season, episodes] : p.episodes) {
      media_v1::SeasonSelection* s = out->add_seasons();
      s->set_season_number(season);
      for (int e : episodes) s->add_episode_numbers(e);
    }
  }
  absl::StatusOr<media_v1::ReportLibraryPresenceResponse> response =
      media_.Call<media_v1::ReportLibraryPresenceResponse>(
          "report what Plex holds", "",
          [&](grpc::ClientContext* ctx, media_v1::ReportLibraryPresenceResponse* out) {
            return stub_->stub->ReportLibraryPresence(ctx, request, out);
          });
  if (!response.ok()) return response.status();
  return response->requests_changed();
}

}  // namespace kiosk::plex
