// How many media requests a user made: what kiosk-users needs to report
// quotas. An interface so the transport does not depend on PostgreSQL.
//
//   ASSIGN_OR_RETURN(RequestCounts counts,
//                    store.CountUserRequests(user_id, movie_since, tv_since));
#ifndef KIOSK_SERVICES_MEDIA_REQUEST_COUNTS_STORE_H_
#define KIOSK_SERVICES_MEDIA_REQUEST_COUNTS_STORE_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace kiosk::media {

struct RequestCounts {
  int movie = 0;
  int tv = 0;
};

class RequestCountsStore {
 public:
  virtual ~RequestCountsStore() = default;

  // Requests of `user_id` that use quota (every status but declined and
  // cancelled): films created at or after `movie_since`, series created at
  // or after `tv_since`. An unknown user has none.
  virtual absl::StatusOr<RequestCounts> CountUserRequests(int64_t user_id, absl::Time movie_since,
                                                          absl::Time tv_since) = 0;
};

}  // namespace kiosk::media

#endif  // KIOSK_SERVICES_MEDIA_REQUEST_COUNTS_STORE_H_
