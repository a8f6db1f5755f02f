#include "services/users/media_request_counter.h"


namespace kiosk::users {
namespace {

void ToTimestamp(absl::Time t, google::protobuf::Timestamp* out) {
  const int64_t seconds = absl::ToUnixSeconds(t);  // rounds down
  out->set_seconds(seconds);
  out->set_nanos(
      static_cast<int32_t>(absl::ToInt64Nanoseconds(t - absl::FromUnixSeconds(seconds))));
}

}  // namespace

GrpcMediaRequestCounter::GrpcMediaRequestCounter(const std::string& media_addr,
                                                 const auth::JwtCodec& jwt, absl::Duration timeout)
    : media_("kiosk-users", "kiosk-media", "MEDIA_ADDR", media_addr, jwt, timeout),
      stub_(kiosk::media::v1::MediaService::NewStub(media_.channel())) {}

absl::StatusOr<RequestCounts> GrpcMediaRequestCounter::CountUserRequests(
    int64_t user_id, absl::Time movie_since, absl::Time tv_since, const std::string& request_id) {
  kiosk::media::v1::CountUserRequestsRequest request;
  request.set_user_id(user_id);
  ToTimestamp(movie_since, request.mutable_movie_since());
  ToTimestamp(tv_since, request.mutable_tv_since());
  absl::StatusOr<kiosk::media::v1::CountUserRequestsResponse> response =
      media_.Call<kiosk::media::v1::CountUserRequestsResponse>(
          "count the user's requests", request_id,
          [&](grpc::ClientContext* ctx, kiosk::media::v1::CountUserRequestsResponse* out) {
            return stub_->CountUserRequests(ctx, request, out);
          });
  if (!response.ok()) return response.status();
  return RequestCounts{response->movie_count(), response->tv_count()};
}

}  // namespace kiosk::users
