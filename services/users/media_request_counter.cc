#include "services/users/media_request_counter.h"

#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/auth/caller.h"
#include "common/grpc_status.h"
#include "common/log/log.h"
#include "common/request_id.h"

namespace kiosk::users {
namespace {

// The binary named in the service tokens kiosk-users mints.
constexpr char kServiceName[] = "kiosk-users";

void ToTimestamp(absl::Time t, google::protobuf::Timestamp* out) {
  const int64_t seconds = absl::ToUnixSeconds(t);  // rounds down
  out->set_seconds(seconds);
  out->set_nanos(
      static_cast<int32_t>(absl::ToInt64Nanoseconds(t - absl::FromUnixSeconds(seconds))));
}

}  // namespace

GrpcMediaRequestCounter::GrpcMediaRequestCounter(const std::string& media_addr,
                                                 const auth::JwtCodec& jwt, absl::Duration timeout)
    : media_addr_(media_addr),
      jwt_(jwt),
      timeout_(timeout),
      stub_(kiosk::media::v1::MediaService::NewStub(
          grpc::CreateChannel(media_addr, grpc::InsecureChannelCredentials()))) {}

absl::StatusOr<RequestCounts> GrpcMediaRequestCounter::CountUserRequests(
    int64_t user_id, absl::Time movie_since, absl::Time tv_since, const std::string& request_id) {
  const absl::Time now = absl::Now();
  grpc::ClientContext ctx;
  const std::string id = request_id.empty() ? NewRequestId() : request_id;
  ctx.AddMetadata(kRequestIdHeader, id);
  ctx.AddMetadata(auth::kAuthorizationHeader,
                  absl::StrCat("Bearer ", jwt_.SignServiceToken(kServiceName, now)));
  ctx.set_deadline(absl::ToChronoTime(now + timeout_));
  kiosk::media::v1::CountUserRequestsRequest request;
  request.set_user_id(user_id);
  ToTimestamp(movie_since, request.mutable_movie_since());
  ToTimestamp(tv_since, request.mutable_tv_since());
  kiosk::media::v1::CountUserRequestsResponse response;
  grpc::Status status = stub_->CountUserRequests(&ctx, request, &response);
  if (status.ok()) return RequestCounts{response.movie_count(), response.tv_count()};
  // gRPC's own text (addresses, socket errors) goes to the log; the caller
  // gets what is wrong and what to do. It must not read like gRPC's
  // "failed to connect" either: the gateway would then blame kiosk-users.
  log::Warn("media_call_failed")
      .With("rpc", "CountUserRequests")
      .With("addr", media_addr_)
      .With("request_id", id)
      .With("code", absl::StatusCodeToString(static_cast<absl::StatusCode>(status.error_code())))
      .With("error", status.error_message());
  switch (status.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
      return absl::UnavailableError(
          "cannot count the user's requests: kiosk-media is unreachable or unavailable; check that "
          "kiosk-media runs and is healthy and that kiosk-users' MEDIA_ADDR points to it");
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return absl::UnavailableError(absl::StrCat(
          "cannot count the user's requests: kiosk-media did not answer within ",
          absl::FormatDuration(timeout_),
          "; check that kiosk-media and its database are healthy and that kiosk-users' MEDIA_ADDR "
          "points to it"));
    default:
      return absl::InternalError(absl::StrCat(
          "kiosk-media refused to count the user's requests: ", FromGrpcStatus(status).ToString(),
          "; check that kiosk-media is up to date and shares kiosk-users' SECRET_KEY"));
  }
}

}  // namespace kiosk::users
