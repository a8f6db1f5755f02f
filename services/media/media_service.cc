#include "services/media/media_service.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "common/server/authenticated.h"

namespace kiosk::media {
namespace {

// The largest valid google.protobuf.Timestamp: 9999-12-31T23:59:59Z.
constexpr int64_t kMaxTimestampSeconds = 253402300799;

// A request time bound; unset = since the beginning. Times before 1970 are
// read as 1970: no request is older.
absl::StatusOr<absl::Time> SinceTime(const google::protobuf::Timestamp& since, const char* field) {
  if (since.seconds() > kMaxTimestampSeconds || since.nanos() < 0 || since.nanos() > 999999999) {
    return absl::InvalidArgumentError(absl::StrCat(field, " is not a valid timestamp"));
  }
  if (since.seconds() < 0) return absl::UnixEpoch();
  return absl::FromUnixSeconds(since.seconds()) + absl::Nanoseconds(since.nanos());
}

}  // namespace

grpc::ServerUnaryReactor* MediaServiceImpl::CountUserRequests(
    grpc::CallbackServerContext* ctx, const v1::CountUserRequestsRequest* request,
    v1::CountUserRequestsResponse* response) {
  return server::ServeAuthenticated(
      ctx, executor_, authenticator_, server::kPasswordChangeRequired,
      [this, request, response](const auth::Caller& caller) -> absl::Status {
        if (absl::Status s = auth::RequireService(caller); !s.ok()) return s;
        if (request->user_id() <= 0) {
          return absl::InvalidArgumentError("user_id must be a user id (> 0)");
        }
        absl::StatusOr<absl::Time> movie_since = SinceTime(request->movie_since(), "movie_since");
        if (!movie_since.ok()) return movie_since.status();
        absl::StatusOr<absl::Time> tv_since = SinceTime(request->tv_since(), "tv_since");
        if (!tv_since.ok()) return tv_since.status();
        absl::StatusOr<RequestCounts> counts =
            request_counts_.CountUserRequests(request->user_id(), *movie_since, *tv_since);
        if (!counts.ok()) return counts.status();
        response->set_movie_count(counts->movie);
        response->set_tv_count(counts->tv);
        return absl::OkStatus();
      });
}

}  // namespace kiosk::media
