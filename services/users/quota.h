// Request quotas of kiosk-users: per user and media type (films, series), at
// most `limit` requests within a rolling window of `window_days` days. The
// limit and the window are the user's own (users.users.movie_quota_limit,
// ...) or, when unset, the system settings quota.movie_limit,
// quota.movie_days, quota.tv_limit and quota.tv_days. The requests live in
// kiosk-media's database, so usage is counted there, behind
// MediaRequestCounter (gRPC in production, a fake in tests).
//
//   Quotas quotas(store, counter);
//   absl::StatusOr<UserQuota> quota = quotas.Get(caller, /*user_id=*/0, request_id);
#ifndef KIOSK_SERVICES_USERS_QUOTA_H_
#define KIOSK_SERVICES_USERS_QUOTA_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/auth/caller.h"
#include "services/users/user_store.h"

namespace kiosk::users {

// Requests that use quota (neither declined nor cancelled), per media type.
struct RequestCounts {
  int movie = 0;
  int tv = 0;
};

// Counts a user's requests where they are stored (kiosk-media).
class MediaRequestCounter {
 public:
  virtual ~MediaRequestCounter() = default;

  // Films created at or after `movie_since`, series at or after `tv_since`.
  // `request_id` (may be empty) is passed on for the logs.
  virtual absl::StatusOr<RequestCounts> CountUserRequests(int64_t user_id, absl::Time movie_since,
                                                          absl::Time tv_since,
                                                          const std::string& request_id) = 0;
};

struct QuotaWindow {
  int limit = 0;  // requests per window; 0 = unlimited
  int window_days = 0;
  int used = 0;
  int remaining = -1;       // limit - used, never below 0; -1 when unlimited
  absl::Time window_start;  // now - window_days, at microsecond precision

  bool unlimited() const { return limit == 0; }
};

struct UserQuota {
  int64_t user_id = 0;
  QuotaWindow movie;
  QuotaWindow tv;
};

class Quotas {
 public:
  Quotas(
      UserStore& store, MediaRequestCounter& counter,
      std::function<absl::Time()> clock = [] { return absl::Now(); })
      : store_(store), counter_(counter), clock_(std::move(clock)) {}

  // The quota of `user_id` (0 = the caller). A user reads his own, admins
  // and services anyone's (PERMISSION_DENIED otherwise; a service must name
  // the user); NOT_FOUND for an unknown user; UNAVAILABLE when the counter
  // cannot be reached.
  absl::StatusOr<UserQuota> Get(const auth::Caller& caller, int64_t user_id,
                                const std::string& request_id);

 private:
  UserStore& store_;
  MediaRequestCounter& counter_;
  std::function<absl::Time()> clock_;
};

}  // namespace kiosk::users

#endif  // KIOSK_SERVICES_USERS_QUOTA_H_
