// Request ids: taken from the caller's `x-request-id` when acceptable,
// generated otherwise, and carried through every hop (gateway, services) so
// one id finds every log line of a request.
#ifndef KIOSK_COMMON_REQUEST_ID_H_
#define KIOSK_COMMON_REQUEST_ID_H_

#include <string>

#include "absl/strings/string_view.h"

namespace kiosk {

inline constexpr char kRequestIdHeader[] = "x-request-id";

// 32 lowercase hex characters from a CSPRNG-seeded generator.
std::string NewRequestId();
// Ids from callers are kept when 1..128 characters of [A-Za-z0-9._:-].
bool IsAcceptableRequestId(absl::string_view id);

}  // namespace kiosk

#endif  // KIOSK_COMMON_REQUEST_ID_H_
