// "Retry after N seconds" carried on an absl::Status from the logic layer to
// the caller: the gRPC edge (common/server/unary.h) sends it as the trailing
// metadata `retry-after`, and the gateway as the HTTP Retry-After header.
//
//   return WithRetryAfter(absl::ResourceExhaustedError("too many failed logins"),
//                         absl::Seconds(30));
#ifndef KIOSK_COMMON_RETRY_AFTER_H_
#define KIOSK_COMMON_RETRY_AFTER_H_

#include <cstdint>
#include <optional>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace kiosk {

inline constexpr char kRetryAfterMetadata[] = "retry-after";

// `status` with the delay attached (whole seconds, at least 1).
absl::Status WithRetryAfter(absl::Status status, absl::Duration after);
// The attached delay in seconds, if any.
std::optional<int64_t> RetryAfterSeconds(const absl::Status& status);

}  // namespace kiosk

#endif  // KIOSK_COMMON_RETRY_AFTER_H_
