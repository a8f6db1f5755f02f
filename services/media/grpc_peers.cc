#include "services/media/grpc_peers.h"

#include "absl/strings/str_cat.h"

namespace kiosk::media {

namespace plex_v1 = ::kiosk::plex::v1;
namespace downloads_v1 = ::kiosk::downloads::v1;
namespace users_v1 = ::kiosk::users::v1;

GrpcPlexLibrary::GrpcPlexLibrary(server::PeerClient peer)
    : peer_(std::move(peer)), stub_(plex_v1::PlexService::NewStub(peer_.channel())) {}

absl::StatusOr<std::vector<PlexPresence>> GrpcPlexLibrary::Lookup(
    const std::vector<TitleKey>& keys, const std::string& request_id) {
  plex_v1::LookupMediaRequest request;
  for (const TitleKey& key : keys) {
    plex_v1::MediaKey* out = request.add_keys();
    out->set_media_type(key.media_type);
    out->set_tmdb_id(key.tmdb_id);
    out->set_imdb_id(key.imdb_id);
    out->set_tvdb_id(key.tvdb_id);
  }
  absl::StatusOr<plex_v1::LookupMediaResponse> response =
      peer_.Call<plex_v1::LookupMediaResponse>(
          "look up titles in the Plex library", request_id,
          [&](grpc::ClientContext* ctx, plex_v1::LookupMediaResponse* out) {
            return stub_->LookupMedia(ctx, request, out);
          });
  if (!response.ok()) return response.status();
  std::vector<PlexPresence> presence;
  for (int i = 0; i < response->matches_size() && i < static_cast<int>(keys.size()); ++i) {
    const plex_v1::LibraryMatch& match = response->matches(i);
    PlexPresence p{.key = keys[i], .present = match.found(), .rating_key = match.rating_key()};
    for (const plex_v1::LibrarySeason& season : match.seasons()) {
      p.seasons.push_back({season.season_number(),
                           {season.episode_numbers().begin(), season.episode_numbers().end()}});
    }
    presence.push_back(std::move(p));
  }
  return presence;
}

GrpcDownloadsDesk::GrpcDownloadsDesk(server::PeerClient peer)
    : peer_(std::move(peer)), stub_(downloads_v1::DownloadsService::NewStub(peer_.channel())) {}

absl::Status GrpcDownloadsDesk::Submit(int64_t request_id, int64_t user_id,
                                       const std::string& request_id_header) {
  downloads_v1::SubmitRequestRequest request;
  request.set_request_id(request_id);
  request.set_user_id(user_id);
  return peer_
      .Call<downloads_v1::Download>(
          absl::StrCat("hand request ", request_id, " to kiosk-downloads"), request_id_header,
          [&](grpc::ClientContext* ctx, downloads_v1::Download* out) {
            return stub_->SubmitRequest(ctx, request, out);
          })
      .status();
}

GrpcUserDirectory::GrpcUserDirectory(server::PeerClient peer)
    : peer_(std::move(peer)), stub_(users_v1::UsersService::NewStub(peer_.channel())) {}

absl::StatusOr<UserInfo> GrpcUserDirectory::Get(int64_t user_id, const std::string& request_id) {
  users_v1::GetUserRequest request;
  request.set_id(user_id);
  absl::StatusOr<users_v1::User> user = peer_.Call<users_v1::User>(
      "read the requesting user", request_id, [&](grpc::ClientContext* ctx, users_v1::User* out) {
        return stub_->GetUser(ctx, request, out);
      });
  if (!user.ok()) return user.status();
  UserInfo info{.id = user->id(),
                .is_admin = user->role() == users_v1::ROLE_ADMIN,
                .auto_approve = user->auto_approve(),
                .preferred_language = user->preferred_language()};
  if (user->has_movie_quota_limit()) info.movie_quota_limit = user->movie_quota_limit();
  if (user->has_movie_quota_days()) info.movie_quota_days = user->movie_quota_days();
  if (user->has_tv_quota_limit()) info.tv_quota_limit = user->tv_quota_limit();
  if (user->has_tv_quota_days()) info.tv_quota_days = user->tv_quota_days();
  return info;
}

}  // namespace kiosk::media
